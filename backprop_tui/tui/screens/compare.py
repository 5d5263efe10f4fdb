"""The comparing mode: every variant's loss curve over the same iterations, on one chart."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual_plotext import PlotextPlot

from backprop_tui.core.dense.compare import Comparison, compare
from backprop_tui.core.scenario.model import Scenario
from backprop_tui.i18n import _
from backprop_tui.render.compare import curves_table, draw_curves
from backprop_tui.render.describe import scenario_title
from backprop_tui.tui.language import translate_bindings
from backprop_tui.tui.screens.language_key import LANGUAGE_KEY, LanguageKey
from backprop_tui.tui.widgets.loss_curves import LossCurves


SPACER = "\ue000"
"""A private-use character put after each double-width one in the plot's text, and taken out of
the drawn plot: plotext gives every character one cell, so a Hangul label would push the rest of
its row two cells per syllable to the right (the legend's row breaking the frame); with a spacer
the label takes the cells it is drawn in."""


def spaced(text: str) -> str:
    """`text` with SPACER after every double-width character (English text is returned as it is)."""
    return "".join(c + SPACER if cell_len(c) == 2 else c for c in text)


class _SpacedPlot:
    """plotext's module as draw_curves uses it, with the spacer in its legend labels and titles."""

    def __init__(self, plt: Any) -> None:
        self._plt = plt

    def __getattr__(self, name: str) -> Any:
        return getattr(self._plt, name)

    def plot(self, *args: Any, label: str | None = None, **kwargs: Any) -> Any:
        if label is not None:
            kwargs["label"] = spaced(label)
        return self._plt.plot(*args, **kwargs)

    def title(self, text: str) -> Any:
        return self._plt.title(spaced(text))

    def xlabel(self, text: str) -> Any:
        return self._plt.xlabel(spaced(text))

    def ylabel(self, text: str) -> Any:
        return self._plt.ylabel(spaced(text))


class CompareCurves(LossCurves):
    """The loss curves with text in any script: double-width characters take their two cells."""

    def render(self) -> Text:
        if self.comparison is not None:
            draw_curves(_SpacedPlot(self.plt), self.comparison)
        drawn = PlotextPlot.render(self)  # LossCurves.render would draw the curves again, unspaced
        assert isinstance(drawn, Text)
        cuts = [i for i, c in enumerate(drawn.plain) if c == SPACER]
        if not cuts:
            return drawn
        pieces = drawn.divide([edge for i in cuts for edge in (i, i + 1)])
        return Text("").join(piece for piece in pieces if piece.plain != SPACER)


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

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="compare-title")
        yield CompareCurves(id="compare-plot")
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
        if self.comparison is not None:
            self.query_one("#compare-table", Static).update(curves_table(self.comparison))
            self.query_one(LossCurves).refresh()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _compute(self) -> None:
        try:
            result: Comparison | str = compare(self.scenario)
        except Exception as error:  # a comparison that cannot run is explained, not raised
            result = _("could not compare: {error}").format(error=error)
        self.app.call_from_thread(self._show, result)

    def _show(self, result: Comparison | str) -> None:
        table = self.query_one("#compare-table", Static)
        if isinstance(result, str):
            table.update(Text(result, style="bold"))
            return
        self.comparison = result
        self.query_one(LossCurves).show(result)
        table.update(curves_table(result))
