"""A whole step as rich renderables: equation, matrices side by side, notes, gradient check."""

from __future__ import annotations

import numpy as np
from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from backprop_tui.core.dense.gradcheck import GradCheck, Status
from backprop_tui.core.dense.steps import Matrix, Step
from backprop_tui.core.vocab import Phase, Quantity, Role, parse_quantity
from backprop_tui.i18n import N_, _
from backprop_tui.render.verdict import status_verdict
from backprop_tui.render.describe import equation, matrix_symbol, notes, phase_name, title
from backprop_tui.render.matrix import View, decimals_showing_changes, matrix_table, step_decimals, visible_indices
from backprop_tui.render.notation import symbol
from backprop_tui.render.numbers import cell


def shown_matrices(step: Step, show_sources: bool) -> list[Matrix]:
    """The step's shown matrices in equation order; a transposed operand hides its source unless asked."""
    sources = {m.key.stored for m in step.matrices if m.key.transposed}
    return [m for m in step.matrices if m.shown and (show_sources or m.key not in sources)]


def header_text(step: Step) -> Text:
    """The step's heading: its phase (and layer) in reverse video, then its title."""
    phase = phase_name(step.phase)
    tag = _("{phase} · layer {layer}").format(phase=phase, layer=step.layer) if step.layer else phase
    return Text.assemble((tag, "bold reverse"), "  ", (title(step), "bold"))


def matrix_tables(step: Step, matrices: list[Matrix], view: View, cursor_key: Quantity | None = None,
                  marks: dict[Quantity, frozenset[tuple[int, int]]] | None = None,
                  hidden: dict[Quantity, frozenset[tuple[int, int]]] | None = None) -> list[Table]:
    """One table per matrix of `step`; the cursor and the scroll window apply to `cursor_key` only,
    `marks` underlines, per matrix, the cells that feed the cell under the cursor, `hidden` draws,
    per matrix, the cells the quiz still asks as "?"."""
    tables = []
    for m in matrices:
        cursor = view.cursor if m.key == cursor_key else None
        offsets = (view.row_offset, view.col_offset) if cursor else (0, 0)
        style = View(step_decimals(step, m.key, view, hidden=hidden), view.max_rows, view.max_cols, *offsets, cursor,
                     m.role is Role.OUT, (marks or {}).get(m.key, frozenset()), view.clickable,
                     (hidden or {}).get(m.key, frozenset()))
        tables.append(matrix_table(m, style, matrix_symbol(step, m.key)))
    return tables


def matrices_row(step: Step, matrices: list[Matrix], view: View, cursor_key: Quantity | None = None) -> Table:
    """Matrices of `step` side by side, in order, as one grid row."""
    grid = Table.grid(padding=(0, 2))
    for _matrix in matrices:
        grid.add_column(vertical="top")
    grid.add_row(*matrix_tables(step, matrices, view, cursor_key))
    return grid


def check_symbol(check: GradCheck) -> str:
    """The symbol of the checked gradient (a check is named by the quantity's ASCII name)."""
    return symbol(parse_quantity(check.name))


def update_table(step: Step, decimals: int, max_rows: int = 10, max_cols: int = 6,
                 hidden: frozenset[tuple[int, int]] = frozenset()) -> Table | None:
    """For an update step: each parameter's old value → new value, with ↑/↓ for the direction;
    a `hidden` cell (the quiz still asks its new value) shows old → ?."""
    if step.phase is not Phase.UPDATE:
        return None
    op = step.operation
    old, new = step.matrix(op.operands[0]), step.matrix(op.result)
    rows, cols = old.values.shape
    table = Table(title=Text(_("{symbol}: old → new").format(symbol=symbol(old.key)), style="bold"),
                  box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("", style="dim", justify="right")
    col_idx = visible_indices(cols, max_cols, 0)
    row_idx = visible_indices(rows, max_rows, 0)
    shown_rows, shown_cols = [r for r in row_idx if r is not None], [c for c in col_idx if c is not None]
    # one precision for the whole table (so its columns align), enough for every shown change to
    # read; a new value the quiz still asks is left out (its precision would hint at its size)
    answered = new.values.copy()
    for r, c in hidden:
        answered[r, c] = old.values[r, c]
    d = decimals_showing_changes(old.values[np.ix_(shown_rows, shown_cols)], answered[np.ix_(shown_rows, shown_cols)],
                                 decimals)
    for c in col_idx:
        table.add_column("…" if c is None else str(c + 1), justify="right")
    for r in row_idx:
        if r is None:
            table.add_row("⋮", *["⋮" if c is not None else "" for c in col_idx])
            continue
        cells = []
        for c in col_idx:
            if c is None:
                cells.append(Text("…"))
                continue
            a, b = float(old.values[r, c]), float(new.values[r, c])
            if (r, c) in hidden:
                cells.append(Text(f"{cell(a, d)} → ?", style="bold"))
                continue
            arrow, style = ("↑", "bold") if b > a else ("↓", "italic") if b < a else ("=", "dim")
            cells.append(Text(f"{cell(a, d)} → {cell(b, d)} {arrow}", style=style))
        table.add_row(str(r + 1), *cells)
    return table


def verdict_text(check: GradCheck) -> str:
    """gradcheck.verdict of `check` in the interface language (the core words it in English)."""
    return status_verdict(check.status, check.kinks)


def check_table(check: GradCheck, decimals: int = 6, limit: int = 6) -> Table:
    """Analytic against central-difference values for (up to `limit` of) the checked entries.

    The title gives the check's finding in words (gradcheck.verdict); each entry's relative error
    is its true value, and an entry that does not simply agree says why in the last column.
    """
    sampled = "" if len(check.entries) == check.total else _(", {shown} of {total} entries").format(
        shown=len(check.entries), total=check.total)
    table = Table(
        title=Text(_("Gradient check of {symbol}: max relative error {error} ({verdict}{sampled})").format(
            symbol=check_symbol(check), error=f"{check.max_relative_error:.1e}", verdict=verdict_text(check),
            sampled=sampled)),
        box=box.SIMPLE_HEAD, pad_edge=False, title_justify="left",
    )
    for name in (N_("entry"), N_("analytic"), N_("numeric (central diff.)"), N_("rel. error")):
        table.add_column(_(name), justify="right")
    for entry in check.entries[:limit]:
        index = ",".join(str(i + 1) for i in entry.index)
        status = entry.status
        mark = "" if status is Status.AGREES else " ✗" if status is Status.DISAGREES else f" ({_(status.value)})"
        table.add_row(index, cell(entry.analytic, decimals), cell(entry.numeric, decimals), f"{entry.relative_error:.1e}{mark}")
    if len(check.entries) > limit:
        table.add_row("…", "", "", "")
    return table


def step_renderable(step: Step, view: View = View(), show_sources: bool = True, checks: bool = True) -> RenderableType:
    """Everything about one step, for the text trace (the app lays the same pieces out itself)."""
    parts: list[RenderableType] = [header_text(step), Text(equation(step), style="bold"),
                                   matrices_row(step, shown_matrices(step, show_sources), view)]
    changes = update_table(step, view.decimals, view.max_rows, view.max_cols)
    if changes is not None:
        parts.append(changes)
    parts.extend(Text(f"• {note}") for note in notes(step))
    if checks and step.check is not None:
        parts.append(check_table(step.check))
    return Group(*parts, Text(""))
