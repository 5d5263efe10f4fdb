"""Activation functions and their derivatives, as a small table the network and the steps share.

Values are column-major like the lecture: one column per sample, one row per unit.

Derivatives are computed from z, never from the rounded activation a = f(z): near saturation
a rounds to ±1 (tanh) or to 0 or 1 (σ), and 1 − a² or a(1 − a) then keeps no correct digit
(σ(40) rounds to 1, so a(1 − a) gives 0 where σ′(40) = 4.2e-18). σ′(z) = σ(z)·σ(−z) and
tanh′(z) = 4e^(−2|z|)/(1 + e^(−2|z|))² are exact to a few ulps for every z and never overflow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from backprop_tui.core.vocab import ActivationName
from backprop_tui.i18n import N_

LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    """f, f' and how the steps write them (Unicode and LaTeX)."""

    name: str
    symbol: str
    latex: str
    f: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray, np.ndarray], np.ndarray] | None
    """f'(z) given z and a = f(z) (a is not used: see the module docstring); None for softmax,
    whose Jacobian is not diagonal."""
    derivative_text: str
    """f′ in words, an English catalogue key; {slope} stands for LEAKY_SLOPE."""
    kink: str | None = None
    """Where f is not differentiable at z = 0: the value of f′(0) the engine uses, as text
    ("ReLU′(0) = 0", PyTorch's convention too); None for a smooth f."""


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1/(1 + e^(−z)), exact to an ulp for every z: split by sign so exp never overflows."""
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    e = np.exp(z[~positive])
    out[~positive] = e / (1.0 + e)
    return out


def _sigmoid_derivative(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    # σ′ = σ(z)(1 − σ(z)) = σ(z)·σ(−z): 1 − σ(z) is σ(−z) exactly, without the cancellation.
    return sigmoid(z) * sigmoid(-z)


def _tanh_derivative(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    # tanh′ = 1 − tanh² = 1/cosh²(z) = 4e^(−2|z|)/(1 + e^(−2|z|))²: no overflow, no cancellation.
    e = np.exp(-2.0 * np.abs(np.asarray(z, dtype=np.float64)))
    return 4.0 * e / (1.0 + e) ** 2


def softmax_parts(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per column: z − max z, the mask of the (first) maximum, and s = Σ over the other rows of e^(zⱼ − max).

    softmax = e^(z − max)/(1 + s) and log Σ e^(z − max) = log1p(s): keeping the maximum's 1 out
    of the sum keeps s's digits where 1 + s rounds to 1 (z = [200, 0] gives s = 1.4e-87).
    """
    z = np.asarray(z, dtype=np.float64)
    top = np.argmax(z, axis=0)
    is_top = np.zeros(z.shape, dtype=bool)
    is_top[top, np.arange(z.shape[1])] = True
    shifted = z - z[top, np.arange(z.shape[1])]
    others = np.where(is_top, 0.0, np.exp(shifted)).sum(axis=0)
    return shifted, is_top, others


def softmax(z: np.ndarray) -> np.ndarray:
    """softmax per column (units × samples), shifted by the column's maximum so exp never overflows."""
    shifted, _, others = softmax_parts(z)
    return np.exp(shifted) / (1.0 + others)


def log_softmax(z: np.ndarray) -> np.ndarray:
    """log softmax(z) per column, from z: (z − max) − log1p(Σ others), as PyTorch's log_softmax
    (which uses log Σ; log1p keeps log ŷ of the winning class, −1.4e-87 for z = [200, 0])."""
    shifted, _, others = softmax_parts(z)
    return shifted - np.log1p(others)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("step", "step", r"\operatorname{step}", lambda z: (z >= 0).astype(np.float64),
                   lambda z, a: np.zeros_like(z, dtype=np.float64), N_("step′(z) = 0 (undefined at 0)"),
                   "step′(0) = 0"),
        Activation("identity", "id", r"\operatorname{id}", lambda z: np.array(z, dtype=np.float64),
                   lambda z, a: np.ones_like(z, dtype=np.float64), "id′(z) = 1"),
        Activation("sigmoid", "σ", r"\sigma", sigmoid,
                   _sigmoid_derivative, N_("σ′(z) = σ(z)(1 − σ(z)), computed as σ(z)·σ(−z)")),
        Activation("tanh", "tanh", r"\tanh", np.tanh,
                   _tanh_derivative, N_("tanh′(z) = 1 − tanh²(z), computed as 1/cosh²(z)")),
        Activation("relu", "ReLU", r"\operatorname{ReLU}", lambda z: np.maximum(z, 0.0),
                   lambda z, a: (z > 0).astype(np.float64), N_("ReLU′(z) = 1 if z > 0 else 0"), "ReLU′(0) = 0"),
        Activation("leaky_relu", "LReLU", r"\operatorname{LReLU}",
                   lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
                   lambda z, a: np.where(z > 0, 1.0, LEAKY_SLOPE), N_("LReLU′(z) = 1 if z > 0 else {slope}"),
                   f"LReLU′(0) = {LEAKY_SLOPE}"),
        Activation("softmax", "softmax", r"\operatorname{softmax}", softmax, None,
                   "∂softmaxᵢ/∂zⱼ = ŷᵢ(δᵢⱼ − ŷⱼ)"),
    )
}

NAMES: tuple[str, ...] = tuple(ACTIVATIONS)
assert set(NAMES) == set(ActivationName), "the table and the vocabulary name the same activations"


def zero_safe_product(factor: np.ndarray, upstream: np.ndarray) -> np.ndarray:
    """factor ⊙ upstream, with 0 wherever either is exactly 0 (element-wise, same shapes).

    A zero partial derivative contributes nothing however large the other factor: 0 · inf, where
    the inf is a gradient that overflowed, is 0, not NaN. inf · finite stays inf; NaN · nonzero stays NaN.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        product = factor * upstream
    return np.where((factor == 0) | (upstream == 0), 0.0, product)


def softmax_backward(a: np.ndarray, grad_a: np.ndarray) -> np.ndarray:
    """∂E/∂z from ∂E/∂a through softmax, per column (units × samples).

    Jᵀg = a ⊙ (g − Σⱼ aⱼgⱼ), evaluated as aᵢ·Σⱼ aⱼ(gᵢ − gⱼ): the same sum without subtracting two
    nearly equal numbers when a is nearly one-hot (there g − Σ a⊙g loses every digit). A unit with
    aⱼ = 0 contributes 0, as does a row with aᵢ = 0, even where g overflowed.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        differences = grad_a[:, None, :] - grad_a[None, :, :]          # [i, j, s] = gᵢ − gⱼ
        terms = zero_safe_product(np.broadcast_to(a[None, :, :], differences.shape), differences)
        return zero_safe_product(a, terms.sum(axis=1))


def backward(activation: Activation, z: np.ndarray, a: np.ndarray, grad_a: np.ndarray) -> np.ndarray:
    """δ = ∂E/∂z from ∂E/∂a through the activation; where f′(z) = 0, δ = 0 even if ∂E/∂a overflowed."""
    if activation.derivative is None:
        return softmax_backward(a, grad_a)
    return zero_safe_product(activation.derivative(z, a), grad_a)
