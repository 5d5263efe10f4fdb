"""One parameter update at a time: the numbers of an iteration, computed lazily and without limit.

`State` is everything needed to carry on; `Iteration` is what one update computed. Both are
immutable, so stepping back in the app is just looking at an earlier Iteration.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop_tui.core.dense import network
from backprop_tui.core.dense.network import Backward, Forward, Params
from backprop_tui.core.dense.optimizers import batch_indices, gd_step, momentum_step
from backprop_tui.core.scenario.model import Scenario
from backprop_tui.core.vocab import OptimizerName


@dataclass(frozen=True)
class State:
    """The parameters after `updates` updates, and the momentum velocities where used."""

    updates: int
    params: Params
    velocity: Params | None


@dataclass(frozen=True)
class Iteration:
    """Everything one update computed: batch, forward, backward, and the state after it."""

    number: int
    """1-based."""
    batch: np.ndarray
    x: np.ndarray
    """The batch's inputs as columns (inputs × m)."""
    y: np.ndarray
    """The batch's targets as columns (outputs × m)."""
    before: State
    forward: Forward
    backward: Backward
    loss: float
    """E on the batch, before the update."""
    after: State

    @property
    def diverged(self) -> bool:
        return not (np.isfinite(self.loss) and _finite(self.after.params))


def activations_of(scenario: Scenario) -> tuple[str, ...]:
    return tuple(layer.activation for layer in scenario.layers)


def initial_state(scenario: Scenario) -> State:
    params = Params(
        tuple(layer.weights for layer in scenario.layers),
        tuple(layer.bias for layer in scenario.layers),
    )
    velocity = None
    if scenario.training.optimizer == OptimizerName.MOMENTUM:
        velocity = Params(
            tuple(np.zeros_like(w) for w in params.weights),
            tuple(None if b is None else np.zeros_like(b) for b in params.biases),
        )
    return State(0, params, velocity)


def step(scenario: Scenario, state: State) -> Iteration:
    """Compute update number state.updates + 1. Overflow yields inf/NaN, never an exception."""
    training = scenario.training
    activations = activations_of(scenario)
    batch = batch_indices(training, scenario.samples, scenario.seed, state.updates)
    x = scenario.x[batch].T
    y = scenario.y[batch].T
    with np.errstate(all="ignore"):
        fwd = network.forward(activations, state.params, x)
        loss = network.loss_of_forward(scenario.loss, activations, fwd, y)
        bwd = network.backward(activations, scenario.loss, state.params, fwd, y)
        after = _update(scenario, state, bwd)
    return Iteration(state.updates + 1, batch, x, y, state, fwd, bwd, loss, after)


def _update(scenario: Scenario, state: State, bwd: Backward) -> State:
    training = scenario.training
    rate = training.learning_rate
    weights, biases = list(state.params.weights), list(state.params.biases)
    trainable_bias = [layer.train_bias for layer in scenario.layers]
    if state.velocity is None:
        for i, grad in enumerate(bwd.grad_w):
            weights[i] = gd_step(weights[i], grad, rate)
            if biases[i] is not None and trainable_bias[i]:
                biases[i] = gd_step(biases[i], bwd.grad_b[i], rate)
        return State(state.updates + 1, Params(tuple(weights), tuple(biases)), None)
    v_w, v_b = list(state.velocity.weights), list(state.velocity.biases)
    for i, grad in enumerate(bwd.grad_w):
        weights[i], v_w[i] = momentum_step(weights[i], v_w[i], grad, rate, training.momentum)
        if biases[i] is not None and trainable_bias[i]:
            biases[i], v_b[i] = momentum_step(biases[i], v_b[i], bwd.grad_b[i], rate, training.momentum)
    return State(state.updates + 1, Params(tuple(weights), tuple(biases)), Params(tuple(v_w), tuple(v_b)))


def run(scenario: Scenario, iterations: int | None = None) -> list[Iteration]:
    """The first `iterations` updates (the scenario's own count by default)."""
    count = scenario.training.iterations if iterations is None else iterations
    state = initial_state(scenario)
    result = []
    for _ in range(count):
        iteration = step(scenario, state)
        result.append(iteration)
        state = iteration.after
    return result


def losses(scenario: Scenario, iterations: int) -> np.ndarray:
    """Loss on the whole data set before each update, for curves and comparisons."""
    activations = activations_of(scenario)
    x, y = scenario.x.T, scenario.y.T
    state = initial_state(scenario)
    values = np.empty(iterations)
    with np.errstate(all="ignore"):
        for i in range(iterations):
            values[i] = network.loss_of(scenario.loss, activations, state.params, x, y)
            state = step(scenario, state).after
    return values


def _finite(params: Params) -> bool:
    arrays = [*params.weights, *(b for b in params.biases if b is not None)]
    return all(np.all(np.isfinite(a)) for a in arrays)
