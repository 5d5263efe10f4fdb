"""`train --watch` and `backprop-tui SCENARIO` for a CNN scenario: the same run as batch mode,
shown on the training screen.

The run is checked and loaded exactly as batch mode does it (TrainingSession); the screen gets
a WatchJob, which trains on the screen's worker thread. Stopping (q, Ctrl-C on the screen;
SIGTERM, SIGHUP) finishes the batch and writes the checkpoint, and the command that resumes is
shown on the screen and printed again when the app closes, with batch mode's exit codes.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

import numpy as np

from backprop_tui.cli.cnn_output import Interrupted, StopRequest, stop_on_signals
from backprop_tui.cli.cnn_resume import resume_command
from backprop_tui.cli.cnn_session import TrainingSession, after_epochs, prepare_training
from backprop_tui.core.cnn.data import CLASS_NAMES
from backprop_tui.core.errors import UserError
from backprop_tui.i18n import _, ngettext
from backprop_tui.render.cnn_report import full_report, scenario_title

STOP_EXIT = 130
"""Exit code after q or Ctrl-C on the screen: what batch mode returns after Ctrl-C."""

SCREEN_KEYS = ("q", "Ctrl-C", "Ctrl-Q")
"""Stop reasons given by keys on the screen; any other reason is a signal or a closed output."""


class WatchJob:
    """A TrainingSession as the training screen sees it (tui.screens.training.TrainingJob)."""

    def __init__(self, session: TrainingSession) -> None:
        self.session = session
        state = session.run.state
        self.title = session.headline()
        self.epochs = session.scenario.training.epochs
        self.batches = session.batches
        self.history = [dict(row) for row in state.history]
        self.start = (state.epoch, state.batch)
        self.test_images = session.data.test_images
        self.test_labels = session.data.test_labels
        self.class_names = tuple(CLASS_NAMES)
        self.finished: bool | None = None
        """True once every epoch is trained, False after a stop, None until the run ends."""
        self.error: UserError | None = None
        self.leave = False
        self._first_conv = next((name for name in session.network.params if name.endswith(".weight")
                                 and session.network.params[name].ndim == 4), None)

    def filters(self) -> np.ndarray | None:
        """A copy of the first convolution's weights now (filters × channels × k × k), None without one."""
        if self._first_conv is None:
            return None
        return self.session.network.params[self._first_conv].copy()

    def run(self, reporter: Any) -> str:
        """Train (in the screen's worker) and say how it ended: finished with the test accuracy, or
        stopped with where the checkpoint is. Raises UserError (kept in `error`) for a failed run."""
        session = self.session
        session.stop.training = True
        try:
            self.finished = session.train(reporter)
        except UserError as error:
            self.error = error
            raise
        if not self.finished:
            if session.stop.reason == "SIGHUP":
                # The terminal is gone: Textual's shutdown would block for ever writing to it
                # (its writer thread has died on the closed terminal). The checkpoint is written
                # and the metrics file closed, so nothing is lost by ending here.
                os._exit(session.stop.exit_code)
            self.leave = session.stop.reason not in SCREEN_KEYS  # SIGTERM: close, do not wait for q
            return session.stopped_message()
        result = session.final_evaluation()
        return ngettext("finished {count} epoch: test accuracy {accuracy}; checkpoint {checkpoint}",
                        "finished {count} epochs: test accuracy {accuracy}; checkpoint {checkpoint}",
                        self.epochs).format(count=self.epochs, accuracy=f"{result.accuracy:.2%}",
                                            checkpoint=session.checkpoint_path)

    def request_stop(self, reason: str) -> None:
        """Ask the training to stop after its current batch (the checkpoint is written then)."""
        self.session.stop.ask(reason, STOP_EXIT)


def watch_command(args: argparse.Namespace) -> int:
    """Train on the training screen; exit codes as batch mode's (0, 130 after a stop, 1 when
    the run diverged, 2 for bad input)."""
    from backprop_tui.tui.screens.training import TrainingScreen
    from backprop_tui.tui.training_app import ScreenApp

    stop = StopRequest()
    with stop_on_signals(stop):
        try:
            session = prepare_training(args, stop)
        except Interrupted as signal_:
            print(_("interrupted ({signal}) before training started; nothing was written")
                  .format(signal=signal_.signal_name), file=sys.stderr, flush=True)
            return signal_.exit_code
        job = WatchJob(session)
        ScreenApp(TrainingScreen(job)).run()
    if job.error is not None:
        raise job.error
    if job.finished is None:  # the worker or the app failed (a bug): the screen said what happened
        # "error: " as cli.main tags every failed command's message
        print("error: " + _("training did not end normally; {checkpoint} holds what the last completed epoch "
                            "wrote; continue with: {command}").format(checkpoint=session.checkpoint_path,
                                                                      command=resume_command(session.args, session.data)),
              file=sys.stderr, flush=True)
        return 1
    if not job.finished:
        print(session.stopped_message(), file=sys.stderr, flush=True)
        return stop.exit_code or STOP_EXIT
    result = session.final_evaluation()
    from rich.console import Console

    Console(highlight=False).print(full_report(result.labels, result.predictions,
                                               after_epochs(scenario_title(session.scenario), job.epochs)))
    return 0
