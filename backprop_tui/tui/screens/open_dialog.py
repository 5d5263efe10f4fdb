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

from backprop_tui.scenario.bundled import bundled_names
from backprop_tui.scenario.model import Scenario
from backprop_tui.tui.watch import try_load


class OpenScenarioDialog(ModalScreen[Scenario | None]):
    """Returns the loaded Scenario, or None when cancelled; never closes on a scenario with errors."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="open-box"):
            yield Static(Text("Open a scenario", style="bold"))
            yield OptionList(*[Option(name, id=name) for name in bundled_names()], id="open-bundled")
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
