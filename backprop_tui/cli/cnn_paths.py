"""Where `train` writes: the up-front checks of --checkpoint and --metrics, and the metrics file.

The checks do what writing will do, without its side effects: they follow symlinks as `open`
does (a symlink loop is refused now, not after an epoch), never open a named pipe or a device
(opening a FIFO without a reader blocks), and make missing folders as writing would.

The metrics file holds one strict-JSON line per finished epoch. It is kept equal to what the
checkpoint holds: on resume, the rows of this run are brought back to exactly the epochs in the
checkpoint's history, each once (an interruption or a full disk between writing the checkpoint
and the line can leave a row missing or half written).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import IO, Any

from backprop_tui.core.cnn.jsonout import strict_dumps
from backprop_tui.core.errors import UserError
from backprop_tui.core.fileio import atomic_write_text
from backprop_tui.i18n import _


def stat_or_none(path: Path, flag: str, what: str) -> os.stat_result | None:
    """`os.stat(path)` following symlinks; None if nothing is there yet; UserError for a path
    that cannot be resolved (a symlink loop, no permission)."""
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        raise UserError(_("{flag} {path}: cannot be used for the {what}: {reason}").format(
            flag=flag, path=path, what=what, reason=error.strerror)) from None


def check_writable(path: Path, flag: str, what: str, replaced: bool) -> None:
    """Refuse now, not after the first epoch, a path that cannot be written: a directory, a
    symlink loop, a folder that cannot be created, or one where no file can be made. Creates
    missing folders, as writing would. `replaced`: the file is replaced atomically (else it is
    appended to)."""
    info = stat_or_none(path, flag, what)
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise UserError(_("{flag} {path}: is a directory; give a file name for the {what}").format(
            flag=flag, path=path, what=what))
    if info is not None and not stat.S_ISREG(info.st_mode):
        # A pipe or a device (/dev/stdout, /dev/null): written in place. Opening a FIFO here
        # would block until a reader comes, so only the permission is checked.
        if not os.access(path, os.W_OK):
            raise UserError(_("{flag} {path}: cannot write the {what} there: {reason}").format(
                flag=flag, path=path, what=what, reason=_("permission denied")))
        return
    target = Path(os.path.realpath(path))  # a symlink to a file: the file is what gets written
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
        reason = (_("{path} is a file, not a folder").format(path=blocker) if blocker is not None
                  else error.strerror)
        raise UserError(_("{flag} {path}: cannot create the folder {folder} for the {what}: {reason}").format(
            flag=flag, path=path, folder=folder, what=what, reason=reason)) from None
    try:
        if info is not None and not replaced:
            with target.open("ab"):
                pass
        else:
            with tempfile.TemporaryFile(dir=folder):  # the atomic writer's temporary file goes here
                pass
    except OSError as error:
        raise UserError(_("{flag} {path}: cannot write the {what} there: {reason}").format(
            flag=flag, path=path, what=what, reason=error.strerror)) from None


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name the same file (existing or not)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def leftover_temporaries(path: Path) -> list[Path]:
    """Temporary files the atomic writer left next to `path` when a process was killed
    (`.NAME.XXXXXXXX.tmp`, as tempfile.mkstemp names them)."""
    folder = Path(os.path.realpath(path)).parent
    name = Path(os.path.realpath(path)).name
    return sorted(p for p in folder.glob(f".{name}.*.tmp")
                  if len(p.name) == len(name) + 14 and p.is_file())


class MetricsFile:
    """--metrics FILE: one JSON line per finished epoch, opened once for the whole run.

    A named pipe is opened without blocking: with no reader it is refused up front (instead of
    hanging), and it stays open so a reader such as `cat` sees every line.
    """

    def __init__(self, path: Path):
        self.path = path
        self.handle: IO[bytes] | None = None
        info = stat_or_none(path, "--metrics", _("metrics file"))
        self.regular = info is None or stat.S_ISREG(info.st_mode)
        if info is not None and stat.S_ISFIFO(info.st_mode):
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as error:
                if error.errno == errno.ENXIO:
                    raise UserError(_("{flag} {path}: a named pipe with no reader; start the reader first (for "
                                      "example {command})").format(flag="--metrics", path=path,
                                                                    command=f"`cat {path} &`")) from None
                raise UserError(_("{flag} {path}: cannot write the {what} there: {reason}").format(
                    flag="--metrics", path=path, what=_("metrics file"), reason=error.strerror)) from None
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
            self.handle = os.fdopen(fd, "ab")

    def reconcile(self, history: list[dict[str, Any]]) -> None:
        """Make the file end with exactly `history`'s rows (the checkpoint's finished epochs).

        A half-written last line is dropped. This run's rows start at the last line equal to
        its first epoch's row; from there the file is rewritten with the history, so a row
        written after the checkpoint is gone and a row the checkpoint has but the file lacks
        comes back. Without that first row, the history is appended. Pipes and devices are
        appended to only.
        """
        if not self.regular or not self.path.exists():
            if history and self.regular:
                self._append_rows(history)
            return
        try:
            text = self.path.read_text(encoding="utf-8", errors="surrogateescape")
        except OSError as error:
            raise UserError(_("{flag} {path}: cannot be read: {reason}").format(
                flag="--metrics", path=self.path, reason=error.strerror)) from None
        lines = _whole_lines(text)
        start = len(lines)
        if history:
            first = strict_dumps(history[0])
            for index in range(len(lines) - 1, -1, -1):
                if _same_row(lines[index], first):
                    start = index
                    break
        repaired = lines[:start] + [strict_dumps(row) for row in history]
        new_text = "".join(line + "\n" for line in repaired)
        if new_text != text:
            atomic_write_text(self.path, new_text, _("metrics file"))

    def append(self, row: dict[str, Any]) -> None:
        """Add one epoch's line, flushed to the disk before the next batch starts."""
        self._append_rows([row])

    def _append_rows(self, rows: list[dict[str, Any]]) -> None:
        data = "".join(strict_dumps(row) + "\n" for row in rows).encode("utf-8")
        try:
            if self.handle is None:
                self.handle = open(self.path, "ab")
            self.handle.write(data)
            self.handle.flush()
            if self.regular:
                os.fsync(self.handle.fileno())
        except OSError as error:
            raise UserError(_("cannot append metrics to {path}: {reason}").format(
                path=self.path, reason=error.strerror)) from None

    def close(self) -> None:
        if self.handle is not None:
            try:
                self.handle.close()
            except OSError:
                pass
            self.handle = None


def _whole_lines(text: str) -> list[str]:
    """The complete lines of `text`; a last line without its newline is kept only if it is
    valid JSON (a file written by hand), else it is a half-written row and dropped."""
    lines = text.split("\n")
    last = lines.pop()
    if last.strip():
        try:
            json.loads(last)
        except ValueError:
            return lines
        lines.append(last)
    return lines


def _same_row(line: str, row_json: str) -> bool:
    try:
        return json.loads(line) == json.loads(row_json)
    except ValueError:
        return False
