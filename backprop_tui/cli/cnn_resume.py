"""Starting, refusing and resuming a training run: "the same command, plus --resume" works.

A resumed run keeps the stored scenario and settings. A flag (or the scenario) that repeats a
stored value is accepted; only a real change is refused, naming the stored and the given
value. `--epochs` may stay or rise, never fall, and rising says what the schedule does.
"""

from __future__ import annotations

import argparse
import json
import shlex
from dataclasses import replace
from pathlib import Path
from typing import Any

from backprop_tui.core import strict_json
from backprop_tui.core.cnn import limits
from backprop_tui.core.cnn.checkpoint import Checkpoint, load_checkpoint
from backprop_tui.core.cnn.config import CnnScenario, load_cnn_scenario, memory_problem
from backprop_tui.core.cnn.data import DataRecord, Dataset
from backprop_tui.core.cnn.optim import learning_rate
from backprop_tui.core.cnn.train import TrainState
from backprop_tui.core.errors import UserError
from backprop_tui.core.vocab import CnnOptimizerName, ScheduleName
from backprop_tui.core import wording

_TRAINING_FLAGS = (("batch_size", "batch_size"), ("lr", "learning_rate"), ("momentum", "momentum"))
"""(argparse dest, training key) of the flags that override the scenario's [training]."""

_IGNORED_WHEN_COMPARING = ("title", "description", "training.epochs")
"""Scenario keys a resumed run may differ in: names, and the epochs (--epochs says those)."""


def flag(dest: str) -> str:
    return "--" + dest.replace("_", "-")


def scenario_with_overrides(args: argparse.Namespace, scenario: CnnScenario) -> CnnScenario:
    """`scenario` with --epochs, --batch-size, --lr, --momentum and --seed applied (checked)."""
    changes: dict[str, Any] = {key: getattr(args, dest) for dest, key in _TRAINING_FLAGS
                               if getattr(args, dest) is not None}
    if args.epochs is not None:
        changes["epochs"] = args.epochs
    if args.momentum is not None and scenario.training.optimizer != CnnOptimizerName.MOMENTUM:
        raise UserError(f'--momentum applies to optimizer "momentum"; this scenario uses '
                        f'"{scenario.training.optimizer}"')
    if args.lr is not None and scenario.training.min_learning_rate > args.lr:
        raise UserError(f"--lr {args.lr:g} is below the scenario's min_learning_rate "
                        f"{scenario.training.min_learning_rate:g}")
    scenario = scenario.with_training(**changes)
    if args.batch_size is not None:
        found = memory_problem(scenario.layers, scenario.input, args.batch_size)
        if found is not None:
            raise UserError(f"--batch-size {args.batch_size}: with this model ({found[0]}), {found[1]}; "
                            "pass a smaller --batch-size")
    if args.seed is not None:
        if not 0 <= args.seed < 2**32:
            raise UserError(f"--seed must be from 0 to {2**32 - 1}, got {args.seed}")
        scenario = CnnScenario(scenario.title, scenario.description, args.seed, scenario.input,
                               scenario.layers, scenario.training)
    return scenario


def refuse_existing(path: Path) -> str:
    """The message for `train` without --resume or --fresh when `path` already exists."""
    try:
        stored = load_checkpoint(path)
        what = (f"a checkpoint of {stored.scenario.title!r} with {stored.state.epoch} of "
                f"{wording.count(stored.scenario.training.epochs, 'epoch')} done")
    except UserError:
        what = "a file that is not a readable checkpoint"
    return (f"--checkpoint {path}: {path} already exists ({what}). Continue it with --resume, or start "
            "afresh with --fresh (it is replaced after the new run's first epoch); or give another --checkpoint")


def resumed_run(args: argparse.Namespace, path: Path) -> tuple[Checkpoint, int | None]:
    """The stored run, with --epochs applied; and the epochs it had when --epochs raised them
    (None otherwise). Flags equal to the stored values are accepted; changes are refused."""
    if not path.is_file():
        raise UserError(f"--resume: there is no checkpoint {path} to resume from (pass --checkpoint PATH)")
    run = load_checkpoint(path)
    stored = run.scenario
    changes = _flag_changes(args, run)
    if changes:
        names = " and ".join(dict.fromkeys(name for name, _ in changes))
        raise UserError(
            f"--resume continues the run stored in {path} with its own settings, and these differ from "
            f"them: {'; '.join(text for _, text in changes)}; drop {names} (or give the stored values), "
            "or start a new run with --fresh"
        )
    epochs = stored.training.epochs
    if args.epochs is None or args.epochs == epochs:
        return run, None
    if args.epochs < epochs:
        raise UserError(
            f"--epochs {args.epochs}: the run stored in {path} trains {wording.count(epochs, 'epoch')} "
            f"({run.state.epoch} done); --resume can keep that or raise it, not lower it (its learning-rate "
            "schedule and its weights belong to the longer run)"
        )
    run.scenario = stored.with_training(epochs=args.epochs)
    return run, epochs


