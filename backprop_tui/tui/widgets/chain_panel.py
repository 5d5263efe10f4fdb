"""The chain rule for the weight under the cursor: each path's product of partials, with values,
their sum, the analytic gradient and the central-difference check beside it."""

from __future__ import annotations

import math

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from backprop_tui.core.dense.chain import DrillDown
from backprop_tui.core.dense.gradcheck import mark, relative_error
from backprop_tui.render.chain import target_text, term_text
from backprop_tui.render.numbers import cell

MAX_TERMS = 6

NAN_WHY = ("NaN: no value: the numbers overflowed to inf, and inf − inf or 0·inf has no value "
           "(nor has anything computed from it)")


def chain_group(drill: DrillDown, decimals: int) -> Group:
    """The drill-down as text: terms (or the compact a·δ form for wide networks) and the check."""
    name = target_text(drill)
    lines = [Text.assemble(("Chain rule for ", "bold"), (name, "bold reverse"),
                           (f"  ∂E/∂{name}: one product of partials per path (h j k l move the cursor)", "dim"))]
    terms = drill.terms or drill.compact
    if not drill.terms:
        lines.append(Text("(too many paths to list: the compact form δ · a per sample)", style="dim"))
    for term in terms[:MAX_TERMS]:
        prefix = f"sample {term.sample + 1}: " if len({t.sample for t in terms}) > 1 else ""
        lines.append(Text(f"  {prefix}{term_text(term)}"))
    if len(terms) > MAX_TERMS:
        lines.append(Text(f"  … {len(terms) - MAX_TERMS} more terms", style="dim"))
    error = relative_error(drill.analytic, drill.numeric)
    finite = math.isfinite(drill.analytic) and math.isfinite(drill.numeric)
    verdict = f"{mark(drill.status)} {drill.verdict}" if math.isfinite(drill.analytic) else "not a finite number"
    lines.append(Text.assemble(("  Σ = ", "dim"), (cell(drill.path_sum, decimals + 3), "bold"),
                               ("   analytic ", "dim"), (cell(drill.analytic, decimals + 3), "bold"),
                               ("   numeric (central diff.) ", "dim"), (cell(drill.numeric, decimals + 3), "bold"),
                               ("   rel. error ", "dim"), f"{error:.1e} " if finite else "", (verdict, "bold")))
    shown = [drill.path_sum, drill.analytic, drill.numeric, *(t.value for t in terms[:MAX_TERMS]),
             *(f.value for t in terms[:MAX_TERMS] for f in t.factors)]
    if any(math.isnan(v) for v in shown):
        lines.append(Text(f"  {NAN_WHY}", style="italic"))
    return Group(*lines)


class ChainPanel(Static):
    """Shows the drill-down the screen computed for the focused weight."""

    _shown: tuple[DrillDown | None, int] | None = None

    def show(self, drill: DrillDown | None, decimals: int) -> None:
        """Redraw only for another drill-down (the screen caches them) or other decimals."""
        if self._shown is not None and self._shown[0] is drill and self._shown[1] == decimals:
            return
        self._shown = (drill, decimals)
        self.update(chain_group(drill, decimals) if drill is not None else Text(""))
