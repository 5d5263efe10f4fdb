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
from backprop_tui.i18n import Message, _

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
        raise UserError(Message("{path}: cannot create its folder: {reason}", path=path,
                                reason=error.strerror)) from None
    with atomic_writer(path, Message("checkpoint")) as handle:
        np.savez(handle, **arrays)


def load_checkpoint(path: Path | str) -> Checkpoint:
    """Read a checkpoint; anything else, or a damaged one, gives a UserError naming the file
    (and, for a damaged entry, the entry)."""
    path = Path(path)
    if not path.is_file():
        raise UserError(Message("{path}: no such checkpoint file (train writes one with --checkpoint PATH)",
                                path=path))
    _check_container(path)
    try:
        with zipfile.ZipFile(path) as archive:
            return _load(path, _Entries(path, archive))
    except (OSError, zipfile.BadZipFile, EOFError, zlib.error, ValueError) as error:
        raise UserError(Message("{path}: not a .npz checkpoint (the archive is damaged: {error})", path=path,
                                error=reason(error))) from None


def damaged(path: Path, what: str) -> UserError:
    """The error for a checkpoint that is ours but whose contents do not make sense; `what`
    (a Message, or text as it is) says what, in the interface language where drawn."""
    return UserError(Message("{path}: damaged checkpoint: {what}", path=path, what=what))


def _not_ours(path: Path) -> UserError:
    return UserError(Message("{path}: not a backprop-tui CNN checkpoint (no '{marker}' marker)", path=path,
                             marker=FORMAT))


def _check_container(path: Path) -> None:
    try:
        with path.open("rb") as file:
            head = file.read(6)
    except OSError as error:
        raise UserError(Message("{path}: cannot be read: {reason}", path=path, reason=error.strerror)) from None
    if head == b"\x93NUMPY":
        raise UserError(Message("{path}: not a .npz checkpoint (it is a single NumPy .npy array; train writes "
                                ".npz checkpoints with --checkpoint PATH)", path=path))
    if not zipfile.is_zipfile(path):
        raise UserError(Message("{path}: not a .npz checkpoint (not a zip archive; train writes .npz checkpoints "
                                "with --checkpoint PATH)", path=path))


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
            raise damaged(self.path, Message("entry {key} is unreadable ({error})", key=key, error=error)) from None
        if header.dtype.hasobject:
            raise damaged(self.path, Message("entry {key} holds Python objects, not numbers", key=key))
        if header.nbytes != data_size:
            raise damaged(self.path, Message("entry {key}: its header describes {values} ({promised} bytes), but "
                                             "the entry holds {held} bytes", key=key, values=_describe(header),
                                             promised=f"{header.nbytes:,}", held=f"{data_size:,}"))
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
            raise damaged(self.path, Message("entry {key} is unreadable ({error})", key=key, error=error)) from None
        if len(data) != header.nbytes:
            raise damaged(self.path, Message("entry {key} is truncated", key=key))
        array = np.frombuffer(data, header.dtype).reshape(header.shape, order="F" if header.fortran else "C")
        return array.copy()


