"""The parameters after each of many updates, without the stepper's records.

`run.step` keeps everything one update computed (batch, forward, backward, states) so the
stepper can show it; a landscape needs only where the parameters went, for thousands of updates
per variant. This path makes the same updates with the same functions (activations, the output
δ, the optimizers) but keeps nothing else: no Iteration, State, Forward or Backward records, one
`errstate` for the whole run, and plain matrix products where `run.step` guards each product
against 0·inf (they agree exactly while every number is finite). The moment a number stops
being finite, the update is made again by `run.step`, whose guards decide what happens then, and
`run.step` carries on from there.
"""

from __future__ import annotations

import numpy as np

from backprop_tui.core.dense import run
from backprop_tui.core.dense.activations import ACTIVATIONS, backward as activation_backward
from backprop_tui.core.dense.losses import LOSSES, from_logits
from backprop_tui.core.dense.network import Params, output_delta
from backprop_tui.core.dense.optimizers import batch_indices, batch_size, gd_step, momentum_step
from backprop_tui.core.scenario.model import Scenario
from backprop_tui.core.vocab import ActivationName


def flatten(params: Params) -> np.ndarray:
    """Every weight and bias as one float64 vector, layer by layer: θ row by row, then b (the order
    of landscape.parameter_cells)."""
    parts = []
    for weights, bias in zip(params.weights, params.biases):
        parts.append(weights.ravel())
        if bias is not None:
            parts.append(bias.ravel())
    return np.concatenate(parts).astype(np.float64)


def _sigmoid_pair(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(σ(z), σ(−z)) from one exponential: e = e^(−|z|) is the e^(−z) that `sigmoid` takes for
    z ≥ 0 and the e^z it takes for z < 0, so σ(z) has its bits, and σ(−z) (the other half of
    σ′ = σ(z)·σ(−z)) comes from the same e."""
    e = np.exp(-np.abs(z))
    low, high = e / (1.0 + e), 1.0 / (1.0 + e)
    positive = z >= 0
    return np.where(positive, high, low), np.where(positive, low, high)


def trajectory(scenario: Scenario, iterations: int) -> np.ndarray:
    """The flat parameters (`flat`) at the start and after each update: (iterations + 1) × P,
    row k after k updates; the same numbers `run.step` gives (to the last bit while they are
    finite, as tests check to 1e-12 on every bundled scenario). Rows after the first update whose
    parameters are not all finite are left out, so a diverging run returns fewer rows (the last
    one the first non-finite point).
    """
    state = run.initial_state(scenario)
    start = flatten(state.params)
    points = np.empty((iterations + 1, start.size))
    points[0] = start
    training = scenario.training
    names = run.activations_of(scenario)
    activations = [ACTIVATIONS[name] for name in names]
    sigmoid_layers = [name == ActivationName.SIGMOID for name in names]
    last = len(names) - 1
    # the output δ in one product where the loss is read from ŷ through a sigmoid (squared error)
    plain_output = sigmoid_layers[last] and from_logits(scenario.loss, names[last]) is None
    loss_gradient = LOSSES[scenario.loss].gradient
    train_bias = [layer.bias is not None and layer.train_bias for layer in scenario.layers]
    has_bias = [layer.bias is not None for layer in scenario.layers]
    slices, at = [], 0  # where each layer's θ and b sit in a flat point
    for layer in scenario.layers:
        size = layer.weights.size
        slices.append((slice(at, at + size), slice(at + size, at + size + layer.units) if layer.bias is not None else None))
        at += size + (layer.units if layer.bias is not None else 0)
    rate, momentum = training.learning_rate, training.momentum
    full = batch_size(training, scenario.samples) >= scenario.samples
    x, y = scenario.x.T, scenario.y.T  # run.step's x[arange].T: the same numbers
    weights, biases = list(state.params.weights), list(state.params.biases)
    v_w = list(state.velocity.weights) if state.velocity is not None else None
    v_b = list(state.velocity.biases) if state.velocity is not None else None
    layers = range(len(names))
    with np.errstate(all="ignore"):
        for k in range(iterations):
            if not full:
                batch = batch_indices(training, scenario.samples, scenario.seed, k)
                x, y = scenario.x[batch].T, scenario.y[batch].T
            a, z, other = [x], [], []
            for index in layers:  # network.forward
                zl = weights[index].T @ a[-1]
                if has_bias[index]:
                    zl = zl + biases[index][:, None]
                z.append(zl)
                if sigmoid_layers[index]:
                    high, low = _sigmoid_pair(zl)
                    a.append(high)
                    other.append(low)
                else:
                    a.append(activations[index].f(zl))
                    other.append(None)
            grad_a = np.empty(0)
            row = points[k + 1]
            new_w, new_b = list(weights), list(biases)
            for index in range(last, -1, -1):  # network.backward, then run._update of the layer
                if index == last:
                    if plain_output:
                        delta = (a[-1] * other[index]) * loss_gradient(a[-1], y)
                    else:
                        delta = output_delta(scenario.loss, names[index], z[index], a[-1], y)[1]
                elif sigmoid_layers[index]:
                    delta = (a[index + 1] * other[index]) * grad_a
                else:
                    delta = activation_backward(activations[index], z[index], a[index + 1], grad_a)
                grad_w = a[index] @ delta.T
                grad_a = weights[index] @ delta
                theta, bias = slices[index]
                if v_w is None or v_b is None:
                    new_w[index] = gd_step(weights[index], grad_w, rate)
                    if train_bias[index]:
                        new_b[index] = gd_step(biases[index], delta.sum(axis=1), rate)
                else:
                    new_w[index], v_w[index] = momentum_step(weights[index], v_w[index], grad_w, rate, momentum)
                    if train_bias[index]:
                        new_b[index], v_b[index] = momentum_step(biases[index], v_b[index], delta.sum(axis=1),
                                                                 rate, momentum)
                row[theta] = new_w[index].ravel()
                if bias is not None:
                    row[bias] = new_b[index]
            # a product with a 0·inf in it is where run.step's guards differ: do this update again there
            if not np.isfinite(row.sum()) and not np.all(np.isfinite(row)):
                return _carry_on(scenario, points[:k + 1], k, iterations)
            weights, biases = new_w, new_b
    return points


def _carry_on(scenario: Scenario, points: np.ndarray, updates: int, iterations: int) -> np.ndarray:
    """From the start again with `run.step` (a velocity is part of the state, so the state after
    `updates` updates is made by the engine itself), on past `points` (those first updates) up to
    and including the first point that is not all finite."""
    rows = [*points]
    state = run.initial_state(scenario)
    for _ in range(updates):
        state = run.step(scenario, state).after
    for _ in range(state.updates, iterations):
        state = run.step(scenario, state).after
        rows.append(flatten(state.params))
        if not np.all(np.isfinite(rows[-1])):
            break
    return np.array(rows)
