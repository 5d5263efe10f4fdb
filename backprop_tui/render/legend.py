"""The legend of the notation, grouped by task (forward, loss, backward, update, operators).

Every symbol is made from a key by `render.notation` (with layer l written ˡ), so the legend
always spells a quantity the way the steps do.
"""

from __future__ import annotations

from backprop_tui.core.vocab import Kind, Quantity
from backprop_tui.i18n import _
from backprop_tui.render.notation import sup, symbol

LAYER = "ˡ"
"""Stands for any layer number in the legend."""


def generic(kind: Kind, transposed: bool = False) -> str:
    """The symbol of `kind` for any layer l: θˡ, θˡᵀ, ∂E/∂θˡ (the plain symbol for unlayered kinds)."""
    if not kind.layered:
        return symbol(Quantity(kind))
    return symbol(Quantity(kind, 1, transposed)).replace(sup(1), LAYER)


def legend() -> list[tuple[str, list[tuple[str, str]]]]:
    """(task, [(symbol, meaning)]) in the order a step walks through them, in the interface language."""
    return [
        (_("Forward pass"), [
            (generic(Kind.INPUT), _("the input, one column per sample (the input layer's activation a⁰)")),
            (generic(Kind.THETA), _("the weights into layer l, stored inputs × units as in the lecture")),
            (generic(Kind.THETA, transposed=True), _("θˡ transposed (units × inputs), so it can multiply aˡ⁻¹")),
            (generic(Kind.BIAS), _("the biases of layer l, one per unit")),
            (generic(Kind.Z), _("the weighted sums of layer l: zˡ = θˡᵀ·aˡ⁻¹ + bˡ")),
            (generic(Kind.ACTIVATION), _("the activations of layer l: aˡ = f(zˡ)")),
            (generic(Kind.OUTPUT), _("the network's output, the last layer's activation")),
        ]),
        (_("Loss"), [
            (generic(Kind.TARGET), _("the target the output should reach")),
            (generic(Kind.LOSS), _("the loss (error), averaged over the batch's m samples")),
        ]),
        (_("Backward pass"), [
            (generic(Kind.DELTA), _("∂E/∂zˡ: how the loss changes with layer l's weighted sums")),
            (generic(Kind.FPRIME), _("the activation's derivative at zˡ (σ′, tanh′, …)")),
            (generic(Kind.DE_DA), _("how the loss changes with layer l's activations: θˡ⁺¹·δˡ⁺¹")),
            (generic(Kind.DE_DTHETA), _("the gradient: one partial derivative per weight, aˡ⁻¹·δˡᵀ")),
            (generic(Kind.DE_DB), _("the biases' gradient: δˡ summed over the batch")),
        ]),
        (_("Update"), [
            (generic(Kind.LEARNING_RATE), _("the learning rate: θ new = θ − γ·∂E/∂θ")),
            (generic(Kind.MOMENTUM), _("the momentum: v new = μ·v − γ·∂E/∂θ, θ new = θ + v new")),
            (generic(Kind.V_THETA), _("the velocity (momentum's running step) of θˡ")),
            (generic(Kind.THETA_NEW), _("θˡ after the update")),
        ]),
        (_("The drawn network"), [
            ("━━", _("a large weight |θ| (at least a third of its layer's largest); colour: its sign")),
            ("──", _("a small weight")),
            ("━ ━", _("a negative weight (dashed), in the negative colour")),
            ("0.81", _("a node: its value for the sample shown (s picks another); reversed: computed now")),
        ]),
        (_("Operators"), [
            ("·", _("matrix product (rows times columns)")),
            ("⊙", _("element-wise product (Hadamard): same shapes, cell by cell")),
            ("ᵀ", _("transpose: rows become columns")),
            ("Σ", _("sum (over the batch's samples, or over a product's terms)")),
        ]),
    ]
