"""Shown when there is no good scenario at all yet: the loader's messages, and how to go on."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from backprop_tui.core.errors import UserError
from backprop_tui.i18n import _, own_name
from backprop_tui.tui.language import switch, translate_bindings
from backprop_tui.tui.widgets.error_panel import error_text


class ErrorScreen(Screen[None]):
    """Waits for the file to be fixed (it is watched), another scenario to be opened, or quit."""

    BINDINGS = [Binding("K", "switch_language", "Switch language (English/한국어)", show=False)]

    def __init__(self, error: UserError) -> None:
        super().__init__()
        self.error = error

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="error-box", can_focus=False):
            yield Static(id="error-text")
            yield Static(self._hint(), id="error-hint")
        yield Footer()

    @staticmethod
    def _hint() -> Text:
        return Text(_("Fix and save the file (it reloads by itself), press o to open another scenario, or q to quit."),
                    style="italic")

    def on_mount(self) -> None:
        translate_bindings(self)
        self.show_error(self.error)

    def action_switch_language(self) -> None:
        """Switch the interface language (English ↔ 한국어) and show the problems in it."""
        now = switch(self.app)
        self.notify(_("Language: {name}").format(name=own_name(now)), timeout=2)

    def retranslate(self) -> None:
        """Redraw every text of the screen in the current language (called by language.switch)."""
        self.query_one("#error-hint", Static).update(self._hint())
        self.show_error(self.error)

    def show_error(self, error: UserError) -> None:
        """Show this error's lines in place of the last ones."""
        self.error = error
        self.query_one("#error-text", Static).update(error_text(error, None))
