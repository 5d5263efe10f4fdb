"""The `?` screen: every key grouped by task, generated from the bindings so it cannot fall out of
date, then the legend of the notation and the scenario's description."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from backprop_tui.core.scenario.model import Scenario
from backprop_tui.render.legend import legend
from backprop_tui.tui.commands import key_text
from backprop_tui.tui.widgets.about_panel import about_text
from backprop_tui.tui.language import translate_bindings
from backprop_tui.tui.screens.glossary import GlossaryScreen
from backprop_tui.tui.screens.scrolling import SCROLL_BINDINGS, scroll
from backprop_tui.i18n import N_, _
from rich.cells import cell_len

INTRO = N_("Walk through backpropagation one step at a time. The cursor picks a weight of the current "
         "layer; the chain-rule panel shows how its gradient is made. Saving the scenario file "
         "reloads it in place. [ and ] scroll the step pane up and down; { and } scroll wide matrices "
         "and the update's old → new table sideways. Ctrl+P opens the command palette.")


TASKS: dict[str, frozenset[str]] = {
    N_("Stepping"): frozenset({"move", "toggle_play", "speed", "go_to"}),
    N_("Looking closer"): frozenset({"cursor", "toggle_sources", "scroll", "scroll_sideways", "decimals",
                                     "sample", "about", "help", "fold", "landscape", "plane"}),
    N_("Changing the scenario"): frozenset({"edit", "undo", "variant", "compare", "export", "open", "reload"}),
    N_("Quiz"): frozenset({"toggle_quiz", "quiz_skip", "quiz_leave", "quiz_summary"}),
}
"""Keys grouped by what the learner is doing, by action name; any other action goes under "More"."""
MORE = N_("More")


def task_of(action: str) -> str:
    """The group of an action (`move('next_step')` → Stepping)."""
    name = action.split("(", 1)[0]
    return next((task for task, actions in TASKS.items() if name in actions), MORE)


def keys_table(screens: list[Screen], app_bindings: list) -> Group:
    """Key and action pairs, two pairs to a row, under a heading per task, for the screens'
    bindings and the app's; the key columns have one width throughout, so the groups align."""
    seen: set[str] = set()
    groups: dict[str, list[tuple[str, str]]] = {task: [] for task in [*TASKS, MORE]}
    for binding in [b for screen in screens for b in screen.BINDINGS] + list(app_bindings):
        if isinstance(binding, Binding) and binding.description and binding.action not in seen:
            seen.add(binding.action)
            groups[task_of(binding.action)].append((key_text(binding), _(binding.description)))
    key_width = max((cell_len(key) for pairs in groups.values() for key, _description in pairs), default=1)
    parts: list[RenderableType] = []
    for task, pairs in groups.items():
        if not pairs:
            continue
        table = Table(box=None, show_header=False, padding=(0, 1), expand=True)
        for _column in range(2):
            table.add_column(style="bold", no_wrap=True, min_width=key_width)
            table.add_column(ratio=1)
        half = (len(pairs) + 1) // 2
        for left, right in zip(pairs[:half], [*pairs[half:], ("", "")]):
            table.add_row(*left, *right)
        parts += [Text(_(task), style="bold underline"), table]
    return Group(*parts)


def legend_table() -> Group:
    """The notation, a group per task, each symbol beside what it means."""
    parts: list[RenderableType] = []
    for task, rows in legend():
        table = Table(box=None, show_header=False, padding=(0, 1))
        table.add_column(style="bold", no_wrap=True, min_width=8)
        table.add_column()
        for sign, meaning in rows:
            table.add_row(sign, meaning)
        parts += [Text(task, style="bold underline"), table]
    return Group(*parts)


SCROLL_HINT = N_("↑ ↓ PgUp PgDn Home End scroll this help; t shows the glossary; escape, q or ? closes it")


class HelpScreen(ModalScreen[None]):
    """Lists the keys of the screen below it (and its scenario's description); it scrolls with
    the keyboard, so it can be read whole in a small terminal; escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help"),
        *SCROLL_BINDINGS,
        Binding("t", "glossary", "Glossary (한국어 ↔ English)"),
    ]

    def __init__(self, below: Screen) -> None:
        super().__init__()
        self.below = below

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box", can_focus=False):
            yield Static(Text(_(SCROLL_HINT), style="dim"))
            yield Static(Text(_("Keys"), style="bold"))
            yield Static(Text(_(INTRO)))
            yield Static(keys_table([self.below], self.app.BINDINGS))
            yield Static(Text("\n" + _("Notation"), style="bold"))
            yield Static(legend_table())
            scenario = getattr(getattr(self.below, "stepper", None), "scenario", None)
            if isinstance(scenario, Scenario):
                yield Static(Text("\n" + _("This scenario"), style="bold"))
                yield Static(about_text(scenario))
            yield Static(Text(_(SCROLL_HINT), style="dim"))

    def on_mount(self) -> None:
        translate_bindings(self)
        self.refresh_bindings()

    def action_glossary(self) -> None:
        """Open the glossary (Korean ↔ English) over the help."""
        self.app.push_screen(GlossaryScreen())

    def action_scroll(self, where: str) -> None:
        """Scroll the help box (it takes no focus, so these keys are bound here)."""
        scroll(self.query_one("#help-box", VerticalScroll), where)
