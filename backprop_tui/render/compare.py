"""The variants' loss curves drawn: a text table, a plotext chart and plain JSON data.

One drawing rule for the CLI (`compare`) and the app's compare view: `draw_curves` puts the
same curves, with the same log-scale rule and the same ceiling, on any plotext figure (the
`plotext` module itself, or a textual-plotext widget's `plt`).
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

import numpy as np

from rich.cells import cell_len

from backprop_tui.i18n import N_, _, language, ngettext
from backprop_tui.core.dense.compare import Comparison, Curve, ceiling, plot_points
from backprop_tui.render.wide_plot import WIDE_MARK, MeasuredPlot

if TYPE_CHECKING:
    from rich.table import Table

MARKERS = ("•", "x", "+", "o", "*", "#", "%", "@")
"""Plot markers for the CLI, one per variant, so curves stay apart without colour."""

LOG_SCALE_RATIO = 100.0
"""A chart switches to a log scale when its largest positive value is at least this many times
its smallest: curves that crawl and curves that fall fast stay readable side by side."""

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
N_VARIANT = N_("variant")
"""The heading of the variants' column."""


def number(value: float) -> str:
    """A loss as the comparison table prints it: 4 significant digits, or inf / nan."""
    return f"{value:.4g}" if math.isfinite(value) else ("nan" if math.isnan(value) else "inf")


def use_log_scale(values: list[float]) -> bool:
    """True when the positive values span at least `LOG_SCALE_RATIO` (see there)."""
    positive = [v for v in values if v > 0]
    return bool(positive) and len(positive) == len(values) and max(positive) >= LOG_SCALE_RATIO * min(positive)


def divergence_text(updates: int) -> str:
    """The one way every view names a divergence: 'E is inf/NaN from iteration k+1 (after k
    updates)', where `updates` = k is how many updates were done when E was first inf or NaN.

    Iterations are numbered as the app's header numbers them: iteration i (1-based) shows the
    steps that compute E with the weights after i - 1 updates, then make update i. So a curve
    whose loss after k updates is the first inf/NaN (Curve.diverged_at = k) shows it in
    iteration k + 1, the iteration whose loss step first shows it.
    """
    if updates == 0:
        return _("E is inf/NaN from iteration 1 (before any update)")
    return ngettext("E is inf/NaN from iteration {number} (after {updates} update)",
                    "E is inf/NaN from iteration {number} (after {updates} updates)", updates).format(
                        number=updates + 1, updates=updates)


def step_divergence_text(step: int) -> str:
    """How `trace` flags an iteration in which some step first shows inf/NaN (1-based step)."""
    return _("diverged at step {step}, the first to show inf/NaN").format(step=step)


def divergence_label(curve: Curve) -> str:
    """' (E is inf/NaN from iteration k+1 (after k updates))' (see divergence_text), or ''."""
    return "" if curve.diverged_at is None else f" ({divergence_text(curve.diverged_at)})"


def draw_curves(plt: Any, comparison: Comparison, markers: tuple[str, ...] | None = None) -> bool:
    """Plot every curve on the plotext figure `plt` (cleared first); True where anything was drawn.

    Curves are cut at `ceiling` and thinned by `plot_points`. `markers`: one per curve, with the
    legend left to the caller (the CLI prints it below the chart); None: braille lines, each
    labelled in plotext's own legend (the app). The data are given afresh on every call, so a
    redraw (a resize) never re-applies the log scale to values already transformed.
    """
    plt.clear_data()
    plt.clear_figure()
    cap = ceiling(comparison)
    points = [plot_points(curve, cap) for curve in comparison.curves]
    values = [y for _, ys in points for y in ys]
    if not values:
        return False
    log = use_log_scale(values)
    if log:
        plt.yscale("log")
    for index, (curve, (xs, ys)) in enumerate(zip(comparison.curves, points)):
        if not xs:
            continue
        if markers is None:
            plt.plot(xs, ys, label=curve.name + divergence_label(curve), marker="braille")
        else:
            plt.plot(xs, ys, marker=markers[index % len(markers)])
    end = max(comparison.iterations, 1)
    plt.xticks(sorted({round(end * i / 4) for i in range(5)}))
    plt.xlim(0, end)
    # in the interface language: the app draws on a plotext figure that measures Hangul by its
    # columns (render/wide_plot.py), as the CLI's chart does, so a Korean title and axes take the cells they are drawn in
    plt.title(_("loss E on all the data (log scale)") if log else _("loss E on all the data"))
    plt.xlabel(_("iteration (updates done)"))
    plt.ylabel("E" if math.isinf(cap) else _("E, cut at {cap}").format(cap=f"{cap:.4g}"))
    return True


