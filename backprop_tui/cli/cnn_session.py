"""What each CNN subcommand does, from parsed arguments to exit code."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
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
from backprop_tui.core.cnn.model import Network, build_network, init_params
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
from backprop_tui.i18n import N_, Message, _, error_text, ngettext
from backprop_tui.render.cnn_report import full_report, scenario_title
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
                print(_("aborted ({signal} again): {checkpoint} holds what the last completed write put there")
                      .format(signal=signal_.signal_name, checkpoint=args.checkpoint), file=sys.stderr, flush=True)
            else:
                print(_("interrupted ({signal}) before training started; nothing was written")
                      .format(signal=signal_.signal_name), file=sys.stderr, flush=True)
            return signal_.exit_code


def _train(args: argparse.Namespace, stop: StopRequest, out: GuardedOutput) -> int:
    session = prepare_training(args, stop)
    console = Console(file=out, highlight=False)
    epochs = session.scenario.training.epochs
    reporter: Any = RichProgress(console, epochs) if live_terminal(console) else PlainProgress(out, epochs)
    with reporter:
        stop.training = True  # from this line on, a signal leaves a checkpoint
        print(session.headline(), file=out, flush=True)
        finished = session.train(reporter)
    if not finished:
        print(session.stopped_message(), file=sys.stderr, flush=True)
        return stop.exit_code
    result = session.final_evaluation()
    console.print(full_report(result.labels, result.predictions, after_epochs(scenario_title(session.scenario), epochs)))
    return 0


@dataclass
class TrainingSession:
    """A run checked and ready to train: its checkpoint, data, network, optimizer and metrics
    file. Batch mode and the training screen (--watch) both train through it, so both write
    the same checkpoints and metrics and stop the same way."""

    args: argparse.Namespace
    stop: StopRequest
    run: Checkpoint
    data: Dataset
    network: Network
    optimizer: Optimizer
    train_images: np.ndarray
    train_labels: np.ndarray
    checkpoint_path: Path
    existed: bool
    metrics: MetricsFile | None
    batches: int
    saved: bool = False
    last_test: Evaluation | None = None
    """The last epoch's test evaluation: the final report reuses it rather than a second pass."""

    @property
    def scenario(self) -> CnnScenario:
        """The run's CNN scenario."""
        return self.run.scenario

    def headline(self) -> str:
        """What is trained on what, where the checkpoint goes, and where a resumed run stands."""
        training, test = len(self.train_images), len(self.data.test_images)
        line = _("{title}: {training}, {test} from {source}; checkpoint {checkpoint}").format(
            title=scenario_title(self.scenario),
            training=ngettext("{count} training image", "{count} training images", training).format(count=training),
            test=ngettext("{count} test image", "{count} test images", test).format(count=test),
            source=self.data.source, checkpoint=self.checkpoint_path)
        return line + _resume_note(self.args.resume, self.run.state, self.scenario.training.epochs)

    def train(self, reporter: Any) -> bool:
        """Train to the last epoch, telling `reporter` (on_epoch_start, on_batch, on_evaluate,
        on_test, on_epoch_end); writes the checkpoint (and a metrics line) after every epoch and,
        when a stop was asked for, after the batch it stopped at. False when it stopped early.

        Raises TrainingDiverged saying what the checkpoint holds, UserError when a metrics line
        cannot be written. Closes the metrics file.
        """
        run, state = self.run, self.run.state

        def tested(test: Evaluation, state: TrainState) -> None:
            self.last_test = test
            reporter.on_test(test, state)

        def epoch_done(result: dict[str, Any], state: TrainState) -> None:
            save_checkpoint(self.checkpoint_path, run)
            self.saved = True
            if self.metrics is not None:
                try:
                    self.metrics.append(result)
                except UserError as error:
                    raise UserError(_("{error}. The checkpoint holds epoch {epoch}; once that is fixed, continue "
                                      "with: {command}").format(error=error_text(error), epoch=state.epoch,
                                                                command=resume_command(self.args, self.data))) from None
            reporter.on_epoch_end(result, state)

        stop = self.stop
        hooks = Hooks(reporter.on_epoch_start, reporter.on_batch, epoch_done, lambda state: stop.is_set(),
                      lambda state: stop.is_set(), reporter.on_evaluate, tested)
        try:
            try:
                finished = train(self.network, self.optimizer, self.scenario, self.train_images, self.train_labels,
                                 self.data.test_images, self.data.test_labels, state, hooks)
            except TrainingDiverged as error:
                kept = (_("{error}. The checkpoint {checkpoint} is left as it was last written. Lower the learning "
                          "rate (--lr, or training.learning_rate in the scenario) and train again.")
                        if self.saved or self.existed else
                        _("{error}. Nothing was written to {checkpoint}. Lower the learning rate (--lr, or "
                          "training.learning_rate in the scenario) and train again."))
                raise TrainingDiverged(kept.format(error=error_text(error), checkpoint=self.checkpoint_path)) from None
        finally:
            if self.metrics is not None:
                self.metrics.close()
        if not finished:
            save_checkpoint(self.checkpoint_path, run)
        return finished

    def stopped_message(self) -> str:
        """Where a stopped run stands, what was written and the command that continues it."""
        state = self.run.state
        message = (_("interrupted ({reason}): finished batch {batch} of epoch {epoch} and wrote {checkpoint}; "
                     "continue with: {command}") if state.batch else
                   _("interrupted ({reason}): finished epoch {epoch} and wrote {checkpoint}; continue with: {command}"))
        return message.format(reason=_(self.stop.reason) if self.stop.reason else "", batch=state.batch,
                              epoch=state.epoch + 1 if state.batch else state.epoch,
                              checkpoint=self.checkpoint_path, command=resume_command(self.args, self.data))

    def final_evaluation(self) -> Evaluation:
        """The test set evaluated with the final weights: the last epoch's evaluation (those very
        weights); only a run that was already finished when resumed needs a pass of its own."""
        if self.last_test is None:
            self.last_test = evaluate(self.network, self.data.test_images, self.data.test_labels)
        return self.last_test


