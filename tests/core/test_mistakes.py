"""The mistakes engine: every code recognised on the lecture's numbers (each wrong number worked by
hand in tests/support/mistake_oracle.py, not by the engine) and again on other scenarios
(tanh, softmax with cross-entropy, momentum, batches), the choice where two mistakes give the same
number, and never a diagnosis for a right number, in any cell of any bundled scenario."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from backprop_tui.core.dense.mistakes import PRIORITY, Diagnosis, Mistake, Tolerance, diagnose
from backprop_tui.core.dense.run import run
from backprop_tui.core.dense.steps import Step, build_steps
from backprop_tui.core.scenario.load import load, loads
from backprop_tui.core.vocab import parse_cell
from backprop_tui.render.mistakes import sentence

from support.dense_cases import WRITTEN, bundled_cases
from support.mistake_oracle import (GAMMA, LECTURE_MOMENTUM, MU, THETA2, Y3, lecture, lecture_momentum,
                                      momentum_iterations, sigmoid)

TIGHT = Tolerance(0.001, 0.0001)
"""For differences the default tolerance's 0.005 would swallow in the lecture's small numbers."""


def iteration_steps(scenario, number: int) -> list[Step]:
    return build_steps(scenario, run(scenario, number)[-1], checks=False)


def ask(steps: list[Step], name: str, value: float, tolerance: Tolerance = Tolerance()) -> Diagnosis | None:
    """diagnose() for a typed cell name (1-based, as a sheet writes it)."""
    cell = parse_cell(name)
    step = next(s for s in steps if s.producer(cell.key) is not None)
    at = cell.at(step.matrix(cell.key).shape) if cell.index else (0, 0)
    return diagnose(steps, step.index, cell.key, at, value, tolerance)


def cell_of(values: np.ndarray, name: str) -> float:
    """The cell a typed name (z1[2], theta1[1,2], E) picks out of a matrix."""
    cell = parse_cell(name)
    return float(values[cell.at(values.shape) if cell.index else (0, 0)])


def shown(steps: list[Step], name: str) -> np.ndarray:
    key = parse_cell(name).key
    return next(m.values for s in steps for m in s.matrices if m.key == key)


@pytest.fixture(scope="module")
def lecture_steps() -> list[Step]:
    return iteration_steps(load("lecture"), 1)


@pytest.fixture(scope="module")
def momentum_steps() -> list[Step]:
    return iteration_steps(loads(LECTURE_MOMENTUM), 2)


@pytest.fixture(scope="module")
def xor() -> tuple[list[Step], list[Step]]:
    scenario = load("xor")
    return iteration_steps(scenario, 1), iteration_steps(scenario, 2)


# -- the lecture ---------------------------------------------------------------------------------

Q = lecture()


def _lecture_wrong() -> list[tuple[str, float, Mistake, Tolerance]]:
    """(cell, the number the mistake gives, worked by hand, code, tolerance)."""
    q = Q
    return [
        ("delta2", float(q["dE_dyhat"][0, 0]), Mistake.MISSING_ACTIVATION_DERIVATIVE, Tolerance()),
        ("fprime2", float((sigmoid(q["yhat"]) * (1 - sigmoid(q["yhat"])))[0, 0]), Mistake.DERIVATIVE_OF_ACTIVATION_VALUE,
         Tolerance()),
        ("theta2_new[1]", float(THETA2[0, 0] + GAMMA * q["dE_dtheta2"][0, 0]), Mistake.SIGN_FLIPPED, Tolerance()),
        ("y_minus_yhat", float(q["yhat"][0, 0] - 1.0), Mistake.SIGN_FLIPPED, Tolerance()),
        ("theta1_new[1,2]", float(q["theta1_new"][1, 0]), Mistake.TRANSPOSE, Tolerance()),
        ("theta2_new[2]", float(THETA2[1, 0] - q["dE_dtheta2"][1, 0]), Mistake.MISSING_LEARNING_RATE, Tolerance()),
        ("dE_da1[2]", float((q["theta2_new"] @ q["delta2"])[1, 0]), Mistake.UPDATED_WEIGHTS_USED, TIGHT),
        ("E", float(np.sum((1.0 - q["yhat"]) ** 2)), Mistake.MISSING_HALF, Tolerance()),
        ("z1[1]", float(q["z2"][0, 0]), Mistake.WRONG_LAYER, Tolerance()),
    ]


@pytest.mark.parametrize("name,value,mistake,tolerance", _lecture_wrong(), ids=lambda v: str(v)[:20])
def test_each_mistake_is_named_on_the_lecture(lecture_steps, name, value, mistake, tolerance) -> None:
    right = float(cell_of(Q[parse_cell(name).key.ascii], name))
    assert not tolerance.accepts(value, right), "the hand-worked mistake must differ from the value"
    found = ask(lecture_steps, name, value, tolerance)
    assert found is not None and found.mistake is mistake
    assert tolerance.accepts(value, found.value)


def test_the_hand_oracle_is_the_lecture(lecture_steps) -> None:
    for name in ("z1", "yhat", "E", "delta2", "dE_dtheta1", "theta1_new", "theta2_new", "dE_da1"):
        np.testing.assert_allclose(shown(lecture_steps, name), Q[name], rtol=1e-12)


def test_momentum_oracle_is_the_engine(momentum_steps) -> None:
    _, second = momentum_iterations()
    for name in ("yhat", "E", "dE_dyhat", "dE_dtheta1", "v_theta2_new", "theta2_new", "theta1_new"):
        np.testing.assert_allclose(shown(momentum_steps, name), second[name], rtol=1e-12)


def test_the_batch_average_and_the_velocity_on_the_lecture_with_four_samples(momentum_steps) -> None:
    _, q = momentum_iterations()
    summed = float((q["yhat"] - Y3)[0, 1])  # ∂E/∂ŷ without the 1/m
    assert ask(momentum_steps, "dE_dyhat[1,2]", summed).mistake is Mistake.MISSING_BATCH_AVERAGE
    averaged_twice = float(q["dE_dtheta2"][0, 0] / 4)
    assert ask(momentum_steps, "dE_dtheta2[1]", averaged_twice, TIGHT).mistake is Mistake.MISSING_BATCH_AVERAGE
    plain = float(q["theta2"][2, 0] - GAMMA * q["dE_dtheta2"][2, 0])  # θ − γ∇, the velocity forgotten
    found = ask(momentum_steps, "theta2_new[3]", plain, TIGHT)
    assert found.mistake is Mistake.MOMENTUM_VELOCITY_FORGOTTEN
    assert found.factor_value == pytest.approx(MU * q["v_theta2"][2, 0])


def test_a_right_answer_is_never_diagnosed(lecture_steps) -> None:
    for name in ("delta2", "theta2_new[1]", "E", "z1[1]"):
        right = float(cell_of(shown(lecture_steps, name), name))
        assert ask(lecture_steps, name, right) is None
        assert ask(lecture_steps, name, right * 1.009) is None  # within 1%


def test_a_number_no_mistake_gives_gets_no_diagnosis(lecture_steps) -> None:
    assert ask(lecture_steps, "delta2", 7.5) is None
    assert ask(lecture_steps, "z1[2]", float("nan")) is None


# -- the same mistakes elsewhere --------------------------------------------------------------------


def test_missing_derivative_through_tanh_and_through_softmax(xor) -> None:
    steps, _ = xor
    assert ask(steps, "delta1[1,2]", float(shown(steps, "dE_da1")[0, 1])).mistake is Mistake.MISSING_ACTIVATION_DERIVATIVE
    soft = iteration_steps(load("softmax"), 1)
    yhat, y = shown(soft, "yhat"), shown(soft, "y")
    row = int(np.argmax(y[:, 0]))
    gradient = float(-y[row, 0] / (y.shape[1] * yhat[row, 0]))  # ∂E/∂ŷ of cross-entropy, the Jacobian left out
    found = ask(soft, f"delta2[{row + 1},1]", gradient)
    assert found.mistake is Mistake.MISSING_ACTIVATION_DERIVATIVE
    assert "softmax" in sentence(found, next(s for s in soft if s.producer(found.key)))


def test_derivative_of_the_value_through_tanh(xor) -> None:
    steps, _ = xor
    a = shown(steps, "a1")
    assert ask(steps, "fprime1[1,2]", float(1 - np.tanh(a[0, 1]) ** 2)).mistake is Mistake.DERIVATIVE_OF_ACTIVATION_VALUE


def test_sign_and_learning_rate_under_momentum(xor) -> None:
    _, steps = xor
    p, g, v = shown(steps, "theta2"), shown(steps, "dE_dtheta2"), shown(steps, "v_theta2")
    gamma, mu = 0.5, 0.9
    added = p + (mu * v + gamma * g)
    assert ask(steps, "theta2_new[2]", float(added[1, 0])).mistake is Mistake.SIGN_FLIPPED
    whole = mu * v - g
    assert ask(steps, "v_theta2_new[1]", float(whole[0, 0])).mistake is Mistake.MISSING_LEARNING_RATE
    plain = p - gamma * g  # within 1% of the right θ² here: graded closely
    assert ask(steps, "theta2_new[1]", float(plain[0, 0]), TIGHT).mistake is Mistake.MOMENTUM_VELOCITY_FORGOTTEN


def test_transpose_of_a_square_weight_matrix(xor) -> None:
    steps, _ = xor
    theta, x, b = shown(steps, "theta1"), shown(steps, "x"), shown(steps, "b1")
    untransposed = theta @ x + b  # θ¹ where θ¹ᵀ belongs
    found = ask(steps, "z1[1,2]", float(untransposed[0, 1]))
    assert found.mistake is Mistake.TRANSPOSE
    assert "you used θ¹ where θ¹ᵀ belongs" in sentence(found, next(s for s in steps if s.producer(found.key)))


def test_updated_weights_where_the_step_is_large() -> None:
    steps = iteration_steps(load("learning-rate", "too-large"), 1)  # γ = 1.8 moves θ² far
    new, delta = shown(steps, "theta2_new"), shown(steps, "delta2")
    found = ask(steps, "dE_da1[1,1]", float((new @ delta)[0, 0]))
    assert found.mistake is Mistake.UPDATED_WEIGHTS_USED
    assert "you used θ² new where θ² belongs" in sentence(found, next(s for s in steps if s.producer(found.key)))


def test_batch_average_and_half_on_xor(xor) -> None:
    steps, _ = xor
    e = float(shown(steps, "E")[0, 0])
    assert ask(steps, "E", 4 * e).mistake is Mistake.MISSING_BATCH_AVERAGE  # summed over the m = 4 samples
    assert ask(steps, "E", 2 * e).mistake is Mistake.MISSING_HALF


def test_wrong_layer_in_softmax() -> None:
    steps = iteration_steps(load("softmax"), 1)
    assert ask(steps, "a1[2,3]", float(shown(steps, "yhat")[1, 2])).mistake is Mistake.WRONG_LAYER


# -- where two mistakes give the same number --------------------------------------------------------


def test_gamma_one_half_and_the_half_give_the_same_update_the_learning_rate_is_named(lecture_steps) -> None:
    # θ − ∇ (γ forgotten) equals θ − γ·2∇ (the ½ forgotten in ∂E/∂ŷ) exactly when γ = ½
    forgot_rate = float(THETA2[0, 0] - Q["dE_dtheta2"][0, 0])
    forgot_half = float(THETA2[0, 0] - GAMMA * 2 * Q["dE_dtheta2"][0, 0])
    assert forgot_rate == pytest.approx(forgot_half)
    assert ask(lecture_steps, "theta2_new[1]", forgot_rate).mistake is Mistake.MISSING_LEARNING_RATE
    assert PRIORITY.index(Mistake.MISSING_LEARNING_RATE) < PRIORITY.index(Mistake.MISSING_HALF)


def test_with_two_samples_a_doubled_gradient_is_the_batch_average() -> None:
    x, y = np.array([[1.0, 0.5], [0.5, 1.0]]).T, np.array([[1.0, 0.0]])
    steps = iteration_steps(loads(lecture_momentum(x.T, y[0])), 2)
    _, q = momentum_iterations(x, y)
    doubled = float(2 * q["dE_dyhat"][0, 0])  # m = 2: no 1/m, or no ½: the same number
    assert ask(steps, "dE_dyhat[1,1]", doubled).mistake is Mistake.MISSING_BATCH_AVERAGE
    doubled_loss = float(2 * q["E"][0, 0])
    assert ask(steps, "E", doubled_loss).mistake is Mistake.MISSING_BATCH_AVERAGE
    assert PRIORITY.index(Mistake.MISSING_BATCH_AVERAGE) < PRIORITY.index(Mistake.MISSING_HALF)


def test_a_mistake_that_gives_the_right_value_is_not_named() -> None:
    # sgd-1: γ = 1, so θ − ∇ is right; the engine must not call a right number missing_learning_rate
    steps = iteration_steps(load("sgd", "sgd-1"), 1)
    p, g = shown(steps, "theta2"), shown(steps, "dE_dtheta2")
    assert ask(steps, "theta2_new[1]", float((p - g)[0, 0])) is None


# -- never a diagnosis for the right number ---------------------------------------------------------


def _scenarios() -> list:
    cases = [load(name, variant) for name, variant in bundled_cases()]
    return cases + [loads(text) for name, text in WRITTEN.items() if name != "diverging"]


SCENARIOS = _scenarios()


@pytest.mark.parametrize("number", [1, 2])
def test_every_exact_cell_of_every_scenario_gets_no_diagnosis(number: int) -> None:
    cells = 0
    for scenario in SCENARIOS:
        steps = iteration_steps(scenario, number)
        for step in steps:
            for op in step.operations:
                for key in op.results:
                    values = step.matrix(key).values
                    for (i, j), value in np.ndenumerate(values):
                        assert Tolerance().accepts(float(value), float(value))
                        assert diagnose(steps, step.index, key, (i, j), float(value)) is None
                        cells += 1
    assert cells > 1000


@settings(max_examples=60, deadline=None)
@given(case=st.integers(0, len(SCENARIOS) - 1), number=st.integers(1, 3), pick=st.integers(0, 10**6),
       within=st.floats(-0.99, 0.99))
def test_any_number_within_the_tolerance_is_right_and_undiagnosed(case, number, pick, within) -> None:
    steps = iteration_steps(SCENARIOS[case], number)
    cells = [(step, key, (i, j)) for step in steps for op in step.operations for key in op.results
             for (i, j), _ in np.ndenumerate(step.matrix(key).values)]
    step, key, cell = cells[pick % len(cells)]
    value = float(step.matrix(key).values[cell])
    tolerance = Tolerance()
    typed = value + within * max(tolerance.absolute, tolerance.relative * abs(value))
    assert tolerance.accepts(typed, value)
    assert diagnose(steps, step.index, key, cell, typed, tolerance) is None


def test_a_diverged_iteration_is_diagnosed_without_warnings() -> None:
    import warnings

    scenario = loads(WRITTEN["diverging"])
    steps = iteration_steps(scenario, 5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for step in steps:
            for op in step.operations:
                for key in op.results:
                    for (i, j), value in np.ndenumerate(step.matrix(key).values):
                        diagnose(steps, step.index, key, (i, j), 0.123)


def test_the_sigmoid_with_binary_cross_entropy_shortcut() -> None:
    steps = iteration_steps(loads(WRITTEN["bce-leaky-sigmoid"]), 1)
    yhat, y = shown(steps, "yhat"), shown(steps, "y")
    m, k = y.shape[1], y.shape[0]
    gradient = (yhat - y) / (yhat * (1 - yhat) * m * k)  # ∂E/∂ŷ itself, σ′ left out
    assert ask(steps, "delta2[2,3]", float(gradient[1, 2])).mistake is Mistake.MISSING_ACTIVATION_DERIVATIVE
    flipped = (y - yhat) / (m * k)
    assert ask(steps, "delta2[1,2]", float(flipped[0, 1])).mistake is Mistake.SIGN_FLIPPED
    summed = (yhat - y) / k  # without the batch's 1/m
    assert ask(steps, "delta2[1,1]", float(summed[0, 0])).mistake is Mistake.MISSING_BATCH_AVERAGE
