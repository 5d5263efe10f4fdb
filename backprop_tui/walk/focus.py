"""Which weight the cursor is on, which cell of which shown matrix it is drawn in (as displayed:
θᵀ's rows are θᵀ's rows), the operand cells that make that cell, and the window that shows it:
view logic without Textual."""

from __future__ import annotations

from dataclasses import dataclass, replace

from backprop_tui.core.dense import notation as n
from backprop_tui.core.dense.steps import Matrix, Step
from backprop_tui.core.dense.explain import explain
from backprop_tui.core.vocab import Kind, Parameter, Quantity
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
    """The shown matrix that holds the focused weight (its update, else its gradient, first) and the cell there.

    Bias vectors are columns, so b[col] is the cell (col, 0); θᵀ holds θ[row, col] at (col, row).
    """
    keys = {m.key for m in shown}
    stored = n.bias(focus.layer) if focus.parameter is Parameter.BIAS else n.theta(focus.layer)
    cell = (focus.col, 0) if focus.parameter is Parameter.BIAS else (focus.row, focus.col)
    for key in (n.new(stored), n.partial(stored), stored):  # an update step: on the new value
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


_WEIGHT_KINDS = frozenset({Kind.THETA, Kind.DE_DTHETA, Kind.THETA_NEW, Kind.V_THETA, Kind.V_THETA_NEW})
_BIAS_KINDS = frozenset({Kind.BIAS, Kind.DE_DB, Kind.B_NEW, Kind.V_B, Kind.V_B_NEW})

Target = tuple[Quantity, tuple[int, int]]
"""A shown matrix's key and a 0-based (row, column) in it as displayed (θᵀ's rows are θᵀ's rows)."""


@dataclass(frozen=True)
class Pointer:
    """Where the learner put the cursor in one step: the step (iteration number, index), the
    matrix and the cell as displayed. It holds only in that step; elsewhere the weight focus rules."""

    iteration: int
    step: int
    key: Quantity
    cell: tuple[int, int]

    @classmethod
    def at(cls, step: Step, key: Quantity, cell: tuple[int, int]) -> "Pointer":
        """A pointer on `cell` of `key` in `step`."""
        return cls(step.iteration, step.index, key, cell)


def resolve(step: Step, shown: list[Matrix], focus: Focus, pointer: Pointer | None) -> Target | None:
    """The cell the cursor is on: the pointer where it belongs to this step and still fits, else the
    focused weight (cursor_cell), else the first cell of the step's result; None if nothing is shown."""
    shapes = {m.key: m.shape for m in shown}
    if pointer is not None and (pointer.iteration, pointer.step) == (step.iteration, step.index):
        shape = shapes.get(pointer.key)
        if shape is not None and pointer.cell[0] < shape[0] and pointer.cell[1] < shape[1]:
            return pointer.key, pointer.cell
    target = cursor_cell(step, shown, focus)
    if target is not None:
        return target
    if step.operation.result in shapes:
        return step.operation.result, (0, 0)
    return None


def moved(cell: tuple[int, int], shape: tuple[int, int], rows: int, cols: int) -> tuple[int, int]:
    """`cell` moved by (rows, cols) in a matrix of `shape`, as displayed, clamped to its edges.

    In a column vector (one column) a sideways move runs along its rows, so h and l are not dead."""
    if shape[1] == 1:
        rows, cols = rows + cols, 0
    r = min(max(cell[0] + rows, 0), shape[0] - 1)
    c = min(max(cell[1] + cols, 0), shape[1] - 1)
    return r, c


def focus_of(key: Quantity, cell: tuple[int, int]) -> Focus | None:
    """The weight or bias a cell of θ, θᵀ, ∂E/∂θ, θ new, v … (or of b …) stands for; None for others.

    A transposed matrix's cell (r, c) is the stored one's (c, r); a bias is a column, b[r] = (r, 0).
    """
    r, c = cell
    if key.transposed:
        r, c = c, r
    if key.kind in _WEIGHT_KINDS:
        return Focus(key.layer, r, c)
    if key.kind in _BIAS_KINDS:
        return Focus(key.layer, 0, r, Parameter.BIAS)
    return None


def highlights(step: Step, target: Target | None) -> dict[Quantity, frozenset[tuple[int, int]]]:
    """The operand cells that make the target cell (explain's terms), by matrix; empty when the step
    does not compute the target's matrix (an input is made by nothing here)."""
    if target is None or step.producer(target[0]) is None:
        return {}
    cells: dict[Quantity, set[tuple[int, int]]] = {}
    for term in explain(step, *target).terms:
        for operand in term.cells:
            cells.setdefault(operand.key, set()).add(operand.cell)
    return {key: frozenset(found) for key, found in cells.items()}


def view_at(shown: list[Matrix], target: Target | None, view: View) -> View:
    """The View (cursor, scroll offsets) that draws the cursor on `target` and keeps it visible."""
    if target is None:
        return view
    key, (r, c) = target
    rows, cols = next(m for m in shown if m.key == key).shape
    return replace(view, row_offset=window_offset(r, rows, view.max_rows),
                   col_offset=window_offset(c, cols, view.max_cols), cursor=(r, c), written=False)