def prepare_training(args: argparse.Namespace, stop: StopRequest) -> TrainingSession:
    """Everything `train` checks and loads before the first batch (UserError for bad input);
    notes about replaced files and a raised schedule go to stderr."""
    checkpoint_path = Path(args.checkpoint)
    check_writable(checkpoint_path, "--checkpoint", _("checkpoint"), replaced=True)
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
        check_writable(metrics_path, "--metrics", _("metrics file"), replaced=False)
        if same_file(metrics_path, checkpoint_path):
            raise UserError(_("{flag} {path}: that is the checkpoint file too; give another file name").format(
                flag="--metrics", path=args.metrics))
    data = _dataset(args, run.scenario)
    train_images, train_labels = _limited(data, run.state.limit, checkpoint_path if args.resume else None)
    batches = batch_count(len(train_images), scenario.training.batch_size)
    if args.resume:
        check_same_data(checkpoint_path, run.data, data)
    run.data = data.record()
    if run.state.batch > batches:
        raise UserError(ngettext(
            "{checkpoint}: the checkpoint stopped after batch {batch} of epoch {epoch}, but {images} training "
            "images make only {count} batch of {size}; resume with the data it was trained on",
            "{checkpoint}: the checkpoint stopped after batch {batch} of epoch {epoch}, but {images} training "
            "images make only {count} batches of {size}; resume with the data it was trained on", batches).format(
            checkpoint=checkpoint_path, batch=run.state.batch, epoch=run.state.epoch + 1, images=len(train_images),
            count=batches, size=scenario.training.batch_size))
    network = build_network(scenario, run.params)
    optimizer = Optimizer(scenario.training, run.params)
    _restore_optimizer(optimizer, run.optimizer_state, checkpoint_path)
    run.optimizer_state = optimizer.state
    if args.metrics:
        metrics = MetricsFile(Path(args.metrics))
        metrics.reconcile(run.state.history)
    for leftover in leftover_temporaries(checkpoint_path):
        leftover.unlink(missing_ok=True)
        print(_("note: removed {path}, a temporary file left by a run that was killed").format(path=leftover),
              file=sys.stderr)
    if epochs_before is not None:
        print(_("note: {note}").format(note=schedule_note(epochs_before, scenario, run.state, batches)),
              file=sys.stderr, flush=True)
    if existed and not args.resume:
        print(_("note: {checkpoint} will be replaced by this run's checkpoint after its first epoch ({flag})")
              .format(checkpoint=checkpoint_path, flag="--fresh"), file=sys.stderr, flush=True)
    return TrainingSession(args, stop, run, data, network, optimizer, train_images, train_labels, checkpoint_path,
                           existed, metrics, batches)


