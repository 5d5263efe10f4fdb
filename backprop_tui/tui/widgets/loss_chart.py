"""The loss over the iterations walked so far: a caption and a real chart with axes (plotext)."""

from __future__ import annotations

import math

import numpy as np
from rich.text import Text
from textual.app import ComposeResult, RenderResult
from textual.containers import Vertical
from textual.widgets import Static
from textual_plotext import PlotextPlot

from backprop_tui.i18n import _, ngettext
from backprop_tui.render.compare import divergence_text
from backprop_tui.render.loss_plot import draw_loss
from backprop_tui.render.matrix import decimals_showing_changes
from backprop_tui.render.numbers import cell
from backprop_tui.render.wide_plot import MeasuredPlot, without_marks


def caption(losses: list[float], data: list[float] | None = None, current: int | None = None,
            hint: bool = True) -> Text:
    """First and latest loss (and the whole data set's), and where the loss stopped being finite."""
    if not losses:
        return Text("")
    over = ngettext("loss over {count} iteration", "loss over {count} iterations", len(losses))
    # two runs split at the count, as before translation, so the English screen stays as it was drawn
    before, after = over.split("{count}", 1)
    d = decimals_showing_changes(np.array([losses[0]]), np.array([losses[-1]]), 4)
    text = Text.assemble((before, "dim"), (str(len(losses)) + after, "dim"), "\n", cell(losses[0], d), " → ",
                         (cell(losses[-1], d), "bold"))
    if data:
        d = decimals_showing_changes(np.array([data[0]]), np.array([data[-1]]), 4)
        text.append_text(Text.assemble(("  " + _("all data") + " ", "dim"), cell(data[0], d), " → ",
                                       (cell(data[-1], d), "bold")))
    if current is not None and current <= len(losses):
        text.append("\n" + _("iteration {number}: E = {loss}").format(number=current, loss=cell(losses[current - 1], 4)),
                    "bold")
        if hint:  # a narrow pane keeps its rows for the chart; the help lists the key
            text.append("  " + _("(: goes to any iteration)"), "dim")
    bad = next((i for i, v in enumerate(losses) if not math.isfinite(v)), None)
    if bad is not None:
        text.append("\n" + divergence_text(bad), "bold red reverse")  # losses[i]: after i updates
    return text


class LossPlot(PlotextPlot):
    """The chart: the data are given afresh for every frame, so a resize never re-applies the log."""

    batch: list[float] = []
    data: list[float] | None = None
    current = 1

    def render(self) -> RenderResult:
        draw_loss(MeasuredPlot(self.plt), self.batch, self.data, self.current)  # Hangul measured by its columns
        picture = super().render()
        return without_marks(picture) if isinstance(picture, Text) else picture


class LossChart(Vertical):
    """A caption over a chart of the batch loss before each update (and E on all the data for SGD)."""

    _shown: tuple | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="loss-caption")
        yield LossPlot(id="loss-plot")

    def show(self, losses: list[float], data: list[float] | None = None, current: int = 1) -> None:
        """Redraw only when what is shown changed (a new iteration reached or shown)."""
        shown = (losses, data, current)
        if shown == self._shown:
            return
        self._shown = shown
        self.query_one("#loss-caption", Static).update(caption(losses, data, current, hint=self.app.size.width >= 100))
        plot = self.query_one(LossPlot)
        plot.batch, plot.data, plot.current = losses, data, current
        plot.refresh()
