"""The chain rule for one weight or bias as a table: each path's factors, their symbols above their
values (negatives in parentheses), the product; then the sum over paths and samples, the analytic
gradient and the central-difference value with the check's verdict."""

from __future__ import annotations

import math

from rich.table import Table
from rich.text import Text

from backprop_tui.i18n import _
from backprop_tui.render.verdict import status_verdict
from backprop_tui.core.dense.chain import DrillDown
from backprop_tui.core.dense.gradcheck import mark, relative_error
from backprop_tui.render.chain import factor_text, target_text
from backprop_tui.render.notation import number

MAX_ROWS = 6
"""Terms listed; past this the table says how many more the sum holds."""


def value_text(value: float, digits: int = 4) -> str:
    """A factor's value as the table shows it: negatives in parentheses, so a product reads unambiguously."""
    text = number(value, digits)
    return f"({text})" if text.startswith("-") else text


def chain_table(drill: DrillDown, decimals: int = 3, limit: int = MAX_ROWS) -> Table:
    """The table of ∂E/∂(target): one pair of rows per path and sample (symbols, then values) and
    the product of each (`chain_sums` gives their sum beside the analytic and numeric values)."""
    terms = drill.terms or drill.compact
    width = max((len(t.factors) for t in terms), default=0)
    samples = len({t.sample for t in terms}) > 1
    paths = len(terms) > len({t.sample for t in terms})
    labelled = samples or paths
    # one space between columns and folding rather than ellipses: a narrow pane wraps, never hides
    table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1, 0, 0), show_edge=False)
    if labelled:
        table.add_column("", style="dim", no_wrap=True)
    for _column in range(width):
        table.add_column("", justify="center", overflow="fold")
    table.add_column("", justify="center")
    table.add_column("", justify="right", overflow="fold")
    digits = decimals + 1
    counts: dict[int, int] = {}
    for term in terms[:limit]:
        counts[term.sample] = counts.get(term.sample, 0) + 1
        if drill.positions:  # a filter weight: one term per position it visits (the z cell's column)
            position = term.factors[0].wrt.index[-1] % drill.positions + 1
            label = " · ".join(p for p, on in ((_("sample {number}").format(number=term.sample + 1), samples),
                                                (_("position {number}").format(number=position), True)) if on)
        else:
            label = " · ".join(p for p, on in ((_("sample {number}").format(number=term.sample + 1), samples),
                                                (_("path {number}").format(number=counts[term.sample]), paths)) if on)
        symbols = [Text(factor_text(f), style="dim") for f in term.factors]
        values = [Text(value_text(f.value, digits)) for f in term.factors]
        pad = [""] * (width - len(term.factors))
        table.add_row(*([label] if labelled else []), *symbols, *pad, "", "")
        table.add_row(*([""] if labelled else []), *values, *pad, "=", Text(number(term.value, digits + 2), style="bold"))
    if len(terms) > limit:
        more = Text("… " + _("{count} more terms").format(count=len(terms) - limit), style="dim")
        table.add_row(*([more] if labelled else []), *([] if labelled else [more]),
                      *[""] * (width + 2 - (0 if labelled else 1)))
    return table


def chain_sums(drill: DrillDown, decimals: int = 3) -> Text:
    """Σ of the terms over paths and samples, the analytic gradient and the central difference."""
    terms = drill.terms or drill.compact
    samples = len({t.sample for t in terms}) > 1
    paths = len(terms) > len({t.sample for t in terms})
    what = (_("Σ over paths and samples") if (paths or not samples) and samples
            else _("Σ over samples") if samples else _("Σ over paths"))
    if drill.positions:
        what = _("Σ over the positions of every sample") if samples else _("Σ over the positions")
    digits = decimals + 3
    return Text.assemble((f"{what} = ", "dim"), (number(drill.path_sum, digits), "bold"),
                         ("   " + _("analytic") + " ", "dim"), (number(drill.analytic, digits), "bold"),
                         ("   " + _("numeric (central diff.)") + " ", "dim"), (number(drill.numeric, digits), "bold"))


def chain_verdict(drill: DrillDown) -> Text:
    """The check in one line: relative error and what it means."""
    error = relative_error(drill.analytic, drill.numeric)
    finite = math.isfinite(drill.analytic) and math.isfinite(drill.numeric)
    verdict = (f"{mark(drill.status)} {status_verdict(drill.status, drill.kinks)}" if math.isfinite(drill.analytic)
               else _("not a finite number"))
    return Text.assemble((_("rel. error") + " ", "dim"), f"{error:.1e} " if finite else "", (verdict, "bold"))


def chain_title(drill: DrillDown) -> Text:
    """The heading: which weight, and what the table is."""
    name = target_text(drill)
    per = (_("∂E/∂{name}: one product of partials per position the filter visits") if drill.positions
           else _("∂E/∂{name}: one product of partials per path and sample"))
    return Text.assemble((_("Chain rule for") + " ", "bold"), (name, "bold reverse"),
                         ("  " + per.format(name=name), "dim"))