def after_epochs(title: str, epochs: int) -> str:
    """The final report's heading: "TITLE after 3 epochs"."""
    return ngettext("{title} after {count} epoch", "{title} after {count} epochs", epochs).format(
        title=title, count=epochs)


def _resume_note(resuming: bool, state: TrainState, epochs: int) -> str:
    if not resuming:
        return ""
    if state.epoch >= epochs:
        return ngettext(" (already trained all {count} epoch; raise {flag} to continue)",
                        " (already trained all {count} epochs; raise {flag} to continue)", epochs).format(
            count=epochs, flag="--epochs")
    return _(" (resuming at epoch {epoch}, batch {batch})").format(epoch=state.epoch + 1, batch=state.batch)


def _limited(data: Dataset, limit: int | None, checkpoint: Path | None) -> tuple[np.ndarray, np.ndarray]:
    """The first `limit` training images; `checkpoint` when the limit was read from one."""
    if limit is None:
        return data.train_images, data.train_labels
    count = len(data.train_images)
    if limit > count:
        if checkpoint is not None:
            raise UserError(ngettext(
                "{checkpoint}: the checkpoint was trained on the first {limit} training image ({command}), but "
                "{source} holds only {count}; resume with the data it was trained on",
                "{checkpoint}: the checkpoint was trained on the first {limit} training images ({command}), but "
                "{source} holds only {count}; resume with the data it was trained on", limit).format(
                checkpoint=checkpoint, limit=limit, command=f"train --limit {limit}", source=data.source, count=count))
        raise UserError(ngettext("{flag} {limit}: there is only {count} training image in {source}",
                                 "{flag} {limit}: there are only {count} training images in {source}", count).format(
            flag="--limit", limit=limit, count=count, source=data.source))
    return data.train_images[:limit], data.train_labels[:limit]


def _restore_optimizer(optimizer: Optimizer, saved: dict[str, np.ndarray], path: Path) -> None:
    if not saved:
        return
    if set(saved) != set(optimizer.state):
        raise UserError(_("{path}: the stored optimizer state does not match the scenario's optimizer").format(path=path))
    for key, value in saved.items():
        if value.shape != optimizer.state[key].shape:
            raise UserError(_("{path}: optimizer state {key} has the wrong shape").format(path=path, key=key))
        optimizer.state[key][...] = value


# -- evaluate and predict -------------------------------------------------------------------------


def evaluate_command(args: argparse.Namespace) -> int:
    """Accuracy, per-class table and confusion matrix of a checkpoint on the test set."""
    run = load_checkpoint(args.checkpoint)
    data = _dataset(args, run.scenario)
    network = build_network(run.scenario, run.params)
    result = evaluate(network, data.test_images, data.test_labels)
    heading = _("{checkpoint} (epoch {epoch}/{epochs})").format(
        checkpoint=args.checkpoint, epoch=run.state.epoch, epochs=run.scenario.training.epochs)
    _console().print(full_report(result.labels, result.predictions, heading))
    print(_("test loss {loss}").format(loss=f"{result.loss:.4f}"))
    return 0


