"""The stepper's loss chart on a plotext figure: axes with values, log scale when the range asks.

No Textual here: `draw_loss` takes any plotext-like `plt` (the widget's, or plotext itself in a
test), so the rule for the scale and what is drawn are tested without an app.
"""

from __future__ import annotations

import math
from typing import Any

from backprop_tui.i18n import _
from backprop_tui.render.compare import use_log_scale


def finite_points(values: list[float]) -> tuple[list[int], list[float]]:
    """(iterations 1…, values) of the finite values only: inf and NaN cannot be drawn."""
    pairs = [(i + 1, v) for i, v in enumerate(values) if math.isfinite(v)]
    return [i for i, _ in pairs], [v for _, v in pairs]


def draw_loss(plt: Any, batch: list[float], data: list[float] | None, current: int) -> bool:
    """Plot the batch loss per iteration (and the whole data set's, for mini-batches) on `plt`.

    `current` is the iteration shown (1-based), marked with a vertical line. The y axis is
    logarithmic exactly when `render.compare.use_log_scale` says so for the values drawn (the
    same rule as the comparison view). Cleared first; True where anything was drawn.
    """
    plt.clear_data()
    plt.clear_figure()
    xs, ys = finite_points(batch)
    data_xs, data_ys = finite_points(data or [])
    values = ys + data_ys
    if not values:
        return False
    log = use_log_scale(values)
    if log:
        plt.yscale("log")
    plt.plot(xs, ys, marker="braille", label=_("batch E") if data is not None else "E")
    if data is not None and data_xs:
        plt.plot(data_xs, data_ys, marker="braille", label=_("E on all the data"))
    end = max(len(batch), current, 2)
    plt.xticks(sorted({1, *(max(1, round(end * i / 4)) for i in range(1, 5))}))
    plt.vline(current)
    plt.title(_("loss at iteration {number}").format(number=current) + (" " + _("(log scale)") if log else ""))
    return True
