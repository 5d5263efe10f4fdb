"""The `[quiz]` table of a dense scenario: which phases the quiz asks, how many cells of each
asked matrix, and the tolerance a typed answer is judged with.

    [quiz]
    ask = ["forward", "backward"]     # default: all four phases
    cells = 2                         # default "all"
    tolerance = { relative = 0.01, absolute = 0.005 }

Problems are reported as the rest of the loader reports them: key path, expected, found.
"""

from __future__ import annotations

from typing import Any

from backprop_tui.core.scenario.check import MISSING, Checker, join_path, type_name
from backprop_tui.core.scenario.errors import suggestion
from backprop_tui.core.scenario.model import QuizSettings
from backprop_tui.core.vocab import Phase
from backprop_tui.i18n import Message

QUIZ_KEYS = ("ask", "cells", "tolerance")
TOLERANCE_KEYS = ("relative", "absolute")
ALL_CELLS = "all"
PHASE_NAMES: tuple[str, ...] = tuple(Phase)


def quiz_settings(c: Checker, value: Any, path: str = "quiz") -> QuizSettings | None:
    """The validated `[quiz]` table (its defaults when absent); None, with problems added to `c`,
    when anything in it is wrong."""
    default = QuizSettings()
    table = c.table(value, path, QUIZ_KEYS)
    if value is not MISSING and not isinstance(value, dict):
        return None
    ask = _ask(c, table, path) if "ask" in table else default.ask
    cells = _cells(c, table, path) if "cells" in table else default.cells
    relative, absolute = default.relative, default.absolute
    if "tolerance" in table:
        where = join_path(path, "tolerance")
        tolerance = c.table(table["tolerance"], where, TOLERANCE_KEYS)
        relative = c.number(tolerance, "relative", where, default.relative, minimum=0.0, maximum=1.0)
        absolute = c.number(tolerance, "absolute", where, default.absolute, minimum=0.0)
        if relative == 0 and absolute == 0:
            c.add(where, Message("expected relative or absolute above 0, got both 0 (no typed decimal could be right)"))
            return None
    if MISSING in (ask, cells, relative, absolute) or not isinstance(table.get("tolerance", {}), dict):
        return None
    return QuizSettings(ask, cells, float(relative), float(absolute))


def _ask(c: Checker, table: dict[str, Any], path: str) -> Any:
    """`ask`: a non-empty array of distinct phase names, kept in the order the steps come."""
    where, value = join_path(path, "ask"), table["ask"]
    if not isinstance(value, list) or not value:
        found = Message("an empty array") if isinstance(value, list) else type_name(value)
        c.add(where, Message("expected an array of phase names ({names}), got {found}", names=", ".join(PHASE_NAMES),
                             found=found))
        return MISSING
    ok = True
    for index, name in enumerate(value, start=1):
        if not isinstance(name, str) or name not in PHASE_NAMES:
            hint = suggestion(name, PHASE_NAMES) if isinstance(name, str) else ""
            c.add(join_path(where, index), Message("expected one of {choices}, got {found}{hint}",
                                                   choices=", ".join(PHASE_NAMES), found=type_name(name), hint=hint))
            ok = False
        elif value.index(name) != index - 1:
            c.add(join_path(where, index), Message('"{name}" is already asked earlier in the array', name=name))
            ok = False
    return tuple(p for p in Phase if p.value in value) if ok else MISSING


def _cells(c: Checker, table: dict[str, Any], path: str) -> Any:
    """`cells`: "all" (None) or a whole number of cells per asked matrix."""
    value = table["cells"]
    if value == ALL_CELLS:
        return None
    whole = isinstance(value, int) and not isinstance(value, bool)
    if not whole or value < 1:
        found = value if whole else type_name(value)
        c.add(join_path(path, "cells"), Message('expected "{all}" or a whole number of at least 1 (cells asked per '
                                                'matrix), got {found}', all=ALL_CELLS, found=found))
        return MISSING
    return value
