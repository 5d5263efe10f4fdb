"""Loading a scenario for the app with one typed error, and noticing when its file is saved.

No Textual here: the app polls `FileWatcher.changed()` on a timer and calls `open_scenario`,
which returns a Scenario or raises UserError (the loader's ScenarioError, or a LoadFailed for
anything unexpected), so the app decides by exception type, never by checking for a string.
"""

from __future__ import annotations

import os
from pathlib import Path

from backprop_tui.core.errors import UserError
from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.core.scenario.conv_model import ConvScenario
from backprop_tui.core.scenario.kind import file_kind
from backprop_tui.core.scenario.load import load
from backprop_tui.core.scenario.model import Scenario
from backprop_tui.core.vocab import ScenarioKind
from backprop_tui.i18n import Message


class LoadFailed(UserError):
    """The loader failed in a way it does not describe itself (a bug): shown, never a traceback."""


def open_scenario(name_or_path: str | Path, variant: str | None = None,
                  image: int | None = None) -> Scenario | ConvScenario:
    """The scenario, loaded and validated (a convolutional one with the images it names); with
    `image`, `name_or_path` is batch mode's checkpoint, opened on that test image.

    Raises ScenarioError (one line per problem, from the loader) or another UserError for a file
    that cannot be used, and LoadFailed (also a UserError) for any other failure of the loader.
    """
    try:
        if image is not None:
            # batch mode's modules only when a checkpoint or a convolutional scenario is opened:
            # they were a tenth of the app's start-up
            from backprop_tui.core.conv.checkpoint import checkpoint_scenario

            return checkpoint_scenario(name_or_path, image)
        if variant is None and file_kind(resolve(name_or_path)) is ScenarioKind.CONV:
            from backprop_tui.core.conv.data import load_stepping_conv

            return load_stepping_conv(name_or_path)
        return load(name_or_path, variant)
    except UserError:
        raise
    except Exception as error:  # a loader bug must not show a traceback to a learner
        # a Message: the error screen keeps showing it, and K says it again in the other language
        raise LoadFailed(Message("{file}: could not be loaded ({kind}: {error})", file=str(name_or_path),
                                 kind=type(error).__name__, error=str(error))) from error


class FileWatcher:
    """Remembers a file's modification time and size; `changed()` is true once per save."""

    def __init__(self, path: Path | None):
        self.path = path
        self._seen = self._signature()

    def _signature(self) -> tuple[int, int] | None:
        if self.path is None:
            return None
        try:
            stat = os.stat(self.path)
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size)

    def changed(self) -> bool:
        """Whether the file differs from the last look; a file missing mid-save is waited for."""
        now = self._signature()
        if now is None or now == self._seen:
            return False
        self._seen = now
        return True
