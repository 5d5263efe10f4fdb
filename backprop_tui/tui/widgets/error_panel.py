"""The loader's messages (file: key.path: expected …, got …) while the scenario file is broken."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from backprop_tui.core.errors import UserError
from backprop_tui.i18n import _


def error_text(error: UserError, still_showing: str | None) -> Text:
    """One line per problem, and a reminder of what is still on screen."""
    text = Text(_("The scenario file has problems:") + "\n", style="bold")
    for line in str(error).splitlines():
        text.append(f"  {line}\n")
    if still_showing:
        text.append(_("Still showing the last good version of {file}; save the file again to reload.").format(
            file=still_showing), style="italic")
    return text


class ErrorPanel(Static):
    """Hidden unless the last reload failed; the last good scenario stays usable above it."""

    _shown: tuple[UserError | None, str | None] = (None, None)

    def show_error(self, error: UserError | None, still_showing: str | None = None) -> None:
        """Show the error's lines (and what is still on screen), or hide the panel with None."""
        self._shown = (error, still_showing)
        self.display = error is not None
        if error is not None:
            self.update(error_text(error, still_showing))

    def retranslate(self) -> None:
        """Show the same error in the current language (its messages are made when shown)."""
        self.show_error(*self._shown)
