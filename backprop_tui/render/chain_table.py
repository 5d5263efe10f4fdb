"""The chain rule for one weight or bias as a table: each path's factors, their symbols above their
values (negatives in parentheses), the product; then the sum over paths and samples, the analytic
gradient and the central-difference value with the check's verdict."""

from __future__ import annotations

import math

from rich.cells import cell_len
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


def _columns(cells: list[list[str]], k: int) -> list[int]:
    """Widths of `k` factor columns when factor j goes to column j mod k."""
    return [max((len(row[j]) for row in cells for j in range(p, len(row), k)), default=0) for p in range(k)]


def _per_line(cells: list[list[str]], label: int, product: int, width: int | None) -> int:
    """How many factors go on one line so the table fits `width` columns: all of them, with the
    product on the same line, when that fits (or no width is given); else fewer, the rest
    continuing on the next lines and the product on a line of its own."""
    most = max((len(row) for row in cells), default=0)
    if width is None or label + sum(w + 1 for w in _columns(cells, most)) + product <= width:
        return max(most, 1)
    for k in range(most - 1, 0, -1):
        if label + sum(w + 1 for w in _columns(cells, k)) <= width:
            return k
    return 1


def chain_table(drill: DrillDown, decimals: int = 3, limit: int = MAX_ROWS, width: int | None = None) -> Table:
    """The table of ∂E/∂(target): one pair of rows per path and sample (symbols, then values) and
    the product of each (`chain_sums` gives their sum beside the analytic and numeric values).

    Within `width` columns the factors of a long path continue on the next pair of lines, each
    symbol still above its value, and the product follows on its own line: a narrow pane never
    cuts a symbol or a number in two.
    """
    terms = drill.terms or drill.compact
    samples = len({t.sample for t in terms}) > 1
    paths = len(terms) > len({t.sample for t in terms})
    labelled = samples or paths
    digits = decimals + 1
    counts: dict[int, int] = {}
    rows = []
    for term in terms[:limit]:
        counts[term.sample] = counts.get(term.sample, 0) + 1
        if drill.positions:  # a filter weight: one term per position it visits (the z cell's column)
            position = term.factors[0].wrt.index[-1] % drill.positions + 1
            label = " · ".join(p for p, on in ((_("sample {number}").format(number=term.sample + 1), samples),
                                                (_("position {number}").format(number=position), True)) if on)
        else:
            label = " · ".join(p for p, on in ((_("sample {number}").format(number=term.sample + 1), samples),
                                                (_("path {number}").format(number=counts[term.sample]), paths)) if on)
        rows.append((label, [factor_text(f) for f in term.factors], [value_text(f.value, digits) for f in term.factors],
                     number(term.value, digits + 2)))
    label_width = max((cell_len(r[0]) + 1 for r in rows), default=0) if labelled else 0
    product_width = max((len(r[3]) for r in rows), default=0) + 2
    cells = [[max(a, b, key=len) for a, b in zip(r[1], r[2])] for r in rows]
    k = _per_line(cells, label_width, product_width, width)
    whole = k >= max((len(r[1]) for r in rows), default=0)
    # one space between columns, no folding: what does not fit continues on the next lines
    table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1, 0, 0), show_edge=False)
    if labelled:
        table.add_column("", style="dim", no_wrap=True)
    for _column in range(k):
        table.add_column("", justify="center", no_wrap=True)
    if whole:
        table.add_column("", justify="center", no_wrap=True)
        table.add_column("", justify="right", no_wrap=True)
    for label, symbols, values, product in rows:
        lead = [label] if labelled else []
        if whole:
            pad = [""] * (k - len(symbols))
            table.add_row(*lead, *[Text(s, style="dim") for s in symbols], *pad, "", "")
            table.add_row(*([""] if labelled else []), *[Text(v) for v in values], *pad, "=", Text(product, style="bold"))
            continue
        for n in range(0, len(symbols), k):
            chunk = range(n, min(n + k, len(symbols)))
            pad = [""] * (k - len(chunk))
            table.add_row(*(lead if n == 0 else [""] * len(lead)), *[Text(symbols[j], style="dim") for j in chunk], *pad)
            table.add_row(*([""] if labelled else []), *[Text(values[j]) for j in chunk], *pad)
        # the product on its own line; the Table would crop it to the first column, so it is one Text
        table.add_row(*([""] if labelled else []), Text.assemble("= ", (product, "bold")), *[""] * (k - 1))
    if len(terms) > limit:
        more = Text("… " + _("{count} more terms").format(count=len(terms) - limit), style="dim")
        table.add_row(*([more] if labelled else []), *([] if labelled else [more]),
                      *[""] * (k + (2 if whole else 0) - (0 if labelled else 1)))
    return table


def chain_sums(drill: DrillDown, decimals: int = 3, width: int | None = None) -> Text:
    """Σ of the terms over paths and samples, the analytic gradient and the central difference: on
    one line, or one to a line when that line would not fit `width` columns."""
    terms = drill.terms or drill.compact
    samples = len({t.sample for t in terms}) > 1
    paths = len(terms) > len({t.sample for t in terms})
    what = (_("Σ over paths and samples") if (paths or not samples) and samples
            else _("Σ over samples") if samples else _("Σ over paths"))
    if drill.positions:
        what = _("Σ over the positions of every sample") if samples else _("Σ over the positions")
    digits = decimals + 3
    parts = [(f"{what} = ", drill.path_sum), (_("analytic") + " ", drill.analytic), (_("numeric (central diff.)") + " ", drill.numeric)]
    text, used = Text(), 0
    for name, value in parts:  # as many to a line as fit, broken between values, never inside one
        size = cell_len(name) + len(number(value, digits))
        gap = "" if not used else "   " if width is None or used + 3 + size <= width else "\n"
        used = size if gap == "\n" else used + len(gap) + size
        text.append_text(Text.assemble((gap, "dim"), (name, "dim"), (number(value, digits), "bold")))
    return text


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
