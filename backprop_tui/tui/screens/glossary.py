"""The glossary screen (help, then t): every term the product uses, Korean beside English."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from backprop_tui.i18n import _
from backprop_tui.render.glossary import rows
from backprop_tui.tui.language import translate_bindings
from backprop_tui.tui.screens.scrolling import SCROLL_BINDINGS, scroll


def glossary_table() -> Table:
    """Korean and English, one term a row (rich measures Hangul as two cells wide)."""
    table = Table(box=None, padding=(0, 2), show_header=True, header_style="bold underline")
    table.add_column("한국어", no_wrap=True)
    table.add_column("English")
    for korean, english in rows():
        table.add_row(korean, english)
    return table


class GlossaryScreen(ModalScreen[None]):
    """Scrolls with the keyboard like the help; escape or q closes it."""

    BINDINGS = [
        Binding("escape,q,t", "dismiss", "Close the glossary"),
        *SCROLL_BINDINGS,
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box", can_focus=False):
            yield Static(Text(_("Glossary: the terms of backprop-tui in Korean and English"), style="bold"))
            yield Static(Text(_("↑ ↓ PgUp PgDn scroll; escape or q closes it"), style="dim"))
            yield Static(glossary_table())

    def on_mount(self) -> None:
        translate_bindings(self)
        self.refresh_bindings()

    def action_scroll(self, where: str) -> None:
        """Scroll the glossary (it takes no focus, so these keys are bound here)."""
        scroll(self.query_one("#help-box", VerticalScroll), where)
