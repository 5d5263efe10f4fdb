"""What each CNN subcommand does, from parsed arguments to exit code."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from backprop_tui.core.cnn import download, limits
from backprop_tui.core.cnn.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from backprop_tui.core.cnn.config import CnnScenario, load_cnn_scenario, memory_problem
from backprop_tui.core.cnn.data import (
    CLASS_NAMES, Dataset, cache_dir, describe, find_data, load_dataset, places_to_load, search_places,
    to_input,
)
from backprop_tui.core.cnn.model import build_network, init_params
from backprop_tui.core.cnn.optim import Optimizer
from backprop_tui.render.picture import ascii_image, half_block_image
from backprop_tui.cli.progress import PlainProgress, RichProgress
from backprop_tui.render.cnn_report import full_report
from backprop_tui.core.cnn.train import Hooks, TrainState, TrainingDiverged, batch_count, evaluate, train
from backprop_tui.core import strict_json
from backprop_tui.core.errors import UserError

INTERRUPTED = 130


def _console() -> Console:
    return Console(highlight=False)


def _dataset(args: argparse.Namespace, scenario: CnnScenario) -> Dataset:
    """The data for `scenario`, from the folder the user named or the first place holding it."""
    return load_dataset(places_to_load(args.data_dir), verify=not getattr(args, "no_verify", False),
                        image_size=scenario.input[1:])


# -- train ----------------------------------------------------------------------------------------


def train_command(args: argparse.Namespace) -> int:
    """Train (or resume), checkpointing every epoch; 130 after a Ctrl-C."""
    checkpoint_path = Path(args.checkpoint)
    if args.resume:
        run = _resumed_run(args, checkpoint_path)
    else:
        scenario = _scenario_with_overrides(args)
        params = init_params(scenario)
        run = Checkpoint(scenario, params, {}, TrainState(limit=args.limit))
    scenario = run.scenario
    _check_writable(checkpoint_path, "--checkpoint", "checkpoint", replaced=True)
    if args.metrics:
        _check_writable(Path(args.metrics), "--metrics", "metrics file", replaced=False)
        if os.path.realpath(args.metrics) == os.path.realpath(checkpoint_path):
            raise UserError(f"--metrics {args.metrics}: that is the checkpoint file too; give another file name")
    if not args.resume and checkpoint_path.is_file():
        print(f"note: {checkpoint_path} exists and will be replaced after the first epoch "
              "(use --resume to continue it instead)", file=sys.stderr, flush=True)
    data = _dataset(args, run.scenario)
    train_images, train_labels = _limited(data, run.state.limit, checkpoint_path if args.resume else None)
    batches = batch_count(len(train_images), scenario.training.batch_size)
    if run.state.batch > batches:
        raise UserError(
            f"{checkpoint_path}: the checkpoint stopped after batch {run.state.batch} of epoch {run.state.epoch + 1}, "
            f"but {len(train_images)} training images make only {batches} batches of "
            f"{scenario.training.batch_size}; resume with the data it was trained on"
        )
    network = build_network(scenario, run.params)
    optimizer = Optimizer(scenario.training, run.params)
    _restore_optimizer(optimizer, run.optimizer_state, checkpoint_path)
    run.optimizer_state = optimizer.state
    console = _console()
    out = sys.stdout
    epochs = scenario.training.epochs
    reporter: Any = RichProgress(console, epochs) if out.isatty() else PlainProgress(out, epochs)

    saved = False

    def epoch_done(result: dict[str, Any], state: TrainState) -> None:
        nonlocal saved
        save_checkpoint(checkpoint_path, run)
        saved = True
        if args.metrics:
            _append_metrics(Path(args.metrics), result)
        reporter.on_epoch_end(result, state)

    with _stop_on_sigint() as stop, reporter:
        # Printed once Ctrl-C is handled: from this line on, a Ctrl-C leaves a checkpoint.
        print(
            f"{scenario.title}: {len(train_images)} training images, {len(data.test_images)} test images "
            f"from {data.source}; checkpoint {checkpoint_path}"
            + _resume_note(args.resume, run.state, epochs),
            file=out, flush=True,
        )
        hooks = Hooks(reporter.on_epoch_start, reporter.on_batch, epoch_done, lambda state: stop.is_set())
        try:
            finished = train(network, optimizer, scenario, train_images, train_labels,
                             data.test_images, data.test_labels, run.state, hooks)
        except TrainingDiverged as error:
            kept = (f"The checkpoint {checkpoint_path} is left as it was last written" if saved or args.resume
                    else f"Nothing was written to {checkpoint_path}")
            raise TrainingDiverged(f"{error}. {kept}. Lower the learning rate (--lr, or training.learning_rate "
                                   "in the scenario) and train again.") from None
    if not finished:
        save_checkpoint(checkpoint_path, run)
        print(
            f"interrupted: finished batch {run.state.batch} of epoch {run.state.epoch + 1} and wrote "
            f"{checkpoint_path}; continue with: backprop-tui train --resume --checkpoint {checkpoint_path}",
            file=sys.stderr, flush=True,
        )
        return INTERRUPTED
    result = evaluate(network, data.test_images, data.test_labels)
    console.print(full_report(result.labels, result.predictions, f"{scenario.title} after {epochs} epochs"))
    return 0


def _resume_note(resuming: bool, state: TrainState, epochs: int) -> str:
    if not resuming:
        return ""
    if state.epoch >= epochs:
        return f" (already trained all {epochs} epochs; raise --epochs to continue)"
    return f" (resuming at epoch {state.epoch + 1}, batch {state.batch})"


def _scenario_with_overrides(args: argparse.Namespace) -> CnnScenario:
    scenario = load_cnn_scenario(args.scenario or limits.DEFAULT_SCENARIO)
    changes: dict[str, Any] = {}
    for flag, key in (("epochs", "epochs"), ("batch_size", "batch_size"), ("lr", "learning_rate"),
                      ("momentum", "momentum")):
        if getattr(args, flag) is not None:
            changes[key] = getattr(args, flag)
    if args.momentum is not None and scenario.training.optimizer != "momentum":
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


def _resumed_run(args: argparse.Namespace, path: Path) -> Checkpoint:
    if not path.is_file():
        raise UserError(f"--resume: there is no checkpoint {path} to resume from (pass --checkpoint PATH)")
    fixed = [f"--{name.replace('_', '-')}" for name in ("scenario", "batch_size", "lr", "momentum", "seed")
             if getattr(args, name) is not None]
    run = load_checkpoint(path)
    if args.limit is not None and args.limit != run.state.limit:
        fixed.append("--limit")
    if fixed:
        raise UserError(
            f"--resume continues the run stored in {path} with its own scenario and settings; "
            f"drop {', '.join(fixed)} (only --epochs may be raised when resuming)"
        )
    if args.epochs is not None:
        if args.epochs < run.state.epoch:
            raise UserError(f"--epochs {args.epochs}: the checkpoint has already trained {run.state.epoch} epochs")
        run.scenario = run.scenario.with_training(epochs=args.epochs)
    return run


def _limited(data: Dataset, limit: int | None, checkpoint: Path | None) -> tuple[np.ndarray, np.ndarray]:
    """The first `limit` training images; `checkpoint` when the limit was read from one."""
    if limit is None:
        return data.train_images, data.train_labels
    count = len(data.train_images)
    if limit > count:
        if checkpoint is not None:
            raise UserError(f"{checkpoint}: the checkpoint was trained on the first {limit} training images "
                            f"(train --limit {limit}), but {data.source} holds only {count}; resume with "
                            "the data it was trained on")
        raise UserError(f"--limit {limit}: there are only {count} training images in {data.source}")
    return data.train_images[:limit], data.train_labels[:limit]


def _restore_optimizer(optimizer: Optimizer, saved: dict[str, np.ndarray], path: Path) -> None:
    if not saved:
        return
    if set(saved) != set(optimizer.state):
        raise UserError(f"{path}: the stored optimizer state does not match the scenario's optimizer")
    for key, value in saved.items():
        if value.shape != optimizer.state[key].shape:
            raise UserError(f"{path}: optimizer state {key} has the wrong shape")
        optimizer.state[key][...] = value


def _check_writable(path: Path, flag: str, what: str, replaced: bool) -> None:
    """Refuse now, not after the first epoch, a path that cannot be written: a directory, a folder
    that cannot be created, or one where no file can be made. Creates missing folders, as
    writing would. `replaced`: the file is replaced atomically (else it is appended to)."""
    target = Path(os.path.realpath(path))
    if target.is_dir():
        raise UserError(f"{flag} {path}: is a directory; give a file name for the {what}")
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
        reason = f"{blocker} is a file, not a folder" if blocker is not None else error.strerror
        raise UserError(f"{flag} {path}: cannot create the folder {folder} for the {what}: {reason}") from None
    try:
        if target.exists() and (not replaced or not target.is_file()):
            with target.open("ab"):  # appended to, or a device written in place: open it as writing will
                pass
        else:
            with tempfile.TemporaryFile(dir=folder):  # the atomic writer's temporary file goes here
                pass
    except OSError as error:
        raise UserError(f"{flag} {path}: cannot write the {what} there: {error.strerror}") from None


def _append_metrics(path: Path, result: dict[str, Any]) -> None:
    try:
        with path.open("a", encoding="utf-8") as file:
            file.write(strict_json.dumps(result) + "\n")
    except OSError as error:
        raise UserError(f"cannot append metrics to {path}: {error.strerror}") from None


@contextmanager
def _stop_on_sigint() -> Iterator[threading.Event]:
    """First Ctrl-C: ask the loop to stop after its batch. Second: stop at once."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum: int, frame: Any) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        print("\nstopping after this batch (Ctrl-C again to abort without a checkpoint)...",
              file=sys.stderr, flush=True)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)


