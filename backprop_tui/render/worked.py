"""The worked line of one result cell: its symbols, the real numbers, and the value.

`z¹₂ = θ¹ᵀ₂₁·x₁ + θ¹ᵀ₂₂·x₂ = 1.1·1.0 + 0.7·0.5 = 1.45`, `a¹₁ = σ(z¹₁) = 1/(1 + e^-1.35) = 0.7941`,
`θ²₁₁ ← θ²₁₁ − γ·∂E/∂θ²₁₁ = 0.2 − 0.5·(-0.0713) = 0.2357`. Made only from
`core.dense.explain`'s data (the step's own operation and cells), so the app, `explain` and the
quiz show the same arithmetic. A clean function of (step, key, cell): `worked(step, key, cell)`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text

from backprop_tui.i18n import _
from backprop_tui.core.dense.activations import ACTIVATIONS
from backprop_tui.core.dense.explain import Explanation, Operand, Rule, Term, explain, recompute
from backprop_tui.core.dense.operation import OpKind
from backprop_tui.core.dense.steps import Step
from backprop_tui.core.vocab import ActivationName, Cell, Kind, LossName, Quantity, cell_name
from backprop_tui.render.notation import cell_symbol, symbol

SIGNIFICANT = 4
"""Significant digits of each number in a worked line (more where a change needs them)."""
LONG_SUM = 6
"""A sum of more terms than this shows its first two and its last term, and how many there are."""
_SCALARS = frozenset({Kind.LEARNING_RATE, Kind.MOMENTUM, Kind.LOSS})
"""1×1 quantities written without a subscript: γ, μ, E."""
_WEIGHTS = frozenset({Kind.THETA, Kind.DE_DTHETA, Kind.THETA_NEW, Kind.V_THETA, Kind.V_THETA_NEW})
_UPDATES = frozenset({OpKind.GD_UPDATE, OpKind.MOMENTUM_UPDATE})


@dataclass(frozen=True)
class Worked:
    """One result cell's arithmetic: `lhs arrow symbolic = numeric = value` (parts may be empty)."""

    explanation: Explanation
    lhs: str
    """The result cell's symbol: z¹₂; for an update the parameter's own cell, θ²₁₁."""
    arrow: str
    """'=' or, for an update, '←'."""
    symbolic: str
    numeric: str
    value: str
    note: str = ""
    """What the line leaves implicit: a shortened sum's count, the samples a sum runs over."""

    @property
    def line(self) -> str:
        """The whole worked line as plain text."""
        parts = [p for p in (self.symbolic, self.numeric) if p]
        text = f"{self.lhs} {self.arrow} " + " = ".join(parts) + f" = {self.value}"
        return f"{text}   ({self.note})" if self.note else text

    def text(self) -> Text:
        """The worked line as rich Text: the result cell and its value bold."""
        parts = [p for p in (self.symbolic, self.numeric) if p]
        line = Text.assemble((self.lhs, "bold"), f" {self.arrow} ", " = ".join(parts), " = ", (self.value, "bold"))
        if self.note:
            line.append(f"   ({self.note})", "dim")
        return line


def fmt(value: float, digits: int = SIGNIFICANT) -> str:
    """A number as a worked line writes it: `digits` significant digits, 1.0 not 1, inf and NaN spelt out."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value == 0:
        return "0"
    text = f"{value:.{digits}g}"
    if "e" not in text and "." not in text and abs(value) < 10 ** digits:
        text += ".0"
    return text


def distinct_digits(old: float, new: float, digits: int = SIGNIFICANT, most: int = 15) -> int:
    """The fewest significant digits (at least `digits`) at which `old` and `new` read differently,
    so a small change is shown rather than rounded away (0.3 → 0.3007, not 0.300 → 0.300)."""
    if old == new or not (math.isfinite(old) and math.isfinite(new)):
        return digits
    while digits < most and fmt(old, digits) == fmt(new, digits):
        digits += 1
    return digits


def _inner(value: float, digits: int = SIGNIFICANT) -> str:
    """A number inside an expression: negatives in parentheses, so 0.5·(-0.07) reads unambiguously."""
    text = fmt(value, digits)
    return f"({text})" if text.startswith("-") else text


Symbols = Callable[[Operand], str]
"""How a worked line names an operand cell: `operand_symbol` (θ¹ᵀ₂₁) or `operand_ascii` (theta1_T[2,1])."""

_ASCII = (("Σₖ", "sum_k"), ("Σ", "sum"), ("ŷ", "yhat"), ("ᵀ", "_T"), ("δ", "delta"), ("·", "*"), ("−", "-"), ("←", "<-"), ("σ", "sigma"), ("½", "0.5"),
          ("²", "^2"), ("′", "'"), ("≥", ">="), ("…", "..."), ("ₖ", "_k"))
"""The characters of a worked line's templates, spelt in ASCII for an output that cannot encode them."""


