"""Checkpoints: one .npz holding the scenario (as JSON), weights, optimizer state and progress.

Written atomically (a temporary file in the same folder, then `os.replace`), so a crash or a
second Ctrl-C never leaves half a checkpoint; read with `allow_pickle=False`.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from backprop_tui.cnn.config import CnnScenario, scenario_from_json
from backprop_tui.cnn.train import TrainState
from backprop_tui.errors import UserError
from backprop_tui.fileio import atomic_writer

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
        "state_json": np.array(json.dumps(checkpoint.state.to_dict())),
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
    """Read a checkpoint; anything else gives a UserError naming the file."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such checkpoint file (train writes one with --checkpoint PATH)")
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        raise UserError(f"{path}: not a readable .npz checkpoint ({error})") from None
    if "format" not in arrays or str(arrays["format"]) != FORMAT:
        raise UserError(f"{path}: not a backprop-tui CNN checkpoint (no '{FORMAT}' marker)")
    scenario = scenario_from_json(str(arrays["scenario_json"]), f"{path} (stored scenario)")
    try:
        state = TrainState.from_dict(json.loads(str(arrays["state_json"])))
    except (KeyError, TypeError, ValueError) as error:
        raise UserError(f"{path}: the stored training state is damaged ({error})") from None
    params = {k[len("param/"):]: v for k, v in arrays.items() if k.startswith("param/")}
    optim = {k[len("optim/"):]: v for k, v in arrays.items() if k.startswith("optim/")}
    _check_params(path, scenario, params)
    return Checkpoint(scenario, params, optim, state)


def _check_params(path: Path, scenario: CnnScenario, params: dict[str, np.ndarray]) -> None:
    from backprop_tui.cnn.model import init_params

    expected = init_params(scenario)
    for name, value in expected.items():
        if name not in params:
            raise UserError(f"{path}: parameter {name} is missing")
        if params[name].shape != value.shape:
            raise UserError(f"{path}: parameter {name} has shape {params[name].shape}, the stored "
                            f"architecture needs {value.shape}")
        if params[name].dtype != np.float32:
            params[name] = params[name].astype(np.float32)
