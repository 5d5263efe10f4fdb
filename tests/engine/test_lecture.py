"""The lecture's worked example, checked against numbers computed by hand (scalar arithmetic)."""

import math

import numpy as np
import pytest

from backprop_tui.core.dense.chain import drilldown
from backprop_tui.core.dense.run import run
from backprop_tui.core.dense.steps import build_steps
from backprop_tui.core.scenario.load import load
from backprop_tui.core.vocab import Parameter, parse_quantity as q
from backprop_tui.render.chain import factor_text
from backprop_tui.render.describe import equation


def sigmoid(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v))


# By hand, as on the board: x = (1, 0.5), θ1 = [[1.2, 1.1, 1.5], [0.3, 0.7, 0.3]], θ2 = (0.2, 0.3, 0.1), y = 1.
X = (1.0, 0.5)
T1 = ((1.2, 1.1, 1.5), (0.3, 0.7, 0.3))
T2 = (0.2, 0.3, 0.1)
Z1 = tuple(T1[0][j] * X[0] + T1[1][j] * X[1] for j in range(3))
H = tuple(sigmoid(z) for z in Z1)
Z2 = sum(T2[j] * H[j] for j in range(3))
YHAT = sigmoid(Z2)
E = 0.5 * (1.0 - YHAT) ** 2
DE_DYHAT = YHAT - 1.0
DELTA2 = DE_DYHAT * YHAT * (1.0 - YHAT)
GRAD_T2 = tuple(H[j] * DELTA2 for j in range(3))
DELTA1 = tuple(T2[j] * DELTA2 * H[j] * (1.0 - H[j]) for j in range(3))
GRAD_T1 = tuple(tuple(X[i] * DELTA1[j] for j in range(3)) for i in range(2))
RATE = 0.5


@pytest.fixture(scope="module")
def lecture():
    scenario = load("lecture")
    iteration = run(scenario, 1)[0]
    return scenario, iteration, build_steps(scenario, iteration)


def test_hand_values_match_the_lecture_text():
    assert Z1 == pytest.approx((1.35, 1.45, 1.65))
    assert [round(h, 3) for h in H] == [0.794, 0.810, 0.839]
    assert round(YHAT, 3) == 0.619
    assert round(E, 4) == 0.0725
    assert round(DE_DYHAT, 2) == -0.38


def test_forward_steps(lecture):
    _, _, steps = lecture
    first = steps[0]
    assert first.phase == "forward" and equation(first) == "z¹ = θ¹ᵀ·x"
    assert first.matrix(q("theta1")).shape == (2, 3)
    assert first.matrix(q("theta1_T")).shape == (3, 2)
    assert first.matrix(q("theta1_T")).transpose_of == q("theta1")
    np.testing.assert_allclose(first.matrix(q("z1")).values.ravel(), Z1, rtol=1e-12)
    np.testing.assert_allclose(steps[1].matrix(q("a1")).values.ravel(), H, rtol=1e-12)
    assert steps[3].matrix(q("yhat")).values[0, 0] == pytest.approx(YHAT, rel=1e-12)


def test_loss_step(lecture):
    _, iteration, steps = lecture
    loss = next(s for s in steps if s.phase == "loss")
    assert loss.matrix(q("E")).values[0, 0] == pytest.approx(E, rel=1e-12)
    assert iteration.loss == pytest.approx(E, rel=1e-12)
    assert loss.matrix(q("y_minus_yhat")).values[0, 0] == pytest.approx(1.0 - YHAT)


def test_backward_steps(lecture):
    _, _, steps = lecture
    backward = [s for s in steps if s.phase == "backward"]
    delta2 = backward[0]
    assert delta2.layer == 2
    assert delta2.matrix(q("dE_dyhat")).values[0, 0] == pytest.approx(DE_DYHAT, rel=1e-12)
    assert delta2.matrix(q("delta2")).values[0, 0] == pytest.approx(DELTA2, rel=1e-12)
    grad2 = backward[1]
    assert equation(grad2) == "∂E/∂θ² = a¹·δ²ᵀ"
    np.testing.assert_allclose(grad2.matrix(q("dE_dtheta2")).values.ravel(), GRAD_T2, rtol=1e-12)
    delta1 = next(s for s in backward if s.operation.result == q("delta1"))
    np.testing.assert_allclose(delta1.matrix(q("delta1")).values.ravel(), DELTA1, rtol=1e-12)
    grad1 = next(s for s in backward if s.parameter is Parameter.WEIGHTS and s.layer == 1)
    np.testing.assert_allclose(grad1.matrix(q("dE_dtheta1")).values, GRAD_T1, rtol=1e-12)
    assert all(s.check is not None and s.check.agrees for s in backward)


def test_update_steps(lecture):
    _, iteration, steps = lecture
    updates = [s for s in steps if s.phase == "update"]
    assert [s.layer for s in updates] == [1, 2]
    expected1 = np.array(T1) - RATE * np.array(GRAD_T1)
    expected2 = np.array(T2)[:, None] - RATE * np.array(GRAD_T2)[:, None]
    np.testing.assert_allclose(updates[0].matrix(q("theta1_new")).values, expected1, rtol=1e-12)
    np.testing.assert_allclose(iteration.after.params.weights[1], expected2, rtol=1e-12)
    assert updates[0].matrix(q("gamma")).values[0, 0] == RATE


def test_step_sequence_is_the_lecture_order(lecture):
    _, _, steps = lecture
    assert [s.phase for s in steps] == ["forward"] * 4 + ["loss"] + ["backward"] * 5 + ["update"] * 2
    assert [s.index for s in steps] == list(range(len(steps)))


def test_the_update_lowers_the_error():
    scenario = load("lecture")
    losses = [it.loss for it in run(scenario, 5)]
    assert all(b < a for a, b in zip(losses, losses[1:]))


def test_drilldown_of_an_output_weight_is_the_lecture_product(lecture):
    scenario, iteration, _ = lecture
    d = drilldown(scenario, iteration, layer=2, row=0, col=0)
    assert len(d.terms) == 1
    values = [f.value for f in d.terms[0].factors]
    assert values == pytest.approx([DE_DYHAT, YHAT * (1 - YHAT), H[0]], rel=1e-12)
    assert [round(v, 3) for v in values] == [-0.381, 0.236, 0.794]
    assert d.path_sum == pytest.approx(GRAD_T2[0], rel=1e-12)
    assert d.numeric == pytest.approx(GRAD_T2[0], rel=1e-6)


def test_drilldown_of_a_hidden_weight(lecture):
    scenario, iteration, _ = lecture
    d = drilldown(scenario, iteration, layer=1, row=1, col=2)
    assert [factor_text(f) for f in d.terms[0].factors] == ["∂E/∂ŷ₁", "∂ŷ₁/∂z²₁", "∂z²₁/∂a¹₃", "∂a¹₃/∂z¹₃", "∂z¹₃/∂θ¹₂₃"]
    assert d.path_sum == pytest.approx(GRAD_T1[1][2], rel=1e-12)
