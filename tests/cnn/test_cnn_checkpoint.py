"""Checkpoints read without trusting them: headers before data, one message per damaged entry,
strict JSON metadata, and the record of which data a run trained on."""

from __future__ import annotations

import json
import struct
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest

from backprop_tui.core.cnn.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from backprop_tui.core.cnn.data import FILES, DataRecord
from backprop_tui.core.cnn.model import init_params
from backprop_tui.core.cnn.optim import Optimizer
from backprop_tui.core.cnn.train import TrainState
from backprop_tui.core.errors import UserError

from cnn_support import make_scenario
from test_cnn_training import SMALL


def strict(text: str):
    """json.loads that refuses NaN and Infinity, as RFC 8259 parsers do."""
    def refuse(token: str):
        raise ValueError(f"non-standard JSON token {token}")
    return json.loads(text, parse_constant=refuse)


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Path, Checkpoint]:
    scenario = make_scenario(SMALL, epochs=2)
    params = init_params(scenario)
    optimizer = Optimizer(scenario.training, params)
    record = DataRecord("/data/fashion", {name: f"{i:032x}" for i, name in enumerate(FILES)})
    checkpoint = Checkpoint(scenario, params, optimizer.state, TrainState(epoch=1), record)
    path = tmp_path / "c.npz"
    save_checkpoint(path, checkpoint)
    return path, checkpoint


def _entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _write(path: Path, entries: dict[str, bytes], compress: int = zipfile.ZIP_STORED) -> None:
    with zipfile.ZipFile(path, "w", compress) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)


def _npy_header(shape: tuple[int, ...], descr: str = "<f4") -> bytes:
    header = repr({"descr": descr, "fortran_order": False, "shape": shape}).encode()
    header += b" " * (-(10 + len(header) + 1) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header


def test_the_data_record_round_trips_and_old_checkpoints_load(saved, tmp_path: Path) -> None:
    path, checkpoint = saved
    loaded = load_checkpoint(path)
    assert loaded.data == checkpoint.data
    entries = _entries(path)
    del entries["data_json.npy"]  # as written before the data was recorded
    _write(tmp_path / "old.npz", entries)
    assert load_checkpoint(tmp_path / "old.npz").data is None


def test_metadata_is_strict_json(saved, tmp_path: Path) -> None:
    path, checkpoint = saved
    checkpoint.state.history.append({"epoch": 1, "train_loss": float("inf"), "test_loss": float("nan")})
    save_checkpoint(path, checkpoint)
    with np.load(path, allow_pickle=False) as npz:
        for key in ("scenario_json", "state_json", "data_json"):
            strict(str(npz[key]))
        history = strict(str(npz["state_json"]))["history"][0]  # spelt out, as every JSON of the product
        assert history["train_loss"] == "inf" and history["test_loss"] == "NaN"


def refused_with_peak_memory(path: Path) -> tuple[str, int]:
    """The message `load_checkpoint(path)` refuses the file with, and the peak bytes it allocated."""
    tracemalloc.start()
    try:
        with pytest.raises(UserError) as caught:
            load_checkpoint(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return str(caught.value), peak


def test_huge_arrays_claimed_by_a_header_are_refused_before_reading(saved) -> None:
    """A small file whose .npy header claims a 10 GB array: refused from the header, without
    allocating it (before, NumPy allocated the array and then reported "Python objects")."""
    path, _ = saved
    entries = _entries(path)
    entries["param/1.weight.npy"] = _npy_header((50000, 50000)) + bytes(1000)
    _write(path, entries, zipfile.ZIP_DEFLATED)
    message, peak = refused_with_peak_memory(path)
    assert message == (f"{path}: damaged checkpoint: entry param/1.weight: its header describes float32 "
                                 "values of shape 50000x50000 (10,000,000,000 bytes), but the entry holds 1,000 bytes")
    assert peak < 50 * 1024**2


def test_an_entry_claiming_the_wrong_shape_is_not_read(saved) -> None:
    """The header agrees with the entry's size, but not with the architecture: refused unread."""
    path, _ = saved
    entries = _entries(path)
    entries["param/1.weight.npy"] = _npy_header((2000, 2000)) + bytes(16_000_000)
    _write(path, entries, zipfile.ZIP_DEFLATED)
    message, peak = refused_with_peak_memory(path)
    assert message == (f"{path}: damaged checkpoint: parameter 1.weight has shape (2000, 2000), "
                                 "the stored architecture needs (4, 1, 3, 3)")
    assert peak < 8 * 1024**2


def test_a_damaged_entry_is_named(saved) -> None:
    """Bytes flipped inside an entry: its header, or its numbers (caught by the zip's CRC-32)."""
    path, _ = saved
    entries = _entries(path)
    original = entries["param/9.weight.npy"]
    entries["param/9.weight.npy"] = original[:20] + b"\xff" * 20 + original[40:]
    _write(path, entries)
    messages = []
    with pytest.raises(UserError) as caught:
        load_checkpoint(path)
    messages.append(str(caught.value))
    entries["param/9.weight.npy"] = original
    _write(path, entries)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("param/9.weight.npy")
    raw = bytearray(path.read_bytes())
    with path.open("rb") as file:  # the data starts after the local header, its name and its extra field
        file.seek(info.header_offset + 26)
        name_length, extra_length = struct.unpack("<HH", file.read(4))
    end = info.header_offset + 30 + name_length + extra_length + info.compress_size
    raw[end - 8:end] = bytes(b ^ 0xFF for b in raw[end - 8:end])
    path.write_bytes(bytes(raw))
    with pytest.raises(UserError) as caught:
        load_checkpoint(path)
    messages.append(str(caught.value))
    for message in messages:
        assert message.startswith(f"{path}: damaged checkpoint: entry param/9.weight is unreadable ("), message
    assert "Bad CRC-32" in messages[1]
