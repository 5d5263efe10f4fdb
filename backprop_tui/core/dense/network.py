"""Forward and backward passes for one batch of a dense network, in the lecture's orientation.

Activations are columns (units × samples); θ is (inputs × units); z = θᵀ·a + b.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop_tui.core.dense.activations import ACTIVATIONS, backward as activation_backward
from backprop_tui.core.dense.losses import LOSSES, from_logits, loss_value
from backprop_tui.i18n import N_


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
    """(∂E/∂ŷ, δ) at the output layer (outputs × samples).

    Where the loss is computed from z (softmax + cross-entropy, sigmoid + binary cross-entropy)
    both come from z: δ = (ŷ − y)/m (/(m·k) for binary cross-entropy) exactly, ∂E/∂ŷ as a value
    that is ±inf only where the true one is beyond float64's range.
    """
    logits = from_logits(loss, activation)
    if logits is not None:
        return logits.gradient(z, y), logits.delta(z, y)
    grad_yhat = LOSSES[loss].gradient(yhat, y)
    return grad_yhat, activation_backward(ACTIVATIONS[activation], z, yhat, grad_yhat)


def zero_safe_matmul(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """left @ right, where a product with an exact 0 factor adds 0 even if the other factor is inf.

    ∂E/∂θ = a·δᵀ and ∂E/∂a = θ·δ: an input or weight of exactly 0 has a zero partial derivative,
    so it contributes nothing however large δ grew. The plain product is kept where it is finite.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        product = left @ right
        if np.all(np.isfinite(product)):
            return product
        terms = left[:, :, None] * right[None, :, :]
        terms = np.where((left[:, :, None] == 0) | (right[None, :, :] == 0), 0.0, terms)
        return terms.sum(axis=1)


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
        grad_w[index] = zero_safe_matmul(fwd.a[index], delta[index].T)
        if params.biases[index] is not None:
            grad_b[index] = delta[index].sum(axis=1)
        grad_a_prev[index] = zero_safe_matmul(params.weights[index], delta[index])
    return Backward(tuple(grad_a), tuple(delta), tuple(grad_w), tuple(grad_b), tuple(grad_a_prev))


def loss_of_forward(loss: str, activations: tuple[str, ...], fwd: Forward, y: np.ndarray) -> float:
    """E of a forward pass that ran through the output layer (from its z where the loss reads z)."""
    return loss_value(loss, activations[-1], fwd.z[-1], fwd.a[-1], y)


def loss_of(loss: str, activations: tuple[str, ...], params: Params, x: np.ndarray, y: np.ndarray) -> float:
    """E for the batch: the function every gradient here is the derivative of."""
    return loss_of_forward(loss, activations, forward(activations, params, x), y)


def loss_from_z(loss: str, activations: tuple[str, ...], params: Params, index: int, z: np.ndarray, y: np.ndarray) -> float:
    """E as a function of layer index+1's pre-activations z (units × samples), the rest held fixed."""
    a = ACTIVATIONS[activations[index]].f(z)
    if index == len(activations) - 1:
        return loss_value(loss, activations[index], z, a, y)
    return loss_of_forward(loss, activations, forward(activations, params, a, start=index + 1), y)


def loss_from_input(loss: str, activations: tuple[str, ...], params: Params, index: int, a: np.ndarray, y: np.ndarray) -> float:
    """E as a function of the input a to layer index+1 (units × samples), the rest held fixed."""
    return loss_of_forward(loss, activations, forward(activations, params, a, start=index), y)


def kinks_at_zero(activations: tuple[str, ...], fwd: Forward, start: int) -> tuple[str, ...]:
    """The conventions f′(0) in use where a unit of layer start+1 or later sits exactly at z = 0
    on an activation that is not differentiable there (ReLU, leaky ReLU, step); fwd must hold
    every layer's z. Those are where a finite difference through these layers meets a kink."""
    found = []
    for index in range(start, len(activations)):
        kink = ACTIVATIONS[activations[index]].kink
        if kink is not None and kink not in found and np.any(fwd.z[index] == 0):
            found.append(kink)
    return tuple(found)


def unshown_factors(activation: str, z: np.ndarray, yhat: np.ndarray, grad_yhat: np.ndarray,
                    fprime: np.ndarray, delta: np.ndarray) -> tuple[str, dict[str, object]] | None:
    """Why the output δ cannot be shown as the product ∂E/∂ŷ ⊙ f′(z), or None where it can.

    All arrays are outputs × samples. The factors cannot be shown where one of them is beyond
    float64's range (ŷ rounds to 0 or 1, so ∂E/∂ŷ overflows or f′(z) underflows) while their
    product, δ computed from z, is an ordinary number: showing inf or 0 there would be false.
    The reason is a note's English message with named slots and their values (render translates
    the message and each worded slot).
    """
    with np.errstate(all="ignore"):
        product = grad_yhat * fprime
        wrong = (~np.isfinite(grad_yhat) | ~np.isfinite(product)
                 | (np.abs(product - delta) > 1e-9 * np.abs(delta)))
    wrong &= np.isfinite(delta)
    if not np.any(wrong):
        return None
    row, col = (int(i) for i in np.argwhere(wrong)[0])
    value, at = float(yhat[row, col]), float(z[row, col])
    symbol = ACTIVATIONS[activation].symbol
    underflows = abs(fprime[row, col]) < np.finfo(np.float64).tiny
    overflows = not np.isfinite(grad_yhat[row, col]) or abs(grad_yhat[row, col]) > 1e300
    why = (N_("∂E/∂ŷ overflows and {f}′(z) underflows") if overflows and underflows
           else N_("∂E/∂ŷ overflows") if overflows
           else N_("{f}′(z) underflows") if underflows else N_("their product loses its digits"))
    rounds = (N_("ŷ rounds to 1 at z = {z}") if value == 1.0 else N_("ŷ rounds to 0 at z = {z}") if value == 0.0
              else N_("ŷ is {value} at z = {z}"))
    where = N_(" (row {row}, sample {sample})") if yhat.size > 1 else ""
    message = N_("{rounds}{where}: {why}, so the factors ∂E/∂ŷ and {f}′(z) are not shown. "
                 "δ = ∂E/∂z is computed from z, and its true value is shown.")
    return message, {"rounds": rounds, "where": where, "why": why, "f": symbol, "z": f"{at:.6g}",
                     "value": f"{value:.3g}", "row": row + 1, "sample": col + 1}
