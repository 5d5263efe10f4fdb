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


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextmanager
def atomic_writer(path: str | Path, what: str = "file") -> Iterator[BinaryIO]:
    """A binary handle whose contents replace `path` only when the block ends without error."""
    target = Path(os.path.realpath(path))
    try:
        info = target.stat()
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise UserError(f"{path}: cannot write the {what}: {error.strerror}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise UserError(f"{path}: is a directory; give a file name for the {what}")
    if info is not None and not stat.S_ISREG(info.st_mode):
        try:
            with open(target, "wb") as handle:  # a device or a pipe: there is nothing to replace
                yield handle
        except OSError as error:
            raise UserError(f"{path}: cannot write the {what}: {error.strerror}") from None
        return
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise UserError(f"{path}: cannot write the {what} there: {error.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, stat.S_IMODE(info.st_mode) if info is not None else _umask_mode())
        os.replace(temp, target)
    except OSError as error:
        Path(temp).unlink(missing_ok=True)
        raise UserError(f"{path}: cannot write the {what}: {error.strerror}") from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: str | Path, data: bytes, what: str = "file") -> None:
    """Replace `path` with `data` in one step; on failure the old file is untouched."""
    with atomic_writer(path, what) as handle:
        handle.write(data)


def atomic_write_text(path: str | Path, text: str, what: str = "file") -> None:
    atomic_write_bytes(path, text.encode("utf-8"), what)
