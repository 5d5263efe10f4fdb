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
from backprop_tui.core.cnn.checkpoint import Checkpoint, load_checkpoint
from backprop_tui.core.cnn.config import TRANSLATED_KEYS, CnnScenario, load_cnn_scenario, memory_problem
from backprop_tui.core.cnn.data import DataRecord, Dataset
from backprop_tui.core.cnn.optim import learning_rate
from backprop_tui.core.cnn.train import TrainState
from backprop_tui.core.errors import UserError
from backprop_tui.core.vocab import CnnOptimizerName, ScheduleName
from backprop_tui.i18n import _, ngettext, translated
from backprop_tui.render.cnn_report import scenario_title

_TRAINING_FLAGS = (("batch_size", "batch_size"), ("lr", "learning_rate"), ("momentum", "momentum"))
"""(argparse dest, training key) of the flags that override the scenario's [training]."""

_IGNORED_WHEN_COMPARING = ("title", "description", *TRANSLATED_KEYS, "training.epochs")
"""Scenario keys a resumed run may differ in: names, and the epochs (--epochs says those)."""


def flag(dest: str) -> str:
    """The command-line flag of an argparse dest: learning_rate -> --learning-rate."""
    return "--" + dest.replace("_", "-")


def _stored_change() -> str:
    """One changed flag of a refused resume: "--lr 0.1 (stored: 0.05)"."""
    return _("{flag} {given} (stored: {stored})")


def scenario_with_overrides(args: argparse.Namespace, scenario: CnnScenario) -> CnnScenario:
    """`scenario` with --epochs, --batch-size, --lr, --momentum and --seed applied (checked)."""
    changes: dict[str, Any] = {key: getattr(args, dest) for dest, key in _TRAINING_FLAGS
                               if getattr(args, dest) is not None}
    if args.epochs is not None:
        changes["epochs"] = args.epochs
    if args.momentum is not None and scenario.training.optimizer != CnnOptimizerName.MOMENTUM:
        raise UserError(_('{flag} applies to optimizer "{wanted}"; this scenario uses "{used}"').format(
            flag="--momentum", wanted="momentum", used=scenario.training.optimizer))
    if args.lr is not None and scenario.training.min_learning_rate > args.lr:
        raise UserError(_("{flag} {value} is below the scenario's {key} {minimum}").format(
            flag="--lr", value=f"{args.lr:g}", key="min_learning_rate",
            minimum=f"{scenario.training.min_learning_rate:g}"))
    scenario = scenario.with_training(**changes)
    if args.batch_size is not None:
        found = memory_problem(scenario.layers, scenario.input, args.batch_size)
        if found is not None:
            raise UserError(_("{flag} {size}: with this model ({where}), {problem}; pass a smaller {flag}").format(
                flag="--batch-size", size=args.batch_size, where=found[0], problem=translated(found[1])))
    if args.seed is not None:
        if not 0 <= args.seed < 2**32:
            raise UserError(_("{flag} must be from 0 to {most}, got {value}").format(
                flag="--seed", most=2**32 - 1, value=args.seed))
        scenario = replace(scenario, seed=args.seed)
    return scenario


def refuse_existing(path: Path) -> str:
    """The message for `train` without --resume or --fresh when `path` already exists."""
    try:
        stored = load_checkpoint(path)
        epochs = stored.scenario.training.epochs
        what = ngettext("a checkpoint of {title} with {done} of {count} epoch done",
                        "a checkpoint of {title} with {done} of {count} epochs done", epochs).format(
            title=repr(scenario_title(stored.scenario)), done=stored.state.epoch, count=epochs)
    except UserError:
        what = _("a file that is not a readable checkpoint")
    return _("{flag} {path}: {path} already exists ({what}). Continue it with {resume}, or start afresh with "
             "{fresh} (it is replaced after the new run's first epoch); or give another {flag}").format(
        flag="--checkpoint", path=path, what=what, resume="--resume", fresh="--fresh")


def resumed_run(args: argparse.Namespace, path: Path) -> tuple[Checkpoint, int | None]:
    """The stored run, with --epochs applied; and the epochs it had when --epochs raised them
    (None otherwise). Flags equal to the stored values are accepted; changes are refused."""
    if not path.is_file():
        raise UserError(_("{flag}: there is no checkpoint {path} to resume from (pass {option})").format(
            flag="--resume", path=path, option="--checkpoint PATH"))
    run = load_checkpoint(path)
    stored = run.scenario
    changes = _flag_changes(args, run)
    if changes:
        names = _(" and ").join(dict.fromkeys(name for name, _text in changes))
        raise UserError(_(
            "{flag} continues the run stored in {path} with its own settings, and these differ from them: "
            "{changes}; drop {names} (or give the stored values), or start a new run with {fresh}").format(
            flag="--resume", path=path, changes="; ".join(text for _name, text in changes), names=names,
            fresh="--fresh"))
    epochs = stored.training.epochs
    if args.epochs is None or args.epochs == epochs:
        return run, None
    if args.epochs < epochs:
        raise UserError(ngettext(
            "{flag} {given}: the run stored in {path} trains {count} epoch ({done} done); {resume} can keep that "
            "or raise it, not lower it (its learning-rate schedule and its weights belong to the longer run)",
            "{flag} {given}: the run stored in {path} trains {count} epochs ({done} done); {resume} can keep that "
            "or raise it, not lower it (its learning-rate schedule and its weights belong to the longer run)",
            epochs).format(flag="--epochs", given=args.epochs, path=path, count=epochs, done=run.state.epoch,
                           resume="--resume"))
    run.scenario = stored.with_training(epochs=args.epochs)
    return run, epochs


