"""Updates: GD, mini-batch SGD and momentum take exactly the documented step along the true gradient."""

import numpy as np
import pytest

from backprop_tui.core.dense.gradcheck import numeric_gradient
from backprop_tui.core.dense.network import Params, loss_of
from backprop_tui.core.dense.optimizers import batch_indices
from backprop_tui.core.dense.run import activations_of, initial_state, losses, run, step
from backprop_tui.core.scenario.load import load, loads
from backprop_tui.core.scenario.model import Training

BASE = """
seed = 5
[network]
inputs = 2
loss = "squared_error"
[[layer]]
units = 3
activation = "tanh"
bias = [0.1, -0.2, 0.05]
[[layer]]
units = 1
activation = "sigmoid"
bias = [0.0]
[data]
inputs = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.5, 0.5]]
targets = [[0.0], [1.0], [1.0], [0.0], [0.5]]
[training]
"""


def numeric_param_gradient(scenario, params, batch):
    """Central differences of the batch loss with respect to every weight, as a list of arrays."""
    acts = activations_of(scenario)
    x, y = scenario.x[batch].T, scenario.y[batch].T
    grads = []
    for i, w in enumerate(params.weights):
        def f(value, i=i):
            weights = list(params.weights)
            weights[i] = value
            return loss_of(scenario.loss, acts, Params(tuple(weights), params.biases), x, y)
        grads.append(np.array([[numeric_gradient(f, w, (r, c)) for c in range(w.shape[1])] for r in range(w.shape[0])]))
    return grads


def test_gd_step_moves_each_weight_by_minus_rate_times_the_numeric_gradient():
    scenario = loads(BASE + 'optimizer = "gd"\nlearning_rate = 0.3\n')
    it = step(scenario, initial_state(scenario))
    numeric = numeric_param_gradient(scenario, it.before.params, it.batch)
    for before, after, g in zip(it.before.params.weights, it.after.params.weights, numeric):
        np.testing.assert_allclose(after - before, -0.3 * g, rtol=1e-6, atol=1e-10)


def test_momentum_trajectory():
    scenario = loads(BASE + 'optimizer = "momentum"\nlearning_rate = 0.2\nmomentum = 0.8\nbatch_size = 5\n')
    iterations = run(scenario, 4)
    v = [np.zeros_like(w) for w in iterations[0].before.params.weights]
    theta = [w.copy() for w in iterations[0].before.params.weights]
    for it in iterations:
        numeric = numeric_param_gradient(scenario, it.before.params, it.batch)
        for i in range(len(theta)):
            v[i] = 0.8 * v[i] - 0.2 * numeric[i]
            theta[i] = theta[i] + v[i]
            np.testing.assert_allclose(it.after.params.weights[i], theta[i], rtol=1e-6, atol=1e-9)
            np.testing.assert_allclose(it.after.velocity.weights[i], v[i], rtol=1e-6, atol=1e-9)


def test_sgd_uses_shuffled_mini_batches_covering_each_epoch():
    training = Training(optimizer="sgd", batch_size=2)
    epoch = [batch_indices(training, 5, seed=1, iteration=t) for t in range(3)]
    assert [len(b) for b in epoch] == [2, 2, 1]
    assert sorted(np.concatenate(epoch).tolist()) == [0, 1, 2, 3, 4]
    next_epoch = [batch_indices(training, 5, seed=1, iteration=t) for t in range(3, 6)]
    assert sorted(np.concatenate(next_epoch).tolist()) == [0, 1, 2, 3, 4]
    assert not all(np.array_equal(a, b) for a, b in zip(epoch, next_epoch))
    again = batch_indices(training, 5, seed=1, iteration=1)
    assert np.array_equal(again, epoch[1])


def test_sgd_update_uses_only_its_batch():
    scenario = loads(BASE + 'optimizer = "sgd"\nlearning_rate = 0.5\nbatch_size = 2\n')
    it = run(scenario, 2)[1]
    assert len(it.batch) == 2
    numeric = numeric_param_gradient(scenario, it.before.params, it.batch)
    for before, after, g in zip(it.before.params.weights, it.after.params.weights, numeric):
        np.testing.assert_allclose(after - before, -0.5 * g, rtol=1e-6, atol=1e-10)


def test_frozen_bias_is_not_updated():
    scenario = loads(BASE.replace("bias = [0.0]", "bias = [0.0]\ntrain_bias = false") + 'learning_rate = 1.0\n')
    it = run(scenario, 1)[0]
    assert it.after.params.biases[1][0] == 0.0
    assert it.after.params.biases[0][0] != 0.1


def test_iterations_continue_without_limit():
    scenario = load("lecture")
    assert len(run(scenario, 40)) == 40
    curve = losses(scenario, 40)
    assert curve[0] == pytest.approx(0.0725, abs=5e-5)
    assert curve[-1] < curve[0]


def test_divergence_is_flagged_not_raised():
    linear = BASE.replace('"tanh"', '"identity"').replace('"sigmoid"', '"identity"')
    scenario = loads(linear + 'optimizer = "gd"\nlearning_rate = 50.0\n')
    from backprop_tui.core.dense.steps import build_steps, first_divergent_step
    from backprop_tui.render.describe import notes
    iterations = run(scenario, 300)
    assert any(it.diverged for it in iterations)
    assert not iterations[0].diverged
    for it in iterations:
        steps = build_steps(scenario, it)
        if it.diverged:
            first = first_divergent_step(steps)
            assert first is not None and any("Diverged" in n for n in notes(first))
            break
