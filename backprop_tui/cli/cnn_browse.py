"""`backprop-tui RUN.npz`: a finished (or stopped) run on the training screen, read-only."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from backprop_tui.cli.cnn_resume import check_same_data
from backprop_tui.cli.cnn_session import _dataset, _limited
from backprop_tui.core.cnn.checkpoint import Checkpoint, load_checkpoint
from backprop_tui.core.cnn.data import CLASS_NAMES, Dataset
from backprop_tui.core.cnn.model import build_network
from backprop_tui.core.cnn.train import batch_count, evaluate
from backprop_tui.i18n import ngettext
from backprop_tui.render.cnn_report import scenario_title

if TYPE_CHECKING:
    from backprop_tui.tui.screens.browse import BrowseScreen


class BrowseJob:
    """A checkpoint as the training screen sees it (tui.screens.training.TrainingJob); it is
    shown, never trained."""

    def __init__(self, path: str, run: Checkpoint, data: Dataset, batches: int) -> None:
        self.run_ = run
        state = run.state
        epochs = run.scenario.training.epochs
        self.title = ngettext("{path}: {title}, {done} of {count} epoch trained; test set from {source}",
                              "{path}: {title}, {done} of {count} epochs trained; test set from {source}",
                              epochs).format(path=path, title=scenario_title(run.scenario), done=state.epoch, count=epochs,
                                             source=data.source)
        self.epochs = run.scenario.training.epochs
        self.batches = batches
        self.history = [dict(row) for row in state.history]
        self.start = (state.epoch, state.batch)
        self.test_images, self.test_labels = data.test_images, data.test_labels
        self.class_names = tuple(CLASS_NAMES)
        self.leave = False
        self._first_conv = next((name for name, value in run.params.items()
                                 if name.endswith(".weight") and value.ndim == 4), None)

    def filters(self) -> np.ndarray | None:
        """A copy of the first convolution's weights (filters × channels × k × k), None without one."""
        return None if self._first_conv is None else self.run_.params[self._first_conv].copy()

    def run(self, reporter: object) -> str:
        """Never called: the browse screen is built with train=False. Raises RuntimeError."""
        raise RuntimeError("a checkpoint opened read-only is never trained")  # the screen is built with train=False

    def request_stop(self, reason: str) -> None:
        """Nothing runs, so nothing stops."""


def browse_command(args: argparse.Namespace) -> int:
    """Open the browse screen on args.checkpoint (evaluated once on the test set first)."""
    from backprop_tui.tui.training_app import ScreenApp

    screen = browse_screen(args)
    ScreenApp(screen).run()
    return 0


def browse_screen(args: argparse.Namespace) -> BrowseScreen:
    """The browse screen for args.checkpoint: the checkpoint and data loaded and checked, the
    test set evaluated once (UserError for a bad checkpoint or missing data)."""
    from backprop_tui.tui.screens.browse import BrowseScreen

    run = load_checkpoint(args.checkpoint)
    path = Path(args.checkpoint)
    if args.data_dir is None and run.data is not None and Path(run.data.folder).is_dir():
        # The data the run was trained on, wherever it is: checked against the checkpoint's
        # record by content, which is stricter than the published checksums.
        data = _dataset(argparse.Namespace(data_dir=run.data.folder, no_verify=True), run.scenario)
        check_same_data(path, run.data, data)
    else:
        data = _dataset(args, run.scenario)
    train_images, _ = _limited(data, run.state.limit, path)
    batches = batch_count(len(train_images), run.scenario.training.batch_size)
    count = len(data.test_images)
    print(ngettext("evaluating {checkpoint} on {count} test image...", "evaluating {checkpoint} on {count} test images...",
                   count).format(checkpoint=args.checkpoint, count=count), file=sys.stderr, flush=True)
    result = evaluate(build_network(run.scenario, run.params), data.test_images, data.test_labels)
    return BrowseScreen(BrowseJob(args.checkpoint, run, data, batches), result.predictions,
                        np.asarray(result.probabilities))
