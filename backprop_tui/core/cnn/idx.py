"""Read and write IDX files (the MNIST format), gzip-compressed or plain.

The reader checks everything that can go wrong with a downloaded or copied file (magic number,
element type, dimensions, length) so a bad file is a clear message, never a reshape error.
"""

from __future__ import annotations

import gzip
import struct
import zlib
from pathlib import Path

import numpy as np

from backprop_tui.core.errors import UserError
from backprop_tui.i18n import Message

# IDX type byte -> big-endian NumPy dtype.
_TYPES: dict[int, str] = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_CODES = {np.dtype(v).newbyteorder("="): k for k, v in _TYPES.items()}


class IdxError(UserError):
    """An IDX file that is missing, damaged or not what was expected."""


def read_bytes(path: Path) -> bytes:
    """The decompressed bytes of `path` (gzip detected by its magic bytes, not by its name)."""
    return decompressed(read_raw(path), path)


def read_raw(path: Path) -> bytes:
    """The bytes of `path` as stored (IdxError naming the file when it cannot be read)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise IdxError(Message("{path}: no such file", path=path)) from None
    except OSError as error:
        raise IdxError(Message("{path}: cannot be read: {reason}", path=path, reason=error.strerror)) from None


def decompressed(raw: bytes, path: Path) -> bytes:
    """`raw` gunzipped when it starts with gzip's magic bytes, else as it is; `path` names it in errors."""
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as error:
            raise IdxError(Message(
                "{path}: the gzip data is damaged or truncated ({error}); delete the file and fetch it again "
                "(`backprop-tui data download`)", path=path, error=error)) from None
    return raw


def parse_idx(data: bytes, name: str, expect_dims: int | None = None) -> np.ndarray:
    """Decode IDX bytes into an array; `name` is used in error messages."""
    if len(data) < 4:
        raise IdxError(Message("{name}: too short to be an IDX file ({size} bytes)", name=name, size=len(data)))
    zero, code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or code not in _TYPES or ndim == 0:
        raise IdxError(Message(
            "{name}: not an IDX file (magic number 0x{magic}; expected 0x0000 followed by a type byte such as 08 "
            "and the number of dimensions)", name=name, magic=data[:4].hex()))
    if expect_dims is not None and ndim != expect_dims:
        if expect_dims == 1:
            raise IdxError(Message("{name}: has {found} dimension(s), expected 1 (labels)", name=name, found=ndim))
        if expect_dims == 3:
            raise IdxError(Message("{name}: has {found} dimension(s), expected 3 (images)", name=name, found=ndim))
        raise IdxError(Message("{name}: has {found} dimension(s), expected {expected}", name=name, found=ndim,
                               expected=expect_dims))
    header = 4 + 4 * ndim
    if len(data) < header:
        raise IdxError(Message("{name}: truncated inside the header ({size} bytes)", name=name, size=len(data)))
    shape = struct.unpack(f">{ndim}I", data[4:header])
    dtype = np.dtype(_TYPES[code])
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) != expected:
        dims = "x".join(str(n) for n in shape)
        if len(data) < expected:
            raise IdxError(Message("{name}: truncated: the header promises {dims} values ({expected} bytes), the file "
                                   "holds {size} bytes", name=name, dims=dims, expected=expected, size=len(data)))
        raise IdxError(Message("{name}: longer than its header says: the header promises {dims} values ({expected} "
                               "bytes), the file holds {size} bytes", name=name, dims=dims, expected=expected,
                               size=len(data)))
    array = np.frombuffer(data, dtype=dtype, offset=header).reshape(shape)
    return array.astype(dtype.newbyteorder("="), copy=False)


def read_idx(path: Path | str, expect_dims: int | None = None) -> np.ndarray:
    """Read an IDX file (plain or .gz) into a native-endian array."""
    path = Path(path)
    return parse_idx(read_bytes(path), str(path), expect_dims)


def encode_idx(array: np.ndarray) -> bytes:
    """The IDX bytes of `array` (used to write test fixtures and converted data)."""
    array = np.asarray(array)
    code = _CODES.get(array.dtype.newbyteorder("="))
    if code is None:
        raise ValueError(f"IDX cannot store dtype {array.dtype}")
    header = struct.pack(">HBB", 0, code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(np.dtype(_TYPES[code]), copy=False).tobytes()
