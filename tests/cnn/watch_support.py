"""Helpers for the training-screen tests: a prepared run, waiting on conditions, a recorded run."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from textual.pilot import Pilot

from backprop_tui.cli.cnn_output import StopRequest
from backprop_tui.cli.cnn_session import prepare_training
from backprop_tui.cli.cnn_watch import WatchJob
from backprop_tui.cli.main import build_parser


def train_args(*words: str) -> Any:
    """`backprop-tui train WORDS...` parsed as the CLI parses it."""
    parser, _ = build_parser()
    return parser.parse_args(["train", *words])


def watch_job(*words: str) -> WatchJob:
    """The job `train --watch WORDS...` shows, prepared as the CLI prepares it."""
    return WatchJob(prepare_training(train_args("--watch", *words), StopRequest()))


async def wait_for(pilot: Pilot, condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Let the app run until `condition()` holds; fail after `timeout` seconds (never a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await pilot.pause(0.05)
    await pilot.pause()


def screen_text(app: Any) -> str:
    """What the terminal shows now, line by line, without styles."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


class RecordedJob:
    """A finished run replayed from fixed numbers (for the snapshot): nothing is trained."""

    def __init__(self, images: np.ndarray, labels: np.ndarray, epochs: int, batches: int) -> None:
        self.title = "recorded: 600 training images, 200 test images; checkpoint run.npz"
        self.epochs, self.batches = epochs, batches
        self.history: list[dict[str, Any]] = []
        self.start = (0, 0)
        self.leave = False
        self.test_images, self.test_labels = images, labels
        self.class_names = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                            "Sneaker", "Bag", "Ankle boot")
        rng = np.random.default_rng(7)
        self.weights = rng.standard_normal((8, 1, 3, 3)).astype(np.float32)

    def filters(self) -> np.ndarray:
        return self.weights

    def run(self, reporter: Any) -> str:
        raise AssertionError("a recorded job is shown, never trained")

    def request_stop(self, reason: str) -> None:
        raise AssertionError("a recorded job is not running")


class GatedJob:
    """A real job whose worker waits after batch `batch` of epoch `epoch` (0-based) until the
    test opens the gate, so a key pressed in between lands at a known batch, however fast the
    machine."""

    def __init__(self, job: Any, epoch: int = 0, batch: int = 1) -> None:
        self.job = job
        self.at = (epoch, batch)
        self.gate = threading.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.job, name)

    def run(self, reporter: Any) -> str:
        inner = reporter.on_batch

        def on_batch(state: Any, batches: int, lr: float) -> None:
            inner(state, batches, lr)
            if (state.epoch, state.batch) == self.at and not self.gate.wait(timeout=60):
                raise AssertionError("the test never opened the gate")

        reporter.on_batch = on_batch
        return self.job.run(reporter)
