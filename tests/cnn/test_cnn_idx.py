"""The IDX reader: round trips, and a clear error for every way a file can be wrong."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from backprop_tui.core.cnn.idx import IdxError, encode_idx, read_idx
from backprop_tui.core.errors import UserError

from support.fashion_data import write_idx


@pytest.mark.parametrize("name", ["images-idx3-ubyte", "images-idx3-ubyte.gz"])
def test_round_trip_plain_and_gzip(tmp_path: Path, name: str) -> None:
    images = np.random.default_rng(0).integers(0, 256, (5, 28, 28)).astype(np.uint8)
    path = tmp_path / name
    write_idx(path, images)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == name.endswith(".gz")
    back = read_idx(path, expect_dims=3)
    assert back.dtype == np.uint8 and np.array_equal(back, images)


def test_other_types_round_trip(tmp_path: Path) -> None:
    values = np.arange(12, dtype=np.float32).reshape(3, 4) / 7
    write_idx(tmp_path / "f", values)
    assert np.array_equal(read_idx(tmp_path / "f"), values)


def test_gzip_detected_by_content_not_name(tmp_path: Path) -> None:
    path = tmp_path / "labels-without-suffix"
    path.write_bytes(gzip.compress(encode_idx(np.array([1, 2, 3], np.uint8))))
    assert read_idx(path).tolist() == [1, 2, 3]


def bad(tmp_path: Path, data: bytes, name: str = "file-idx3-ubyte") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_wrong_magic(tmp_path: Path) -> None:
    path = bad(tmp_path, b"PK\x03\x04" + bytes(100))
    with pytest.raises(IdxError, match=r"file-idx3-ubyte: not an IDX file \(magic number 0x504b0304"):
        read_idx(path)


def test_truncated_payload(tmp_path: Path) -> None:
    data = encode_idx(np.zeros((10, 28, 28), np.uint8))
    path = bad(tmp_path, data[:-100])
    with pytest.raises(IdxError, match=r"truncated: the header promises 10x28x28 values \(7856 bytes\), the file holds 7756 bytes"):
        read_idx(path)


def test_trailing_bytes(tmp_path: Path) -> None:
    path = bad(tmp_path, encode_idx(np.zeros(4, np.uint8)) + b"xx")
    with pytest.raises(IdxError, match="longer than its header says"):
        read_idx(path)


def test_truncated_header_and_tiny_file(tmp_path: Path) -> None:
    with pytest.raises(IdxError, match="truncated inside the header"):
        read_idx(bad(tmp_path, b"\x00\x00\x08\x03\x00\x00"))
    with pytest.raises(IdxError, match="too short to be an IDX file"):
        read_idx(bad(tmp_path, b"\x00\x00"))


def test_wrong_number_of_dimensions(tmp_path: Path) -> None:
    path = bad(tmp_path, encode_idx(np.zeros(7, np.uint8)))
    with pytest.raises(IdxError, match=r"has 1 dimension\(s\), expected 3 \(images\)"):
        read_idx(path, expect_dims=3)


def test_damaged_gzip(tmp_path: Path) -> None:
    packed = gzip.compress(encode_idx(np.zeros((20, 28, 28), np.uint8)))
    path = bad(tmp_path, packed[: len(packed) // 2], "t10k-images-idx3-ubyte.gz")
    with pytest.raises(IdxError, match=r"t10k-images-idx3-ubyte.gz: the gzip data is damaged or truncated"):
        read_idx(path)


def test_missing_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file"):
        read_idx(tmp_path / "nothing")