def _read_header(file: Any) -> _Header:
    version = np.lib.format.read_magic(file)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(file)
    elif version == (2, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(file)
    else:
        raise ValueError(Message("unsupported .npy format version {version}", version=f"{version[0]}.{version[1]}"))
    return _Header(tuple(shape), np.dtype(dtype), bool(fortran))


def _describe(header: _Header) -> Message:
    shape = "x".join(str(n) for n in header.shape)
    if header.shape:
        return Message("{dtype} values of shape {shape}", dtype=header.dtype.name, shape=shape)
    return Message("a {dtype} scalar", dtype=header.dtype.name)


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
    scenario = scenario_from_json(_text(entries, "scenario_json"), _("{path} (stored scenario)").format(path=path))
    try:
        state = TrainState.from_dict(json.loads(_text(entries, "state_json")), scenario.training.epochs)
    except json.JSONDecodeError as error:
        raise damaged(path, Message("the stored training state is not valid JSON ({error})", error=error)) from None
    except ValueError as error:
        raise damaged(path, Message("the stored training state: {problem}", problem=reason(error))) from None
    data = _data_record(path, entries) if "data_json" in entries else None
    params = _params(path, entries, scenario)
    optim = _optimizer(path, entries, scenario, params)
    return Checkpoint(scenario, params, optim, state, data)


def _text(entries: _Entries, key: str) -> str:
    if key not in entries:
        raise damaged(entries.path, Message("entry {key} is missing", key=key))
    header = entries.header(key)
    if header.dtype.kind != "U" or header.shape != ():
        raise damaged(entries.path, Message("entry {key} should hold one string, holds {values}", key=key,
                                            values=_describe(header)))
    if header.nbytes > 4 * MAX_TEXT_CHARS:
        raise damaged(entries.path, Message("entry {key} holds {count} characters, more than a checkpoint's {limit}",
                                            key=key, count=f"{header.nbytes // 4:,}", limit=f"{MAX_TEXT_CHARS:,}"))
    return str(entries.read(key, header)[()])


def _data_record(path: Path, entries: _Entries) -> DataRecord:
    try:
        return DataRecord.from_dict(json.loads(_text(entries, "data_json")))
    except json.JSONDecodeError as error:
        raise damaged(path, Message("the stored data record is not valid JSON ({error})", error=error)) from None
    except ValueError as error:
        raise damaged(path, Message("the stored data record: {problem}", problem=reason(error))) from None


def reason(error: Exception) -> str:
    """An error's message as a slot: its Message (drawn in the interface language), else its text."""
    return error.args[0] if len(error.args) == 1 and isinstance(error.args[0], Message) else str(error)


def _params(path: Path, entries: _Entries, scenario: CnnScenario) -> dict[str, np.ndarray]:
    from backprop_tui.core.cnn.model import param_shapes

    expected = param_shapes(scenario)
    for key in entries.keys():
        if key.startswith("param/") and key[len("param/"):] not in expected:
            raise damaged(path, Message("parameter {name} does not belong to the stored architecture",
                                        name=key[len("param/"):]))
    params = {}
    for name, shape in expected.items():
        if f"param/{name}" not in entries:
            raise damaged(path, Message("parameter {name} is missing", name=name))
        params[name] = _floats(entries, f"param/{name}", Message("parameter {name}", name=name), shape, stored=True)
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
        if extra:
            raise damaged(path, Message('the optimizer state has {entry}, which does not fit optimizer "{kind}"',
                                        entry=extra[0], kind=kind))
        raise damaged(path, Message('the optimizer state lacks {entry}, which does not fit optimizer "{kind}"',
                                    entry=missing[0], kind=kind))
    optim = {}
    for key, shape in expected.items():
        if key == "step":
            optim[key] = _step(entries)
            continue
        optim[key] = _floats(entries, f"optim/{key}", Message("optimizer state {key}", key=key), shape, stored=False)
    return optim


def _step(entries: _Entries) -> np.ndarray:
    header = entries.header("optim/step")
    problem = Message("optimizer state step should be a whole number from 0, holds {values}",
                      values=_describe(header))
    if header.shape != ():
        raise damaged(entries.path, Message("optimizer state step has shape {shape}, needs ()", shape=header.shape))
    if header.dtype.kind not in "iu":
        raise damaged(entries.path, problem)
    value = entries.read("optim/step", header)
    if int(value) < 0:
        raise damaged(entries.path, problem)
    return value


def _floats(entries: _Entries, key: str, what: Message, shape: tuple[int, ...], stored: bool) -> np.ndarray:
    """A finite float32 array of `shape`, its header checked before its data is read. `what` names
    the array; `stored`: its shape comes from the stored architecture (a parameter), else from the
    parameter it belongs to (optimizer state)."""
    header = entries.header(key)
    if header.dtype.kind != "f":
        raise damaged(entries.path, Message("{values} holds {found}, not floating-point numbers", values=what,
                                            found=_describe(header)))
    if header.shape != shape:
        if stored:
            raise damaged(entries.path, Message("{values} has shape {shape}, the stored architecture needs {needed}",
                                                values=what, shape=header.shape, needed=shape))
        raise damaged(entries.path, Message("{values} has shape {shape}, needs {needed}", values=what,
                                            shape=header.shape, needed=shape))
    value = entries.read(key, header)
    if not np.isfinite(value).all():
        raise damaged(entries.path, Message("{values} holds NaN or infinite values", values=what))
    return value if value.dtype == np.float32 else value.astype(np.float32)
