"""The training screen (train --watch) driven headless on small real runs, and its snapshot."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from backprop_tui.core.cnn.checkpoint import load_checkpoint
from backprop_tui.cli.main import main
from backprop_tui.tui.screens.training import TrainingScreen
from backprop_tui.tui.training_app import ScreenApp
from backprop_tui.tui.widgets.training_panels import ConfusionPanel, GalleryPanel, RecordChart
from backprop_tui.tui.widgets.training_record import Position

from support.fashion_data import fashion_like
from test_cnn_cli import isolated, small_scenario  # noqa: F401  (fixtures)
from watch_support import GatedJob, RecordedJob, screen_text, wait_for, watch_job

SIZE = (120, 36)


def flags(synthetic_dir: Path, ckpt: Path, *more: str) -> list[str]:
    return ["--data-dir", str(synthetic_dir), "--no-verify", "--checkpoint", str(ckpt), *more]


async def test_a_run_shows_progress_charts_and_the_confusion_matrix(isolated: Path, synthetic_dir: Path,  # noqa: F811
                                                                    small_scenario: Path) -> None:  # noqa: F811
    ckpt = isolated / "run.npz"
    job = watch_job(str(small_scenario), "--epochs", "1", *flags(synthetic_dir, ckpt))
    app = ScreenApp(TrainingScreen(job))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, TrainingScreen)
        await wait_for(pilot, lambda: screen.ended is not None)
        assert job.finished and screen.ended.startswith("finished 1 epoch: test accuracy")
        assert len(screen.record.history) == 1 and len(screen.record.batch_loss) == 19  # 600 images / 32
        assert all(chart.record is screen.record for chart in screen.query(RecordChart))
        text = screen_text(app)
        assert "training loss per batch" in text and "test loss and accuracy per epoch" in text
        assert "learning rate" in text
        assert "test set after epoch 1:" in text and "true \\ said" in text
        assert "wrong:" in text or "0 of 200" in text
        assert "first convolution: 4 filters 3x3" in text
        await pilot.press("q")
    assert load_checkpoint(ckpt).state.epoch == 1


async def test_q_writes_a_checkpoint_that_resume_continues_bit_exactly(isolated: Path, synthetic_dir: Path,  # noqa: F811
                                                                       small_scenario: Path) -> None:  # noqa: F811
    stopped, whole = isolated / "stopped.npz", isolated / "whole.npz"
    job = watch_job(str(small_scenario), *flags(synthetic_dir, stopped))
    gated = GatedJob(job, epoch=1, batch=1)
    app = ScreenApp(TrainingScreen(gated))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: (screen.record.position.epoch, screen.record.position.batch) == (1, 1))
        await pilot.press("q")
        assert screen.stopping
        gated.gate.set()
        await wait_for(pilot, lambda: screen.ended is not None)
        assert screen.ended.startswith("interrupted (q): finished batch 1 of epoch 2 and wrote ")
        assert "continue with: backprop-tui train --resume --checkpoint" in screen.ended
        assert screen.ended.endswith(" --watch")
        assert "continue with:" in screen_text(app)
        await pilot.press("q")
    assert job.finished is False
    state = load_checkpoint(stopped).state
    assert (state.epoch, state.batch, len(state.history)) == (1, 1, 1)

    resumed = GatedJob(watch_job("--resume", *flags(synthetic_dir, stopped)), epoch=1, batch=2)
    app = ScreenApp(TrainingScreen(resumed))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: screen.record.position.batch == 2)
        assert screen.record.history == state.history  # the charts start from the stored history
        assert "test acc" in screen_text(app)
        resumed.gate.set()
        await wait_for(pilot, lambda: screen.ended is not None)
        assert resumed.finished and len(screen.record.history) == 2
        await pilot.press("q")

    assert main(["train", str(small_scenario), *flags(synthetic_dir, whole)]) == 0
    a, b = load_checkpoint(stopped), load_checkpoint(whole)
    assert a.params.keys() == b.params.keys()
    for name in a.params:
        assert np.array_equal(a.params[name], b.params[name]), name
    assert [row["test_loss"] for row in a.state.history] == [row["test_loss"] for row in b.state.history]


def picker_text(app: ScreenApp) -> str:
    """The picker's view as plain text."""
    import io

    from rich.console import Console

    console = Console(width=100, record=True, file=io.StringIO(), color_system=None)
    console.print(app.screen.query_one("#picker-view").content)
    return console.export_text()


def recorded_app() -> ScreenApp:
    images, labels = fashion_like(200, 11)
    job = RecordedJob(images, labels, epochs=4, batches=19)
    return ScreenApp(TrainingScreen(job, train=False))


