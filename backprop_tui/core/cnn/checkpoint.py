"""Checkpoints: one .npz holding the scenario (as JSON), weights, optimizer state and progress.

Written atomically (a temporary file in the same folder, then `os.replace`), so a crash or a
second Ctrl-C never leaves half a checkpoint; read with `allow_pickle=False`.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from backprop_tui.core.cnn.config import CnnScenario, scenario_from_json
from backprop_tui.core.cnn.train import TrainState
from backprop_tui.core import strict_json
from backprop_tui.core.errors import UserError
from backprop_tui.core.fileio import atomic_writer

FORMAT = "backprop-tui-cnn-checkpoint/1"


@dataclass
class Checkpoint:
    """What a checkpoint holds."""

    scenario: CnnScenario
    params: dict[str, np.ndarray]
    optimizer_state: dict[str, np.ndarray]
    state: TrainState


def save_checkpoint(path: Path | str, checkpoint: Checkpoint) -> None:
    """Write `checkpoint` to `path` atomically."""
    path = Path(path)
    arrays: dict[str, np.ndarray] = {
        "format": np.array(FORMAT),
        "scenario_json": np.array(checkpoint.scenario.to_json()),
        "state_json": np.array(strict_json.dumps(checkpoint.state.to_dict())),
    }
    arrays.update({f"param/{k}": v for k, v in checkpoint.params.items()})
    arrays.update({f"optim/{k}": v for k, v in checkpoint.optimizer_state.items()})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # `--checkpoint runs/a.npz` makes runs/
    except OSError as error:
        raise UserError(f"{path}: cannot create its folder: {error.strerror}") from None
    with atomic_writer(path, "checkpoint") as handle:
        np.savez(handle, **arrays)


def load_checkpoint(path: Path | str) -> Checkpoint:
    """Read a checkpoint; anything else, or a damaged one, gives a UserError naming the file."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such checkpoint file (train writes one with --checkpoint PATH)")
    arrays = _read_arrays(path)
    scenario = scenario_from_json(_text(path, arrays, "scenario_json"), f"{path} (stored scenario)")
    try:
        state = TrainState.from_dict(json.loads(_text(path, arrays, "state_json")), scenario.training.epochs)
    except json.JSONDecodeError as error:
        raise damaged(path, f"the stored training state is not valid JSON ({error})") from None
    except ValueError as error:
        raise damaged(path, f"the stored training state: {error}") from None
    params = {k[len("param/"):]: v for k, v in arrays.items() if k.startswith("param/")}
    optim = {k[len("optim/"):]: v for k, v in arrays.items() if k.startswith("optim/")}
    _check_params(path, scenario, params)
    _check_optimizer(path, scenario, params, optim)
    return Checkpoint(scenario, params, optim, state)


def damaged(path: Path, what: str) -> UserError:
    """The error for a checkpoint that is ours but whose contents do not make sense."""
    return UserError(f"{path}: damaged checkpoint: {what}")


def _read_arrays(path: Path) -> dict[str, np.ndarray]:
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
    arrays: dict[str, np.ndarray] = {}
    try:
        with np.load(path, allow_pickle=False) as npz:
            if "format" not in npz.files:
                raise UserError(f"{path}: not a backprop-tui CNN checkpoint (no '{FORMAT}' marker)")
            for key in ["format", *(k for k in npz.files if k != "format")]:
                try:
                    value = npz[key]
                except ValueError:  # an object array: its pickle is never loaded
                    if key == "format":
                        raise UserError(f"{path}: not a backprop-tui CNN checkpoint (no '{FORMAT}' marker)") from None
                    raise damaged(path, f"entry {key} holds Python objects, not numbers") from None
                if not isinstance(value, np.ndarray):
                    raise damaged(path, f"entry {key} is not a NumPy array")
                if key == "format" and (value.dtype.kind != "U" or value.shape != () or str(value) != FORMAT):
                    raise UserError(f"{path}: not a backprop-tui CNN checkpoint (no '{FORMAT}' marker)")
                arrays[key] = value
    except (OSError, ValueError, zipfile.BadZipFile, EOFError, zlib.error) as error:
        raise UserError(f"{path}: not a .npz checkpoint (the archive is damaged: {error})") from None
    return arrays


def _text(path: Path, arrays: dict[str, np.ndarray], key: str) -> str:
    if key not in arrays:
        raise damaged(path, f"entry {key} is missing")
    value = arrays[key]
    if value.dtype.kind != "U" or value.shape != ():
        raise damaged(path, f"entry {key} should hold one string, holds {_what(value)}")
    return str(value)


def _what(value: np.ndarray) -> str:
    shape = "x".join(str(n) for n in value.shape) or "a scalar"
    return f"{value.dtype.name} values of shape {shape}" if value.shape else f"a {value.dtype.name} scalar"


def _check_params(path: Path, scenario: CnnScenario, params: dict[str, np.ndarray]) -> None:
    from backprop_tui.core.cnn.model import param_shapes

    expected = param_shapes(scenario)
    for name in params:
        if name not in expected:
            raise damaged(path, f"parameter {name} does not belong to the stored architecture")
    for name, shape in expected.items():
        if name not in params:
            raise damaged(path, f"parameter {name} is missing")
        value = params[name]
        if value.dtype.kind != "f":
            raise damaged(path, f"parameter {name} holds {_what(value)}, not floating-point numbers")
        if value.shape != shape:
            raise damaged(path, f"parameter {name} has shape {value.shape}, the stored architecture needs {shape}")
        if not np.isfinite(value).all():
            raise damaged(path, f"parameter {name} holds NaN or infinite values")
        if value.dtype != np.float32:
            params[name] = value.astype(np.float32)


def _check_optimizer(path: Path, scenario: CnnScenario, params: dict[str, np.ndarray],
                     optim: dict[str, np.ndarray]) -> None:
    """The optimizer state must be what the stored optimizer keeps (or absent: a fresh start)."""
    if not optim:
        return
    kind = scenario.training.optimizer
    prefixes = {"sgd": (), "momentum": ("velocity",), "adam": ("m", "v")}[kind]
    expected = {"step": ()} | {f"{prefix}/{name}": value.shape for prefix in prefixes for name, value in params.items()}
    if set(optim) != set(expected):
        extra = sorted(set(optim) - set(expected))
        missing = sorted(set(expected) - set(optim))
        what = f"has {extra[0]}" if extra else f"lacks {missing[0]}"
        raise damaged(path, f'the optimizer state {what}, which does not fit optimizer "{kind}"')
    for key, shape in expected.items():
        value = optim[key]
        if value.shape != shape:
            raise damaged(path, f"optimizer state {key} has shape {value.shape}, needs {shape}")
        if key == "step":
            if value.dtype.kind not in "iu" or int(value) < 0:
                raise damaged(path, f"optimizer state step should be a whole number from 0, holds {_what(value)}")
            continue
        if value.dtype.kind != "f":
            raise damaged(path, f"optimizer state {key} holds {_what(value)}, not floating-point numbers")
        if not np.isfinite(value).all():
            raise damaged(path, f"optimizer state {key} holds NaN or infinite values")
        if value.dtype != np.float32:
            optim[key] = value.astype(np.float32)
