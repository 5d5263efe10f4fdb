"""The decoded data cache (core/cnn/decoded.py): used on the second start, keyed by the source
files' bytes, never trusted when damaged, harmless when it cannot be written."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from backprop_tui.core.cnn import data as data_module
from backprop_tui.core.cnn import decoded
from backprop_tui.core.cnn.data import ChecksumMismatch, Place, load_dataset
from backprop_tui.core.cnn.decoded import cache_folder  # the real one: conftest redirects decoded.cache_folder

from support.fashion_data import write_fashion_like


def _load(folder: Path, cache: Path, **kwargs):
    return load_dataset([Place("test", folder)], verify=False, cache=cache, **kwargs)


def _no_gunzip(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(raw: bytes, path: Path) -> bytes:
        raise AssertionError(f"{path} was decoded again")

    monkeypatch.setattr(data_module, "decompressed", refuse)


def _same(a, b) -> None:
    for name in ("train_images", "train_labels", "test_images", "test_labels"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert a.checksums == b.checksums


def test_the_second_load_reads_the_cache_instead_of_decoding(tmp_path: Path, monkeypatch) -> None:
    folder = write_fashion_like(tmp_path / "data")
    first = _load(folder, tmp_path / "cache")
    assert len(list((tmp_path / "cache").glob("*.bin"))) == 1
    _no_gunzip(monkeypatch)
    _same(_load(folder, tmp_path / "cache"), first)


def test_without_the_cache_nothing_is_written(tmp_path: Path) -> None:
    folder = write_fashion_like(tmp_path / "data")
    _load(folder, tmp_path / "cache", use_cache=False)
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize("damage", ["flip a payload byte", "truncate", "garbage header", "empty"])
def test_a_damaged_cache_is_ignored_and_rewritten(tmp_path: Path, damage: str) -> None:
    folder = write_fashion_like(tmp_path / "data")
    first = _load(folder, tmp_path / "cache")
    (cached,) = (tmp_path / "cache").glob("*.bin")
    blob = bytearray(cached.read_bytes())
    if damage == "flip a payload byte":
        blob[-100] ^= 0x40
    elif damage == "truncate":
        blob = blob[:len(blob) // 2]
    elif damage == "garbage header":
        blob[len(decoded.MAGIC) + 8:len(decoded.MAGIC) + 20] = b"not json at!"
    else:
        blob = bytearray()
    cached.write_bytes(bytes(blob))
    _same(_load(folder, tmp_path / "cache"), first)
    assert cached.read_bytes() != bytes(blob)  # rewritten whole


def test_a_changed_source_file_is_decoded_afresh(tmp_path: Path) -> None:
    folder = write_fashion_like(tmp_path / "data", seed=0)
    _load(folder, tmp_path / "cache")
    other = write_fashion_like(tmp_path / "other", seed=5)
    (folder / "t10k-labels-idx1-ubyte.gz").write_bytes((other / "t10k-labels-idx1-ubyte.gz").read_bytes())
    again = _load(folder, tmp_path / "cache")
    expected = np.frombuffer(gzip.decompress((other / "t10k-labels-idx1-ubyte.gz").read_bytes())[8:], np.uint8)
    np.testing.assert_array_equal(again.test_labels, expected)


def test_checksums_are_still_verified_from_the_cache(tmp_path: Path) -> None:
    """The cached MD5s are those of the contents: a cached data set that is not Fashion-MNIST is
    refused with --verify as it was the first time."""
    folder = write_fashion_like(tmp_path / "data")
    _load(folder, tmp_path / "cache")
    with pytest.raises(ChecksumMismatch, match="contents have MD5"):
        load_dataset([Place("test", folder)], verify=True, cache=tmp_path / "cache")


def test_a_cache_that_cannot_be_written_costs_nothing(tmp_path: Path) -> None:
    folder = write_fashion_like(tmp_path / "data")
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be")
    first = _load(folder, blocker)
    assert first.train_images.shape[0] == 300
    assert blocker.read_text() == "a file where the folder should be"


def test_a_bug_while_writing_the_cache_is_not_taken_for_a_cache_that_cannot_be_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a write that the system refuses (OSError, or fileio's UserError for one) is harmless;
    anything else is a bug, raised rather than hidden as a missing cache."""
    def broken(folder: Path, keep: Path) -> None:
        raise ZeroDivisionError("a bug in pruning")

    monkeypatch.setattr(decoded, "_prune", broken)
    with pytest.raises(ZeroDivisionError, match="a bug in pruning"):
        _load(write_fashion_like(tmp_path / "data", n_train=20, n_test=10), tmp_path / "cache")


def test_only_the_newest_cache_files_are_kept(tmp_path: Path) -> None:
    import os

    cache = tmp_path / "cache"
    for seed in range(decoded.KEEP + 2):
        _load(write_fashion_like(tmp_path / f"data{seed}", seed=seed), cache)
        for number, path in enumerate(sorted(cache.glob("*.bin"), key=lambda p: p.stat().st_mtime)):
            os.utime(path, (1000 + number, 1000 + number))  # distinct times, oldest first
    assert len(list(cache.glob("*.bin"))) == decoded.KEEP


def test_the_cache_folder_follows_xdg(tmp_path: Path) -> None:
    assert cache_folder({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "backprop-tui" / "decoded"
    assert cache_folder({}, home=tmp_path) == tmp_path / ".cache" / "backprop-tui" / "decoded"
