"""The loss curves of every variant on one chart with a legend (textual-plotext), and a table
of where each ends or diverged."""

from __future__ import annotations

import math

from rich.table import Table
from rich.text import Text
from textual_plotext import PlotextPlot

from backprop_tui.engine.compare import Comparison, ceiling, plot_points
from backprop_tui.render.numbers import cell


def curves_table(comparison: Comparison) -> Table:
    """Per variant: the loss at the start and at the end, or the update that made it diverge."""
    table = Table(box=None, padding=(0, 2), header_style="bold")
    for name in ("variant", "E at start", f"E after {comparison.iterations}", "what it shows"):
        table.add_column(name, justify="right" if name.startswith("E") else "left")
    for curve in comparison.curves:
        end = (Text(f"diverged at update {curve.diverged_at}", style="bold red reverse")
               if curve.diverged_at is not None else Text(cell(curve.final, 4)))
        table.add_row(curve.name, cell(curve.at(0), 4), end, curve.description)
    return table


class LossCurves(PlotextPlot):
    """One line per variant over the same iterations; diverging lines are cut at a ceiling."""

    def show(self, comparison: Comparison) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        cap = ceiling(comparison)
        points = [plot_points(curve, cap) for curve in comparison.curves]
        values = [y for _, ys in points for y in ys if y > 0]
        log = bool(values) and max(values) / min(values) > 1000
        if log:
            plt.yscale("log")  # curves that crawl and curves that diverge, both readable
        for curve, (xs, ys) in zip(comparison.curves, points):
            label = curve.name + (f" (diverged at {curve.diverged_at})" if curve.diverged_at is not None else "")
            if log:
                ys = [max(y, min(values)) for y in ys]
            if xs:
                plt.plot(xs, ys, label=label, marker="braille")
        plt.title(f"{comparison.title}: loss over {comparison.iterations} updates")
        plt.xlabel("update")
        plt.ylabel("loss E" + (", log scale" if log else "") + ("" if math.isinf(cap) else ", cut at a ceiling"))
        self.refresh()
