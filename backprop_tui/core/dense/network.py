"""Forward and backward passes for one batch of a dense network, in the lecture's orientation.

Activations are columns (units × samples); θ is (inputs × units); z = θᵀ·a + b.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop_tui.core.dense.activations import ACTIVATIONS, backward as activation_backward
from backprop_tui.core.dense.losses import LOSSES


@dataclass(frozen=True)
class Params:
    """θ and b of every layer (b is None for a layer without bias)."""

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray | None, ...]


@dataclass(frozen=True)
class Forward:
    """What the forward pass computed: a[0] is the input, z[l-1] and a[l] belong to layer l."""

    a: tuple[np.ndarray, ...]
    z: tuple[np.ndarray, ...]


@dataclass(frozen=True)
class Backward:
    """Per layer (index l-1 for layer l): ∂E/∂a, δ = ∂E/∂z, ∂E/∂θ, ∂E/∂b, ∂E/∂a_prev."""

    grad_a: tuple[np.ndarray, ...]
    delta: tuple[np.ndarray, ...]
    grad_w: tuple[np.ndarray, ...]
    grad_b: tuple[np.ndarray | None, ...]
    grad_a_prev: tuple[np.ndarray, ...]


def layer_forward(activation: str, weights: np.ndarray, bias: np.ndarray | None, a_prev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(z, a) of one layer."""
    z = weights.T @ a_prev
    if bias is not None:
        z = z + bias[:, None]
    return z, ACTIVATIONS[activation].f(z)


def forward(activations: tuple[str, ...], params: Params, x: np.ndarray, start: int = 0) -> Forward:
    """Run layers start+1..L on x (the input to layer start+1)."""
    a, z = [x], []
    for index in range(start, len(activations)):
        zl, al = layer_forward(activations[index], params.weights[index], params.biases[index], a[-1])
        z.append(zl)
        a.append(al)
    return Forward(tuple(a), tuple(z))


def output_delta(loss: str, activation: str, z: np.ndarray, yhat: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(∂E/∂ŷ, δ) at the output layer; softmax + cross-entropy uses the exact shortcut (ŷ − y)/m."""
    grad_yhat = LOSSES[loss].gradient(yhat, y)
    if loss == "cross_entropy" and activation == "softmax":
        return grad_yhat, (yhat - y) / y.shape[1]
    return grad_yhat, activation_backward(ACTIVATIONS[activation], z, yhat, grad_yhat)


def backward(activations: tuple[str, ...], loss: str, params: Params, fwd: Forward, y: np.ndarray) -> Backward:
    """Backpropagate the batch-averaged loss through every layer, from the output back."""
    n = len(activations)
    grad_a: list[np.ndarray] = [np.empty(0)] * n
    delta: list[np.ndarray] = [np.empty(0)] * n
    grad_w: list[np.ndarray] = [np.empty(0)] * n
    grad_b: list[np.ndarray | None] = [None] * n
    grad_a_prev: list[np.ndarray] = [np.empty(0)] * n
    for index in reversed(range(n)):
        if index == n - 1:
            grad_a[index], delta[index] = output_delta(loss, activations[index], fwd.z[index], fwd.a[-1], y)
        else:
            grad_a[index] = grad_a_prev[index + 1]
            delta[index] = activation_backward(ACTIVATIONS[activations[index]], fwd.z[index], fwd.a[index + 1], grad_a[index])
        grad_w[index] = fwd.a[index] @ delta[index].T
        if params.biases[index] is not None:
            grad_b[index] = delta[index].sum(axis=1)
        grad_a_prev[index] = params.weights[index] @ delta[index]
    return Backward(tuple(grad_a), tuple(delta), tuple(grad_w), tuple(grad_b), tuple(grad_a_prev))


def loss_of(loss: str, activations: tuple[str, ...], params: Params, x: np.ndarray, y: np.ndarray) -> float:
    """E for the batch: the function every gradient here is the derivative of."""
    return LOSSES[loss].value(forward(activations, params, x).a[-1], y)