def _flag_changes(args: argparse.Namespace, run: Checkpoint) -> list[tuple[str, str]]:
    """(flag, "flag given (stored: value)") for each flag or scenario that changes the run."""
    stored, found = run.scenario, []
    for dest, key in _TRAINING_FLAGS:
        given = getattr(args, dest)
        if given is not None and given != getattr(stored.training, key):
            found.append((flag(dest), f"{flag(dest)} {given:g} (stored: {getattr(stored.training, key):g})"))
    if args.seed is not None and args.seed != stored.seed:
        found.append(("--seed", f"--seed {args.seed} (stored: {stored.seed})"))
    if args.limit is not None and args.limit != run.state.limit:
        was = "all training images" if run.state.limit is None else str(run.state.limit)
        found.append(("--limit", f"--limit {args.limit} (stored: {was})"))
    if args.scenario is not None:
        given = scenario_with_overrides(args, load_cnn_scenario(args.scenario))  # as the first run built it
        overridden = {f"training.{key}" for dest, key in _TRAINING_FLAGS if getattr(args, dest) is not None}
        if args.seed is not None:
            overridden.add("seed")
        differences = [text for key, text in _differences(given, stored) if key not in overridden]
        if differences:
            found.append(("the scenario", f"the scenario {args.scenario} ({'; '.join(differences[:3])})"))
    return found


def _differences(given: CnnScenario, stored: CnnScenario) -> list[tuple[str, str]]:
    """(key, "key: the file has A, the checkpoint B") for each setting that differs, in key order."""
    a, b = _flat(json.loads(given.to_json())), _flat(json.loads(stored.to_json()))
    return [(key, f"{key}: the file has {_show(a.get(key))}, the checkpoint {_show(b.get(key))}")
            for key in sorted(set(a) | set(b)) if a.get(key) != b.get(key) and key not in _IGNORED_WHEN_COMPARING]


def _flat(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, dict):
        items: dict[str, Any] = {}
        for key, value in data.items():
            items.update(_flat(value, f"{prefix}.{key}" if prefix else key))
        return items
    if isinstance(data, list) and data and isinstance(data[0], dict):
        items = {}
        for index, value in enumerate(data, start=1):
            items.update(_flat(value, f"{prefix}[{index}]"))
        items[f"{prefix} count"] = len(data)
        return items
    return {prefix: data}


def _show(value: Any) -> str:
    return "nothing" if value is None else strict_json.dumps(value)


def check_same_data(path: Path, stored: DataRecord | None, data: Dataset) -> None:
    """Refuse to resume on other data than the checkpoint's (files compared by content, so the
    same files in another folder are fine). Checkpoints without a record are not checked."""
    if stored is None:
        return
    differing = stored.differing(data.record())
    if differing:
        raise UserError(
            f"{path} was trained on the data in {stored.folder}, but {data.source} holds other data "
            f"({', '.join(differing)} differ{'s' if len(differing) == 1 else ''} by checksum); resume on the same "
            f"data with --data-dir {shlex.quote(stored.folder)}, or start a new run with --fresh"
        )


def resume_command(args: argparse.Namespace, data: Dataset) -> str:
    """The command that continues this run, shell-quoted: the checkpoint, the data folder
    (named explicitly, so the run continues on the data it started on), --no-verify and
    --metrics as given, and --watch for a run on the training screen."""
    words = ["backprop-tui", "train", "--resume", "--checkpoint", str(args.checkpoint),
             "--data-dir", str(args.data_dir or data.source)]
    if getattr(args, "no_verify", False):
        words.append("--no-verify")
    if args.metrics:
        words += ["--metrics", str(args.metrics)]
    if getattr(args, "watch", False):
        words.append("--watch")  # a run watched on the training screen continues there
    return shlex.join(words)


def schedule_note(epochs_before: int, scenario: CnnScenario, state: TrainState, batches: int) -> str:
    """What raising the epochs from `epochs_before` does to the learning rate, from where the
    run stands (`state`, with `batches` per epoch)."""
    spec = scenario.training
    old = replace(spec, epochs=epochs_before)
    progress = state.epoch + state.batch / batches
    before, after = learning_rate(old, progress), learning_rate(spec, progress)
    raised = f"--epochs {spec.epochs} continues the run from {epochs_before} to {wording.count(spec.epochs, 'epoch')}"
    if spec.schedule == ScheduleName.COSINE:
        return (f"{raised}; the cosine schedule is stretched over all {spec.epochs}, so the learning rate goes "
                f"from {before:.3g} (where the {epochs_before}-epoch schedule stands) to {after:.3g} now, then "
                f"falls along the new curve to {spec.min_learning_rate:g} at the end of epoch {spec.epochs}")
    if spec.schedule == ScheduleName.STEP_DECAY:
        return (f"{raised}; the step_decay schedule goes on as before (times {spec.gamma:g} every "
                f"{wording.count(spec.step_epochs, 'epoch')}): the learning rate is {after:.3g} now")
    return f"{raised}; the learning rate stays {after:g} (constant schedule)"
