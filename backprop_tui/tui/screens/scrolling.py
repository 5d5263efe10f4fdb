"""The keys that scroll a screen of text (the help, the glossary, the quiz summary): its scroll box
takes no focus, so the screen binds them, and they do the same on every such screen."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import ScrollableContainer

SCROLL_BINDINGS = [
    Binding("down,j", "scroll('down')", "Scroll down", show=False),
    Binding("up,k", "scroll('up')", "Scroll up", show=False),
    Binding("pagedown,space", "scroll('page_down')", "Page down", show=False),
    Binding("pageup", "scroll('page_up')", "Page up", show=False),
    Binding("home,g", "scroll('home')", "Top", show=False),
    Binding("end,G", "scroll('end')", "Bottom", show=False),
]
"""A screen's action_scroll(where) takes these `where`s and passes them to `scroll`."""


def scroll(box: ScrollableContainer, where: str) -> None:
    """Scroll `box` at once (no animation) one line, one page or to an end: `where` is one of
    down, up, page_down, page_up, home, end (SCROLL_BINDINGS)."""
    {"down": box.scroll_down, "up": box.scroll_up, "page_down": box.scroll_page_down,
     "page_up": box.scroll_page_up, "home": box.scroll_home, "end": box.scroll_end}[where](animate=False)
