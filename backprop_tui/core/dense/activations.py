"""Activation functions and their derivatives, as a small table the network and the steps share.

Values are column-major like the lecture: one column per sample, one row per unit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from backprop_tui.core.vocab import ActivationName

LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    """f, f' and how the steps write them (Unicode and LaTeX)."""

    name: str
    symbol: str
    latex: str
    f: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray, np.ndarray], np.ndarray] | None
    """f'(z) given z and a = f(z); None for softmax, whose Jacobian is not diagonal."""
    derivative_text: str


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # Split by sign so neither branch overflows in exp.
    out = np.empty_like(z, dtype=np.float64)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    e = np.exp(z[~positive])
    out[~positive] = e / (1.0 + e)
    return out


def _softmax(z: np.ndarray) -> np.ndarray:
    shifted = z - np.max(z, axis=0, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=0, keepdims=True)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("step", "step", r"\operatorname{step}", lambda z: (z >= 0).astype(np.float64),
                   lambda z, a: np.zeros_like(z), "step′(z) = 0 (undefined at 0)"),
        Activation("identity", "id", r"\operatorname{id}", lambda z: np.array(z, dtype=np.float64),
                   lambda z, a: np.ones_like(z), "id′(z) = 1"),
        Activation("sigmoid", "σ", r"\sigma", _sigmoid,
                   lambda z, a: a * (1.0 - a), "σ′(z) = σ(z)(1 − σ(z))"),
        Activation("tanh", "tanh", r"\tanh", np.tanh,
                   lambda z, a: 1.0 - a * a, "tanh′(z) = 1 − tanh²(z)"),
        Activation("relu", "ReLU", r"\operatorname{ReLU}", lambda z: np.maximum(z, 0.0),
                   lambda z, a: (z > 0).astype(np.float64), "ReLU′(z) = 1 if z > 0 else 0"),
        Activation("leaky_relu", "LReLU", r"\operatorname{LReLU}",
                   lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
                   lambda z, a: np.where(z > 0, 1.0, LEAKY_SLOPE), f"LReLU′(z) = 1 if z > 0 else {LEAKY_SLOPE}"),
        Activation("softmax", "softmax", r"\operatorname{softmax}", _softmax, None,
                   "∂softmaxᵢ/∂zⱼ = ŷᵢ(δᵢⱼ − ŷⱼ)"),
    )
}

NAMES: tuple[str, ...] = tuple(ACTIVATIONS)
assert set(NAMES) == set(ActivationName), "the table and the vocabulary name the same activations"


def softmax_backward(a: np.ndarray, grad_a: np.ndarray) -> np.ndarray:
    """∂E/∂z from ∂E/∂a through softmax, per column: a ⊙ (g − Σ a⊙g)."""
    return a * (grad_a - np.sum(a * grad_a, axis=0, keepdims=True))


def backward(activation: Activation, z: np.ndarray, a: np.ndarray, grad_a: np.ndarray) -> np.ndarray:
    """δ = ∂E/∂z from ∂E/∂a through the activation."""
    if activation.derivative is None:
        return softmax_backward(a, grad_a)
    return grad_a * activation.derivative(z, a)
