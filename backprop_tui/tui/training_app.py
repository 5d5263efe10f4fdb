"""The app that shows one CNN run: training it live (`train --watch`, `backprop-tui fashion_cnn`)
or browsing a finished checkpoint (`backprop-tui RUN.npz`)."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.screen import Screen

from backprop_tui.tui.language import translate_bindings

STYLES = Path(__file__).parent / "styles"


class ScreenApp(App[None]):
    """An app that opens on one screen and ends when that screen says so."""

    CSS_PATH = [STYLES / "training.tcss"]
    TITLE = "backprop-tui"

    def __init__(self, screen: Screen[None]) -> None:
        super().__init__()
        self._first = screen

    def on_mount(self) -> None:
        translate_bindings(self)  # the command palette's key in the footer, in the interface language
        self.push_screen(self._first)