def predict_command(args: argparse.Namespace) -> int:
    """Draw test image I and list the predicted probabilities, most likely first."""
    run = load_checkpoint(args.checkpoint)
    data = _dataset(args, run.scenario)
    count = len(data.test_images)
    if not 0 <= args.index < count:
        raise UserError((_("{flag} {index}: the test set has images 0 to {last}") if count > 1 else
                         _("{flag} {index}: the test set has one image, index 0")).format(
            flag="--index", index=args.index, last=count - 1))
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
    verdict = (_("test image {index}: true class {truth} {truth_name}; predicted {best} {best_name} (correct)")
               if best == truth else
               _("test image {index}: true class {truth} {truth_name}; predicted {best} {best_name} (wrong)"))
    console.print(verdict.format(index=args.index, truth=truth, truth_name=CLASS_NAMES[truth], best=best,
                                 best_name=CLASS_NAMES[best]))
    table = Table(title=_("Predicted probabilities"), title_justify="left")
    table.add_column(_("label"), justify="right")
    table.add_column(_("class"))
    table.add_column(_("probability"), justify="right")
    table.add_column("")
    for label in np.argsort(-probs, kind="stable"):
        mark = _(" (true)") if label == truth else ""
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
    verdict = _(USED)
    if used is not None:
        verdict, problem = _check_found(used)
    print(_("{data} is looked for in these places, in this order:").format(data="Fashion-MNIST"))
    marked = False
    for number, place in enumerate(places, start=1):
        mark = ""
        if not marked and place.path == used:
            marked = True
            mark = verdict
        print(f"  {number}. {place.path}  ({shown(place.label)}: {shown(describe(place))}){mark}")
    if problem is not None and used is not None:
        print(_("Not usable: {problem}").format(problem=problem))
        return 1
    if used is None:
        if args.data_dir or os.environ.get("FASHION_MNIST_DIR"):
            print(_("Not usable: {problem}").format(problem=problem))
            print(_("A folder named with {flag} or {variable} is the only one used.").format(
                flag="--data-dir", variable="$FASHION_MNIST_DIR"))
        else:
            print(_("Not found. Run {command}, or: {install}").format(
                command="`backprop-tui data download`", install="sudo apt-get install dataset-fashion-mnist"))
        return 1
    return 0


def _check_found(folder: Path) -> tuple[str, str | None]:
    """(the mark for `folder` in the listing, the problem if train could not use it as is)."""
    place = [Place("found", folder)]
    try:
        load_dataset(place, verify=True)
        return _(USED), None
    except ChecksumMismatch as mismatch:
        try:
            load_dataset(place, verify=False)
        except UserError as error:
            return _(DAMAGED), error_text(error)
        return _("   <- used only with {flag}").format(flag="--no-verify"), error_text(mismatch)
    except UserError as error:
        return _(DAMAGED), error_text(error)


def shown(text: str) -> str:
    """A place's label or description from the data module in the interface language (a Message
    is translated; other text is shown as it is)."""
    return text.translated() if isinstance(text, Message) else text


USED = N_("   <- used")
DAMAGED = N_("   <- found, but damaged")


def download_command(args: argparse.Namespace) -> int:
    """Fetch the four files into the cache (or --to) with checksums, resume and retries."""
    dest = Path(args.to) if args.to else cache_dir()
    print(_("downloading {data} into {folder}").format(data="Fashion-MNIST", folder=dest), flush=True)
    try:
        download.download_all(dest, mirrors=download.MIRRORS, retries=args.retries,
                              log=lambda line: print(line, flush=True))
    except download.DownloadFailed as error:
        places = search_places()
        try:
            found = find_data(places)
        except UserError as missing:
            raise UserError(f"{error_text(error)}\n{error_text(missing)}") from None
        raise UserError(error_text(error) + "\n" + _(
            "{data} is already on this machine, though: {folder} (train, evaluate and predict find it there).")
            .format(data="Fashion-MNIST", folder=found)) from None
    print(_("done: {folder} holds the four files; train finds them there.").format(folder=dest))
    return 0