def ascii_text(text: str) -> str:
    """A worked line's template characters in ASCII (operand names come from `operand_ascii`)."""
    for old, new in _ASCII:
        text = text.replace(old, new)
    return text


def operand_name(step: Step, operand: Operand) -> str:
    """The ASCII name a user types for one operand cell: theta1_T[2,1], x[1], gamma, theta2[1,1]."""
    key = operand.key
    if key.kind in _SCALARS:
        return key.ascii
    if key.stored.kind in _WEIGHTS:
        return Cell(key, operand.cell).ascii
    return cell_name(key, operand.cell, step.matrix(key).shape).ascii


def operand_symbol(step: Step, operand: Operand) -> str:
    """The symbol of one operand cell: θ¹ᵀ₂₁, x₁, ŷ₁, γ, (y − ŷ)₁, σ′(z²)₁."""
    key = operand.key
    if key.kind in _SCALARS:
        return symbol(key)
    if key.kind is Kind.FPRIME:  # σ′(z²₁): the cell's subscript belongs to z
        producer = step.producer(key)
        function = producer.function if producer is not None else None
        f = ACTIVATIONS[function].symbol if function else "f"
        z = Quantity(Kind.Z, key.layer)
        return f"{f}′({cell_symbol(cell_name(z, operand.cell, step.matrix(key).shape))})"
    shape = step.matrix(key).shape
    if key.stored.kind in _WEIGHTS:  # θ²₁₁ as the lecture writes a weight, even in a one-column θ
        text = cell_symbol(Cell(key, operand.cell))
    else:
        text = cell_symbol(cell_name(key, operand.cell, shape))
    if " " in symbol(key):  # y − ŷ: its subscript belongs to the whole difference
        base = symbol(key)
        return f"({base}){text[len(base):]}"
    return text


def _result_symbol(sym: Symbols, e: Explanation) -> str:
    op = e.operation
    if op.kind in _UPDATES and e.result.key == op.result:  # θ new₁₁ is written θ²₁₁ ←
        return sym(Operand(op.operands[0], e.result.cell, e.result.value))
    if op.kind is OpKind.MOMENTUM_UPDATE:  # the velocity: v²₁₁ ←
        return sym(Operand(op.operands[4], e.result.cell, e.result.value))
    return sym(e.result)


def _products(sym: Symbols, term: Term, first: bool = True) -> tuple[str, str]:
    """Symbols and numbers of a product; `first`: it opens the expression (a leading sign needs
    no parentheses there)."""
    return ("·".join(sym(c) for c in term.cells),
            "·".join(fmt(c.value) if first and not i else _inner(c.value) for i, c in enumerate(term.cells)))


def count(value: float) -> str:
    """A divisor such as m or m·k: a whole number without a decimal point."""
    return str(int(value)) if float(value).is_integer() else fmt(value)


def _sum(sym: Symbols, terms: tuple[Term, ...], bias: bool = False) -> tuple[str, str, str]:
    """Σ of products (then + b with `bias`), shortened past LONG_SUM products to the first two and
    the last; negatives after the first in parentheses."""
    body, tail = (terms[:-1], terms[-1:]) if bias else (terms, ())
    note = ""
    shown: list[Term | None] = list(body)
    if len(body) > LONG_SUM:  # only the terms shown are spelt out: a convolution's sums run to thousands
        note = _("a sum of {count} products; the first two and the last shown").format(count=len(body))
        shown = [body[0], body[1], None, body[-1]]
    pairs = [("…", "…") if t is None else _products(sym, t, i == 0) for i, t in enumerate(shown)]
    pairs += [_products(sym, t, not body) for t in tail]
    return " + ".join(p[0] for p in pairs), " + ".join(p[1] for p in pairs), note


