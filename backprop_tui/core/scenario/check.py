"""Small validators that collect problems instead of stopping at the first one.

Both the dense-network scenarios and the CNN scenarios are checked with these, so every
scenario error reads the same way: key path, what was expected, what was found.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from typing import Any

import numpy as np

from backprop_tui.core.scenario.errors import Problem, ScenarioError, shape_text, suggestion
from backprop_tui.core.wording import article
from backprop_tui.i18n import Message

MISSING: Any = object()
"""Default for a key that must be present."""


def type_name(value: Any) -> str:
    """How a TOML value's type is called in an error message."""
    if isinstance(value, bool):
        return Message("a boolean")
    if isinstance(value, int):
        return Message("an integer")
    if isinstance(value, float):
        return Message("a number")
    if isinstance(value, str):
        return Message('the string "{value}"', value=value) if len(value) <= 40 else Message("a string")
    if isinstance(value, dict):
        return Message("a table")
    if isinstance(value, list):
        return Message("an array")
    return type(value).__name__


def join_path(path: str, key: str | int) -> str:
    """Extend a key path: `layer[2]` + `weights` -> `layer[2].weights`; ints are 1-based indices."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class Checker:
    """Collects problems while reading a parsed TOML document."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def raise_if_any(self, file: str) -> None:
        if self.problems:
            raise ScenarioError(file, self.problems)

    # -- tables ---------------------------------------------------------------------------------

    def table(self, value: Any, path: str, allowed: Collection[str]) -> dict[str, Any]:
        """`value` as a table whose keys are all in `allowed`; unknown keys are problems."""
        if value is MISSING:
            return {}
        if not isinstance(value, dict):
            self.add(path, Message("expected a table, got {found}", found=type_name(value)))
            return {}
        for key in value:
            if key not in allowed:
                hint = suggestion(key, allowed)
                known = ", ".join(sorted(allowed))
                self.add(join_path(path, key), Message("unknown key{hint}; known keys here: {known}", hint=hint, known=known))
        return value

    def tables(self, value: Any, path: str) -> list[dict[str, Any]]:
        """An array of tables (``[[layer]]``); each entry must be a table."""
        if value is MISSING:
            return []
        if not isinstance(value, list):
            self.add(path, Message("expected an array of tables ([[{path}]]), got {found}", path=path, found=type_name(value)))
            return []
        result = []
        for index, item in enumerate(value, start=1):
            if isinstance(item, dict):
                result.append(item)
            else:
                self.add(join_path(path, index), Message("expected a table, got {found}", found=type_name(item)))
        return result

    def get(self, table: dict[str, Any], key: str, path: str, default: Any = MISSING) -> Any:
        """The value at `key`, or `default`; a missing required key is a problem (returns MISSING)."""
        if key in table:
            return table[key]
        if default is MISSING:
            self.add(join_path(path, key), Message("required key is missing"))
        return default

    # -- scalars --------------------------------------------------------------------------------

    def integer(
        self,
        table: dict[str, Any],
        key: str,
        path: str,
        default: Any = MISSING,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> Any:
        value = self.get(table, key, path, default)
        if value is MISSING or value is default and key not in table:
            return value
        where = join_path(path, key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(where, Message("expected a whole number, got {found}", found=type_name(value)))
            return MISSING
        if minimum is not None and value < minimum:
            self.add(where, Message("expected at least {minimum}, got {found}", minimum=minimum, found=value))
            return MISSING
        if maximum is not None and value > maximum:
            self.add(where, Message("expected at most {maximum}, got {found}", maximum=maximum, found=value))
            return MISSING
        return value

    def number(
        self,
        table: dict[str, Any],
        key: str,
        path: str,
        default: Any = MISSING,
        minimum: float | None = None,
        maximum: float | None = None,
        above: float | None = None,
    ) -> Any:
        """A finite number (integers accepted); `above` is an exclusive lower bound."""
        value = self.get(table, key, path, default)
        if value is MISSING or value is default and key not in table:
            return value
        where = join_path(path, key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.add(where, Message("expected a number, got {found}", found=type_name(value)))
            return MISSING
        value = _as_float(value)
        if not math.isfinite(value):
            self.add(where, Message("expected a finite number, got {found}", found=_short(table[key])))
            return MISSING
        if above is not None and value <= above:
            above_text, found = f"{above:g}", f"{value:g}"
            self.add(where, Message("expected a number above {above}, got {found}", above=above_text, found=found))
            return MISSING
        if minimum is not None and value < minimum:
            least, found = f"{minimum:g}", f"{value:g}"
            self.add(where, Message("expected at least {minimum}, got {found}", minimum=least, found=found))
            return MISSING
        if maximum is not None and value > maximum:
            most, found = f"{maximum:g}", f"{value:g}"
            self.add(where, Message("expected at most {maximum}, got {found}", maximum=most, found=found))
            return MISSING
        return value

    def string(self, table: dict[str, Any], key: str, path: str, default: Any = MISSING) -> Any:
        value = self.get(table, key, path, default)
        if value is MISSING or value is default and key not in table:
            return value
        if not isinstance(value, str):
            self.add(join_path(path, key), Message("expected a string, got {found}", found=type_name(value)))
            return MISSING
        return value

    def boolean(self, table: dict[str, Any], key: str, path: str, default: Any = MISSING) -> Any:
        value = self.get(table, key, path, default)
        if value is MISSING or value is default and key not in table:
            return value
        if not isinstance(value, bool):
            self.add(join_path(path, key), Message("expected true or false, got {found}", found=type_name(value)))
            return MISSING
        return value

    def choice(
        self, table: dict[str, Any], key: str, path: str, choices: Sequence[str], default: Any = MISSING
    ) -> Any:
        """One of `choices`; a near miss gets a suggestion."""
        value = self.string(table, key, path, default)
        if value is MISSING or value is default and key not in table:
            return value
        if value not in choices:
            hint = suggestion(value, choices)
            self.add(join_path(path, key), Message('expected one of {choices}, got "{found}"{hint}',
                                                   choices=", ".join(choices), found=value, hint=hint))
            return MISSING
        return value

    # -- arrays ---------------------------------------------------------------------------------

    def matrix(self, value: Any, path: str, shape: tuple[int, int] | None = None) -> np.ndarray | None:
        """A rectangular array of arrays of finite numbers as float64, optionally of a given shape."""
        if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
            expected = (Message("{article} {shape} matrix", article=article(shape_text(shape)), shape=shape_text(shape))
                        if shape else Message("a matrix"))
            self.add(path, Message("expected {expected} (an array of rows, like [[1.0, 2.0]]), got {found}",
                                   expected=expected, found=type_name(value)))
            return None
        if not value:
            self.add(path, Message("expected at least one row, got an empty array"))
            return None
        lengths = {len(row) for row in value}
        if len(lengths) != 1:
            self.add(path, Message("rows have different lengths ({lengths}); expected a rectangular matrix",
                                   lengths=", ".join(str(len(r)) for r in value)))
            return None
        array = self._numbers(value, path)
        if array is None:
            return None
        if shape is not None and array.shape != shape:
            self.add(path, Message("expected {shape}, got {found}", shape=shape_text(shape), found=shape_text(array.shape)))
            return None
        return array

    def vector(self, value: Any, path: str, length: int | None = None) -> np.ndarray | None:
        """A flat array of finite numbers as float64, optionally of a given length."""
        if not isinstance(value, list) or any(isinstance(item, list) for item in value):
            self.add(path, Message("expected an array of numbers, got {found}", found=type_name(value)))
            return None
        array = self._numbers(value, path)
        if array is None:
            return None
        if length is not None and array.shape != (length,):
            self.add(path, Message("expected {count} value, got {found}", count=length, found=array.shape[0]) if length == 1
                     else Message("expected {count} values, got {found}", count=length, found=array.shape[0]))
            return None
        return array

    def _numbers(self, value: list[Any], path: str) -> np.ndarray | None:
        flat = value if not value or not isinstance(value[0], list) else [x for row in value for x in row]
        for index, item in enumerate(flat):
            if isinstance(item, bool) or not isinstance(item, (int, float)):
                self.add(path, Message("expected numbers only, got {found} at position {position}",
                                       found=type_name(item), position=index + 1))
                return None
            if not math.isfinite(_as_float(item)):
                self.add(path, Message("expected finite numbers only, got {found} at position {position}",
                                       found=_short(item), position=index + 1))
                return None
        return np.array(value, dtype=np.float64)


def _as_float(value: int | float) -> float:
    """float(value), with integers too large for a float (TOML allows any size) as inf."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _short(value: object) -> str:
    """A value for a message, long integers abbreviated."""
    text = str(value)
    return text if len(text) <= 24 else Message("{start}… ({digits} digits)", start=text[:12], digits=len(text))
