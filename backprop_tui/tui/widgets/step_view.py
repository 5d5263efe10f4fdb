"""The step's parts: its title and equation, its matrices side by side in equation order, the
worked line of the cell under the cursor, old → new, and its notes (the step pane draws them).

Everything numeric is drawn by backprop_tui.render, the same code the `trace` command prints
with; this module only chooses what to show (transposes' sources, decimals, the cursor window)
and keeps the rendered matrices in a small cache, so stepping back and forth redraws nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field, replace

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.strip import Strip

from backprop_tui.i18n import _
from backprop_tui.core.dense.gradcheck import GradCheck, mark
from backprop_tui.core.dense.steps import Number, Step
from backprop_tui.render.describe import equation, notes
from backprop_tui.render.matrix import View
from backprop_tui.render.step import check_symbol, header_text, matrix_tables, shown_matrices, update_table, verdict_text
from backprop_tui.core.dense.explain import Operand
from backprop_tui.core.vocab import Quantity
from backprop_tui.render.worked import fmt, operand_symbol, worked
from backprop_tui.walk.focus import Focus, Pointer, Target, highlights, resolve, view_at
from backprop_tui.tui.widgets.prerendered import Block, pack, render_blocks, render_side_by_side

CACHE_SIZE = 64


Hidden = dict[Quantity, frozenset[tuple[int, int]]]
"""Cells the quiz still asks, by matrix: drawn as "?", their worked line and numbers kept back."""


def step_tables(step: Step, focus: Focus, decimals: int, show_sources: bool,
                pointer: Pointer | None = None, hidden: Hidden | None = None) -> list[Table]:
    """One table per shown matrix, exactly as the CLI draws them, with the cursor on the pointed
    cell (or the focused weight), the cells that make it underlined, each cell clickable; `hidden`
    cells drawn as "?"."""
    shown = shown_matrices(step, show_sources)
    target = resolve(step, shown, focus, pointer)
    view = view_at(shown, target, View(decimals=decimals, clickable=True))
    return matrix_tables(step, shown, view, target[0] if target else None, highlights(step, target), hidden)


def worked_part(step: Step, target: Target | None, hidden: Hidden | None = None) -> Text:
    """The worked line of the cell under the cursor, or what that cell is when the step reads it;
    for a cell the quiz still asks, only its symbol and a question mark."""
    if target is None:
        return Text("")
    key, cell = target
    if cell in (hidden or {}).get(key, frozenset()):
        name = operand_symbol(step, Operand(key, cell, 0.0))
        return Text.assemble(("▸ ", "bold"), (name, "bold"), " = ", ("?", "bold reverse"),
                             "  " + _("(the quiz asks it: type its value below)"))
    if step.producer(key) is not None:
        return Text.assemble(("▸ ", "bold"), worked(step, key, cell).text())
    value = step.matrix(key).values[cell]
    name = operand_symbol(step, Operand(key, cell, float(value)))
    return Text.assemble(("▸ ", "bold"), (name, "bold"), f" = {fmt(float(value))}: " + _(
        "read by this step, computed earlier (move to a result cell to see its arithmetic)"), style="")


@dataclass
class RenderedStep:
    """A step's matrices rendered once, packed into rows per pane width, and its old → new table."""

    blocks: list[Block]
    update: list[Strip] | None
    packed: dict[int, list[Strip]] = field(default_factory=dict)

    def rows(self, width: int) -> list[Strip]:
        if width not in self.packed:
            self.packed[width] = pack(self.blocks, width)
        return self.packed[width]


class StepCache:
    """Rendered steps by (iteration, step, focus, decimals, transposes); least recently used go first."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[tuple, RenderedStep] = OrderedDict()

    def get(self, iteration: int, step: Step, focus: Focus, decimals: int, show_sources: bool,
            pointer: Pointer | None = None, hidden: Hidden | None = None) -> RenderedStep:
        concealed = frozenset((hidden or {}).items())
        key = (iteration, step.index, focus, decimals, show_sources, pointer, concealed)
        rendered = self._items.get(key)
        if rendered is None:
            changes = update_table(step, decimals, hidden=(hidden or {}).get(step.operation.result, frozenset()))
            rendered = RenderedStep(render_blocks(step_tables(step, focus, decimals, show_sources, pointer, hidden)),
                                    None if changes is None else render_side_by_side([changes]))
            self._items[key] = rendered
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        else:
            self._items.move_to_end(key)
        return rendered

    def clear(self) -> None:
        self._items.clear()


def heading(step: Step, diverged_here: bool) -> Text:
    """Phase, layer and title, then the equation on its own line (two lines: the CSS never wraps them)."""
    header = header_text(step)
    if diverged_here:
        header.append("  ⚠ " + _("DIVERGED HERE"), "bold red reverse")
    header.append("\n")
    header.append(equation(step), "bold")
    return header


def check_line(check: GradCheck) -> Text:
    """The step's gradient check in one line (the chain-rule panel has the focused entry in full)."""
    sentence = _("gradient check of {symbol} against central differences: max relative error {error} {verdict}")
    before, after = sentence.split("{verdict}", 1)  # one sentence in every language, the verdict in bold
    slots = {"symbol": check_symbol(check), "error": f"{check.max_relative_error:.1e}"}
    return Text.assemble((f"{mark(check.status)} ", "bold"), before.format(**slots), (verdict_text(check), "bold"),
                         after.format(**slots))


def without_numbers(step: Step) -> Step:
    """The step with the notes that quote a computed number left out (E = 0.0725 gives the loss
    step's answer away while the quiz asks it)."""
    kept = tuple(note for note in step.notes if not any(isinstance(part, Number) for part in note.parts))
    return replace(step, notes=kept)


def notes_part(step: Step) -> RenderableType:
    """The notes, and the gradient check of a backward step."""
    parts: list[RenderableType] = [Text(f"• {note}") for note in notes(step)]
    if step.check is not None:
        parts.append(check_line(step.check))
    return Group(*parts)
