"""Which weight the cursor is on, and which matrix (and window) shows it: view logic without Textual."""

from __future__ import annotations

from dataclasses import dataclass

from backprop_tui.core.dense import notation as n
from backprop_tui.core.dense.steps import Matrix, Step
from backprop_tui.core.vocab import Parameter, Quantity
from backprop_tui.render.matrix import View


@dataclass(frozen=True)
class Focus:
    """The weight under the cursor: θ^layer[row, col], or b^layer[col] in a bias step (0-based)."""

    layer: int
    row: int
    col: int
    parameter: Parameter = Parameter.WEIGHTS


def focus_layer(step: Step, layers: int) -> int:
    """The layer whose weights the cursor moves in: the step's layer, or the output layer."""
    return step.layer or layers


def cursor_cell(step: Step, shown: list[Matrix], focus: Focus) -> tuple[Quantity, tuple[int, int]] | None:
    """The shown matrix that holds the focused weight (its gradient or update first) and the cell there.

    Bias vectors are columns, so b[col] is the cell (col, 0); θᵀ holds θ[row, col] at (col, row).
    """
    keys = {m.key for m in shown}
    stored = n.bias(focus.layer) if focus.parameter is Parameter.BIAS else n.theta(focus.layer)
    cell = (focus.col, 0) if focus.parameter is Parameter.BIAS else (focus.row, focus.col)
    for key in (n.partial(stored), n.new(stored), stored):
        if key in keys:
            return key, cell
    if focus.parameter is Parameter.WEIGHTS and stored.transpose() in keys:
        return stored.transpose(), (focus.col, focus.row)
    return None


def window_offset(index: int, total: int, limit: int) -> int:
    """The View offset that shows `index` along one axis: 0 while it is in the head or the tail.

    Mirrors render.matrix.visible_indices: offset 0 shows the head and the tail around an
    ellipsis; a positive offset shows a window of limit − 2 entries starting there, which is
    centred on the cursor.
    """
    if total <= limit:
        return 0
    head = (limit - 1) - (limit - 1) // 2
    tail = (limit - 1) // 2
    if index < head or index >= total - tail:
        return 0
    size = limit - 2
    return min(max(index - size // 2, 1), total - (limit - 1))


def view_for(step: Step, shown: list[Matrix], focus: Focus, view: View) -> tuple[View, Quantity | None]:
    """The View (cursor, scroll offsets) and the key of the matrix the cursor is drawn in."""
    target = cursor_cell(step, shown, focus)
    if target is None:
        return view, None
    key, (r, c) = target
    rows, cols = next(m for m in shown if m.key == key).shape
    row_offset = window_offset(r, rows, view.max_rows)
    col_offset = window_offset(c, cols, view.max_cols)
    return View(view.decimals, view.max_rows, view.max_cols, row_offset, col_offset, (r, c), False), key
