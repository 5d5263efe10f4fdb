"""The open-scenario dialog: pick a bundled scenario or type a path; a bad one is explained in place."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from backprop_tui.core.scenario.kind import scenario_kind
from backprop_tui.core.vocab import ScenarioKind
from backprop_tui.core.errors import UserError
from backprop_tui.core.scenario.bundled import bundled_dir, bundled_names
from backprop_tui.core.scenario.toml_source import read_toml
from backprop_tui.core.scenario.model import Scenario
from backprop_tui.walk.watch import try_load


def steppable_scenarios() -> list[tuple[str, str]]:
    """(name, title) of the bundled scenarios the stepper opens (the CNN ones train in batch mode)."""
    found = []
    for name in bundled_names():
        try:
            document = read_toml(bundled_dir() / f"{name}.toml")
        except UserError:
            continue
        if scenario_kind(document) is ScenarioKind.DENSE:
            found.append((name, str(document.get("title", ""))))
    return found


class OpenScenarioDialog(ModalScreen[Scenario | None]):
    """Returns the loaded Scenario, or None when cancelled; never closes on a scenario with errors."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="open-box"):
            yield Static(Text("Open a scenario", style="bold"))
            yield OptionList(*[Option(Text.assemble((name, "bold"), f"  {title}"), id=name)
                               for name, title in steppable_scenarios()], id="open-bundled")
            yield Input(placeholder="or type a path to a .toml file and press enter", id="open-path")
            yield Static(id="open-error")

    def _open(self, name_or_path: str) -> None:
        result = try_load(name_or_path)
        if isinstance(result, Scenario):
            self.dismiss(result)
        else:
            self.query_one("#open-error", Static).update(Text(result, style="bold"))

    @on(OptionList.OptionSelected)
    def _bundled(self, event: OptionList.OptionSelected) -> None:
        self._open(str(event.option.id))

    @on(Input.Submitted)
    def _typed(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self._open(event.value.strip())
