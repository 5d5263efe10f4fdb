"""A small dialog that asks which iteration to go to (the stepper computes up to it in a worker)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from backprop_tui.i18n import _
from backprop_tui.tui.language import translate_bindings

MAX_ITERATION = 1_000_000
"""A bound so a slip of the finger (an extra zero or three) cannot start hours of computing."""


def parse_iteration(text: str, limit: int = MAX_ITERATION) -> int:
    """The 1-based iteration typed in `text`; ValueError with the message to show otherwise."""
    value = text.strip()
    if not value.isdigit() or not 1 <= int(value) <= limit:
        raise ValueError(_("expected a whole number from 1 to {limit}, got {value}").format(
            limit=f"{limit:,}", value=repr(value)))
    return int(value)


class GoToIterationDialog(ModalScreen[int | None]):
    """Returns the iteration (1-based) typed, or None when cancelled; a bad entry is explained in place."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, current: int, planned: int) -> None:
        super().__init__()
        self.current, self.planned = current, planned

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box", id="goto-box"):
            yield Static(Text.assemble((_("Go to iteration"), "bold"), "  ",
                                       (_("(now {current}; the scenario plans {planned})").format(
                                           current=self.current, planned=self.planned), "dim")))
            yield Input(placeholder=_("a number, e.g. {example}").format(example=300), id="goto-input",
                        restrict=r"[0-9]*")
            yield Static(id="goto-error")

    def on_mount(self) -> None:
        translate_bindings(self)
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            self.dismiss(parse_iteration(event.value))
        except ValueError as error:
            self.query_one("#goto-error", Static).update(Text(str(error), style="bold"))
