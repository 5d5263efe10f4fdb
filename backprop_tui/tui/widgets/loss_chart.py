"""The loss over the iterations walked so far, as a Sparkline, so divergence and smoothing show."""

from __future__ import annotations

import math

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Sparkline, Static

from backprop_tui.render.compare import divergence_text
from backprop_tui.render.numbers import cell


def chart_data(losses: list[float]) -> list[float]:
    """Values a Sparkline can draw: inf and NaN replaced by the largest finite loss (marked in the caption)."""
    finite = [v for v in losses if math.isfinite(v)]
    top = max(finite, default=1.0)
    return [v if math.isfinite(v) else top for v in losses]


def caption(losses: list[float]) -> Text:
    """First and latest loss, and where the loss stopped being a finite number."""
    if not losses:
        return Text("")
    count = f"{len(losses)} iteration" + ("s" if len(losses) > 1 else "")
    text = Text.assemble(("loss over ", "dim"), (count, "dim"), "\n", cell(losses[0], 4), " → ",
                         (cell(losses[-1], 4), "bold"))
    bad = next((i for i, v in enumerate(losses) if not math.isfinite(v)), None)
    if bad is not None:
        text.append("\n" + divergence_text(bad), "bold red reverse")  # losses[i]: after i updates
    return text


class LossChart(Vertical):
    """A caption over a Sparkline of the batch loss before each update."""

    _shown: list[float] | None = None
    _lines = 0

    def compose(self) -> ComposeResult:
        yield Static(id="loss-caption")
        yield Sparkline([], id="loss-sparkline")

    def show(self, losses: list[float]) -> None:
        """Redraw only when the losses walked changed (a new iteration reached)."""
        if losses == self._shown:
            return
        self._shown = losses
        text = caption(losses)
        # a new line (the divergence note) needs a layout; most updates keep the height and skip it
        lines = len(text.wrap(self.app.console, max(self.size.width - 2, 10)))
        grown, self._lines = lines != self._lines, lines
        self.query_one("#loss-caption", Static).update(text, layout=grown)
        self.query_one(Sparkline).data = chart_data(losses)
