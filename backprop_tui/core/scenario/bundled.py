"""Where the bundled scenarios live, in a source checkout and in an installed wheel alike."""

from __future__ import annotations

from pathlib import Path

from backprop_tui.i18n import Message
from backprop_tui.core.scenario.errors import Problem, ScenarioError, suggestion

_PACKAGE = Path(__file__).resolve().parents[2]
"""The `backprop_tui` package folder (this file is core/scenario/bundled.py)."""


def bundled_dir() -> Path:
    """The folder of bundled scenarios: inside the installed package, else the repository's."""
    installed = _PACKAGE / "scenarios"
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / "scenarios"


def bundled_names() -> list[str]:
    """Names of the bundled scenarios (file stems), sorted."""
    folder = bundled_dir()
    return sorted(path.stem for path in folder.glob("*.toml")) if folder.is_dir() else []


def resolve(name_or_path: str | Path) -> Path:
    """A scenario path: an existing file as given, else a bundled scenario by name.

    `lecture`, `lecture.toml` and `learning_rate` for `learning-rate` all work.
    """
    path = Path(name_or_path)
    if path.is_file():
        return path
    if path.is_dir() and str(name_or_path):
        raise ScenarioError(str(path), [Problem("", Message("is a directory, not a scenario file"))])
    text = str(name_or_path)
    stem = text[:-5] if text.endswith(".toml") else text
    names = bundled_names()
    for candidate in (stem, stem.replace("_", "-"), stem.replace("-", "_")):
        if candidate in names:
            return bundled_dir() / f"{candidate}.toml"
    if path.suffix == ".toml" or "/" in text or path.exists():
        raise ScenarioError(text, [Problem("", Message("no such file"))])
    raise ScenarioError(
        text,
        [Problem("", Message("no such file or bundled scenario{hint}; bundled: {names}", hint=suggestion(stem, names),
                             names=", ".join(names)))],
    )
