"""A cache of the decoded data set, so a start does not gunzip and MD5 55 MB every time.

Why: decompressing Fashion-MNIST's four files and taking the MD5 of their contents cost about
0.3 s of every `train`, `evaluate` and `predict` (PERF-NOTES). The cache holds the four decoded
arrays and their MD5s in one file under the user's cache folder
(``$XDG_CACHE_HOME/backprop-tui/decoded``, else ``~/.cache/...``), named by a key computed from
the source files' bytes (their CRC-32s and lengths), so a changed, replaced or re-compressed
source file is a new key and is decoded afresh.

The cache is never trusted blindly: its header must parse and name the same key, its payload
must have the CRC-32 the header gives, and every array must fit; anything else and it is ignored
(and rewritten). It is written atomically (core/fileio.py). Failing to write it (a read-only
home, a full disk) costs nothing but the time it would have saved. At most `KEEP` cache files
are kept; the oldest go first.
"""

from __future__ import annotations

import json
import os
import struct
import zlib
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from backprop_tui.core import strict_json
from backprop_tui.core.errors import UserError
from backprop_tui.core.fileio import atomic_write_bytes
from backprop_tui.i18n import Message

MAGIC = b"backprop-tui decoded data 1\n"
KEEP = 3
"""Cache files kept (one per distinct set of source files, e.g. the real data and a test set)."""


def cache_folder(env: Mapping[str, str] | None = None, home: Path | None = None) -> Path:
    """Where decoded data sets are cached."""
    env = os.environ if env is None else env
    home = Path.home() if home is None else home
    base = Path(env["XDG_CACHE_HOME"]) if env.get("XDG_CACHE_HOME") else home / ".cache"
    return base / "backprop-tui" / "decoded"


def source_key(raw: Mapping[str, bytes]) -> str:
    """The key of a set of source files: each name, length and CRC-32 of its bytes as read."""
    parts = [f"{name}:{len(data)}:{zlib.crc32(data):08x}" for name, data in sorted(raw.items())]
    return f"{zlib.crc32(';'.join(parts).encode()):08x}-{sum(len(d) for d in raw.values()):x}"


def _path(folder: Path, key: str) -> Path:
    return folder / f"fashion-mnist-{key}.bin"


def load(folder: Path, key: str) -> tuple[dict[str, np.ndarray], dict[str, str]] | None:
    """The arrays and content MD5s cached under `key`, or None when absent or not intact."""
    try:
        blob = _path(folder, key).read_bytes()
    except OSError:
        return None
    try:
        if not blob.startswith(MAGIC):
            return None
        (size,) = struct.unpack_from("<Q", blob, len(MAGIC))
        start = len(MAGIC) + 8
        header = json.loads(blob[start:start + size])
        payload = memoryview(blob)[start + size:]
        if header["key"] != key or header["bytes"] != len(payload) or header["crc32"] != zlib.crc32(payload):
            return None
        arrays, checksums = {}, {}
        for entry in header["arrays"]:
            dtype, shape, offset = np.dtype(entry["dtype"]), tuple(entry["shape"]), entry["offset"]
            count = int(np.prod(shape, dtype=np.int64))
            if dtype != np.uint8 or offset < 0 or offset + count > len(payload):
                return None
            arrays[entry["name"]] = np.frombuffer(payload, np.uint8, count, offset).reshape(shape)
            checksums[entry["name"]] = str(entry["md5"])
        return arrays, checksums
    except (ValueError, KeyError, TypeError, struct.error):
        return None


def store(folder: Path, key: str, arrays: Mapping[str, np.ndarray], checksums: Mapping[str, str]) -> bool:
    """Write the decoded uint8 `arrays` and their content MD5s under `key`, atomically; drop the
    oldest cache files beyond KEEP. False when the system refused the write (OSError, or fileio's
    UserError for one): nothing is raised then."""
    entries, chunks, offset = [], [], 0
    for name, array in arrays.items():
        data = np.ascontiguousarray(array, np.uint8).tobytes()
        entries.append({"name": name, "dtype": "|u1", "shape": list(array.shape), "offset": offset,
                        "md5": checksums[name]})
        chunks.append(data)
        offset += len(data)
    payload = b"".join(chunks)
    header = strict_json.dumps({"key": key, "bytes": len(payload), "crc32": zlib.crc32(payload),
                                "arrays": entries}).encode()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(_path(folder, key), MAGIC + struct.pack("<Q", len(header)) + header + payload,
                           Message("decoded data cache"))
        _prune(folder, keep=_path(folder, key))
    except (OSError, UserError):  # only a cache: a write the system refuses is harmless (a bug is not)
        return False
    return True


def _prune(folder: Path, keep: Path) -> None:
    files = sorted(folder.glob("fashion-mnist-*.bin"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [f for f in files if f != keep][KEEP - 1:]:
        old.unlink(missing_ok=True)
