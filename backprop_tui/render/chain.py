"""The chain-rule drill-down in words: each factor as ∂z²₁/∂a¹₃, each term with its numbers."""

from __future__ import annotations

from backprop_tui.core.dense.chain import DrillDown, Factor
from backprop_tui.render.notation import cell_symbol


def factor_text(factor: Factor) -> str:
    """∂E/∂ŷ₁ (of the loss) or ∂ŷ₁/∂z²₁ (of one cell by another)."""
    top = "E" if factor.of is None else cell_symbol(factor.of)
    return f"∂{top}/∂{cell_symbol(factor.wrt)}"


def target_text(drill: DrillDown) -> str:
    """The weight or bias the drill-down is about: θ¹₂₃, b²₁."""
    return cell_symbol(drill.target)