# -- evaluate and predict -------------------------------------------------------------------------


def evaluate_command(args: argparse.Namespace) -> int:
    """Accuracy, per-class table and confusion matrix of a checkpoint on the test set."""
    run = load_checkpoint(args.checkpoint)
    data = _dataset(args, run.scenario)
    network = build_network(run.scenario, run.params)
    result = evaluate(network, data.test_images, data.test_labels)
    done = f"epoch {run.state.epoch}/{run.scenario.training.epochs}"
    _console().print(full_report(result.labels, result.predictions, f"{args.checkpoint} ({done})"))
    print(f"test loss {result.loss:.4f}")
    return 0


def predict_command(args: argparse.Namespace) -> int:
    """Draw test image I and list the predicted probabilities, most likely first."""
    run = load_checkpoint(args.checkpoint)
    data = _dataset(args, run.scenario)
    count = len(data.test_images)
    if not 0 <= args.index < count:
        raise UserError(f"--index {args.index}: the test set has images 0 to {count - 1}")
    network = build_network(run.scenario, run.params)
    image = data.test_images[args.index]
    probs = network.predict_proba(to_input(image[None]))[0]
    truth = int(data.test_labels[args.index])
    best = int(probs.argmax())
    console = _console()
    console.print(half_block_image(image) if console.color_system else ascii_image(image))
    console.print(f"test image {args.index}: true class {truth} {CLASS_NAMES[truth]}; "
                  f"predicted {best} {CLASS_NAMES[best]} "
                  f"({'correct' if best == truth else 'wrong'})")
    table = Table(title="Predicted probabilities", title_justify="left")
    table.add_column("label", justify="right")
    table.add_column("class")
    table.add_column("probability", justify="right")
    table.add_column("")
    for label in np.argsort(-probs, kind="stable"):
        mark = " (true)" if label == truth else ""
        table.add_row(str(label), CLASS_NAMES[label] + mark, f"{probs[label]:.2%}", "█" * int(round(probs[label] * 30)))
    console.print(table)
    return 0


