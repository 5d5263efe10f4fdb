"""Checkpoints: one .npz holding the scenario (as JSON), weights, optimizer state and progress.

Written atomically (a temporary file in the same folder, then `os.replace`), so a crash or a
second Ctrl-C never leaves half a checkpoint. Read without trusting it: every entry's .npy
header (shape and dtype) is checked against the stored architecture and against the entry's
size in the zip before its data is read, so a damaged or hostile file is a one-line message,
never a huge allocation; object arrays are never unpickled.

The metadata entries are strict JSON strings: `scenario_json`, `state_json`, and `data_json`
(which data the run trained on: the folder and the MD5 of each file's decompressed contents;
absent in checkpoints written before it existed).
"""

from __future__ import annotations

import json
import math
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from backprop_tui.core.cnn.config import CnnScenario, scenario_from_json
from backprop_tui.core.cnn.data import DataRecord
from backprop_tui.core.cnn.jsonout import strict_dumps
from backprop_tui.core.cnn.train import TrainState
from backprop_tui.core.errors import UserError
from backprop_tui.core.fileio import atomic_writer
from backprop_tui.core.vocab import CnnOptimizerName

FORMAT = "backprop-tui-cnn-checkpoint/1"

MAX_TEXT_CHARS = 1_000_000
"""A metadata entry (scenario, state, data record) longer than this is damaged, not read."""

_TEXT_ENTRIES = ("scenario_json", "state_json", "data_json")


@dataclass
class Checkpoint:
    """What a checkpoint holds; `data` is None for checkpoints written before it was recorded."""

    scenario: CnnScenario
    params: dict[str, np.ndarray]
    optimizer_state: dict[str, np.ndarray]
    state: TrainState
    data: DataRecord | None = None


def save_checkpoint(path: Path | str, checkpoint: Checkpoint) -> None:
    """Write `checkpoint` to `path` atomically (UserError if that cannot be done)."""
    path = Path(path)
    arrays: dict[str, np.ndarray] = {
        "format": np.array(FORMAT),
        "scenario_json": np.array(checkpoint.scenario.to_json()),
        "state_json": np.array(strict_dumps(checkpoint.state.to_dict())),
    }
    if checkpoint.data is not None:
        arrays["data_json"] = np.array(strict_dumps(checkpoint.data.to_dict(), sort_keys=True))
    arrays.update({f"param/{k}": v for k, v in checkpoint.params.items()})
    arrays.update({f"optim/{k}": v for k, v in checkpoint.optimizer_state.items()})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # `--checkpoint runs/a.npz` makes runs/
    except OSError as error:
        raise UserError(f"{path}: cannot create its folder: {error.strerror}") from None
    with atomic_writer(path, "checkpoint") as handle:
        np.savez(handle, **arrays)


def load_checkpoint(path: Path | str) -> Checkpoint:
    """Read a checkpoint; anything else, or a damaged one, gives a UserError naming the file
    (and, for a damaged entry, the entry)."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such checkpoint file (train writes one with --checkpoint PATH)")
    _check_container(path)
    try:
        with zipfile.ZipFile(path) as archive:
            return _load(path, _Entries(path, archive))
    except (OSError, zipfile.BadZipFile, EOFError, zlib.error, ValueError) as error:
        raise UserError(f"{path}: not a .npz checkpoint (the archive is damaged: {error})") from None


def damaged(path: Path, what: str) -> UserError:
    """The error for a checkpoint that is ours but whose contents do not make sense."""
    return UserError(f"{path}: damaged checkpoint: {what}")


def _not_ours(path: Path) -> UserError:
    return UserError(f"{path}: not a backprop-tui CNN checkpoint (no '{FORMAT}' marker)")


def _check_container(path: Path) -> None:
    try:
        with path.open("rb") as file:
            head = file.read(6)
    except OSError as error:
        raise UserError(f"{path}: cannot be read: {error.strerror}") from None
    if head == b"\x93NUMPY":
        raise UserError(f"{path}: not a .npz checkpoint (it is a single NumPy .npy array; "
                        "train writes .npz checkpoints with --checkpoint PATH)")
    if not zipfile.is_zipfile(path):
        raise UserError(f"{path}: not a .npz checkpoint (not a zip archive; train writes .npz "
                        "checkpoints with --checkpoint PATH)")


@dataclass(frozen=True)
class _Header:
    """What an entry's .npy header says, read before any of its data."""

    shape: tuple[int, ...]
    dtype: np.dtype
    fortran: bool

    @property
    def nbytes(self) -> int:
        return math.prod(self.shape) * self.dtype.itemsize


