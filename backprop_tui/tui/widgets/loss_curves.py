"""The loss curves of every variant on one chart with a legend (textual-plotext)."""

from __future__ import annotations

from rich.text import Text
from textual.app import RenderResult
from textual_plotext import PlotextPlot

from backprop_tui.core.dense.compare import Comparison
from backprop_tui.render.compare import draw_curves
from backprop_tui.render.wide_plot import MeasuredPlot, without_marks


class LossCurves(PlotextPlot):
    """One line per variant over the same iterations; diverging lines are cut at a ceiling."""

    comparison: Comparison | None = None

    def show(self, comparison: Comparison) -> None:
        """Draw `comparison` from now on."""
        self.comparison = comparison
        self.refresh()

    def render(self) -> RenderResult:
        # plotext applies the log scale to the data it holds when it builds, so the curves are
        # given afresh for every frame: a redraw (a resize) must not take the log of a log.
        if self.comparison is not None:
            draw_curves(MeasuredPlot(self.plt), self.comparison)  # Hangul measured by its columns
        picture = super().render()
        return without_marks(picture) if isinstance(picture, Text) else picture