def _flag_changes(args: argparse.Namespace, run: Checkpoint) -> list[tuple[str, str]]:
    """(flag, "flag given (stored: value)") for each flag or scenario that changes the run."""
    stored, found = run.scenario, []
    for dest, key in _TRAINING_FLAGS:
        given = getattr(args, dest)
        if given is not None and given != getattr(stored.training, key):
            found.append((flag(dest), _stored_change().format(flag=flag(dest), given=f"{given:g}",
                                                        stored=f"{getattr(stored.training, key):g}")))
    if args.seed is not None and args.seed != stored.seed:
        found.append(("--seed", _stored_change().format(flag="--seed", given=args.seed, stored=stored.seed)))
    if args.limit is not None and args.limit != run.state.limit:
        was = _("all training images") if run.state.limit is None else str(run.state.limit)
        found.append(("--limit", _stored_change().format(flag="--limit", given=args.limit, stored=was)))
    if args.scenario is not None:
        given = scenario_with_overrides(args, load_cnn_scenario(args.scenario))  # as the first run built it
        overridden = {f"training.{key}" for dest, key in _TRAINING_FLAGS if getattr(args, dest) is not None}
        if args.seed is not None:
            overridden.add("seed")
        differences = [text for key, text in _differences(given, stored) if key not in overridden]
        if differences:
            found.append((_("the scenario"), _("the scenario {name} ({differences})").format(
                name=args.scenario, differences="; ".join(differences[:3]))))
    return found


def _differences(given: CnnScenario, stored: CnnScenario) -> list[tuple[str, str]]:
    """(key, "key: the file has A, the checkpoint B") for each setting that differs, in key order."""
    a, b = _flat(json.loads(given.to_json())), _flat(json.loads(stored.to_json()))
    return [(key, _("{key}: the file has {given}, the checkpoint {stored}").format(
                key=key, given=_show(a.get(key)), stored=_show(b.get(key))))
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
    return _("nothing") if value is None else strict_json.dumps(value)


def check_same_data(path: Path, stored: DataRecord | None, data: Dataset) -> None:
    """Refuse to resume on other data than the checkpoint's (files compared by content, so the
    same files in another folder are fine). Checkpoints without a record are not checked."""
    if stored is None:
        return
    differing = stored.differing(data.record())
    if differing:
        raise UserError(ngettext(
            "{path} was trained on the data in {folder}, but {source} holds other data ({files} differs by "
            "checksum); resume on the same data with {option}, or start a new run with {fresh}",
            "{path} was trained on the data in {folder}, but {source} holds other data ({files} differ by "
            "checksum); resume on the same data with {option}, or start a new run with {fresh}",
            len(differing)).format(path=path, folder=stored.folder, source=data.source, files=", ".join(differing),
                                   option=f"--data-dir {shlex.quote(stored.folder)}", fresh="--fresh"))


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
    slots = dict(flag="--epochs", epochs=spec.epochs, before=epochs_before, old=f"{before:.3g}", new=f"{after:.3g}",
                 minimum=f"{spec.min_learning_rate:g}", gamma=f"{spec.gamma:g}", every=spec.step_epochs)
    if spec.schedule == ScheduleName.COSINE:
        return _("{flag} {epochs} continues the run from {before} to {epochs} epochs; the cosine schedule is "
                 "stretched over all {epochs}, so the learning rate goes from {old} (where the {before}-epoch "
                 "schedule stands) to {new} now, then falls along the new curve to {minimum} at the end of epoch "
                 "{epochs}").format(**slots)
    if spec.schedule == ScheduleName.STEP_DECAY:
        return ngettext("{flag} {epochs} continues the run from {before} to {epochs} epochs; the step_decay "
                        "schedule goes on as before (times {gamma} every {every} epoch): the learning rate is "
                        "{new} now",
                        "{flag} {epochs} continues the run from {before} to {epochs} epochs; the step_decay "
                        "schedule goes on as before (times {gamma} every {every} epochs): the learning rate is "
                        "{new} now", spec.step_epochs).format(**slots)
    return _("{flag} {epochs} continues the run from {before} to {epochs} epochs; the learning rate stays "
             "{constant} (constant schedule)").format(constant=f"{after:g}", **slots)
