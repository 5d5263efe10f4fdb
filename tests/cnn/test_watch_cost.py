"""What the training screen costs the training: messages at a fixed rate however fast the batches
come, and training that starts only once the first frame is drawn."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from backprop_tui.tui.screens import training
from backprop_tui.tui.screens.training import BatchesTrained, LiveReporter, TrainingScreen, progress_bar
from backprop_tui.tui.training_app import ScreenApp

from watch_support import RecordedJob, wait_for


class Posted:
    """Stands in for the screen: keeps what the reporter posts."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    def post_message(self, message: Any) -> None:
        self.messages.append(message)


def test_batch_messages_come_at_a_fixed_rate_not_per_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = SimpleNamespace(now=0.0)
    monkeypatch.setattr(training.time, "monotonic", lambda: clock.now)
    screen = Posted()
    job = SimpleNamespace(filters=lambda: None)
    reporter = LiveReporter(screen, job)  # type: ignore[arg-type]
    batches = 2000
    state = SimpleNamespace(epoch=0, batch=0, loss_sum=0.0, seen=0, seconds=0.0)
    reporter.on_epoch_start(0, batches, state)
    for batch in range(1, batches + 1):  # a batch every 10 ms: 20 s of training
        clock.now += 0.01
        state.batch, state.loss_sum, state.seen, state.seconds = batch, state.loss_sum + 0.5, batch * 32, clock.now
        reporter.on_batch(state, batches, 0.1)
    sent = [m for m in screen.messages if isinstance(m, BatchesTrained)]
    assert len(sent) <= 20 / 1.0 + 2  # at most one a second, and the epoch's first and last batch
    assert sum(len(m.points) for m in sent) == batches  # yet every batch's loss arrives


async def test_training_starts_after_the_first_frame(tmp_path) -> None:
    rng = np.random.default_rng(0)
    job = RecordedJob(rng.random((20, 28, 28)), rng.integers(0, 10, 20), 1, 5)
    seen: dict[str, Any] = {}
    app = ScreenApp(TrainingScreen(job))

    def run(reporter: Any) -> str:
        seen["frame drawn"] = app.screen.query_one("#progress-text").render_lines is not None and \
            any("epoch" in strip.text for strip in app.screen._compositor.render_strips())
        return "done"

    job.run = run  # type: ignore[method-assign]
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: "frame drawn" in seen)
        assert seen["frame drawn"]


def test_the_progress_bar_is_one_line_of_text() -> None:
    assert progress_bar(0.0) == "░" * 24 + "   0%"
    assert progress_bar(1.0) == "█" * 24 + " 100%"
    assert progress_bar(0.5).startswith("█" * 12 + "░") and progress_bar(0.5).endswith("50%")
