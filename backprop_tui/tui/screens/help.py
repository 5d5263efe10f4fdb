"""The `?` screen: every key, generated from the bindings so it cannot fall out of date."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from backprop_tui.core.scenario.model import Scenario
from backprop_tui.tui.commands import key_text
from backprop_tui.tui.widgets.about_panel import about_text

INTRO = ("Walk through backpropagation one step at a time. The cursor picks a weight of the current "
         "layer; the chain-rule panel shows how its gradient is made. Saving the scenario file "
         "reloads it in place. [ and ] scroll the step pane up and down; { and } scroll wide matrices "
         "and the update's old → new table sideways. Ctrl+P opens the command palette.")


def keys_table(screens: list[Screen], app_bindings: list) -> Table:
    """Key and action pairs, two pairs to a row, for the given screens' bindings and the app's."""
    table = Table(box=None, show_header=False, padding=(0, 1))
    for _ in range(2):
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
    seen: set[str] = set()
    pairs = []
    for binding in [b for screen in screens for b in screen.BINDINGS] + list(app_bindings):
        if isinstance(binding, Binding) and binding.description and binding.action not in seen:
            seen.add(binding.action)
            pairs.append((key_text(binding), binding.description))
    half = (len(pairs) + 1) // 2
    for left, right in zip(pairs[:half], [*pairs[half:], ("", "")]):
        table.add_row(*left, *right)
    return table


SCROLL_HINT = "↑ ↓ PgUp PgDn Home End scroll this help; escape, q or ? closes it"


class HelpScreen(ModalScreen[None]):
    """Lists the keys of the screen below it (and its scenario's description); it scrolls with
    the keyboard, so it can be read whole in a small terminal; escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help"),
        Binding("down,j", "scroll('down')", "Scroll down", show=False),
        Binding("up,k", "scroll('up')", "Scroll up", show=False),
        Binding("pagedown,space", "scroll('page_down')", "Page down", show=False),
        Binding("pageup", "scroll('page_up')", "Page up", show=False),
        Binding("home,g", "scroll('home')", "Top", show=False),
        Binding("end,G", "scroll('end')", "Bottom", show=False),
    ]

    def __init__(self, below: Screen) -> None:
        super().__init__()
        self.below = below

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box", can_focus=False):
            yield Static(Text(SCROLL_HINT, style="dim"))
            yield Static(Text("Keys", style="bold"))
            yield Static(Text(INTRO))
            yield Static(keys_table([self.below], self.app.BINDINGS))
            scenario = getattr(getattr(self.below, "stepper", None), "scenario", None)
            if isinstance(scenario, Scenario):
                yield Static(Text("\nThis scenario", style="bold"))
                yield Static(about_text(scenario))
            yield Static(Text(SCROLL_HINT, style="dim"))

    def action_scroll(self, where: str) -> None:
        """Scroll the help box (it takes no focus, so these keys are bound here)."""
        box = self.query_one("#help-box", VerticalScroll)
        {"down": box.scroll_down, "up": box.scroll_up, "page_down": box.scroll_page_down,
         "page_up": box.scroll_page_up, "home": box.scroll_home, "end": box.scroll_end}[where](animate=False)
