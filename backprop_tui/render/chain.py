"""The chain-rule drill-down in words: each factor as ∂z²₁/∂a¹₃, each term with its numbers."""

from __future__ import annotations

from backprop_tui.core.dense.chain import DrillDown, Factor, Term
from backprop_tui.render.notation import cell_symbol, number


def factor_text(factor: Factor) -> str:
    """∂E/∂ŷ₁ (of the loss) or ∂ŷ₁/∂z²₁ (of one cell by another)."""
    top = "E" if factor.of is None else cell_symbol(factor.of)
    return f"∂{top}/∂{cell_symbol(factor.wrt)}"


def term_text(term: Term) -> str:
    """The factors' names, their values, and the product: ∂E/∂ŷ₁ · … = -0.381 · … = -0.0714."""
    names = " · ".join(factor_text(f) for f in term.factors)
    values = " · ".join(number(f.value, 4) for f in term.factors)
    return f"{names} = {values} = {number(term.value, 6)}"


def target_text(drill: DrillDown) -> str:
    """The weight or bias the drill-down is about: θ¹₂₃, b²₁."""
    return cell_symbol(drill.target)
