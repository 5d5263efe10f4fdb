"""Atomic writes: a temp file in the same folder, then a rename, so nothing is half-written.

The rename replaces the file the user named, so it is done to the file a symlink points at
(the link stays), keeps an existing file's permissions (new files get the umask's), and is not
done at all to a device or pipe such as /dev/null, which is written in place instead.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from backprop_tui.core.errors import UserError
from backprop_tui.i18n import N_, _


FILE = N_("file")
"""What a write names when its caller does not say (the errors' {what})."""


def _cannot_write(path: str | Path, what: str, error: OSError) -> str:
    """'PATH: cannot write the WHAT: REASON' in the interface language (the reason is the system's)."""
    return _("{path}: cannot write the {what}: {reason}").format(path=path, what=_(what), reason=error.strerror)


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextmanager
def atomic_writer(path: str | Path, what: str = FILE) -> Iterator[BinaryIO]:
    """A binary handle whose contents replace `path` only when the block ends without error.

    `what` names the thing written in the errors (a catalogue message, N_("checkpoint"), is
    translated; UserError names the path and the reason the system gave)."""
    target = Path(os.path.realpath(path))
    try:
        info = target.stat()
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise UserError(_cannot_write(path, what, error)) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise UserError(_("{path}: is a directory; give a file name for the {what}").format(path=path, what=_(what)))
    if info is not None and not stat.S_ISREG(info.st_mode):
        try:
            with open(target, "wb") as handle:  # a device or a pipe: there is nothing to replace
                yield handle
        except OSError as error:
            raise UserError(_cannot_write(path, what, error)) from None
        return
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise UserError(_("{path}: cannot write the {what} there: {reason}").format(
            path=path, what=_(what), reason=error.strerror)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, stat.S_IMODE(info.st_mode) if info is not None else _umask_mode())
        os.replace(temp, target)
    except OSError as error:
        Path(temp).unlink(missing_ok=True)
        raise UserError(_cannot_write(path, what, error)) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: str | Path, data: bytes, what: str = FILE) -> None:
    """Replace `path` with `data` in one step; on failure the old file is untouched."""
    with atomic_writer(path, what) as handle:
        handle.write(data)


def atomic_write_text(path: str | Path, text: str, what: str = FILE) -> None:
    """Replace `path` with `text` in UTF-8 in one step (see atomic_writer for `what` and the
    UserError it raises); on failure the old file is untouched."""
    atomic_write_bytes(path, text.encode("utf-8"), what)
