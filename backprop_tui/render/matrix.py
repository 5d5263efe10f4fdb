"""A matrix as a rich Table titled with its name and shape; large ones are elided or windowed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich import box
from rich.style import Style
from rich.table import Table
from rich.text import Text

from backprop_tui.core.dense.steps import Matrix
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


def matrix_text(matrix: Matrix, decimals: int = 3) -> list[list[str]]:
    """Every cell as text, for markdown and JSON-adjacent exports."""
    return [[cell(float(v), decimals) for v in row] for row in matrix.values]
