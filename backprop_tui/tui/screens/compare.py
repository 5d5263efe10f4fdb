"""The comparing mode: every variant's loss curve over the same iterations, on one chart."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from backprop_tui.core.dense.compare import Comparison, compare
from backprop_tui.core.scenario.model import Scenario
from backprop_tui.i18n import _, error_text
from backprop_tui.render.compare import curves_table
from backprop_tui.render.describe import scenario_title
from backprop_tui.tui.language import translate_bindings
from backprop_tui.tui.screens.language_key import LANGUAGE_KEY, LanguageKey
from backprop_tui.tui.widgets.loss_curves import LossCurves


class CompareScreen(LanguageKey, Screen[None]):
    """Computes the curves in a worker (a long run must not freeze the app), then draws them."""

    BINDINGS = [
        Binding("escape,c", "app.pop_screen", "Back to the stepper", show=True),
        LANGUAGE_KEY,
    ]

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.scenario = scenario
        self.comparison: Comparison | None = None
        self.failure: Exception | None = None
        """Why the curves could not be computed (said where drawn, so K says it again)."""

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="compare-title")
        yield LossCurves(id="compare-plot")  # its Hangul title, axes and legend measured by their columns
        yield Static(Text(_("computing the curves…"), style="italic"), id="compare-table")
        yield Footer()

    def _title(self) -> Text:
        return Text(_("Comparing the variants of {title}").format(title=scenario_title(self.scenario)), style="bold")

    def on_mount(self) -> None:
        translate_bindings(self)
        self._compute()


    def retranslate(self) -> None:
        """Redraw every text of the screen in the current language (called by language.switch)."""
        self.query_one("#compare-title", Static).update(self._title())
        if self.failure is not None:
            self.query_one("#compare-table", Static).update(self._failure_text())
        elif self.comparison is None:
            self.query_one("#compare-table", Static).update(Text(_("computing the curves…"), style="italic"))
        else:
            self.query_one("#compare-table", Static).update(curves_table(self.comparison))
            self.query_one(LossCurves).refresh()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _compute(self) -> None:
        try:
            result: Comparison | Exception = compare(self.scenario)
        except Exception as error:  # a comparison that cannot run is explained, not raised
            result = error
        self.app.call_from_thread(self._show, result)

    def _failure_text(self) -> Text:
        """Why the curves could not be computed, in the language of now."""
        return Text(_("could not compare: {error}").format(error=error_text(self.failure)), style="bold")

    def _show(self, result: Comparison | Exception) -> None:
        table = self.query_one("#compare-table", Static)
        if isinstance(result, Exception):
            self.failure = result
            table.update(self._failure_text())
            return
        self.comparison = result
        self.query_one(LossCurves).show(result)
        table.update(curves_table(result))
