"""Report tables, the half-block picture and the two progress displays."""

from __future__ import annotations

import io

import numpy as np
from rich.console import Console

from backprop_tui.render.picture import UPPER_HALF, ascii_image, half_block_image
from backprop_tui.cli.progress import PlainProgress, RichProgress
from backprop_tui.render.cnn_report import confusion_matrix, full_report, per_class_accuracy
from backprop_tui.core.cnn.train import TrainState


def render(renderable, color: bool = False) -> str:
    console = Console(file=io.StringIO(), width=120, force_terminal=color, color_system="truecolor" if color else None)
    console.print(renderable)
    return console.file.getvalue()


def test_confusion_and_per_class_accuracy() -> None:
    labels = np.array([0, 0, 1, 1, 1, 9])
    predictions = np.array([0, 1, 1, 1, 0, 9])
    confusion = confusion_matrix(labels, predictions)
    assert confusion[0].tolist()[:2] == [1, 1] and confusion[1].tolist()[:2] == [1, 2] and confusion[9, 9] == 1
    assert confusion.sum() == 6
    accuracy = per_class_accuracy(confusion)
    assert accuracy[0] == 0.5 and accuracy[1] == 2 / 3 and accuracy[9] == 1.0 and np.isnan(accuracy[4])
    text = render(full_report(labels, predictions, "check"))
    assert "check: test accuracy 66.67% (4/6)" in text
    assert "Trouser" in text and "66.7%" in text and "Ankle boot" in text


def test_half_block_image_pairs_rows() -> None:
    image = np.zeros((4, 3), np.uint8)
    image[0] = 255  # top row white, the rest black
    text = half_block_image(image)
    assert text.plain == f"{UPPER_HALF * 3}\n{UPPER_HALF * 3}"
    colored = render(text, color=True)
    assert "38;2;255;255;255" in colored and "48;2;0;0;0" in colored  # white above black
    assert half_block_image(np.zeros((3, 2), np.uint8)).plain.count("\n") == 1  # odd height padded


def test_ascii_image_for_pipes() -> None:
    image = np.zeros((4, 3), np.uint8)
    image[0:2, 0] = 255
    image[2:4, 1] = 128
    assert ascii_image(image) == "@\n +"


def result(epoch: int) -> dict:
    return {"epoch": epoch, "train_loss": 0.5, "train_accuracy": 0.8, "test_loss": 0.4, "test_accuracy": 0.85,
            "images_per_second": 1234.0, "train_seconds": 2.0}


def test_plain_progress_lines() -> None:
    stream = io.StringIO()
    state = TrainState()
    with PlainProgress(stream, epochs=2, lines_per_epoch=2) as progress:
        progress.on_epoch_start(0, 4, state)
        for batch in range(1, 5):
            state.batch, state.seen, state.loss_sum, state.correct, state.seconds = batch, 10 * batch, 5.0 * batch, 8 * batch, 0.01 * batch
            progress.on_batch(state, 4, 0.1)
        progress.on_epoch_end(result(1), state)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "epoch 1/2: 4 batches"
    assert [line.split(":")[0] for line in lines[1:3]] == ["  batch 2/4", "  batch 4/4"]
    assert "loss 0.5000, accuracy 80.00%, 1000 images/s" in lines[1]
    assert lines[3].startswith("epoch 1/2: train loss 0.5000") and "test accuracy 85.00%" in lines[3]


def test_rich_progress_bar() -> None:
    console = Console(file=io.StringIO(), width=120, force_terminal=True)
    state = TrainState()
    with RichProgress(console, epochs=3) as progress:
        progress.on_epoch_start(1, 10, state)
        state.batch, state.seen, state.loss_sum, state.correct, state.seconds = 10, 640, 320.0, 512, 0.5
        progress.on_batch(state, 10, 0.1)
        progress.on_epoch_end(result(2), state)
    text = console.file.getvalue()
    assert "epoch 2/3" in text and "10/10" in text and "1280 img/s" in text and "acc 80.00%" in text
    assert "test accuracy 85.00%" in text
