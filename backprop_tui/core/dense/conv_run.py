"""Forward, backward and one update of a convolutional scenario, float64 (see conv.py for the layout).

Layer l (1-based, every `[[layer]]` counts) reads a[l−1] and writes a[l]; a[0] is the input x.
A conv2d layer keeps its patch matrix P and its z; a maxpool layer its winners; a dense layer
its z. θ of a conv2d layer is its filters as a (C·k·k) × F matrix, one column per filter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop_tui.core.dense import conv
from backprop_tui.core.dense.activations import ACTIVATIONS, backward as activation_backward
from backprop_tui.core.dense.losses import loss_value
from backprop_tui.core.dense.network import output_delta, zero_safe_matmul
from backprop_tui.core.dense.optimizers import batch_indices, gd_step
from backprop_tui.core.scenario.conv_model import ConvLayer, ConvScenario, FlattenLayer, PoolLayer
from backprop_tui.i18n import N_


@dataclass(frozen=True)
class ConvParams:
    """θ and b of every layer; None for layers without them (maxpool, flatten, no bias)."""

    weights: tuple[np.ndarray | None, ...]
    biases: tuple[np.ndarray | None, ...]


@dataclass(frozen=True)
class ConvForward:
    """a[0] is x; a[l], z[l−1], patches[l−1], winners[l−1] belong to layer l (None where it has none)."""

    a: tuple[np.ndarray, ...]
    z: tuple[np.ndarray | None, ...]
    patches: tuple[np.ndarray | None, ...]
    winners: tuple[np.ndarray | None, ...]


@dataclass(frozen=True)
class ConvBackward:
    """Per layer (index l−1): ∂E/∂a[l], δ, ∂E/∂θ, ∂E/∂b, ∂E/∂P, and ∂E/∂a[l−1] (None where unused)."""

    grad_a: tuple[np.ndarray, ...]
    delta: tuple[np.ndarray | None, ...]
    grad_w: tuple[np.ndarray | None, ...]
    grad_b: tuple[np.ndarray | None, ...]
    grad_patches: tuple[np.ndarray | None, ...]
    grad_in: tuple[np.ndarray, ...]


@dataclass(frozen=True)
class ConvState:
    """The parameters after `updates` updates (plain gradient descent keeps no velocity)."""

    updates: int
    params: ConvParams
    velocity: None = None


@dataclass(frozen=True)
class ConvIteration:
    """Everything one update computed: the batch (as columns), forward, backward, state after."""

    number: int
    batch: np.ndarray
    x: np.ndarray
    """The batch's images, C × (m·H·W)."""
    y: np.ndarray
    """The batch's targets as columns (outputs × m)."""
    samples: int
    before: ConvState
    forward: ConvForward
    backward: ConvBackward
    loss: float
    after: ConvState

    @property
    def diverged(self) -> bool:
        """Whether the loss or a parameter after the update is inf or NaN."""
        arrays = [a for a in (*self.after.params.weights, *self.after.params.biases) if a is not None]
        return not (np.isfinite(self.loss) and all(np.all(np.isfinite(a)) for a in arrays))


def activations_of(scenario: ConvScenario) -> tuple[str, ...]:
    """Each layer's function by name (maxpool and flatten name themselves)."""
    return tuple(layer.activation for layer in scenario.layers)


def initial_state(scenario: ConvScenario) -> ConvState:
    """θ and b as the file gives them (θ of a conv2d layer: its filters as columns)."""
    weights = tuple(layer.theta if isinstance(layer, ConvLayer) else None if isinstance(layer, (PoolLayer, FlattenLayer))
                    else layer.weights for layer in scenario.layers)
    biases = tuple(getattr(layer, "bias", None) for layer in scenario.layers)
    return ConvState(0, ConvParams(weights, biases))


