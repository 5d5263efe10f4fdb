"""How many threads OpenBLAS (NumPy's matrix products) may use, set for a stretch of work.

Why: the CNN's batch work is split into parts that run on the cores at once (see parallel.py),
each with single-threaded matrix products. Two parts each asking OpenBLAS for every core would
put twice as many busy threads as cores on the machine, and OpenBLAS threads spin while they
wait: measured on 2 cores, that made a batch several times slower whenever anything else ran.

The library is found the way threadpoolctl finds it: among the shared objects this process has
loaded, by its exported `openblas_set_num_threads` (NumPy's wheels rename it
`scipy_openblas_set_num_threads64_`). With no OpenBLAS (NumPy built on MKL or Accelerate) the
context says so and the caller runs its parts one after the other.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_NAMES = ("openblas_set_num_threads", "openblas_set_num_threads64_", "scipy_openblas_set_num_threads64_",
          "scipy_openblas_set_num_threads")


@dataclass(frozen=True)
class _Library:
    set_threads: ctypes._CFuncPtr  # type: ignore[name-defined]
    get_threads: ctypes._CFuncPtr  # type: ignore[name-defined]


_found: list[_Library | None] = []


def _loaded_libraries() -> list[str]:
    """Paths of the shared objects mapped into this process whose names mention openblas."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        maps = ""
    paths = {line.split()[-1] for line in maps.splitlines() if "openblas" in line.lower() and "/" in line}
    if not paths:  # no /proc (macOS): the wheel's bundled copy sits beside NumPy
        import numpy

        root = Path(numpy.__file__).parent
        for folder in (root.parent / "numpy.libs", root / ".dylibs"):
            if folder.is_dir():
                paths.update(str(p) for p in folder.glob("*openblas*"))
    return sorted(paths)


def _library() -> _Library | None:
    """OpenBLAS's thread controls, looked up once; None when NumPy does not use OpenBLAS."""
    if not _found:
        import numpy  # noqa: F401  (loads the library this looks for)

        library = None
        for path in _loaded_libraries():
            try:
                handle = ctypes.CDLL(path)
            except OSError:
                continue
            for name in _NAMES:
                setter = getattr(handle, name, None)
                getter = getattr(handle, name.replace("set_num", "get_num"), None)
                if setter is not None and getter is not None:
                    setter.argtypes, setter.restype, getter.restype = [ctypes.c_int], None, ctypes.c_int
                    library = _Library(setter, getter)
                    break
            if library is not None:
                break
        _found.append(library)
    return _found[0]


def threads() -> int | None:
    """OpenBLAS's current thread count, or None without OpenBLAS."""
    library = _library()
    return None if library is None else int(library.get_threads())


@contextmanager
def blas_threads(count: int) -> Iterator[bool]:
    """Within the block OpenBLAS uses `count` threads (count >= 1); the old count is restored
    after it. Yields whether the count could be set (False without OpenBLAS)."""
    library = _library()
    if library is None:
        yield False
        return
    before = int(library.get_threads())
    library.set_threads(count)
    try:
        yield True
    finally:
        library.set_threads(before)
