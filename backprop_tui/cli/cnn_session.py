"""What each CNN subcommand does, from parsed arguments to exit code."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from backprop_tui.core.cnn import download, limits
from backprop_tui.core.cnn.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from backprop_tui.core.cnn.config import CnnScenario, load_cnn_scenario
from backprop_tui.core.cnn.data import (
    CLASS_NAMES, ChecksumMismatch, Dataset, Place, cache_dir, describe, find_data, load_dataset, places_to_load,
    search_places,
    to_input,
)
from backprop_tui.core.cnn.model import build_network, init_params
from backprop_tui.core.cnn.optim import Optimizer
from backprop_tui.render.picture import FULL_BLOCK, UPPER_HALF, ascii_image, half_block_image
from backprop_tui.cli.cnn_output import (
    GuardedOutput, Interrupted, StopRequest, can_encode, guarded_stdout, stop_on_signals,
)
from backprop_tui.cli.cnn_paths import MetricsFile, check_writable, leftover_temporaries, same_file
from backprop_tui.cli.cnn_resume import (
    check_same_data, refuse_existing, resume_command, resumed_run, scenario_with_overrides, schedule_note,
)
from backprop_tui.cli.progress import PlainProgress, RichProgress, live_terminal
from backprop_tui.render.cnn_report import full_report, plural
from backprop_tui.core.cnn.train import (
    Evaluation, Hooks, TrainState, TrainingDiverged, batch_count, evaluate, train,
)
from backprop_tui.core.errors import UserError

def _console() -> Console:
    return Console(file=sys.stdout, highlight=False)


def _dataset(args: argparse.Namespace, scenario: CnnScenario) -> Dataset:
    """The data for `scenario`, from the folder the user named or the first place holding it."""
    return load_dataset(places_to_load(args.data_dir), verify=not getattr(args, "no_verify", False),
                        image_size=scenario.input[1:])


# -- train ----------------------------------------------------------------------------------------


def train_command(args: argparse.Namespace) -> int:
    """Train (or resume), checkpointing every epoch.

    Exit 0 when every epoch is done; 128 + the signal's number after SIGINT, SIGTERM or SIGHUP
    and 141 after the output was closed (each after finishing the batch and writing the
    checkpoint); 1 when training diverged (the last good checkpoint kept); 2 for bad input.
    """
    stop = StopRequest()
    with stop_on_signals(stop), guarded_stdout(stop) as out:
        try:
            return _train(args, stop, out)
        except Interrupted as signal_:
            if stop.training:  # a second signal while finishing the batch or writing
                print(f"aborted ({signal_.signal_name} again): {args.checkpoint} holds what the last "
                      "completed write put there", file=sys.stderr, flush=True)
            else:
                print(f"interrupted ({signal_.signal_name}) before training started; nothing was written",
                      file=sys.stderr, flush=True)
            return signal_.exit_code


def _train(args: argparse.Namespace, stop: StopRequest, out: GuardedOutput) -> int:
    checkpoint_path = Path(args.checkpoint)
    check_writable(checkpoint_path, "--checkpoint", "checkpoint", replaced=True)
    existed = checkpoint_path.is_file()
    if args.resume:
        run, epochs_before = resumed_run(args, checkpoint_path)
    else:
        if existed and not args.fresh:
            raise UserError(refuse_existing(checkpoint_path))
        scenario = scenario_with_overrides(args, load_cnn_scenario(args.scenario or limits.DEFAULT_SCENARIO))
        run, epochs_before = Checkpoint(scenario, init_params(scenario), {}, TrainState(limit=args.limit)), None
    scenario = run.scenario
    metrics = None
    if args.metrics:
        metrics_path = Path(args.metrics)
        check_writable(metrics_path, "--metrics", "metrics file", replaced=False)
        if same_file(metrics_path, checkpoint_path):
            raise UserError(f"--metrics {args.metrics}: that is the checkpoint file too; give another file name")
    data = _dataset(args, run.scenario)
    train_images, train_labels = _limited(data, run.state.limit, checkpoint_path if args.resume else None)
    batches = batch_count(len(train_images), scenario.training.batch_size)
    if args.resume:
        check_same_data(checkpoint_path, run.data, data)
    run.data = data.record()
    if run.state.batch > batches:
        raise UserError(
            f"{checkpoint_path}: the checkpoint stopped after batch {run.state.batch} of epoch {run.state.epoch + 1}, "
            f"but {len(train_images)} training images make only {plural(batches, 'batch')} of "
            f"{scenario.training.batch_size}; resume with the data it was trained on"
        )
    network = build_network(scenario, run.params)
    optimizer = Optimizer(scenario.training, run.params)
    _restore_optimizer(optimizer, run.optimizer_state, checkpoint_path)
    run.optimizer_state = optimizer.state
    if args.metrics:
        metrics = MetricsFile(Path(args.metrics))
        metrics.reconcile(run.state.history)
    for leftover in leftover_temporaries(checkpoint_path):
        leftover.unlink(missing_ok=True)
        print(f"note: removed {leftover}, a temporary file left by a run that was killed", file=sys.stderr)
    if epochs_before is not None:
        print(f"note: {schedule_note(epochs_before, scenario, run.state, batches)}", file=sys.stderr, flush=True)
    if existed and not args.resume:
        print(f"note: {checkpoint_path} will be replaced by this run's checkpoint after its first epoch "
              "(--fresh)", file=sys.stderr, flush=True)
    console = Console(file=out, highlight=False)
    epochs = scenario.training.epochs
    reporter: Any = RichProgress(console, epochs) if live_terminal(console) else PlainProgress(out, epochs)
    saved = False
    last_test: list[Evaluation] = []  # the last epoch's test evaluation: the final report reuses it

    def tested(test: Evaluation, state: TrainState) -> None:
        last_test[:] = [test]

    def epoch_done(result: dict[str, Any], state: TrainState) -> None:
        nonlocal saved
        save_checkpoint(checkpoint_path, run)
        saved = True
        if metrics is not None:
            try:
                metrics.append(result)
            except UserError as error:
                raise UserError(f"{error}. The checkpoint holds epoch {state.epoch}; once that is fixed, "
                                f"continue with: {resume_command(args, data)}") from None
        reporter.on_epoch_end(result, state)

    try:
        with reporter:
            stop.training = True  # from this line on, a signal leaves a checkpoint
            print(
                f"{scenario.title}: {plural(len(train_images), 'training image')}, "
                f"{plural(len(data.test_images), 'test image')} from {data.source}; checkpoint {checkpoint_path}"
                + _resume_note(args.resume, run.state, epochs),
                file=out, flush=True,
            )
            hooks = Hooks(reporter.on_epoch_start, reporter.on_batch, epoch_done, lambda state: stop.is_set(),
                          lambda state: stop.is_set(), reporter.on_evaluate, tested)
            try:
                finished = train(network, optimizer, scenario, train_images, train_labels,
                                 data.test_images, data.test_labels, run.state, hooks)
            except TrainingDiverged as error:
                kept = (f"The checkpoint {checkpoint_path} is left as it was last written" if saved or existed
                        else f"Nothing was written to {checkpoint_path}")
                raise TrainingDiverged(f"{error}. {kept}. Lower the learning rate (--lr, or training.learning_rate "
                                       "in the scenario) and train again.") from None
    finally:
        if metrics is not None:
            metrics.close()
    if not finished:
        save_checkpoint(checkpoint_path, run)
        where = (f"batch {run.state.batch} of epoch {run.state.epoch + 1}" if run.state.batch
                 else f"epoch {run.state.epoch}")
        print(f"interrupted ({stop.reason}): finished {where} and wrote {checkpoint_path}; continue with: "
              f"{resume_command(args, data)}", file=sys.stderr, flush=True)
        return stop.exit_code
    # The last epoch evaluated the test set with these very weights; only a run that was
    # already finished when resumed has none to reuse.
    result = last_test[0] if last_test else evaluate(network, data.test_images, data.test_labels)
    console.print(full_report(result.labels, result.predictions,
                              f"{scenario.title} after {plural(epochs, 'epoch')}"))
    return 0


def _resume_note(resuming: bool, state: TrainState, epochs: int) -> str:
    if not resuming:
        return ""
    if state.epoch >= epochs:
        return f" (already trained all {plural(epochs, 'epoch')}; raise --epochs to continue)"
    return f" (resuming at epoch {state.epoch + 1}, batch {state.batch})"


def _limited(data: Dataset, limit: int | None, checkpoint: Path | None) -> tuple[np.ndarray, np.ndarray]:
    """The first `limit` training images; `checkpoint` when the limit was read from one."""
    if limit is None:
        return data.train_images, data.train_labels
    count = len(data.train_images)
    if limit > count:
        if checkpoint is not None:
            raise UserError(f"{checkpoint}: the checkpoint was trained on the first {plural(limit, 'training image')} "
                            f"(train --limit {limit}), but {data.source} holds only {count}; resume with "
                            "the data it was trained on")
        raise UserError(f"--limit {limit}: there are only {plural(count, 'training image')} in {data.source}")
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
        raise UserError(f"--index {args.index}: the test set has images 0 to {count - 1}" if count > 1 else
                        f"--index {args.index}: the test set has one image, index 0")
    network = build_network(run.scenario, run.params)
    image = data.test_images[args.index]
    probs = network.predict_proba(to_input(image[None]))[0]
    truth = int(data.test_labels[args.index])
    best = int(probs.argmax())
    console = _console()
    unicode = can_encode(sys.stdout, UPPER_HALF + FULL_BLOCK)
    # Half blocks draw with colours only: without them (NO_COLOR, a pipe) every cell is solid.
    coloured = console.color_system is not None and not console.no_color and unicode
    console.print(half_block_image(image) if coloured else ascii_image(image))
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
        table.add_row(str(label), CLASS_NAMES[label] + mark, f"{probs[label]:.2%}", (FULL_BLOCK if unicode else "#") * int(round(probs[label] * 30)))
    console.print(table)
    return 0


# -- data -----------------------------------------------------------------------------------------


def data_command(args: argparse.Namespace) -> int:
    """List the places searched, in order, and which one train would use: "used" only once its
    four files have been read and checked (shapes, labels, checksums) as train checks them."""
    places = search_places(args.data_dir)
    try:
        used: Path | None = find_data(places_to_load(args.data_dir))
        problem = None
    except UserError as error:
        used, problem = None, str(error)
    verdict = "   <- used"
    if used is not None:
        verdict, problem = _check_found(used)
    print("Fashion-MNIST is looked for in these places, in this order:")
    marked = False
    for number, place in enumerate(places, start=1):
        mark = ""
        if not marked and place.path == used:
            marked = True
            mark = verdict
        print(f"  {number}. {place.path}  ({place.label}: {describe(place)}){mark}")
    if problem is not None and used is not None:
        print(f"Not usable: {problem}")
        return 1
    if used is None:
        if args.data_dir or os.environ.get("FASHION_MNIST_DIR"):
            print(f"Not usable: {problem}\nA folder named with --data-dir or $FASHION_MNIST_DIR is the only one used.")
        else:
            print("Not found. Run `backprop-tui data download`, or: sudo apt-get install dataset-fashion-mnist")
        return 1
    return 0


def _check_found(folder: Path) -> tuple[str, str | None]:
    """(the mark for `folder` in the listing, the problem if train could not use it as is)."""
    place = [Place("found", folder)]
    try:
        load_dataset(place, verify=True)
        return "   <- used", None
    except ChecksumMismatch as mismatch:
        try:
            load_dataset(place, verify=False)
        except UserError as error:
            return "   <- found, but damaged", str(error)
        return "   <- used only with --no-verify", str(mismatch)
    except UserError as error:
        return "   <- found, but damaged", str(error)


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
