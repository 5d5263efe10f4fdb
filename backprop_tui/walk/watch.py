"""Loading a scenario for the app without ever raising, and noticing when its file is saved.

No Textual here: the app polls `FileWatcher.changed()` on a timer and asks `try_load` for either
a Scenario or the loader's messages.
"""

from __future__ import annotations

import os
from pathlib import Path

from backprop_tui.core.errors import UserError
from backprop_tui.core.scenario.load import load
from backprop_tui.core.scenario.model import Scenario


def try_load(name_or_path: str | Path, variant: str | None = None) -> Scenario | str:
    """The scenario, or the messages to show (one line per problem); never an exception."""
    try:
        return load(name_or_path, variant)
    except UserError as error:
        return str(error)
    except Exception as error:  # a loader bug must not show a traceback to a learner
        return f"{name_or_path}: could not be loaded ({type(error).__name__}: {error})"


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
