"""Exact numbers where outputs saturate: losses from z, derivatives from z, zero derivatives that
stay zero beside an overflowed gradient (issue 8, section 3). Each value is the true one, worked
out independently (math module, scalar formulas) or taken from the issue."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from backprop_tui.core.dense.activations import ACTIVATIONS, softmax_backward
from backprop_tui.core.dense.chain import drilldown
from backprop_tui.core.dense.run import run
from backprop_tui.core.dense.steps import build_steps
from backprop_tui.core.scenario.load import loads
from backprop_tui.core.vocab import Kind, Quantity
from backprop_tui.render.describe import notes


def one_layer(activation: str, loss: str, weights: list[float], target: list[float], x: float = 1.0) -> str:
    """A single-layer network without bias, one sample: z = θᵀ·x."""
    return f"""
[network]
inputs = 1
loss = "{loss}"
[[layer]]
units = {len(weights)}
activation = "{activation}"
weights = [{weights}]
[data]
inputs = [[{x}]]
targets = [{target}]
[training]
optimizer = "gd"
learning_rate = 0.1
iterations = 1
"""


def first_iteration(text: str):
    scenario = loads(text)
    return scenario, run(scenario, 1)[0]


def output_delta_step(scenario, it):
    delta = Quantity(Kind.DELTA, 1)
    return next(s for s in build_steps(scenario, it) if any(op.result == delta for op in s.operations))


# -- cross-entropy after softmax, from z ------------------------------------------------------------

def test_cross_entropy_of_a_saturated_softmax_is_200_not_the_floor_of_100():
    scenario, it = first_iteration(one_layer("softmax", "cross_entropy", [200.0, 0.0], [0.0, 1.0]))
    assert it.loss == 200.0                                  # −log softmax([200, 0])₂ = 200 + log1p(e^−200)
    np.testing.assert_array_equal(it.backward.delta[0][:, 0], [1.0, -1.0])
    steps = build_steps(scenario, it)
    checks = [s.check for s in steps if s.check is not None]
    assert len(checks) == 2 and all(c.agrees for c in checks), [c.max_relative_error for c in checks]


def test_cross_entropy_of_the_winning_class_keeps_its_digits():
    # Target on the class with z = 200: E = log(1 + e^−200), far below ε but not 0.
    scenario, it = first_iteration(one_layer("softmax", "cross_entropy", [200.0, 0.0], [1.0, 0.0]))
    tiny = math.log1p(math.exp(-200.0))
    assert it.loss == pytest.approx(tiny, rel=1e-14, abs=0.0)
    assert it.backward.delta[0][0, 0] == pytest.approx(-math.exp(-200.0) / (1 + math.exp(-200.0)), rel=1e-14, abs=0.0)
    assert it.backward.delta[0][1, 0] == pytest.approx(math.exp(-200.0) / (1 + math.exp(-200.0)), rel=1e-14, abs=0.0)


def test_cross_entropy_gradient_is_not_clamped():
    # ∂E/∂ŷ₂ = −1/ŷ₂ with ŷ₂ = softmax([30, 0])₂ = 9.4e-14: a clamp at 1e-12 would give −1e12.
    _, it = first_iteration(one_layer("softmax", "cross_entropy", [30.0, 0.0], [0.0, 1.0]))
    assert it.backward.grad_a[0][1, 0] == pytest.approx(-(1.0 + math.exp(30.0)), rel=1e-14, abs=0.0)
    assert it.backward.grad_a[0][0, 0] == 0.0                # a class with target 0 adds nothing


# -- binary cross-entropy after sigmoid, from z -------------------------------------------------------

def test_binary_cross_entropy_is_exact_where_y_hat_is_tiny():
    _, it = first_iteration(one_layer("sigmoid", "binary_cross_entropy", [-20.0], [0.0]))
    assert it.loss == pytest.approx(2.061153620314381e-09, rel=1e-15, abs=0.0)   # log1p(e^−20), not 2.0611535832696244e-09


def test_binary_cross_entropy_is_exact_where_y_hat_rounds_to_one():
    # z = 40, y = 1: E = log1p(e^−40) = 4.25e-18 and δ = σ(40) − 1 = −σ(−40); from ŷ both were 0.
    _, it = first_iteration(one_layer("sigmoid", "binary_cross_entropy", [40.0], [1.0]))
    assert it.loss == pytest.approx(math.log1p(math.exp(-40.0)), rel=1e-14, abs=0.0)
    assert it.backward.delta[0][0, 0] == pytest.approx(-math.exp(-40.0) / (1 + math.exp(-40.0)), rel=1e-14, abs=0.0)


def test_binary_cross_entropy_gradient_is_not_clamped():
    # z = −30, y = 1: ŷ(1 − ŷ) = 9.4e-14 is below the old clamp of 1e-12, which made δ ≈ −0.09.
    _, it = first_iteration(one_layer("sigmoid", "binary_cross_entropy", [-30.0], [1.0]))
    assert it.loss == pytest.approx(30.0 + math.log1p(math.exp(-30.0)), rel=1e-15, abs=0.0)
    assert it.backward.delta[0][0, 0] == pytest.approx(-1.0 / (1.0 + math.exp(-30.0)), rel=1e-15, abs=0.0)


def test_sigmoid_cross_entropy_step_shows_true_factors_where_they_are_representable():
    # z = 40, y = 0: ŷ rounds to 1, yet ∂E/∂ŷ = 1/(1 − ŷ) = 1 + e^40 and σ′(40) are ordinary numbers.
    scenario, it = first_iteration(one_layer("sigmoid", "binary_cross_entropy", [40.0], [0.0]))
    step = output_delta_step(scenario, it)
    values = {m.key.ascii: float(m.values[0, 0]) for m in step.matrices if m.shown}
    assert values["dE_dyhat"] == pytest.approx(1.0 + math.exp(40.0), rel=1e-14, abs=0.0)
    assert values["fprime1"] == pytest.approx(math.exp(-40.0) / (1 + math.exp(-40.0)) ** 2, rel=1e-14, abs=0.0)
    assert values["delta1"] == pytest.approx(1.0 / (1.0 + math.exp(-40.0)), rel=1e-15, abs=0.0)
    assert step.check is not None and step.check.agrees


def test_sigmoid_cross_entropy_step_shows_exact_delta_and_says_why_where_factors_overflow():
    # z = 800, y = 0: ∂E/∂ŷ = 1 + e^800 and σ′(800) = e^−800 are beyond float64; δ = σ(800) = 1.
    scenario, it = first_iteration(one_layer("sigmoid", "binary_cross_entropy", [800.0], [0.0]))
    assert it.loss == 800.0
    step = output_delta_step(scenario, it)
    assert all(np.all(np.isfinite(m.values)) for m in step.matrices)
    assert [m.key.ascii for m in step.matrices if m.shown] == ["yhat", "y", "delta1"]
    assert step.matrix(Quantity(Kind.DELTA, 1)).values[0, 0] == 1.0
    assert any("rounds to 1" in note and "not shown" in note for note in notes(step)), notes(step)
    assert step.check is not None and step.check.agrees


# -- derivatives from z ------------------------------------------------------------------------------

@pytest.mark.parametrize("z", [-745.0, -40.0, -20.0, -5.0, -0.5, 0.0, 0.5, 5.0, 20.0, 36.0, 40.0, 700.0])
def test_sigmoid_derivative_is_exact_near_saturation(z):
    e = math.exp(-abs(z))
    exact = e / (1.0 + e) ** 2
    got = float(ACTIVATIONS["sigmoid"].derivative(np.array([[z]]), ACTIVATIONS["sigmoid"].f(np.array([[z]])))[0, 0])
    assert got == pytest.approx(exact, rel=1e-14, abs=0.0)


@pytest.mark.parametrize("z", [-400.0, -30.0, -20.0, -10.0, -1.0, 0.0, 1e-9, 1.0, 10.0, 20.0, 30.0, 354.0, 1000.0])
def test_tanh_derivative_is_exact_near_saturation(z):
    exact = (2.0 / (math.exp(z) + math.exp(-z))) ** 2 if abs(z) < 700 else 0.0   # 1/cosh²(z)
    got = float(ACTIVATIONS["tanh"].derivative(np.array([[z]]), np.tanh(np.array([[z]])))[0, 0])
    assert got == pytest.approx(exact, rel=1e-13, abs=0.0)


def test_softmax_backward_keeps_digits_when_nearly_one_hot():
    # Two classes, z = [40, 0]: (Jᵀg)₁ = ŷ₁ŷ₂(g₁ − g₂); subtracting Σ a⊙g from g₁ leaves no digit.
    z = np.array([[40.0], [0.0]])
    a = ACTIVATIONS["softmax"].f(z)
    g = np.array([[0.3], [-0.7]])
    p2 = math.exp(-40.0) / (1 + math.exp(-40.0))
    exact = (1 - p2) * p2 * (0.3 + 0.7)
    got = softmax_backward(a, g)
    assert got[0, 0] == pytest.approx(exact, rel=1e-13, abs=0.0)
    assert got[1, 0] == pytest.approx(-exact, rel=1e-13, abs=0.0)


# -- a zero derivative keeps δ at zero -----------------------------------------------------------------

STEP_THEN_HUGE = """
[network]
inputs = 1
loss = "squared_error"
[[layer]]
units = 1
activation = "step"
weights = [[1.0]]
[[layer]]
units = 1
activation = "identity"
weights = [[1e200]]
[data]
inputs = [[1.0]]
targets = [[0.0]]
[training]
optimizer = "gd"
learning_rate = 0.1
iterations = 1
"""


def test_a_zero_derivative_times_an_overflowed_gradient_is_zero_not_nan():
    scenario, it = first_iteration(STEP_THEN_HUGE)
    assert np.isinf(it.backward.grad_a[0][0, 0])            # ∂E/∂a¹ = 1e200 · 1e200 overflows
    assert it.backward.delta[0][0, 0] == 0.0                 # step′ = 0, so δ¹ = 0
    assert it.backward.grad_w[0][0, 0] == 0.0
    assert it.after.params.weights[0][0, 0] == 1.0           # the step layer's weight stays 1
    for step in build_steps(scenario, it):
        if step.layer == 1 and step.phase in ("backward", "update"):
            for m in step.matrices:
                assert not np.any(np.isnan(m.values)), (step.index, m.key.ascii)


def test_a_zero_factor_blocks_a_chain_rule_path_that_overflowed():
    scenario, it = first_iteration(STEP_THEN_HUGE)
    drill = drilldown(scenario, it, 1, 0, 0)
    assert drill.path_sum == 0.0 and drill.analytic == 0.0
    assert all(term.value == 0.0 for term in drill.terms)


def test_a_zero_input_times_an_overflowed_delta_adds_nothing():
    # x₁ = 0 feeds a layer whose δ overflows: ∂E/∂θ¹₁₁ = x₁·δ¹ = 0 exactly, not 0 · inf = NaN.
    scenario, it = first_iteration("""
[network]
inputs = 2
loss = "squared_error"
[[layer]]
units = 1
activation = "identity"
weights = [[1.0], [1.0]]
[[layer]]
units = 1
activation = "identity"
weights = [[1e200]]
[data]
inputs = [[0.0, 1.0]]
targets = [[0.0]]
[training]
optimizer = "gd"
learning_rate = 0.1
iterations = 1
""")
    assert np.isinf(it.backward.delta[0][0, 0])
    assert it.backward.grad_w[0][0, 0] == 0.0
    assert np.isinf(it.backward.grad_w[0][1, 0])


def test_the_loss_conventions_are_documented_and_linked():
    root = Path(__file__).resolve().parents[2]
    text = (root / "docs" / "losses.md").read_text(encoding="utf-8")
    for words in ("CrossEntropyLoss", "BCEWithLogitsLoss", "log_softmax", "σ(z)·σ(−z)", "ReLU′(0) = 0",
                  "finite differences have no precision at this magnitude", "2.061153620314381e-09"):
        assert words in text, words
    assert "docs/losses.md" in (root / "README.md").read_text(encoding="utf-8")
    assert "../docs/losses.md" in (root / "scenarios" / "README.md").read_text(encoding="utf-8")