class _Entries:
    """The arrays of an open .npz, each read only after its header has been checked."""

    def __init__(self, path: Path, archive: zipfile.ZipFile):
        self.path = path
        self.archive = archive
        self.infos = {(info.filename[:-4] if info.filename.endswith(".npy") else info.filename): info
                      for info in archive.infolist()}

    def __contains__(self, key: str) -> bool:
        return key in self.infos

    def keys(self) -> list[str]:
        return list(self.infos)

    def header(self, key: str) -> _Header:
        """The entry's shape and dtype; damaged if the header is unreadable, describes Python
        objects, or promises more or less data than the entry holds."""
        info = self.infos[key]
        try:
            with self.archive.open(info) as file:
                header = _read_header(file)
                data_size = info.file_size - file.tell()
        except (OSError, ValueError, EOFError, zlib.error, zipfile.BadZipFile) as error:
            raise damaged(self.path, f"entry {key} is unreadable ({error})") from None
        if header.dtype.hasobject:
            raise damaged(self.path, f"entry {key} holds Python objects, not numbers")
        if header.nbytes != data_size:
            raise damaged(self.path, f"entry {key}: its header describes {_describe(header)} "
                                     f"({header.nbytes:,} bytes), but the entry holds {data_size:,} bytes")
        return header

    def read(self, key: str, header: _Header) -> np.ndarray:
        """The entry's array, once `header` (from `header(key)`) has passed the caller's checks."""
        info = self.infos[key]
        try:
            with self.archive.open(info) as file:
                _read_header(file)
                data = file.read(header.nbytes)
                file.read(1)  # reach the end, where zipfile compares the CRC-32
        except (OSError, ValueError, EOFError, zlib.error, zipfile.BadZipFile) as error:
            raise damaged(self.path, f"entry {key} is unreadable ({error})") from None
        if len(data) != header.nbytes:
            raise damaged(self.path, f"entry {key} is truncated")
        array = np.frombuffer(data, header.dtype).reshape(header.shape, order="F" if header.fortran else "C")
        return array.copy()


