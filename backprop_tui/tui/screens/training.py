"""Watch a CNN learn: progress, live charts, the confusion matrix, the mistakes and the filters.

Training runs on a thread worker; the worker only posts messages (at most a few a second while
batches run, one per finished epoch), and the screen draws from what they carried, so the
screen never waits for the training and the training never waits for a frame. The charts are
redrawn at most every two seconds: drawing them is the screen's largest cost, and every
millisecond it takes is one the training thread does not get.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from backprop_tui.core.errors import UserError
from backprop_tui.i18n import _, error_text, ngettext
from backprop_tui.tui.language import translate_bindings
from backprop_tui.tui.widgets.training_panels import (
    ConfusionPanel, FiltersPanel, GalleryPanel, RecordChart, draw_batch_loss, draw_learning_rate, draw_test,
)
from backprop_tui.tui.widgets.training_record import Position, TrainingRecord, clock


class TrainingJob(Protocol):
    """A run the screen shows: prepared by the CLI (which owns checkpoints and data)."""

    title: str
    epochs: int
    batches: int
    history: list[dict[str, Any]]
    """The epochs finished before the screen opened (a resumed run's), as the checkpoint holds them."""
    start: tuple[int, int]
    """(epoch, batch) where training starts."""
    test_images: np.ndarray
    test_labels: np.ndarray
    class_names: tuple[str, ...]
    leave: bool
    """Set once the run has ended when the app should close at once (a signal stopped it:
    SIGHUP means the terminal is gone); otherwise the screen stays until q."""

    def filters(self) -> np.ndarray | None:
        """A copy of the first convolution's weights (F, C, k, k), or None without one."""

    def run(self, reporter: Any) -> str:
        """Train to the end or to a stop (called on a worker thread); returns the closing line.
        Raises UserError when the run cannot go on (it diverged, a file cannot be written)."""

    def request_stop(self, reason: str) -> None:
        """Finish the batch, write the checkpoint, stop (thread-safe)."""


@dataclass
class BatchesTrained(Message):
    """Batches trained since the last message: (x in epochs, loss, learning rate) each, where
    the epoch stands, and the first layer's filters now."""

    points: list[tuple[float, float, float]]
    position: Position
    filters: np.ndarray | None


@dataclass
class TestProgress(Message):
    """The end-of-epoch test evaluation has evaluated `done` of `total` images."""

    done: int
    total: int


@dataclass
class EpochFinished(Message):
    """An epoch's row of the history, its test evaluation and the filters after it."""

    result: dict[str, Any]
    labels: np.ndarray
    predictions: np.ndarray
    probabilities: np.ndarray | None
    filters: np.ndarray | None


@dataclass
class RunEnded(Message):
    """The worker is done: the closing line, and whether it is an error."""

    text: str
    failed: bool


class LiveReporter:
    """The training loop's reporter on the worker thread: turns its calls into messages, a few a
    second while batches run (every batch's loss is kept and sent in the next message): each message
    costs a frame, and every frame takes the interpreter from the training thread."""

    def __init__(self, screen: Screen[Any], job: TrainingJob, every: float = 1.0) -> None:
        self.screen, self.job, self.every = screen, job, every
        self._points: list[tuple[float, float, float]] = []
        self._last = 0.0
        self._sum, self._seen = 0.0, 0
        self._test: Any = None

    def on_epoch_start(self, epoch: int, batches: int, state: Any) -> None:
        self._sum, self._seen = state.loss_sum, state.seen

    def on_batch(self, state: Any, batches: int, lr: float) -> None:
        loss = (state.loss_sum - self._sum) / max(state.seen - self._seen, 1)
        self._sum, self._seen = state.loss_sum, state.seen
        self._points.append((state.epoch + state.batch / batches, loss, lr))
        now = time.monotonic()
        if now - self._last >= self.every or state.batch in (1, batches):  # an epoch begins or ends
            self._last = now
            position = Position(state.epoch, state.batch, batches, state.seen, state.seconds)
            self.screen.post_message(BatchesTrained(self._points, position, self.job.filters()))
            self._points = []

    def on_evaluate(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last >= self.every or done == total:
            self._last = now
            self.screen.post_message(TestProgress(done, total))

    def on_test(self, test: Any, state: Any) -> None:
        self._test = test

    def on_epoch_end(self, result: dict[str, Any], state: Any) -> None:
        test = self._test
        self.screen.post_message(EpochFinished(dict(result), test.labels, test.predictions, test.probabilities,
                                               self.job.filters()))


BAR_WIDTH = 24


def progress_bar(fraction: float, width: int = BAR_WIDTH) -> str:
    """The epoch's progress as a bar of eighth blocks and a percentage ("████▌░░░░░ 45%"): one
    line of text, drawn with the progress line in one widget (Textual's ProgressBar is three
    widgets and a timer of its own, each frame of them taken from the training thread)."""
    fraction = min(max(fraction, 0.0), 1.0)
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    bar = "█" * full + (" ▏▎▍▌▋▊▉"[part] if part else "")
    return f"{bar:░<{width}} {fraction:4.0%}"


def progress_line(parts: list[tuple[str, int]], width: int) -> str:
    """The parts joined by two spaces; where that is wider than `width` columns (Hangul counts
    two), the parts of highest rank are left out, whole, until it fits (width 0: not laid out
    yet, nothing left out)."""
    shown = list(parts)
    while width > 0 and cell_len("  ".join(text for text, _rank in shown)) > width:
        rank = max(rank for _text, rank in shown)
        if rank == 0:
            break
        drop = max(index for index, (_text, r) in enumerate(shown) if r == rank)
        del shown[drop]
    return "  ".join(text for text, _rank in shown)


class TrainingScreen(Screen[None]):
    """Epoch and batch progress, three live charts, and after each epoch the confusion heat map,
    the misclassified gallery and the first layer's filters. `q` or Ctrl-C stops training after
    its batch (the checkpoint is written and the command that resumes is shown); then `q` leaves."""

    BINDINGS = [
        Binding("q", "stop_or_quit('q')", "Stop / quit", show=True, priority=True),
        Binding("ctrl+c", "stop_or_quit('Ctrl-C')", "Stop", show=False, priority=True),
        Binding("ctrl+q", "stop_or_quit('Ctrl-Q')", "Stop", show=False, priority=True),
        Binding("n", "page(1)", "Next mistakes", show=True),
        Binding("p", "page(-1)", "Previous mistakes", show=True),
        Binding("pagedown", "scroll_results(1)", "Scroll", show=False),
        Binding("pageup", "scroll_results(-1)", "Scroll", show=False),
    ]
    CHART_SECONDS = 2.0
    """How often the charts and filters are redrawn at most while training: every frame of
    them takes the interpreter from the training thread (see bench_watch.py)."""

    def __init__(self, job: TrainingJob, train: bool = True) -> None:
        super().__init__()
        self.job = job
        self.train_on_mount = train
        self.record = TrainingRecord(job.epochs, history=[dict(row) for row in job.history])
        self.record.position = Position(job.start[0], job.start[1], job.batches)
        self.running = False
        self.stopping = False
        self.ended: str | None = None
        self._charts_dirty = False
        self._filters: np.ndarray | None = None
        self.training_started = False
        """Whether the worker has been started (after the first frame)."""

    def compose(self) -> ComposeResult:
        yield Static(Text(self.job.title, style="bold"), id="run-title")
        with Horizontal(id="progress-row"):
            yield Static(id="progress-text")
        with Horizontal(id="charts"):
            yield RecordChart(draw_batch_loss, id="loss-chart")
            yield RecordChart(draw_test, id="test-chart")
            yield RecordChart(draw_learning_rate, id="lr-chart")
        with Horizontal(id="results"):
            with Vertical(id="left-results"):
                yield ConfusionPanel(Text(_("the confusion matrix appears when an epoch ends"), style="dim"),
                                     id="confusion")
                yield FiltersPanel(id="filters")
            yield GalleryPanel(id="gallery")
        yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        translate_bindings(self)  # the footer's key descriptions in the interface language
        self.query_one(FiltersPanel).show_filters(self.job.filters())
        self._draw_progress()
        self._redraw_charts()
        self.set_interval(self.CHART_SECONDS, self._charts_if_changed)
        if self.train_on_mount:
            self.running = True
            self._status(_("training; {key} or {other} stops after the batch and writes the checkpoint").format(
                key="q", other="Ctrl-C"))
            # the first frame (every panel laid out and drawn) is the screen's largest single
            # cost: training starts once it is out, so the two never compete for the interpreter
            self.call_after_refresh(self._start_training)

    def _start_training(self) -> None:
        self.training_started = True
        self.run_worker(self._train, thread=True, exclusive=True, name="training")

    WIDE = 118
    """Columns needed for the heat map and the gallery side by side (else they stack and scroll)."""

    def on_resize(self, event: Any) -> None:
        self.set_class(event.size.width < self.WIDE, "narrow")

    # -- the worker -------------------------------------------------------------------------------

    def _train(self) -> None:
        try:
            text = self.job.run(LiveReporter(self, self.job))
        except UserError as error:
            self.post_message(RunEnded(_("error: {message}").format(message=error_text(error)), True))
        except Exception as error:  # a bug: said on the screen, never a silent dead worker
            self.post_message(RunEnded(_("error: training stopped ({kind}: {detail})").format(
                kind=type(error).__name__, detail=error), True))
        else:
            self.post_message(RunEnded(text, False))

    # -- messages from the worker -----------------------------------------------------------------

    def on_batches_trained(self, message: BatchesTrained) -> None:
        self.record.add_batches(message.points)
        self.record.position = message.position
        self._charts_dirty = True
        self._filters = message.filters  # drawn with the charts, every two seconds
        self._draw_progress()

    def on_test_progress(self, message: TestProgress) -> None:
        self.record.position.testing = (message.done, message.total)
        self._draw_progress()

    def on_epoch_finished(self, message: EpochFinished) -> None:
        self.show_epoch(message.result, message.labels, message.predictions, message.probabilities)
        self.query_one(FiltersPanel).show_filters(message.filters)

    def on_run_ended(self, message: RunEnded) -> None:
        self.running = False
        if self.job.leave:
            self.app.exit()
            return
        self.ended = message.text
        self._status(_("{message}   ({key} leaves)").format(message=message.text, key="q"), error=message.failed)
        self._draw_progress()
        self._redraw_charts()

    # -- drawing ----------------------------------------------------------------------------------

    def show_epoch(self, result: dict[str, Any], labels: np.ndarray, predictions: np.ndarray,
                   probabilities: np.ndarray | None) -> None:
        """A finished epoch: its history row, and its evaluation as heat map and gallery."""
        self.record.add_epoch(result)
        self.record.position = Position(int(result["epoch"]), 0, self.record.position.batches)
        self.show_evaluation(labels, predictions, probabilities,
                             _("test set after epoch {epoch}").format(epoch=result["epoch"]))
        self._draw_progress()
        self._redraw_charts()

    def show_evaluation(self, labels: np.ndarray, predictions: np.ndarray, probabilities: np.ndarray | None,
                        heading: str) -> None:
        """The confusion heat map and the gallery of mistakes of one evaluation of the test set."""
        names = self.job.class_names
        self.query_one(ConfusionPanel).show_evaluation(labels, predictions, heading, names)
        self.query_one(GalleryPanel).show_mistakes(self.job.test_images, labels, predictions, probabilities, names)

    def redraw(self) -> None:
        """Draw the progress line and the charts from the record now."""
        self._draw_progress()
        self._redraw_charts()

    def _charts_if_changed(self) -> None:
        if self._charts_dirty:
            self._redraw_charts()
            if self._filters is not None:
                self.query_one(FiltersPanel).show_filters(self._filters)
                self._filters = None

    def _redraw_charts(self) -> None:
        self._charts_dirty = False
        for chart in self.query(RecordChart):  # each redraws only if the record changed
            chart.show(self.record)

    def _draw_progress(self) -> None:
        record, p = self.record, self.record.position
        # (text, rank): where the line is too narrow, the parts of highest rank go first, whole
        parts = [(progress_bar(p.batch / max(p.batches, 1) if p.epoch < record.epochs else 1.0), 0)]
        if p.epoch >= record.epochs:
            parts.append((ngettext("all {count} epoch trained", "all {count} epochs trained",
                                   record.epochs).format(count=record.epochs), 0))
        else:
            parts += [(_("epoch {epoch}/{epochs}").format(epoch=p.epoch + 1, epochs=record.epochs), 0),
                      (_("batch {batch}/{batches}").format(batch=p.batch, batches=p.batches), 1)]
            if p.testing is not None:
                parts.append((_("testing {done}/{total}").format(done=p.testing[0], total=p.testing[1]), 2))
            if p.seconds > 0:
                parts.append((_("{rate} img/s").format(rate=f"{record.images_per_second():,.0f}"), 4))
            left = record.seconds_left()
            if left is not None:
                parts.append((_("left: epoch {epoch}, run {run}").format(epoch=clock(left[0]), run=clock(left[1])), 3))
        if record.history:
            parts.append((_("test acc {accuracy}").format(accuracy=f"{record.history[-1]['test_accuracy']:.1%}"), 2))
        widget = self.query_one("#progress-text", Static)
        widget.update(progress_line(parts, widget.content_region.width), layout=False)

    def _status(self, text: str, error: bool = False) -> None:
        self.query_one("#status", Static).update(Text(text, style="bold red" if error else "bold"))

    # -- keys -------------------------------------------------------------------------------------

    def action_stop_or_quit(self, key: str) -> None:
        """While training: stop after the batch (once); afterwards: leave."""
        if self.running:
            if not self.stopping:
                self.stopping = True
                self.job.request_stop(key)
                self._status(_("stopping after this batch, then writing the checkpoint..."))
            return
        self.app.exit()

    def action_scroll_results(self, by: int) -> None:
        """Page the panels under the charts (they scroll on a narrow terminal)."""
        results = self.query_one("#results")
        if by > 0:
            results.scroll_page_down()
        else:
            results.scroll_page_up()

    def action_page(self, by: int) -> None:
        self.query_one(GalleryPanel).turn(by)