async def fill_with_a_recorded_run(pilot) -> None:
    """Three finished epochs and part of the fourth, with fixed numbers."""
    screen = pilot.app.screen
    labels = screen.job.test_labels
    rng = np.random.default_rng(3)
    for epoch in range(1, 4):
        wrong = rng.random(len(labels)) < 0.4 / epoch
        predictions = np.where(wrong, (labels + 1 + rng.integers(0, 3, len(labels))) % 10, labels)
        probabilities = np.full((len(labels), 10), 0.02, np.float32)
        probabilities[np.arange(len(labels)), predictions] = 0.82
        x0 = epoch - 1
        screen.record.add_batches([(x0 + b / 19, 2.3 / (1 + x0 * 19 + b) ** 0.4, 0.05 * (1 - (x0 + b / 19) / 4))
                                   for b in range(1, 20)])
        screen.show_epoch({"epoch": epoch, "train_loss": 1.2 / epoch, "train_accuracy": 0.6 + 0.1 * epoch,
                           "test_loss": 1.0 / epoch, "test_accuracy": float((predictions == labels).mean()),
                           "learning_rate": 0.05 * (1 - epoch / 4), "train_seconds": 2.0,
                           "images_per_second": 300.0, "eval_seconds": 0.5},
                          labels, predictions, probabilities)
    screen.record.add_batches([(3 + b / 19, 2.3 / (1 + 57 + b) ** 0.4, 0.05 * (1 - (3 + b / 19) / 4))
                               for b in range(1, 8)])
    screen.record.position = Position(3, 7, 19, 224, 0.75)
    screen.redraw()
    await pilot.pause()


def test_snapshot_of_a_recorded_run(snap_compare) -> None:
    assert snap_compare(recorded_app(), terminal_size=SIZE, run_before=fill_with_a_recorded_run)


async def test_the_gallery_pages(isolated: Path) -> None:  # noqa: F811
    app = recorded_app()
    async with app.run_test(size=SIZE) as pilot:
        await fill_with_a_recorded_run(pilot)
        gallery = app.screen.query_one(GalleryPanel)
        assert gallery.pages() > 1 and gallery.page == 0
        await pilot.press("n")
        assert gallery.page == 1 and f"(page 2/{gallery.pages()})" in screen_text(app)
        await pilot.press("p", "p")
        assert gallery.page == 0
        assert app.screen.query_one(ConfusionPanel) is not None


