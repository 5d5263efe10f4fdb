"""Every analytic gradient the tool shows against central finite differences, in float64."""

import itertools

import numpy as np
import pytest

from backprop_tui.core.dense.activations import ACTIVATIONS
from backprop_tui.core.dense.chain import drilldown
from backprop_tui.core.dense.gradcheck import numeric_gradient, relative_error
from backprop_tui.core.dense.losses import LOSSES
from backprop_tui.core.dense.network import Params, backward, forward, loss_of
from backprop_tui.core.dense.run import run
from backprop_tui.core.dense.steps import build_steps
from backprop_tui.core.scenario.load import loads
from backprop_tui.core.vocab import Kind, Quantity
from backprop_tui.render.describe import notes
from backprop_tui.render.step import check_table

HIDDEN = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "step"]
OUTPUT_FOR_LOSS = {  # every output activation each loss accepts
    "squared_error": ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "step", "softmax"],
    "mse": ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "step", "softmax"],
    "cross_entropy": ["softmax"],
    "binary_cross_entropy": ["sigmoid"],
}


def scenario_text(hidden: str, output: str, loss: str, seed: int, samples: int = 3, bias: bool = True,
                  scale: float = 1.0) -> str:
    """A random 3-4-3 network written as a user would write it; `scale` multiplies the inputs
    (scale 30 saturates sigmoid and tanh units and puts softmax outputs near one-hot)."""
    rng = np.random.default_rng(seed)
    x = (scale * rng.normal(size=(samples, 3))).round(3)
    if loss == "cross_entropy":
        y = np.eye(3)[rng.integers(0, 3, samples)]
    elif loss == "binary_cross_entropy":
        y = rng.uniform(size=(samples, 3)).round(2)
    else:
        y = rng.normal(size=(samples, 3)).round(2)
    bias_line = lambda n: f"bias = {rng.normal(size=n).round(3).tolist()}" if bias else ""
    return f"""
seed = {seed}
[network]
inputs = 3
loss = "{loss}"
init = "he"
[[layer]]
units = 4
activation = "{hidden}"
{bias_line(4)}
[[layer]]
units = 3
activation = "{output}"
{bias_line(3)}
[data]
inputs = {x.tolist()}
targets = {y.tolist()}
[training]
optimizer = "gd"
learning_rate = 0.1
"""


CASES = [(h, o, loss) for loss, outs in OUTPUT_FOR_LOSS.items() for o in outs for h in HIDDEN]


def matches(analytic: float, numeric: float, loss_value: float, step: float = 1e-6) -> bool:
    """Relative error below 1e-5, or a difference below the central difference's rounding error:
    each loss value is rounded to ε·|E|, so (E₊ − E₋)/2h is uncertain by about ε·|E|/h."""
    rounding = 8 * np.finfo(np.float64).eps * max(abs(loss_value), 1.0) / step
    return relative_error(analytic, numeric) < 1e-5 or abs(analytic - numeric) <= rounding


@pytest.mark.parametrize("hidden,output,loss", CASES)
def test_parameter_gradients_match_finite_differences(hidden, output, loss):
    scenario = loads(scenario_text(hidden, output, loss, seed=len(hidden) + len(output)))
    acts = tuple(l.activation for l in scenario.layers)
    params = Params(tuple(l.weights for l in scenario.layers), tuple(l.bias for l in scenario.layers))
    x, y = scenario.x.T, scenario.y.T
    bwd = backward(acts, loss, params, forward(acts, params, x), y)
    for i, w in enumerate(params.weights):
        def f(value, i=i):
            weights = list(params.weights)
            weights[i] = value
            return loss_of(loss, acts, Params(tuple(weights), params.biases), x, y)
        for index in np.ndindex(w.shape):
            numeric = numeric_gradient(f, w, index)
            assert matches(bwd.grad_w[i][index], numeric, f(w)), (i, index)
    for i, b in enumerate(params.biases):
        def g(value, i=i):
            biases = list(params.biases)
            biases[i] = value
            return loss_of(loss, acts, Params(params.weights, tuple(biases)), x, y)
        for index in np.ndindex(b.shape):
            assert matches(bwd.grad_b[i][index], numeric_gradient(g, b, index), g(b)), (i, index)


@pytest.mark.parametrize("hidden,output,loss", CASES)
def test_saturated_networks_never_disagree_with_finite_differences(hidden, output, loss):
    # Saturated units: derivatives from z are exact, so every check either agrees or says
    # truthfully that finite differences have no precision there (never a false DISAGREES).
    scenario = loads(scenario_text(hidden, output, loss, seed=5, scale=30.0))
    for it in run(scenario, 3):
        for s in build_steps(scenario, it):
            if s.check is not None:
                title = str(check_table(s.check).title)
                assert title.endswith(("(agrees)", "(finite differences have no precision at this magnitude)")), \
                    (it.number, s.title, title, s.check.entries)


@pytest.mark.parametrize("hidden,output,loss", CASES)
def test_every_backward_step_passes_its_own_gradient_check(hidden, output, loss):
    scenario = loads(scenario_text(hidden, output, loss, seed=7))
    steps = build_steps(scenario, run(scenario, 1)[0])
    backward_steps = [s for s in steps if s.phase == "backward"]
    assert backward_steps and all(s.check is not None for s in backward_steps)
    for s in backward_steps:
        assert s.check.agrees, (s.check.name, s.check.max_relative_error)