# -- data -----------------------------------------------------------------------------------------


def data_command(args: argparse.Namespace) -> int:
    """List the places searched, in order, and which one is used."""
    places = search_places(args.data_dir)
    try:
        used: Path | None = find_data(places_to_load(args.data_dir))
        problem = None
    except UserError as error:
        used, problem = None, str(error)
    print("Fashion-MNIST is looked for in these places, in this order:")
    marked = False
    for number, place in enumerate(places, start=1):
        mark = ""
        if not marked and place.path == used:
            marked = True
            mark = "   <- used"
        print(f"  {number}. {place.path}  ({place.label}: {describe(place)}){mark}")
    if used is None:
        if args.data_dir or os.environ.get("FASHION_MNIST_DIR"):
            print(f"Not usable: {problem}\nA folder named with --data-dir or $FASHION_MNIST_DIR is the only one used.")
        else:
            print("Not found. Run `backprop-tui data download`, or: sudo apt-get install dataset-fashion-mnist")
        return 1
    return 0


def download_command(args: argparse.Namespace) -> int:
    """Fetch the four files into the cache (or --to) with checksums, resume and retries."""
    dest = Path(args.to) if args.to else cache_dir()
    print(f"downloading Fashion-MNIST into {dest}", flush=True)
    try:
        download.download_all(dest, mirrors=download.MIRRORS, retries=args.retries,
                              log=lambda line: print(line, flush=True))
    except download.DownloadFailed as error:
        places = search_places()
        try:
            found = find_data(places)
        except UserError as missing:
            raise UserError(f"{error}\n{missing}") from None
        raise UserError(f"{error}\nFashion-MNIST is already on this machine, though: {found} "
                        "(train, evaluate and predict find it there).") from None
    print(f"done: {dest} holds the four files; train finds them there.")
    return 0