async def test_a_checkpoint_opens_read_only_with_its_gallery_and_picker(isolated: Path, synthetic_dir: Path,  # noqa: F811
                                                                         small_scenario: Path) -> None:  # noqa: F811
    import argparse

    from textual.widgets import Input

    from backprop_tui.cli.cnn_browse import browse_screen
    from backprop_tui.tui.screens.browse import PickerScreen

    ckpt = isolated / "run.npz"
    assert main(["train", str(small_scenario), "--epochs", "1", *flags(synthetic_dir, ckpt)]) == 0
    stored = load_checkpoint(ckpt)
    screen = browse_screen(argparse.Namespace(checkpoint=str(ckpt), data_dir=str(synthetic_dir), no_verify=True))
    app = ScreenApp(screen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert screen.record.history == stored.state.history and not screen.running
        text = screen_text(app)
        assert "test set with the weights of epoch 1:" in text and "all 1 epoch trained" in text
        assert "read-only: 1 of 1 epoch trained" in text
        gallery = screen.query_one(GalleryPanel)
        accuracy = stored.state.history[-1]["test_accuracy"]
        assert len(gallery._wrong) == round((1 - accuracy) * 200)  # the same weights, the same mistakes
        if gallery.pages() > 1:
            await pilot.press("n")
            assert gallery.page == 1
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.press("5")
        await pilot.pause()
        assert app.screen.query_one(Input).value == "5"
        text = picker_text(app)
        assert "test image 5: true class" in text and "probability" in text and "(true)" in text
        await pilot.press("9", "9", "9")
        await pilot.pause()
        assert "5999: the test set has images 0 to 199" in picker_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("q")


def drive_to_the_end(shown: list) -> object:
    """A ScreenApp.run that drives the app headless until its run ends, then presses q."""
    import asyncio

    def run(app: ScreenApp) -> None:
        async def drive() -> None:
            async with app.run_test(size=SIZE) as pilot:
                screen = app.screen
                shown.append(screen)
                await wait_for(pilot, lambda: not screen.running)
                await pilot.press("q")

        asyncio.run(drive())

    return run


def test_train_watch_on_a_terminal_trains_on_the_screen_and_prints_the_report(
        isolated: Path, synthetic_dir: Path, small_scenario: Path, monkeypatch, capsys) -> None:  # noqa: F811
    import sys

    shown: list = []
    monkeypatch.setattr(ScreenApp, "run", drive_to_the_end(shown))
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    ckpt = isolated / "run.npz"
    assert main(["train", "--watch", str(small_scenario), "--epochs", "1", *flags(synthetic_dir, ckpt)]) == 0
    assert isinstance(shown[0], TrainingScreen) and shown[0].ended.startswith("finished 1 epoch")
    assert "small after 1 epoch: test accuracy" in capsys.readouterr().out
    assert load_checkpoint(ckpt).state.epoch == 1


def test_train_watch_without_a_terminal_is_batch_mode(isolated: Path, synthetic_dir: Path,  # noqa: F811
                                                      small_scenario: Path, capsys) -> None:  # noqa: F811
    ckpt = isolated / "run.npz"
    assert main(["train", "--watch", str(small_scenario), "--epochs", "1", *flags(synthetic_dir, ckpt)]) == 0
    out, err = capsys.readouterr()
    assert "--watch needs a terminal" in err and "epoch 1/1: train loss" in out


def test_opening_a_checkpoint_shows_it_read_only(isolated: Path, synthetic_dir: Path,  # noqa: F811
                                                small_scenario: Path, monkeypatch, capsys) -> None:  # noqa: F811
    import sys

    from backprop_tui.tui.screens.browse import BrowseScreen

    ckpt = isolated / "run.npz"
    assert main(["train", str(small_scenario), "--epochs", "1", *flags(synthetic_dir, ckpt)]) == 0
    shown: list = []
    monkeypatch.setattr(ScreenApp, "run", drive_to_the_end(shown))
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    # no --data-dir: the test set comes from the folder the checkpoint records, checked by content
    assert main([str(ckpt)]) == 0
    assert isinstance(shown[0], BrowseScreen) and len(shown[0].record.history) == 1


def test_opening_a_cnn_scenario_trains_it_on_the_screen(isolated: Path, synthetic_dir: Path,  # noqa: F811
                                                        small_scenario: Path, monkeypatch, capsys) -> None:  # noqa: F811
    import sys

    shown: list = []
    monkeypatch.setattr(ScreenApp, "run", drive_to_the_end(shown))
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setenv("FASHION_MNIST_DIR", str(synthetic_dir))
    # the synthetic files fail the official checksums: the same refusal `train` gives, not "stepped through"
    assert main([str(small_scenario)]) == 2
    err = capsys.readouterr().err
    assert "not stepped through" not in err and "--no-verify" in err


async def test_a_signal_writes_the_checkpoint_and_closes_the_screen(isolated: Path, synthetic_dir: Path,  # noqa: F811
                                                                    small_scenario: Path) -> None:  # noqa: F811
    ckpt = isolated / "run.npz"
    job = GatedJob(watch_job(str(small_scenario), *flags(synthetic_dir, ckpt)), epoch=0, batch=3)
    app = ScreenApp(TrainingScreen(job))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: screen.record.position.batch >= 1)
        job.session.stop.ask("SIGTERM", 143)  # what stop_on_signals does on SIGTERM
        job.gate.set()
        await wait_for(pilot, lambda: app._exit, timeout=30)  # no q needed
    assert job.finished is False and job.leave
    assert (load_checkpoint(ckpt).state.epoch, load_checkpoint(ckpt).state.batch) == (0, 3)


async def test_sighup_writes_the_checkpoint_and_ends_the_process(isolated: Path, synthetic_dir: Path,  # noqa: F811
                                                                 small_scenario: Path, monkeypatch) -> None:  # noqa: F811
    from backprop_tui.cli import cnn_watch

    ended: list[int] = []
    monkeypatch.setattr(cnn_watch.os, "_exit", lambda code: ended.append(code))  # the terminal is gone
    ckpt = isolated / "run.npz"
    job = GatedJob(watch_job(str(small_scenario), *flags(synthetic_dir, ckpt)), epoch=0, batch=2)
    app = ScreenApp(TrainingScreen(job))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: screen.record.position.batch >= 1)
        job.session.stop.ask("SIGHUP", 129)
        job.gate.set()
        await wait_for(pilot, lambda: bool(ended), timeout=30)
        assert ended == [129]
        assert (load_checkpoint(ckpt).state.epoch, load_checkpoint(ckpt).state.batch) == (0, 2)
        await pilot.press("q")


async def test_at_80x24_the_panels_stack_and_scroll() -> None:
    app = recorded_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_with_a_recorded_run(pilot)
        screen = app.screen
        assert screen.has_class("narrow")
        results = screen.query_one("#results")
        assert results.max_scroll_y > 0 and results.scroll_y == 0
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: results.scroll_y > 0)
        await pilot.resize_terminal(120, 36)
        await wait_for(pilot, lambda: not screen.has_class("narrow"))