@pytest.mark.parametrize("name", [n for n in ACTIVATIONS if n not in ("softmax", "step")])
def test_activation_derivative(name):
    act = ACTIVATIONS[name]
    z = np.array([[-2.0, -0.3, 0.4, 1.7]])
    analytic = act.derivative(z, act.f(z))
    for index in np.ndindex(z.shape):
        numeric = numeric_gradient(lambda v: float(act.f(v)[index]), z, index)
        assert relative_error(analytic[index], numeric) < 1e-6


def test_step_activation_has_zero_gradient_and_says_so():
    text = scenario_text("step", "sigmoid", "squared_error", seed=1).replace('activation = "step"', 'activation = "step"')
    scenario = loads(text)
    it = run(scenario, 1)[0]
    steps = build_steps(scenario, it)
    delta1 = next(s for s in steps if s.phase == "backward" and s.layer == 1 and s.operation.result.kind is Kind.DELTA)
    assert np.all(delta1.matrix(Quantity(Kind.DELTA, 1)).values == 0)
    assert any("cannot learn" in note for note in notes(delta1))
    assert np.all(it.backward.grad_w[0] == 0)


def test_softmax_jacobian_against_finite_differences():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(4, 2))
    g = rng.normal(size=(4, 2))
    f = lambda v: float(np.sum(ACTIVATIONS["softmax"].f(v) * g))
    from backprop_tui.core.dense.activations import softmax_backward
    analytic = softmax_backward(ACTIVATIONS["softmax"].f(z), g)
    for index in np.ndindex(z.shape):
        assert relative_error(analytic[index], numeric_gradient(f, z, index)) < 1e-6


@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_gradient(name):
    rng = np.random.default_rng(3)
    yhat = rng.uniform(0.1, 0.9, size=(3, 4))
    y = rng.uniform(0, 1, size=(3, 4))
    if name == "cross_entropy":
        yhat /= yhat.sum(axis=0)
        y = np.eye(3)[:, [0, 2, 1, 1]]
    loss = LOSSES[name]
    analytic = loss.gradient(yhat, y)
    for index in np.ndindex(yhat.shape):
        numeric = numeric_gradient(lambda v: loss.value(v, y), yhat, index)
        assert relative_error(analytic[index], numeric) < 1e-6


def test_losses_agree_with_the_field_definitions():
    yhat = np.array([[0.2, 0.7], [0.8, 0.3]])
    y = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert LOSSES["squared_error"].value(yhat, y) == pytest.approx((0.5 * (0.04 + 0.04) + 0.5 * (0.09 + 0.09)) / 2)
    assert LOSSES["mse"].value(yhat, y) == pytest.approx((0.04 + 0.09 + 0.04 + 0.09) / 4)
    assert LOSSES["cross_entropy"].value(yhat, y) == pytest.approx(-(np.log(0.8) + np.log(0.7)) / 2)
    bce = -(np.log(0.8) + np.log(0.7) + np.log(0.8) + np.log(0.7)) / 4
    assert LOSSES["binary_cross_entropy"].value(yhat, y) == pytest.approx(bce)


@pytest.mark.parametrize("hidden,output,loss", [("tanh", "sigmoid", "squared_error"), ("relu", "softmax", "cross_entropy"),
                                                ("sigmoid", "softmax", "mse")])
def test_drilldown_paths_sum_to_the_gradient(hidden, output, loss):
    scenario = loads(scenario_text(hidden, output, loss, seed=11, samples=2))
    it = run(scenario, 1)[0]
    for layer, w in enumerate(it.before.params.weights, start=1):
        for row, col in itertools.product(range(w.shape[0]), range(w.shape[1])):
            d = drilldown(scenario, it, layer, row, col)
            assert d.path_sum == pytest.approx(d.analytic, rel=1e-9, abs=1e-14)
            assert relative_error(d.analytic, d.numeric) < 1e-5
    d = drilldown(scenario, it, 1, 2, 0, parameter="bias")
    assert d.path_sum == pytest.approx(it.backward.grad_b[0][2], rel=1e-9)
    assert len(d.terms) == 2 * 3  # two samples, three output paths


def test_relative_error_of_non_finite_values_is_inf_not_an_exception():
    import math
    assert relative_error(0.0, float("nan")) == math.inf
    assert relative_error(float("inf"), 1.0) == math.inf
    assert relative_error(0.0, 0.0) == 0.0


def test_steps_of_an_overflowing_network_are_built_without_error():
    text = scenario_text("tanh", "identity", "squared_error", seed=2).replace("learning_rate = 0.1", "learning_rate = 50.0")
    scenario = loads(text)
    from backprop_tui.core.dense.steps import first_divergent_step
    iterations = run(scenario, 200)
    assert iterations[-1].diverged
    for it in iterations[-3:]:
        steps = build_steps(scenario, it)
        assert first_divergent_step(steps) is not None
        for s in steps:
            if s.check is not None and not all(np.isfinite([e.numeric for e in s.check.entries])):
                assert not s.check.agrees  # nothing finite to compare is never called agreement
