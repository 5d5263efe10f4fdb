"""The open-scenario dialog: type to filter the bundled scenarios, or type a path; a bad one is
explained in place."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from backprop_tui.core.errors import UserError
from backprop_tui.core.scenario.bundled import bundled_dir, bundled_names
from backprop_tui.core.scenario.kind import scenario_kind
from backprop_tui.core.scenario.model import Scenario
from backprop_tui.core.scenario.toml_source import read_toml
from backprop_tui.core.vocab import ScenarioKind
from backprop_tui.i18n import _, language
from backprop_tui.tui.language import translate_bindings
from backprop_tui.walk.watch import open_scenario


def steppable_scenarios() -> list[tuple[str, str]]:
    """(name, title) of the bundled scenarios the stepper opens, dense and convolutional (the CNN
    ones of batch mode train instead)."""
    found = []
    for name in bundled_names():
        try:
            document = read_toml(bundled_dir() / f"{name}.toml")
        except UserError:
            continue
        if scenario_kind(document) in (ScenarioKind.DENSE, ScenarioKind.CONV):
            # the title in the interface language (title_ko in Korean), else the file's own
            found.append((name, str(document.get(f"title_{language()}") or document.get("title", ""))))
    return found


def matching(scenarios: list[tuple[str, str]], typed: str) -> list[tuple[str, str]]:
    """The scenarios whose name or title contains every word typed (any case), names first."""
    words = typed.lower().split()
    hits = [(name, title) for name, title in scenarios if all(w in f"{name} {title}".lower() for w in words)]
    return sorted(hits, key=lambda hit: not all(w in hit[0].lower() for w in words))


def looks_like_path(typed: str) -> bool:
    """Whether the text typed is a file path rather than a filter over the bundled names."""
    return "/" in typed or typed.endswith(".toml") or typed.startswith(("~", "."))


class OpenScenarioDialog(ModalScreen[Scenario | None]):
    """Returns the loaded Scenario, or None when cancelled; never closes on a scenario with errors.

    The text field has the focus: typing filters the list (↑ ↓ pick in it), enter opens the
    highlighted scenario, or the file when what was typed is a path. The scenario being shown,
    when it is a bundled one, is highlighted first.
    """

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("down", "highlight(1)", "Next scenario", show=False),
        Binding("up", "highlight(-1)", "Previous scenario", show=False),
    ]

    def __init__(self, current: Path | None = None) -> None:
        super().__init__()
        self.current = current
        self.scenarios = steppable_scenarios()

    def compose(self) -> ComposeResult:
        with Vertical(id="open-box"):
            yield Static(Text(_("Open a scenario: type to filter, ↑ ↓ to pick, enter to open; or type a path"),
                              style="bold"))
            yield Input(placeholder=_("a name, a word of a title, or a path to a .toml file"), id="open-path")
            yield OptionList(id="open-bundled")
            yield Static(id="open-error")

    def on_mount(self) -> None:
        translate_bindings(self)
        self._fill("")
        current = self.current.stem if self.current is not None and self.current.parent == bundled_dir() else None
        options = self.query_one(OptionList)
        if current is not None and current in [name for name, _ in self.scenarios]:
            options.highlighted = options.get_option_index(current)
        self.query_one(Input).focus()

    def _fill(self, typed: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(Text.assemble((name, "bold"), f"  {title}"), id=name)
                             for name, title in ([] if looks_like_path(typed) else matching(self.scenarios, typed))])
        options.highlighted = 0 if options.option_count else None

    def _open(self, name_or_path: str) -> None:
        try:
            scenario = open_scenario(name_or_path)
        except UserError as error:
            self.query_one("#open-error", Static).update(Text(str(error), style="bold"))
            return
        self.dismiss(scenario)

    def action_highlight(self, change: int) -> None:
        """Move the highlight in the list while the focus stays in the text field."""
        options = self.query_one(OptionList)
        if options.option_count:
            current = options.highlighted if options.highlighted is not None else -change
            options.highlighted = min(max(current + change, 0), options.option_count - 1)

    @on(Input.Changed)
    def _filter(self, event: Input.Changed) -> None:
        self.query_one("#open-error", Static).update("")
        self._fill(event.value.strip())

    @on(OptionList.OptionSelected)
    def _bundled(self, event: OptionList.OptionSelected) -> None:
        self._open(str(event.option.id))

    @on(Input.Submitted)
    def _typed(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        options = self.query_one(OptionList)
        if options.highlighted is not None and not looks_like_path(typed):
            self._open(str(options.get_option_at_index(options.highlighted).id))
        elif typed:
            self._open(typed)
