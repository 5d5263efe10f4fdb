"""The step itself: its title, its equation, and its matrices side by side in equation order.

Everything numeric is drawn by backprop_tui.render, the same code the `trace` command prints
with; this widget only chooses what to show (transposes' sources, decimals, the cursor window).
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import HorizontalScroll, Vertical
from textual.widgets import Static

from backprop_tui.engine.gradcheck import GradCheck
from backprop_tui.engine.steps import Step
from backprop_tui.render.matrix import View
from backprop_tui.render.step import header_text, matrices_row, shown_matrices, update_table
from backprop_tui.tui.focus import Focus, view_for


def matrices_part(step: Step, focus: Focus, decimals: int, show_sources: bool) -> RenderableType:
    """The step's matrices side by side, the cursor (and its scroll window) in the focused one."""
    shown = shown_matrices(step, show_sources)
    view, cursor_matrix = view_for(step, shown, focus, View(decimals=decimals))
    return matrices_row(shown, view, cursor_matrix)


def heading(step: Step, diverged_here: bool) -> Text:
    """Phase, layer and title, then the equation on its own line."""
    header = header_text(step)
    if diverged_here:
        header.append("  ⚠ DIVERGED HERE", "bold red reverse")
    header.append("\n")
    header.append(step.equation, "bold")
    return header


def check_line(check: GradCheck) -> Text:
    """The step's gradient check in one line (the chain-rule panel has the focused entry in full)."""
    verdict = "agrees" if check.agrees else "DISAGREES"
    return Text.assemble(("✓ " if check.agrees else "✗ ", "bold"), f"gradient check of {check.name} against central "
                         f"differences: max relative error {check.max_relative_error:.1e} ", (verdict, "bold"))


def notes_part(step: Step, decimals: int) -> RenderableType:
    """The notes, and the gradient check of a backward step."""
    parts: list[RenderableType] = []
    parts.extend(Text(f"• {note}") for note in step.notes)
    if step.check is not None:
        parts.append(check_line(step.check))
    return Group(*parts)


class StepView(Vertical):
    """The current step: heading, a horizontally scrollable row of matrices, then the notes."""

    def compose(self) -> ComposeResult:
        yield Static(id="step-heading")
        with HorizontalScroll(id="step-matrices-scroll", can_focus=False):
            yield Static(id="step-matrices")
        with HorizontalScroll(id="step-update-scroll", can_focus=False):
            yield Static(id="step-update")
        yield Static(id="step-notes")

    def show(self, step: Step, focus: Focus, decimals: int, show_sources: bool, diverged_here: bool) -> None:
        self.query_one("#step-heading", Static).update(heading(step, diverged_here))
        self.query_one("#step-matrices", Static).update(matrices_part(step, focus, decimals, show_sources))
        changes = update_table(step, decimals)
        self.query_one("#step-update-scroll").display = changes is not None
        if changes is not None:
            self.query_one("#step-update", Static).update(changes)
        self.query_one("#step-notes", Static).update(notes_part(step, decimals))
