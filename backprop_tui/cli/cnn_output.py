"""Batch mode's output and interruptions: nothing a signal or a closed pipe does ends in a
traceback or loses an epoch.

- `GuardedOutput` stands in for stdout: a reader that goes away (`train | head`) is reported
  once, as a request to stop, and later writes are dropped; text the stream's encoding cannot
  hold (PYTHONIOENCODING=ascii, LC_ALL=C) is written in a readable ASCII form.
- `stop_on_signals` turns SIGINT, SIGTERM and SIGHUP into "finish the batch, write the
  checkpoint, stop"; a second one aborts at once.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any
from backprop_tui.cli.textout import encoder_test, transliterate
from backprop_tui.i18n import N_, _

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))
"""The signals that end a training run the way Ctrl-C does."""

OUTPUT_CLOSED = N_("the output was closed")
"""The stop reason after the reader went away (translated where it is shown); the others are
signal and key names, shown as they are."""

CLOSED_OUTPUT_EXIT = 128 + 13
"""Exit code after stdout was closed: what a shell reports for a process killed by SIGPIPE."""

def can_encode(stream: Any, text: str) -> bool:
    """Whether `stream`'s encoding holds every character of `text`."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


@dataclass
class StopRequest:
    """Why training should stop after the current batch, once something asked it to."""

    event: threading.Event = field(default_factory=threading.Event)
    reason: str = ""
    exit_code: int = 0
    training: bool = False
    """False while the data is loaded: there is no batch to finish then, so a signal stops at once."""

    def ask(self, reason: str, exit_code: int) -> None:
        """Ask the loop to stop after its batch (the first reason given is kept)."""
        if not self.event.is_set():
            self.reason, self.exit_code = reason, exit_code
            self.event.set()

    def is_set(self) -> bool:
        return self.event.is_set()


class Interrupted(BaseException):
    """A signal arrived before training began (nothing to save) or a second one during it.

    A BaseException, like KeyboardInterrupt, so no `except Exception` swallows it.
    """

    def __init__(self, signal_name: str, exit_code: int):
        super().__init__(signal_name)
        self.signal_name = signal_name
        self.exit_code = exit_code


class GuardedOutput:
    """A text stream over `stream` that survives a closed reader and a narrow encoding.

    The first BrokenPipeError asks `stop` to end training (a closed output is an interruption,
    like Ctrl-C) and points file descriptor 1 at /dev/null, so the interpreter's final flush
    cannot fail either; every later write is dropped.
    """

    def __init__(self, stream: IO[str], stop: StopRequest | None = None):
        self.stream = stream
        self.stop = stop
        self.closed_reader = False

    def write(self, text: str) -> int:
        if self.closed_reader:
            return len(text)
        try:
            if not can_encode(self.stream, text):
                text = transliterate(text, encoder_test(self.stream.encoding))
            self.stream.write(text)
        except BrokenPipeError:
            self._reader_gone()
        return len(text)

    def flush(self) -> None:
        if self.closed_reader:
            return
        try:
            self.stream.flush()
        except BrokenPipeError:
            self._reader_gone()

    def _reader_gone(self) -> None:
        self.closed_reader = True
        if self.stop is not None:
            self.stop.ask(OUTPUT_CLOSED, CLOSED_OUTPUT_EXIT)
        try:
            fileno = self.stream.fileno()
        except (AttributeError, OSError, ValueError):
            return
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fileno)
        os.close(devnull)

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:
        return getattr(self.stream, "encoding", None) or "utf-8"

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


@contextmanager
def guarded_stdout(stop: StopRequest | None = None) -> Iterator[GuardedOutput]:
    """sys.stdout (and sys.stderr for encoding only) guarded for the length of a command."""
    out, err = sys.stdout, sys.stderr
    guarded = GuardedOutput(out, stop)
    sys.stdout = guarded  # type: ignore[assignment]
    sys.stderr = GuardedOutput(err)  # type: ignore[assignment]
    try:
        yield guarded
    finally:
        sys.stdout, sys.stderr = out, err


@contextmanager
def stop_on_signals(stop: StopRequest) -> Iterator[StopRequest]:
    """SIGINT, SIGTERM, SIGHUP: before training, raise Interrupted (nothing to save); during
    training, the first asks the loop to stop after its batch, a second raises Interrupted."""
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum: int, frame: Any) -> None:
        name = signal.Signals(signum).name
        if not stop.training or stop.is_set():
            raise Interrupted(name, 128 + signum)
        stop.ask("Ctrl-C" if signum == signal.SIGINT else name, 128 + signum)
        print("\n" + _("stopping after this batch ({signal}; again to abort without a checkpoint)...").format(
            signal=name), file=sys.stderr, flush=True)

    previous = {number: signal.signal(number, handler) for number in STOP_SIGNALS}
    try:
        yield stop
    finally:
        for number, old in previous.items():
            signal.signal(number, old)