def _read_header(file: Any) -> _Header:
    version = np.lib.format.read_magic(file)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(file)
    elif version == (2, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(file)
    else:
        raise ValueError(f"unsupported .npy format version {version[0]}.{version[1]}")
    return _Header(tuple(shape), np.dtype(dtype), bool(fortran))


def _describe(header: _Header) -> str:
    shape = "x".join(str(n) for n in header.shape)
    return f"{header.dtype.name} values of shape {shape}" if header.shape else f"a {header.dtype.name} scalar"


def _load(path: Path, entries: _Entries) -> Checkpoint:
    if "format" not in entries:
        raise _not_ours(path)
    try:
        marker = entries.header("format")
    except UserError:
        raise _not_ours(path) from None
    if marker.dtype.kind != "U" or marker.shape != () or marker.nbytes > 4 * len(FORMAT):
        raise _not_ours(path)
    if str(entries.read("format", marker)[()]) != FORMAT:
        raise _not_ours(path)
    scenario = scenario_from_json(_text(entries, "scenario_json"), f"{path} (stored scenario)")
    try:
        state = TrainState.from_dict(json.loads(_text(entries, "state_json")), scenario.training.epochs)
    except json.JSONDecodeError as error:
        raise damaged(path, f"the stored training state is not valid JSON ({error})") from None
    except ValueError as error:
        raise damaged(path, f"the stored training state: {error}") from None
    data = _data_record(path, entries) if "data_json" in entries else None
    params = _params(path, entries, scenario)
    optim = _optimizer(path, entries, scenario, params)
    return Checkpoint(scenario, params, optim, state, data)


def _text(entries: _Entries, key: str) -> str:
    if key not in entries:
        raise damaged(entries.path, f"entry {key} is missing")
    header = entries.header(key)
    if header.dtype.kind != "U" or header.shape != ():
        raise damaged(entries.path, f"entry {key} should hold one string, holds {_describe(header)}")
    if header.nbytes > 4 * MAX_TEXT_CHARS:
        raise damaged(entries.path, f"entry {key} holds {header.nbytes // 4:,} characters, more than a "
                                    f"checkpoint's {MAX_TEXT_CHARS:,}")
    return str(entries.read(key, header)[()])


def _data_record(path: Path, entries: _Entries) -> DataRecord:
    try:
        return DataRecord.from_dict(json.loads(_text(entries, "data_json")))
    except json.JSONDecodeError as error:
        raise damaged(path, f"the stored data record is not valid JSON ({error})") from None
    except ValueError as error:
        raise damaged(path, f"the stored data record: {error}") from None


def _params(path: Path, entries: _Entries, scenario: CnnScenario) -> dict[str, np.ndarray]:
    from backprop_tui.core.cnn.model import param_shapes

    expected = param_shapes(scenario)
    for key in entries.keys():
        if key.startswith("param/") and key[len("param/"):] not in expected:
            raise damaged(path, f"parameter {key[len('param/'):]} does not belong to the stored architecture")
    params = {}
    for name, shape in expected.items():
        if f"param/{name}" not in entries:
            raise damaged(path, f"parameter {name} is missing")
        params[name] = _floats(entries, f"param/{name}", f"parameter {name}", shape,
                               "the stored architecture needs")
    return params


def _optimizer(path: Path, entries: _Entries, scenario: CnnScenario,
               params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The optimizer state must be what the stored optimizer keeps (or absent: a fresh start)."""
    present = {key[len("optim/"):] for key in entries.keys() if key.startswith("optim/")}
    if not present:
        return {}
    kind = scenario.training.optimizer
    prefixes = {CnnOptimizerName.SGD: (), CnnOptimizerName.MOMENTUM: ("velocity",),
                CnnOptimizerName.ADAM: ("m", "v")}[kind]
    expected = {"step": ()} | {f"{prefix}/{name}": value.shape for prefix in prefixes for name, value in params.items()}
    if present != set(expected):
        extra = sorted(present - set(expected))
        missing = sorted(set(expected) - present)
        what = f"has {extra[0]}" if extra else f"lacks {missing[0]}"
        raise damaged(path, f'the optimizer state {what}, which does not fit optimizer "{kind}"')
    optim = {}
    for key, shape in expected.items():
        if key == "step":
            optim[key] = _step(entries)
            continue
        optim[key] = _floats(entries, f"optim/{key}", f"optimizer state {key}", shape, "needs")
    return optim


def _step(entries: _Entries) -> np.ndarray:
    header = entries.header("optim/step")
    problem = f"optimizer state step should be a whole number from 0, holds {_describe(header)}"
    if header.shape != ():
        raise damaged(entries.path, f"optimizer state step has shape {header.shape}, needs ()")
    if header.dtype.kind not in "iu":
        raise damaged(entries.path, problem)
    value = entries.read("optim/step", header)
    if int(value) < 0:
        raise damaged(entries.path, problem)
    return value


def _floats(entries: _Entries, key: str, what: str, shape: tuple[int, ...], needs: str) -> np.ndarray:
    """A finite float32 array of `shape`, its header checked before its data is read."""
    header = entries.header(key)
    if header.dtype.kind != "f":
        raise damaged(entries.path, f"{what} holds {_describe(header)}, not floating-point numbers")
    if header.shape != shape:
        raise damaged(entries.path, f"{what} has shape {header.shape}, {needs} {shape}")
    value = entries.read(key, header)
    if not np.isfinite(value).all():
        raise damaged(entries.path, f"{what} holds NaN or infinite values")
    return value if value.dtype == np.float32 else value.astype(np.float32)
