"""What the training screen has heard of a run: batch losses, learning rates, finished epochs.

Plain data, filled on the UI thread from the worker's messages; the charts and the progress
line are drawn from it alone (no clock is read here), so a recorded run draws the same picture
every time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Position:
    """Where the run stands: epoch (0-based, the one running), batches done of `batches`, and
    this epoch's images and training seconds so far."""

    epoch: int = 0
    batch: int = 0
    batches: int = 0
    seen: int = 0
    seconds: float = 0.0
    testing: tuple[int, int] | None = None
    """(test images evaluated, test images) while the end-of-epoch evaluation runs."""


@dataclass
class TrainingRecord:
    """Everything the charts show, in epochs on the x axis (batch b of epoch e is e + b/batches)."""

    epochs: int
    batch_x: list[float] = field(default_factory=list)
    batch_loss: list[float] = field(default_factory=list)
    batch_lr: list[float] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    position: Position = field(default_factory=Position)
    version: int = 0
    """Counts the changes to what the charts show, so a chart redraws only after one."""

    def add_batches(self, points: list[tuple[float, float, float]]) -> None:
        """(x, loss, learning rate) of batches trained since the last call."""
        for x, loss, lr in points:
            self.batch_x.append(x)
            self.batch_loss.append(loss)
            self.batch_lr.append(lr)
        self.version += 1

    def add_epoch(self, row: dict[str, Any]) -> None:
        """A finished epoch's row of the history (the checkpoint's and the metrics file's)."""
        self.history.append(dict(row))
        self.version += 1

    def images_per_second(self) -> float:
        p = self.position
        return p.seen / p.seconds if p.seconds > 0 else 0.0

    def seconds_left(self) -> tuple[float, float] | None:
        """(seconds left in this epoch, seconds left in the run), from this epoch's training
        speed and the last evaluation's duration; None before the first batch was timed."""
        p = self.position
        if p.batch == 0 or p.seconds <= 0 or p.batches == 0:
            return None
        per_batch = p.seconds / p.batch
        evaluation = float(self.history[-1].get("eval_seconds", 0.0)) if self.history else 0.0
        epoch_left = (p.batches - p.batch) * per_batch + (0.0 if p.testing else evaluation)
        later = max(self.epochs - p.epoch - 1, 0) * (p.batches * per_batch + evaluation)
        return epoch_left, epoch_left + later


def thinned(x: list[float], y: list[float], most: int = 400) -> tuple[list[float], list[float]]:
    """At most `most` points: the mean of consecutive runs, so a long run's chart stays cheap to
    draw (a chart is a few dozen columns wide; thousands of points would add nothing)."""
    if len(x) <= most:
        return list(x), list(y)
    edges = np.linspace(0, len(x), most + 1).astype(int)
    xs, ys = np.asarray(x), np.asarray(y)
    return ([float(xs[a:b].mean()) for a, b in zip(edges[:-1], edges[1:])],
            [float(ys[a:b].mean()) for a, b in zip(edges[:-1], edges[1:])])


def clock(seconds: float) -> str:
    """7:05, 1:02:03: a duration for a progress line."""
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