def batch_input(scenario: ConvScenario, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) of a batch: images C × (m·H·W) and targets outputs × m."""
    return conv.to_matrix(scenario.x[batch]), scenario.y[batch].T


def layer_z(theta: np.ndarray, bias: np.ndarray | None, inputs: np.ndarray) -> np.ndarray:
    """z = θᵀ·(P or a) + b: one row per filter (unit), one column per position (sample)."""
    z = theta.T @ inputs
    return z + bias[:, None] if bias is not None else z


def forward(scenario: ConvScenario, params: ConvParams, a_in: np.ndarray, samples: int, start: int = 0) -> ConvForward:
    """Run layers start+1..L on a_in (the input of layer start+1); the records begin there."""
    a, zs, patches, winners = [a_in], [], [], []
    for index in range(start, len(scenario.layers)):
        layer = scenario.layers[index]
        z = p = win = None
        if isinstance(layer, ConvLayer):
            p = conv.im2col(a[-1], layer.input_shape, layer.kernel, layer.stride, layer.padding)
            z = layer_z(params.weights[index], params.biases[index], p)
            out = ACTIVATIONS[layer.activation].f(z)
        elif isinstance(layer, PoolLayer):
            out, win = conv.maxpool(a[-1], layer.input_shape, layer.size)
        elif isinstance(layer, FlattenLayer):
            out = conv.flatten(a[-1], layer.input_shape)
        else:
            z = layer_z(params.weights[index], params.biases[index], a[-1])
            out = ACTIVATIONS[layer.activation].f(z)
        a.append(out)
        zs.append(z)
        patches.append(p)
        winners.append(win)
    return ConvForward(tuple(a), tuple(zs), tuple(patches), tuple(winners))


def loss_of_forward(scenario: ConvScenario, fwd: ConvForward, y: np.ndarray) -> float:
    """E of a forward pass that ran through the output layer (from its z where the loss reads z)."""
    return loss_value(scenario.loss, scenario.layers[-1].activation, fwd.z[-1], fwd.a[-1], y)


def backward(scenario: ConvScenario, params: ConvParams, fwd: ConvForward, y: np.ndarray, samples: int) -> ConvBackward:
    """Backpropagate the batch-averaged loss through every layer, down to ∂E/∂x."""
    n = len(scenario.layers)
    grad_a: list = [None] * n
    delta: list = [None] * n
    grad_w: list = [None] * n
    grad_b: list = [None] * n
    grad_p: list = [None] * n
    grad_in: list = [None] * n
    for i in reversed(range(n)):
        layer = scenario.layers[i]
        if i == n - 1:
            grad_a[i], delta[i] = output_delta(scenario.loss, layer.activation, fwd.z[i], fwd.a[-1], y)
        else:
            grad_a[i] = grad_in[i + 1]
        if isinstance(layer, PoolLayer):
            grad_in[i] = conv.maxpool_backward(grad_a[i], fwd.winners[i], layer.input_shape, samples)
            continue
        if isinstance(layer, FlattenLayer):
            grad_in[i] = conv.unflatten(grad_a[i], layer.input_shape)
            continue
        if i != n - 1:
            delta[i] = activation_backward(ACTIVATIONS[layer.activation], fwd.z[i], fwd.a[i + 1], grad_a[i])
        inputs = fwd.patches[i] if isinstance(layer, ConvLayer) else fwd.a[i]
        grad_w[i] = zero_safe_matmul(inputs, delta[i].T)
        if params.biases[i] is not None:
            grad_b[i] = delta[i].sum(axis=1)
        upstream = zero_safe_matmul(params.weights[i], delta[i])
        if isinstance(layer, ConvLayer):
            grad_p[i] = upstream
            grad_in[i] = conv.col2im(upstream, layer.input_shape, layer.kernel, layer.stride, layer.padding)
        else:
            grad_in[i] = upstream
    return ConvBackward(tuple(grad_a), tuple(delta), tuple(grad_w), tuple(grad_b), tuple(grad_p), tuple(grad_in))


def step(scenario: ConvScenario, state: ConvState) -> ConvIteration:
    """Compute update number state.updates + 1 (plain gradient descent on the batch)."""
    training = scenario.training
    batch = batch_indices(training, scenario.samples, scenario.seed, state.updates)
    x, y = batch_input(scenario, batch)
    m = len(batch)
    with np.errstate(all="ignore"):
        fwd = forward(scenario, state.params, x, m)
        loss = loss_of_forward(scenario, fwd, y)
        bwd = backward(scenario, state.params, fwd, y, m)
        rate = training.learning_rate
        weights = tuple(None if w is None else gd_step(w, g, rate) for w, g in zip(state.params.weights, bwd.grad_w))
        biases = tuple(None if b is None else gd_step(b, g, rate) for b, g in zip(state.params.biases, bwd.grad_b))
    after = ConvState(state.updates + 1, ConvParams(weights, biases))
    return ConvIteration(state.updates + 1, batch, x, y, m, state, fwd, bwd, loss, after)


def run(scenario: ConvScenario, iterations: int | None = None) -> list[ConvIteration]:
    """The first `iterations` updates (the scenario's own count by default)."""
    count = scenario.training.iterations if iterations is None else iterations
    state, result = initial_state(scenario), []
    for _ in range(count):
        result.append(step(scenario, state))
        state = result[-1].after
    return result


def data_loss(scenario: ConvScenario, params: ConvParams) -> float:
    """E on every sample of the scenario (for the loss chart when batches are parts of the data)."""
    batch = np.arange(scenario.samples)
    x, y = batch_input(scenario, batch)
    with np.errstate(all="ignore"):
        return loss_of_forward(scenario, forward(scenario, params, x, len(batch)), y)


# -- E as a function of one quantity, the rest held fixed (for the gradient checks) ---------------


def loss_from_output(scenario: ConvScenario, params: ConvParams, index: int, a: np.ndarray, y: np.ndarray,
                     samples: int) -> float:
    """E as a function of a[index+1], the output of layer index+1 (0-based index)."""
    if index == len(scenario.layers) - 1:
        raise ValueError("the output layer's activation is checked through its z")
    return loss_of_forward(scenario, forward(scenario, params, a, samples, start=index + 1), y)


def loss_from_z(scenario: ConvScenario, params: ConvParams, index: int, z: np.ndarray, y: np.ndarray,
                samples: int) -> float:
    """E as a function of layer index+1's z (conv2d or dense)."""
    layer = scenario.layers[index]
    a = ACTIVATIONS[layer.activation].f(z)
    if index == len(scenario.layers) - 1:
        return loss_value(scenario.loss, layer.activation, z, a, y)
    return loss_from_output(scenario, params, index, a, y, samples)


def loss_from_input(scenario: ConvScenario, params: ConvParams, index: int, a: np.ndarray, y: np.ndarray,
                    samples: int) -> float:
    """E as a function of a[index], the input of layer index+1."""
    return loss_of_forward(scenario, forward(scenario, params, a, samples, start=index), y)


def with_parameter(params: ConvParams, index: int, weights: np.ndarray | None = None,
                   bias: np.ndarray | None = None) -> ConvParams:
    """The parameters with layer index+1's θ or b replaced."""
    w, b = list(params.weights), list(params.biases)
    if weights is not None:
        w[index] = weights
    if bias is not None:
        b[index] = bias
    return ConvParams(tuple(w), tuple(b))


def kinks_at_zero(scenario: ConvScenario, fwd: ConvForward, start: int) -> tuple[str, ...]:
    """The conventions in use between layer start+1 and the loss where the loss is not
    differentiable: a kinked activation with a unit exactly at z = 0, or a pooling window whose
    maximum is tied (the first maximum takes δ)."""
    found: list[str] = []
    offset = len(scenario.layers) - len(fwd.z)  # a forward pass from a later start
    for index in range(max(start, offset), len(scenario.layers)):
        layer, k = scenario.layers[index], index - offset
        if isinstance(layer, PoolLayer):
            pooled = fwd.a[k + 1]
            windows = conv.pool_windows(fwd.a[k], layer.input_shape, layer.size)
            values = fwd.a[k][np.arange(fwd.a[k].shape[0])[:, None, None], windows]
            if np.any((values == pooled[..., None]).sum(axis=-1) > 1):
                text = N_("max pooling's tie rule (the first maximum takes δ)")  # translated where shown
                if text not in found:
                    found.append(text)
            continue
        if isinstance(layer, FlattenLayer):
            continue
        kink = ACTIVATIONS[layer.activation].kink
        if kink is not None and kink not in found and np.any(fwd.z[k] == 0):
            found.append(kink)
    return tuple(found)
