"""Shown when there is no good scenario at all yet: the loader's messages, and how to go on."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from backprop_tui.core.errors import UserError
from backprop_tui.i18n import _
from backprop_tui.tui.language import translate_bindings
from backprop_tui.tui.screens.language_key import LANGUAGE_KEY, LanguageKey
from backprop_tui.tui.widgets.error_panel import error_text


class ErrorScreen(LanguageKey, Screen[None]):
    """Waits for the file to be fixed (it is watched), another scenario to be opened, or quit."""

    BINDINGS = [LANGUAGE_KEY]

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


    def retranslate(self) -> None:
        """Redraw every text of the screen in the current language (called by language.switch)."""
        self.query_one("#error-hint", Static).update(self._hint())
        self.show_error(self.error)

    def show_error(self, error: UserError) -> None:
        """Show this error's lines in place of the last ones."""
        self.error = error
        self.query_one("#error-text", Static).update(error_text(error, None))
