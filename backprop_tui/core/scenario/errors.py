"""The one error type the scenario loaders raise, with every problem found at once.

Each problem names the file, the key path and what was expected against what was found, so a
learner can fix a scenario without reading Python: ``lecture.toml: layer[2].weights: expected
3x1, got 2x1``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from collections.abc import Iterable

from backprop_tui.core.errors import UserError
from backprop_tui.i18n import Message, translated


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario, at one key path (``""`` for the file as a whole)."""

    path: str
    message: str
    """What is wrong, in English; a Message (i18n) is drawn in the interface language."""

    def render(self, file: str) -> str:
        """`file: path: message`, in the interface language (file and key path as they are)."""
        where = f"{file}: {translated(self.path)}" if self.path else file
        return f"{where}: {translated(self.message)}"


class ScenarioError(UserError):
    """A scenario file could not be read or is not valid; holds every problem found."""

    def __init__(self, file: str, problems: Iterable[Problem]):
        self.file = file
        self.problems = list(problems)
        super().__init__(self.render())

    def render(self) -> str:
        """All problems, one line each, ready to print."""
        return "\n".join(problem.render(self.file) for problem in self.problems)

    def __str__(self) -> str:
        return self.render()


def suggestion(word: str, choices: Iterable[str]) -> str:
    """' (did you mean "x"?)' for a near miss among `choices`, else ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return Message(' (did you mean "{word}"?)', word=close[0]) if close else ""


def shape_text(shape: tuple[int, ...]) -> str:
    """A shape as the lecture writes it: 3x1."""
    return "x".join(str(n) for n in shape)
