"""The loader's messages (file: key.path: expected …, got …) while the scenario file is broken."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


def error_text(message: str, still_showing: str | None) -> Text:
    """One line per problem, and a reminder of what is still on screen."""
    text = Text("The scenario file has problems:\n", style="bold")
    for line in message.splitlines():
        text.append(f"  {line}\n")
    if still_showing:
        text.append(f"Still showing the last good version of {still_showing}; save the file again to reload.",
                    style="italic")
    return text


class ErrorPanel(Static):
    """Hidden unless the last reload failed; the last good scenario stays usable above it."""

    def show_error(self, message: str | None, still_showing: str | None = None) -> None:
        self.display = message is not None
        if message is not None:
            self.update(error_text(message, still_showing))
