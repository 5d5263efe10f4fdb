"""A matrix as a rich Table titled with its name and shape; large ones are elided or windowed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich import box
from rich.style import Style
from rich.table import Table
from rich.text import Text

from backprop_tui.core.dense.steps import Matrix, Step
from backprop_tui.core.vocab import Kind, Quantity
from backprop_tui.render.notation import symbol
from backprop_tui.render.numbers import cell, shape

ELLIPSIS_ROW = "⋮"
ELLIPSIS_COL = "…"
HIDDEN = "?"
"""What a cell the quiz has not had answered yet shows instead of its value."""


@dataclass(frozen=True)
class View:
    """Which part of a matrix to show and how: a window, decimals, a cursor, emphasis."""

    decimals: int = 3
    max_rows: int = 10
    max_cols: int = 6
    row_offset: int = 0
    col_offset: int = 0
    cursor: tuple[int, int] | None = None
    written: bool = False
    """The step writes this matrix: its cells are shown bold (visible without colour)."""
    marked: frozenset[tuple[int, int]] = frozenset()
    """Cells that feed the cell under the cursor: underlined (visible without colour)."""
    clickable: bool = False
    """Tag each cell's style with its matrix and place (meta "cell"), so a click can find it."""
    hidden: frozenset[tuple[int, int]] = frozenset()
    """Cells drawn as HIDDEN instead of their value (the quiz asks them; nothing of the value shows)."""


def visible_indices(total: int, limit: int, offset: int) -> list[int | None]:
    """Indices to draw along one axis; None marks an elision.

    With no offset: the first and last few around an ellipsis. With an offset (the user scrolled):
    a window starting there, with ellipses for what lies before and after.
    """
    if total <= limit:
        return list(range(total))
    if offset <= 0:
        head = (limit - 1) - (limit - 1) // 2
        tail = (limit - 1) // 2
        return [*range(head), None, *range(total - tail, total)]
    start = min(offset, total - (limit - 1))
    window = list(range(start, min(total, start + limit - 2)))
    result: list[int | None] = [None, *window]
    if window[-1] < total - 1:
        result.append(None)
    return result


def matrix_table(matrix: Matrix, view: View = View(), name: str | None = None) -> Table:
    """The rich Table for one matrix: its symbol (or `name`) and shape as title, 1-based row and
    column labels."""
    values = matrix.values
    rows, cols = values.shape
    row_idx = visible_indices(rows, view.max_rows, view.row_offset)
    col_idx = visible_indices(cols, view.max_cols, view.col_offset)
    table = Table(
        title=Text.assemble((name or symbol(matrix.key), "bold"), f" {shape(rows, cols)}"),
        box=box.SQUARE,
        show_header=cols > 1 or rows > 1,
        header_style="dim",
        pad_edge=False,
        padding=(0, 1),
        title_justify="center",
    )
    table.add_column("", style="dim", justify="right")
    for c in col_idx:
        table.add_column(ELLIPSIS_COL if c is None else str(c + 1), justify="right")
    cell_style = "bold" if view.written else ""
    for r in row_idx:
        if r is None:
            table.add_row(ELLIPSIS_ROW, *[ELLIPSIS_ROW if c is not None else "" for c in col_idx])
            continue
        cells: list[Text] = []
        for c in col_idx:
            if c is None:
                cells.append(Text(ELLIPSIS_COL, style="dim"))
                continue
            style = cell_style
            value = float(values[r, c])
            if not np.isfinite(value) and (r, c) not in view.hidden:
                style = "bold red"
            if view.cursor == (r, c):
                style = f"{style} reverse underline".strip()
            elif (r, c) in view.marked:
                style = f"{style} underline".strip()  # no background: it must read on any theme
            text_style = Style.parse(style) if style else Style()
            if view.clickable:
                text_style += Style.from_meta({"cell": (matrix.key.ascii, r, c)})
            shown = HIDDEN if (r, c) in view.hidden else cell(value, view.decimals)
            cells.append(Text(shown, style=text_style))
        table.add_row(str(r + 1), *cells)
    return table


OLD_OF: dict[Kind, Kind] = {Kind.THETA_NEW: Kind.THETA, Kind.B_NEW: Kind.BIAS,
                            Kind.V_THETA_NEW: Kind.V_THETA, Kind.V_B_NEW: Kind.V_B}
"""The value an update step writes, and the value it replaces: the two sides of old → new."""


def change_pair(step: Step, key: Quantity) -> tuple[Quantity, Quantity] | None:
    """(old, new) when `key` is one side of an old → new pair that `step` holds (θ¹ and θ¹ new,
    v and v new), else None."""
    keys = {m.key for m in step.matrices}
    for new in keys:
        old = OLD_OF.get(new.kind)
        if old is not None and key in (new, Quantity(old, new.layer)) and Quantity(old, new.layer) in keys:
            return Quantity(old, new.layer), new
    return None


def _reads_same(old: float, new: float, decimals: int) -> bool:
    return cell(old, decimals) == cell(new, decimals)


def decimals_showing_changes(old: np.ndarray, new: np.ndarray, decimals: int, most: int = 12) -> int:
    """The fewest decimals (at least `decimals`, at most `most`) at which every cell that changed
    from `old` to `new` reads differently, so an update of 0.0003 shows as 0.3000 → 0.3003 and
    never as 0.300 → 0.300. Arrays of one shape; non-finite cells are left out."""
    changed = (old != new) & np.isfinite(old) & np.isfinite(new)
    a, b = old[changed].astype(float), new[changed].astype(float)
    while a.size and decimals < most:
        # only cells closer than one unit of the last decimal (or in scientific notation) can
        # read the same: format just those
        close = (np.abs(a - b) <= 10.0 ** -decimals) | (np.maximum(np.abs(a), np.abs(b)) >= 10.0 ** (9 - decimals - 1))
        a, b = a[close], b[close]
        same = np.fromiter((_reads_same(x, y, decimals) for x, y in zip(a, b)), bool, a.size)
        a, b = a[same], b[same]
        if not a.size:
            break
        decimals += 1
    return decimals


def window(shape: tuple[int, int], view: View) -> tuple[list[int], list[int]]:
    """The rows and columns a table of `shape` shows under `view`, at its offsets or without them."""
    rows = {i for off in (0, view.row_offset) for i in visible_indices(shape[0], view.max_rows, off) if i is not None}
    cols = {i for off in (0, view.col_offset) for i in visible_indices(shape[1], view.max_cols, off) if i is not None}
    return sorted(rows), sorted(cols)


def step_decimals(step: Step, key: Quantity, view: View | None = None, decimals: int = 3,
                  hidden: dict[Quantity, frozenset[tuple[int, int]]] | None = None) -> int:
    """The decimals matrix `key` of `step` is drawn with: `decimals`, or more when it is one side of
    an old → new pair, so every changed cell shown (under `view`'s window; all cells without a
    view) reads differently on both sides; both sides get the same decimals, so they align.
    Cells `hidden` (per matrix: the quiz still asks them) are left out: the precision chosen for
    them would hint at the size of the change."""
    if view is not None:
        decimals = view.decimals
    pair = change_pair(step, key)
    if pair is None:
        return decimals
    old, new = (step.matrix(k).values for k in pair)
    asked = (hidden or {}).get(pair[0], frozenset()) | (hidden or {}).get(pair[1], frozenset())
    if asked:
        new = new.copy()
        for r, c in asked:
            new[r, c] = old[r, c]
    if view is not None:
        rows, cols = window(old.shape, view)
        old, new = old[np.ix_(rows, cols)], new[np.ix_(rows, cols)]
    return decimals_showing_changes(old, new, decimals)