def _samples_note(e: Explanation) -> str:
    samples = sorted({t.sample for t in e.terms if t.sample is not None})
    if len(samples) > 1:
        return _("one term per sample, m = {m}; the batch average's 1/m is already in each sample's δ").format(
            m=len(samples))
    return ""


def _activation(sym: Symbols, e: Explanation) -> tuple[str, str]:
    function = e.operation.function
    z = e.terms[e.position].cells[0] if function == ActivationName.SOFTMAX else e.terms[0].cells[0]
    zs, zv = sym(z), fmt(z.value)
    if function == ActivationName.SIGMOID:
        return f"σ({zs})", f"1/(1 + e^{fmt(-z.value)})"
    if function == ActivationName.TANH:
        return f"tanh({zs})", f"tanh({zv})"
    if function == ActivationName.RELU:
        return f"max(0, {zs})", f"max(0, {zv})"
    if function == ActivationName.LEAKY_RELU:
        return f"LReLU({zs})", f"{zv} if > 0 else 0.01·{_inner(z.value)}"
    if function == ActivationName.STEP:
        return f"step({zs})", f"1 if {zv} ≥ 0 else 0"
    if function == ActivationName.IDENTITY:
        return zs, ""
    column = [t.cells[0] for t in e.terms]
    shown = column if len(column) <= LONG_SUM else [*column[:2], None, column[-1]]
    total = " + ".join("…" if c is None else f"e^{fmt(c.value)}" for c in shown)
    return f"e^{zs}/Σₖ e^zₖ", f"e^{zv}/({total})"


def _sigmoid(z: float) -> float:
    """σ(z) without overflow for either sign of z."""
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def _keeps_digits(lecture_form: float, value: float) -> bool:
    """The lecture's form of a derivative, evaluated from the rounded activation, gives `value`."""
    return math.isclose(lecture_form, value, rel_tol=1e-9, abs_tol=0.0) or lecture_form == value


def _derivative(sym: Symbols, e: Explanation) -> tuple[str, str]:
    z, a = e.terms[0].cells
    function = e.operation.function
    zs, zv, av = sym(z), fmt(z.value), fmt(a.value)
    # The lecture's forms a(1 − a) and 1 − a² lose every digit once a rounds to ±1 (the value shown
    # is computed from z): there the line switches to forms in z whose numbers give that value.
    if function == ActivationName.SIGMOID:
        if _keeps_digits(a.value * (1.0 - a.value), e.result.value):
            return f"σ({zs})·(1 − σ({zs}))", f"{av}·(1 − {av})"
        return f"σ({zs})·σ(−{zs})", f"{fmt(_sigmoid(z.value))}·{_inner(_sigmoid(-z.value))}"
    if function == ActivationName.TANH:
        if _keeps_digits(1.0 - a.value * a.value, e.result.value):
            return f"1 − tanh²({zs})", f"1 − {_inner(a.value)}²"
        t = fmt(-2.0 * abs(z.value))
        return f"4·e^(−2|{zs}|)/(1 + e^(−2|{zs}|))²", f"4·e^{t}/(1 + e^{t})²"
    if function in (ActivationName.RELU, ActivationName.LEAKY_RELU):
        low = "0" if function == ActivationName.RELU else "0.01"
        return f"(1 if {zs} > 0 else {low})", f"(1 if {zv} > 0 else {low})"
    if function == ActivationName.STEP:
        return "0", ""
    return "1", ""


def _loss_gradient(sym: Symbols, e: Explanation) -> tuple[str, str]:
    yhat, y = e.terms[0].cells
    hs, ys, hv, yv = sym(yhat), sym(y), fmt(yhat.value), fmt(y.value)
    m = count(e.divisor)
    yv = _inner(y.value)
    function = e.operation.function
    if function == LossName.SQUARED_ERROR:
        return f"({hs} − {ys})/m", f"({hv} − {yv})/{m}"
    if function == LossName.MSE:
        return f"2·({hs} − {ys})/(m·k)", f"2·({hv} − {yv})/{m}"
    if function == LossName.CROSS_ENTROPY:
        return f"−{ys}/(m·{hs})", f"-{_inner(y.value)}/({m}·{_inner(yhat.value)})"
    return (f"({hs} − {ys})/({hs}·(1 − {hs})·m·k)", f"({hv} − {yv})/({hv}·(1 − {hv})·{m})")


