"""The chain rule for the weight or bias under the cursor, as a table: each path's factors (symbols
above values) and product, their sum over paths and samples, the analytic gradient and the
central-difference check."""

from __future__ import annotations

import math
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.text import Text
from textual.widgets import Static

from backprop_tui.i18n import N_, _
from backprop_tui.core.dense.chain import DrillDown
from backprop_tui.render.chain_table import chain_sums, chain_table, chain_title, chain_verdict

MAX_TERMS = 6

NAN_WHY = N_("NaN: no value: the numbers overflowed to inf, and inf − inf or 0·inf has no value "
           "(nor has anything computed from it)")


def chain_group(drill: DrillDown, decimals: int, width: int | None = None) -> Group:
    """The drill-down: a title, the table (render/chain_table.py), the check's verdict, and why a
    NaN has no value where one is shown; within `width` columns the table and the sums break
    between factors and between values, never inside one."""
    parts: list = [chain_title(drill)]
    terms = drill.terms or drill.compact
    if drill.positions:
        parts.append(Text(_("(one term per position the filter visits: δ there · the patch value under this tap; "
                            "the paths above are folded into δ)"), style="dim"))
    elif not drill.terms:
        parts.append(Text(_("(too many paths to list: the compact form δ · a per sample)"), style="dim"))
    parts += [chain_table(drill, decimals, MAX_TERMS, width), chain_sums(drill, decimals, width), chain_verdict(drill)]
    shown = [drill.path_sum, drill.analytic, drill.numeric, *(t.value for t in terms[:MAX_TERMS]),
             *(f.value for t in terms[:MAX_TERMS] for f in t.factors)]
    if any(math.isnan(v) for v in shown):
        parts.append(Text(f"  {_(NAN_WHY)}", style="italic"))
    return Group(*parts)


@dataclass(frozen=True)
class ChainAtWidth:
    """The drill-down laid out for the width it is drawn at (the pane beside or below the step)."""

    drill: DrillDown
    decimals: int

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield chain_group(self.drill, self.decimals, options.max_width)


class ChainPanel(Static):
    """Shows the drill-down the screen computed for the focused weight."""

    _shown: tuple[DrillDown | None, int] | None = None

    def show(self, drill: DrillDown | None, decimals: int) -> None:
        """Redraw only for another drill-down (the screen caches them) or other decimals."""
        if self._shown is not None and self._shown[0] is drill and self._shown[1] == decimals:
            return
        self._shown = (drill, decimals)
        self.update(ChainAtWidth(drill, decimals) if drill is not None else Text(""))
