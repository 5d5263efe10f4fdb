"""How the lecture writes each quantity, in Unicode for the screen and LaTeX for handouts.

The one place where a key becomes a symbol: θ¹ᵀ, ∂E/∂θ², v_b¹ new, σ′(z²) and their LaTeX.
Symbols are the same in every language; the one word among them, "new", is translated (새 θ¹).
Nothing else spells a quantity, and nothing compares what is spelt here.
"""

from __future__ import annotations

import math

from collections.abc import Callable

from backprop_tui.core.dense.activations import ACTIVATIONS
from backprop_tui.core.vocab import Cell, Kind, Quantity
from backprop_tui.i18n import _

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def sup(n: int) -> str:
    """A number as superscript digits: 12 → ¹²."""
    return str(n).translate(_SUPERSCRIPT)


def sub(n: int) -> str:
    """A number as subscript digits: 12 → ₁₂."""
    return str(n).translate(_SUBSCRIPT)


# (Unicode, LaTeX) of each kind; a layered kind's layer goes where {} (or {l}) stands.
_BASE: dict[Kind, tuple[Callable[[str], str], Callable[[str], str]]] = {
    Kind.THETA: (lambda l: f"θ{l}", lambda l: f"\\theta^{{{l}}}"),
    Kind.BIAS: (lambda l: f"b{l}", lambda l: f"b^{{{l}}}"),
    Kind.INPUT: (lambda _: "x", lambda _: "x"),
    Kind.TARGET: (lambda _: "y", lambda _: "y"),
    Kind.Z: (lambda l: f"z{l}", lambda l: f"z^{{{l}}}"),
    Kind.ACTIVATION: (lambda l: f"a{l}", lambda l: f"a^{{{l}}}"),
    Kind.OUTPUT: (lambda _: "ŷ", lambda _: "\\hat y"),
    Kind.RESIDUAL: (lambda _: "y − ŷ", lambda _: "y - \\hat y"),
    Kind.LOSS: (lambda _: "E", lambda _: "E"),
    Kind.DELTA: (lambda l: f"δ{l}", lambda l: f"\\delta^{{{l}}}"),
    Kind.LEARNING_RATE: (lambda _: "γ", lambda _: "\\gamma"),
    Kind.MOMENTUM: (lambda _: "μ", lambda _: "\\mu"),
    Kind.V_THETA: (lambda l: f"v{l}", lambda l: f"v^{{{l}}}"),
    Kind.V_B: (lambda l: f"v_b{l}", lambda l: f"v_{{b}}^{{{l}}}"),
    Kind.PATCHES: (lambda l: f"P{l}", lambda l: f"P^{{{l}}}"),
}
_PARTIAL_OF = {Kind.DE_DYHAT: Kind.OUTPUT, Kind.DE_DA: Kind.ACTIVATION, Kind.DE_DTHETA: Kind.THETA,
               Kind.DE_DB: Kind.BIAS, Kind.DE_DPATCHES: Kind.PATCHES, Kind.DE_DX: Kind.INPUT}
_NEW_OF = {Kind.THETA_NEW: Kind.THETA, Kind.B_NEW: Kind.BIAS, Kind.V_THETA_NEW: Kind.V_THETA,
           Kind.V_B_NEW: Kind.V_B}


def symbol(key: Quantity, function: str | None = None) -> str:
    """The Unicode symbol of a quantity: θ¹ᵀ, ∂E/∂θ², b¹ new, σ′(z²) (with `function` the
    activation's name; f′(z²) without)."""
    text = _unicode(Quantity(key.kind, key.layer), function)
    return text + "ᵀ" if key.transposed else text


def latex(key: Quantity, function: str | None = None) -> str:
    """The LaTeX of a quantity, for handouts: {\\theta^{1}}^{\\top}, \\frac{\\partial E}{\\partial b^{2}}."""
    text = _latex(Quantity(key.kind, key.layer), function)
    return f"{{{text}}}^{{\\top}}" if key.transposed else text


def _related(kind: Kind, layer: int | None) -> Quantity:
    return Quantity(kind, layer if kind.layered else None)


def _unicode(key: Quantity, function: str | None) -> str:
    if key.kind in _PARTIAL_OF:
        return f"∂E/∂{_unicode(_related(_PARTIAL_OF[key.kind], key.layer), None)}"
    if key.kind in _NEW_OF:
        return _("{symbol} new").format(symbol=_unicode(_related(_NEW_OF[key.kind], key.layer), None))
    if key.kind is Kind.FPRIME:
        f = ACTIVATIONS[function].symbol if function else "f"
        return f"{f}′({symbol(Quantity(Kind.Z, key.layer))})"
    return _BASE[key.kind][0]("" if key.layer is None else sup(key.layer))


def _latex(key: Quantity, function: str | None) -> str:
    if key.kind in _PARTIAL_OF:
        return f"\\frac{{\\partial E}}{{\\partial {_latex(_related(_PARTIAL_OF[key.kind], key.layer), None)}}}"
    if key.kind in _NEW_OF:
        base = _latex(_related(_NEW_OF[key.kind], key.layer), None)
        # v_b's subscript is taken: group it, or "new" would be a double subscript LaTeX refuses
        return (f"{{{base}}}" if "_" in base else base) + "_{\\text{new}}"
    if key.kind is Kind.FPRIME:
        f = ACTIVATIONS[function].latex if function else "f"
        return f"{f}'({latex(Quantity(Kind.Z, key.layer))})"
    return _BASE[key.kind][1]("" if key.layer is None else str(key.layer))


def cell_symbol(cell: Cell) -> str:
    """One cell as the chain rule writes it: z²₁ (a unit), θ¹₂₃ (a weight), θ¹[10,2] past 9."""
    text = symbol(cell.key)
    if not cell.index:
        return text
    if len(cell.index) == 1:
        return text + sub(cell.index[0] + 1)
    if max(cell.index) < 9:
        return text + "".join(sub(i + 1) for i in cell.index)
    return text + "[" + ",".join(str(i + 1) for i in cell.index) + "]"


def number(value: float, decimals: int = 4) -> str:
    """A scalar as the steps quote it inline: 0 without a sign (a sign on zero tells nothing),
    NaN and ±inf spelt out."""
    if value == 0:
        return "0"
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.{decimals}g}" if abs(value) >= 1e5 or (value != 0 and abs(value) < 1e-3) else f"{value:.{decimals}f}".rstrip("0").rstrip(".") or "0"