def _loss(sym: Symbols, e: Explanation) -> tuple[str, str, str]:
    function = e.operation.function
    m = count(e.divisor)
    pieces = []
    for t in e.terms:
        yhat, y = _inner(t.cells[0].value), fmt(t.cells[1].value)
        if function == LossName.SQUARED_ERROR:
            pieces.append(f"½·({y} − {yhat})²")
        elif function == LossName.MSE:
            pieces.append(f"({y} − {yhat})²")
        elif function == LossName.CROSS_ENTROPY:
            pieces.append(f"{y}·log {yhat}")
        else:
            pieces.append(f"[{y}·log {yhat} + (1 − {y})·log(1 − {yhat})]")
    note = ""
    if len(pieces) > LONG_SUM:
        note = _("{count} terms; the first two and the last shown").format(count=len(pieces))
        pieces = [*pieces[:2], "…", pieces[-1]]
    symbolic = {LossName.SQUARED_ERROR: "(1/m)·Σ ½·(y − ŷ)²", LossName.MSE: "(1/(m·k))·Σ (y − ŷ)²",
                LossName.CROSS_ENTROPY: "−(1/m)·Σ y·log ŷ"}.get(
        function, "−(1/(m·k))·Σ [y·log ŷ + (1 − y)·log(1 − ŷ)]")
    sign = "" if function in (LossName.SQUARED_ERROR, LossName.MSE) else "-"
    return symbolic, f"{sign}(1/{m})·({' + '.join(pieces)})", note


def _softmax_jacobian(sym: Symbols, e: Explanation) -> tuple[str, str, str]:
    a, g = e.terms[e.position].cells
    symbolic = f"{sym(a)}·({sym(g)} − Σₖ aₖ·gₖ)"
    inner = " + ".join(f"{fmt(t.cells[0].value)}·{_inner(t.cells[1].value)}" for t in e.terms[:LONG_SUM])
    note = _("{count} terms; the first {shown} shown").format(count=len(e.terms), shown=LONG_SUM) if len(e.terms) > LONG_SUM else ""
    more = " + …" if note else ""
    return symbolic, f"{fmt(a.value)}·({fmt(g.value)} − ({inner}{more}))", note


def _route(sym: Symbols, e: Explanation) -> tuple[str, str, str]:
    """Max pooling backward: the window's δ where this cell won the window, else 0."""
    window, delta = e.terms[:-1], e.terms[-1].cells[0]
    values = [t.cells[0].value for t in window]
    winner = window[values.index(max(values))].cells[0]
    me = window[e.position].cells[0]
    symbolic = _("{delta} if {cell} is its window's maximum, else 0").format(delta=sym(delta), cell=sym(me))
    if winner == me:
        return symbolic, "", _("{cell} = {value} won its window").format(cell=sym(me), value=fmt(me.value))
    return symbolic, "", _("the window's maximum is {cell} = {value}").format(cell=sym(winner), value=fmt(winner.value))


