"""Progress while training: a rich bar per epoch on a terminal, plain log lines otherwise
(a pipe, a file, or a terminal that cannot redraw a line: TERM=dumb)."""

from __future__ import annotations

import time
from typing import IO, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from backprop_tui.core.cnn.train import Evaluation, TrainState
from backprop_tui.i18n import _, ngettext


def live_terminal(console: Console) -> bool:
    """Whether `console` can redraw a progress bar in place. A dumb terminal (TERM=dumb or
    unknown) is a terminal, but rich shows a live bar there only once it has finished, so the
    whole epoch would pass in silence: it gets plain lines instead."""
    return console.is_terminal and not console.is_dumb_terminal


def epoch_line(result: dict[str, Any], epochs: int) -> str:
    """One line summarising a finished epoch."""
    return _("epoch {epoch}/{epochs}: train loss {train_loss}, train accuracy {train_accuracy}, test loss "
             "{test_loss}, test accuracy {test_accuracy}, {rate} images/s, {seconds} s").format(
        epoch=result["epoch"], epochs=epochs, train_loss=f"{result['train_loss']:.4f}",
        train_accuracy=f"{result['train_accuracy']:.2%}", test_loss=f"{result['test_loss']:.4f}",
        test_accuracy=f"{result['test_accuracy']:.2%}", rate=f"{result['images_per_second']:.0f}",
        seconds=f"{result['train_seconds']:.1f}")


class RichProgress:
    """A rich progress bar per epoch with loss, accuracy, images/s and ETA."""

    def __init__(self, console: Console, epochs: int):
        self.console = console
        self.epochs = epochs
        self.progress = Progress(
            TextColumn("[bold]{task.fields[label]}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[stats]}"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self.task: TaskID | None = None
        self.test_task: TaskID | None = None
        self._last = 0.0

    def __enter__(self) -> RichProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def on_epoch_start(self, epoch: int, batches: int, state: TrainState) -> None:
        self.task = self.progress.add_task("train", total=batches, completed=state.batch,
                                           label=_("epoch {epoch}/{epochs}").format(epoch=epoch + 1, epochs=self.epochs),
                                           stats="")

    def on_batch(self, state: TrainState, batches: int, lr: float) -> None:
        now = time.monotonic()
        if now - self._last < 0.1 and state.batch < batches:
            return
        self._last = now
        assert self.task is not None
        rate = state.seen / state.seconds if state.seconds else 0.0
        stats = _("loss {loss}  acc {accuracy}  {rate} img/s").format(
            loss=f"{state.loss_sum / max(state.seen, 1):.4f}", accuracy=f"{state.correct / max(state.seen, 1):.2%}",
            rate=f"{rate:.0f}")
        self.progress.update(self.task, completed=state.batch, stats=stats)

    def on_evaluate(self, done: int, total: int) -> None:
        """The end-of-epoch test evaluation, as a second bar under the epoch's."""
        if self.test_task is None:
            self.test_task = self.progress.add_task("test", total=total, completed=0, label=_("test set"),
                                                    stats=_("evaluating the epoch's weights"))
        self.progress.update(self.test_task, completed=done)

    def on_test(self, test: Evaluation, state: TrainState) -> None:
        """The epoch's test evaluation: the epoch line that follows says what matters of it."""

    def on_epoch_end(self, result: dict[str, Any], state: TrainState) -> None:
        if self.test_task is not None:
            self.progress.remove_task(self.test_task)
            self.test_task = None
        self.progress.console.print(epoch_line(result, self.epochs), highlight=False)


class PlainProgress:
    """Log lines for pipes and files: a few per epoch, and one per finished epoch."""

    def __init__(self, stream: IO[str], epochs: int, lines_per_epoch: int = 5):
        self.stream = stream
        self.epochs = epochs
        self.lines_per_epoch = lines_per_epoch
        self._every = 1
        self._eval_part: int | None = None

    def __enter__(self) -> PlainProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stream.flush()

    def on_epoch_start(self, epoch: int, batches: int, state: TrainState) -> None:
        self._every = max(1, batches // self.lines_per_epoch)
        print(ngettext("epoch {epoch}/{epochs}: {count} batch", "epoch {epoch}/{epochs}: {count} batches", batches).format(
            epoch=epoch + 1, epochs=self.epochs, count=batches), file=self.stream, flush=True)

    def on_batch(self, state: TrainState, batches: int, lr: float) -> None:
        if state.batch % self._every and state.batch != batches:
            return
        rate = state.seen / state.seconds if state.seconds else 0.0
        eta = (batches - state.batch) * (state.seconds / max(state.batch, 1))
        print("  " + _("batch {batch}/{batches}: loss {loss}, accuracy {accuracy}, {rate} images/s, lr {lr}, "
                       "ETA {eta} s").format(
            batch=state.batch, batches=batches, loss=f"{state.loss_sum / max(state.seen, 1):.4f}",
            accuracy=f"{state.correct / max(state.seen, 1):.2%}", rate=f"{rate:.0f}", lr=f"{lr:.4g}",
            eta=f"{eta:.0f}"), file=self.stream, flush=True)

    def on_evaluate(self, done: int, total: int) -> None:
        """A line when the test evaluation has begun and a few while it runs (as many as an
        epoch's batches get), so a long evaluation is never silent."""
        part = done * self.lines_per_epoch // max(total, 1)
        if self._eval_part is not None and (part == self._eval_part or done >= total):
            return
        self._eval_part = part
        print("  " + ngettext("testing: {done}/{count} test image", "testing: {done}/{count} test images", total).format(
            done=done, count=total), file=self.stream, flush=True)

    def on_test(self, test: Evaluation, state: TrainState) -> None:
        """The epoch's test evaluation: the epoch line that follows says what matters of it."""

    def on_epoch_end(self, result: dict[str, Any], state: TrainState) -> None:
        self._eval_part = None
        print(epoch_line(result, self.epochs), file=self.stream, flush=True)