def _rjust(text: str, width: int) -> str:
    """`text` right-aligned in `width` terminal cells (Hangul takes two)."""
    return " " * max(width - cell_len(text), 0) + text


def loss_table(comparison: Comparison, points: list[int]) -> str:
    """Rows: iterations; columns: variants; cells: the full-data loss after that many updates."""
    header = [_("iteration"), *(curve.name for curve in comparison.curves)]
    rows = [[str(k), *(number(curve.at(k)) for curve in comparison.curves)] for k in points]
    widths = [max(cell_len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(_rjust(text, w) for text, w in zip(row, widths)).rstrip() for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def loss_plot(comparison: Comparison, width: int = 100, height: int = 24) -> str:
    """All variants' loss curves on one plotext chart as text, a legend line under it.

    The legend is printed below rather than by plotext, whose legend box covers the curves' start.
    """
    import plotext as plt

    legend = _("legend: {curves}").format(curves="   ".join(
        f"{marker * 2} {curve.name}{divergence_label(curve)}" for curve, marker in zip(comparison.curves, MARKERS * 4)
    )) + "\n"
    plt.limitsize(False, False)
    try:
        if not draw_curves(MeasuredPlot(plt), comparison, MARKERS):  # Hangul measured by its columns
            return _("(nothing to plot: every loss is inf/NaN from the start)") + "\n" + legend
        plt.plotsize(width, height)
        plt.theme("clear")
        text = _ANSI.sub("", plt.build()).replace(WIDE_MARK, "")
    except Exception as error:  # noqa: BLE001 - a plotting quirk must not hide the table above
        return _("(no plot: plotext failed: {error})").format(error=error) + "\n" + legend
    finally:
        plt.clear_figure()
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n" + legend


def comparison_text(comparison: Comparison, points: list[int], width: int = 100, height: int = 24) -> str:
    """The table, the divergence notes and the plot, as `compare` prints them."""
    names = ", ".join(curve.name for curve in comparison.curves)
    title = comparison.titles.get(language()) or comparison.title
    parts = [
        f"{title}\n",
        ngettext("Loss E on all the data after k updates (k = 0: the initial weights), {count} update per "
                 "variant: {names}",
                 "Loss E on all the data after k updates (k = 0: the initial weights), {count} updates per "
                 "variant: {names}", comparison.iterations).format(count=comparison.iterations, names=names) + "\n\n",
        loss_table(comparison, points),
    ]
    notes = [f"{c.name}: {divergence_text(c.diverged_at)}"
             for c in comparison.curves if c.diverged_at is not None]
    cap = ceiling(comparison)
    if any(np.any(c.losses[np.isfinite(c.losses)] > cap) for c in comparison.curves):
        notes.append(_("(in the plot, losses above {cap} are drawn at {cap})").format(cap=f"{cap:.4g}"))
    if notes:
        parts.append("\n" + "\n".join(notes) + "\n")
    parts.append("\n" + loss_plot(comparison, width, height))
    return "".join(parts)


def comparison_json(comparison: Comparison, points: list[int]) -> dict[str, Any]:
    """Plain data for JSON: losses at the chosen points and the whole curve.

    Losses that diverged stay inf or NaN here; `core.strict_json.dumps` writes them as the
    strings "inf" and "NaN", as every JSON output of the product does.
    """
    return {
        "title": comparison.title,
        "iterations": comparison.iterations,
        "at": points,
        "variants": [
            {
                "name": curve.name,
                "description": curve.description,
                "losses": [float(curve.at(k)) for k in points],
                "final": float(curve.final),
                "diverged_at": curve.diverged_at,
                "curve": [float(v) for v in curve.losses],
            }
            for curve in comparison.curves
        ],
    }


def curves_table(comparison: Comparison) -> Table:
    """A rich table per variant: the loss at the start and at the end, or where it diverged."""
    from rich.table import Table
    from rich.text import Text

    from backprop_tui.render.describe import variant_description
    from backprop_tui.render.numbers import cell

    table = Table(box=None, padding=(0, 2), header_style="bold")
    headings = (_(N_VARIANT), _("E at start"), _("E after {count}").format(count=comparison.iterations),
                _("what it shows"))
    for index, name in enumerate(headings):
        table.add_column(name, justify="right" if index in (1, 2) else "left")  # the losses
    for curve in comparison.curves:
        end = (Text(divergence_text(curve.diverged_at), style="bold red reverse")
               if curve.diverged_at is not None else Text(cell(curve.final, 4)))
        table.add_row(curve.name, cell(curve.at(0), 4), end, variant_description(curve))
    return table