def worked(step: Step, key: Quantity, cell: tuple[int, int], ascii: bool = False) -> Worked:
    """The worked line of cell (row, column), 0-based, of the result `key` of `step`; with
    `ascii`, spelt in ASCII names (theta1_T[2,1]*x[1]) for an output without Unicode.

    Raises KeyError when no operation of the step writes `key` and IndexError for a cell outside
    it (explain's errors).
    """
    e = explain(step, key, cell)
    sym: Symbols = (lambda o: operand_name(step, o)) if ascii else (lambda o: operand_symbol(step, o))
    op = e.operation
    lhs = _result_symbol(sym, e)
    arrow = "←" if op.kind in _UPDATES else "="
    digits = SIGNIFICANT
    if op.kind in _UPDATES and e.rule is not Rule.DIFFERENCE or op.kind is OpKind.GD_UPDATE:
        digits = distinct_digits(e.terms[0].cells[0].value, e.result.value)
    value = fmt(e.result.value, digits)
    note = ""
    if e.rule is Rule.SUM and not e.terms:  # nothing to add up: the value is 0 by construction
        symbolic = _("(zero padding)") if op.kind is OpKind.IM2COL else _("(no patch covers this pixel)")
        numeric = ""
    elif e.rule is Rule.MAX:
        symbolic = "max(" + ", ".join(sym(t.cells[0]) for t in e.terms) + ")"
        numeric = "max(" + ", ".join(fmt(t.cells[0].value) for t in e.terms) + ")"
    elif e.rule is Rule.ROUTE:
        symbolic, numeric, note = _route(sym, e)
    elif e.rule is Rule.SUM:
        symbolic, numeric, note = _sum(sym, e.terms, bias=op.kind is OpKind.MATMUL and len(op.operands) > 2)
        if len(e.terms) == 1 and len(e.terms[0].cells) == 1:
            numeric = ""  # a copy (θᵀ's cell is θ's): the number is the value
        if op.kind is OpKind.COL2IM:
            note = "; ".join(p for p in (note, _("every patch cell copied from this pixel, added")) if p)
        note = "; ".join(p for p in (note, _samples_note(e)) if p)
    elif e.rule is Rule.DIFFERENCE:
        (s1, n1), (s2, n2) = _products(sym, e.terms[0]), _products(sym, e.terms[1], first=False)
        n1 = fmt(e.terms[0].cells[0].value, digits) if len(e.terms[0].cells) == 1 else n1
        symbolic, numeric = f"{s1} − {s2}", f"{n1} − {n2}"
        if e.divisor != 1.0:
            what = "m·k" if op.kind is OpKind.SIGMOID_BCE_DELTA else "m"
            symbolic, numeric = f"({symbolic})/{what}", f"({numeric})/{count(e.divisor)}"
    elif e.rule is Rule.MOMENTUM:
        (sp, _unused), (sv, nv), (sg, ng) = (_products(sym, t, i == 1) for i, t in enumerate(e.terms))
        symbolic = f"{sp} + ({sv} − {sg})"
        numeric = f"{fmt(e.terms[0].cells[0].value, digits)} + ({nv} − {ng})"
    elif e.rule is Rule.SOFTMAX_JACOBIAN:
        symbolic, numeric, note = _softmax_jacobian(sym, e)
    elif e.rule is Rule.LOSS:
        symbolic, numeric, note = _loss(sym, e)
    elif op.kind is OpKind.ACTIVATION:
        symbolic, numeric = _activation(sym, e)
    elif op.kind is OpKind.DERIVATIVE:
        symbolic, numeric = _derivative(sym, e)
    else:
        symbolic, numeric = _loss_gradient(sym, e)
    if ascii:
        return Worked(e, lhs, ascii_text(arrow), ascii_text(symbolic), ascii_text(numeric), value, ascii_text(note))
    return Worked(e, lhs, arrow, symbolic, numeric, value, note)


def worked_line(step: Step, key: Quantity, cell: tuple[int, int]) -> str:
    """The worked line as plain text (see `worked`)."""
    return worked(step, key, cell).line


def _json_number(value: float) -> float | str:
    """A value for strict JSON: finite as a number, otherwise "inf", "-inf" or "NaN"."""
    return value if math.isfinite(value) else fmt(value)


def _operand_json(step: Step, operand: Operand) -> dict[str, Any]:
    return {"quantity": operand.key.ascii, "cell": operand_name(step, operand),
            "index": [i + 1 for i in operand.cell], "value": _json_number(operand.value)}


def worked_json(step: Step, key: Quantity, cell: tuple[int, int]) -> dict[str, Any]:
    """The worked line as strict-JSON-ready data: the operation, each term's operand cells with
    their values, the rule, the result (and the value recomputed from the terms), and the line."""
    w = worked(step, key, cell)
    e = w.explanation
    op = e.operation
    constants = {name: getattr(op, name) for name in ("function", "learning_rate", "momentum", "samples")
                 if getattr(op, name) is not None}
    return {
        "iteration": step.iteration,
        "step": step.index + 1,
        "phase": step.phase.value,
        "operation": {"kind": op.kind.value, "operands": [k.ascii for k in op.operands],
                      "results": [k.ascii for k in op.results], **constants},
        "rule": e.rule.value,
        "divisor": e.divisor,
        "terms": [{"sample": None if t.sample is None else t.sample + 1,
                   "cells": [_operand_json(step, c) for c in t.cells]} for t in e.terms],
        "result": _operand_json(step, e.result),
        "recomputed": _json_number(recompute(e)),
        "line": w.line,
    }
