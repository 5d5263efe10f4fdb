"""The worked line of a result cell, checked against the lecture's arithmetic done by hand, and
for every kind of operation on every dense case: the value it ends with is the value shown."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from backprop_tui.core.dense.operation import OpKind
from backprop_tui.core.dense.run import run
from backprop_tui.core.dense.steps import Step, build_steps
from backprop_tui.core.scenario.load import load, loads
from backprop_tui.core.vocab import Quantity, parse_quantity as q
from backprop_tui.render.worked import distinct_digits, fmt, worked, worked_line

from support.dense_cases import all_cases, scenario, steps_of
from tui.big_scenario import write_dense_scenario


def producing(steps: list[Step], key: Quantity) -> Step:
    return next(s for s in steps if s.producer(key) is not None)


@pytest.fixture(scope="module")
def lecture() -> list[Step]:
    s = load("lecture")
    return build_steps(s, run(s, 1)[0], checks=False)


def numbers(text: str) -> list[float]:
    return [float(n) for n in re.findall(r"-?\d+\.\d+(?:e-?\d+)?|-?\d+", text)]


def test_weighted_sum_of_the_lecture(lecture) -> None:
    # by hand: z¹₂ = θ¹₁₂·x₁ + θ¹₂₂·x₂ = 1.1·1.0 + 0.7·0.5 = 1.45 (θᵀ's row 2 is θ's column 2)
    line = worked_line(producing(lecture, q("z1")), q("z1"), (1, 0))
    assert line == "z¹₂ = θ¹ᵀ₂₁·x₁ + θ¹ᵀ₂₂·x₂ = 1.1·1.0 + 0.7·0.5 = 1.45"
    assert 1.1 * 1.0 + 0.7 * 0.5 == pytest.approx(1.45)


def test_sigmoid_of_the_lecture(lecture) -> None:
    line = worked_line(producing(lecture, q("a1")), q("a1"), (0, 0))
    assert line == "a¹₁ = σ(z¹₁) = 1/(1 + e^-1.35) = 0.7941"
    assert round(1 / (1 + math.exp(-1.35)), 3) == 0.794


def test_output_delta_of_the_lecture(lecture) -> None:
    line = worked_line(producing(lecture, q("delta2")), q("delta2"), (0, 0))
    assert line == "δ²₁ = ∂E/∂ŷ₁·σ′(z²₁) = -0.3809·0.2358 = -0.08982"
    assert -0.3809 * 0.2358 == pytest.approx(-0.08982, abs=1e-5)  # the lecture: −0.381·0.236 ≈ −0.0898


def test_gradient_descent_update_of_the_lecture(lecture) -> None:
    line = worked_line(producing(lecture, q("theta2_new")), q("theta2_new"), (0, 0))
    assert line == "θ²₁₁ ← θ²₁₁ − γ·∂E/∂θ²₁₁ = 0.2 − 0.5·(-0.07133) = 0.2357"
    assert 0.2 - 0.5 * (-0.0713) == pytest.approx(0.2357, abs=1e-4)


def test_batch_average_shows_each_sample_s_term() -> None:
    s = scenario("momentum-minibatch")  # batch of 2
    steps = build_steps(s, run(s, 1)[0], checks=False)
    step = producing(steps, q("dE_dtheta1"))
    w = worked(step, q("dE_dtheta1"), (0, 0))
    a, d = step.matrix(q("x")).values, step.matrix(q("delta1_T")).values
    assert w.symbolic == "x₁₁·δ¹ᵀ₁₁ + x₁₂·δ¹ᵀ₂₁"
    assert numbers(w.numeric) == pytest.approx([a[0, 0], d[0, 0], a[0, 1], d[1, 0]], rel=1e-3)
    assert w.numeric.count("+") == 1 and "m = 2" in w.note
    assert float(w.value) == pytest.approx(a[0, 0] * d[0, 0] + a[0, 1] * d[1, 0], rel=1e-3)
    bias = worked(producing(steps, q("dE_db1")), q("dE_db1"), (0, 0))
    assert bias.symbolic == "δ¹₁₁ + δ¹₁₂" and "m = 2" in bias.note


def test_momentum_update_with_a_velocity() -> None:
    s = scenario("momentum-minibatch")
    second = run(s, 2)[1]  # the velocity is no longer 0
    steps = build_steps(s, second, checks=False)
    step = producing(steps, q("theta1_new"))
    p, g = step.matrix(q("theta1")).values[0, 0], step.matrix(q("dE_dtheta1")).values[0, 0]
    v, mu, rate = step.matrix(q("v_theta1")).values[0, 0], 0.8, 0.3
    assert v != 0
    new = worked(step, q("theta1_new"), (0, 0))
    assert new.lhs == "θ¹₁₁" and new.arrow == "←"
    assert new.symbolic == "θ¹₁₁ + (μ·v¹₁₁ − γ·∂E/∂θ¹₁₁)"
    assert numbers(new.numeric) == pytest.approx([p, mu, v, rate, g], rel=1e-3)
    assert float(new.value) == pytest.approx(p + (mu * v - rate * g), rel=1e-4)
    velocity = worked(step, q("v_theta1_new"), (0, 0))
    assert velocity.symbolic == "μ·v¹₁₁ − γ·∂E/∂θ¹₁₁"
    assert float(velocity.value) == pytest.approx(mu * v - rate * g, rel=1e-3)


@pytest.mark.parametrize("case", all_cases())
def test_every_worked_line_ends_with_the_value_shown(case: str) -> None:
    for step in steps_of(case, 1):
        for op in step.operations:
            for key in op.results:
                for cell in np.ndindex(step.matrix(key).shape):
                    w = worked(step, key, cell)
                    shown = float(step.matrix(key).values[cell])
                    assert w.value == fmt(shown, len(w.value)) or float(w.value) == pytest.approx(shown, rel=1e-3, abs=1e-12) \
                        or not math.isfinite(shown), (case, key.ascii, cell, w.line)
                    assert worked(step, key, cell, ascii=True).line.isascii()


def test_every_kind_of_operation_has_a_worked_line() -> None:
    kinds = set()
    for case in all_cases():
        for step in steps_of(case, 1):
            for op in step.operations:
                line = worked_line(step, op.result, (0, 0))
                assert " = " in line or " ← " in line
                kinds.add(op.kind)
    assert kinds == set(OpKind)


def test_a_long_sum_shows_its_first_and_last_terms_and_the_count(tmp_path) -> None:
    s = load(write_dense_scenario(tmp_path / "big.toml", sizes=(784, 4, 3), samples=2))
    steps = build_steps(s, run(s, 1)[0], checks=False)
    w = worked(producing(steps, q("z1")), q("z1"), (0, 0))
    assert w.symbolic == "θ¹ᵀ₁₁·x₁₁ + θ¹ᵀ₁₂·x₂₁ + … + θ¹ᵀ[1,784]·x[784,1] + b¹₁"
    assert "a sum of 784 products" in w.note
    assert float(w.value) == pytest.approx(w.explanation.result.value, rel=1e-3)


def test_precision_follows_the_size_of_the_change() -> None:
    assert fmt(0.3) == "0.3" and fmt(1.0) == "1.0" and fmt(-0.0713) == "-0.0713"
    assert distinct_digits(0.3, 0.3001) == 4
    assert distinct_digits(0.3, 0.300007) == 5  # 0.3 → 0.30001, not 0.3 → 0.3
    assert fmt(0.300007, distinct_digits(0.3, 0.300007)) == "0.30001"
    s = loads(open(load("lecture").source, encoding="utf-8").read().replace("learning_rate = 0.5", "learning_rate = 0.001"))
    steps = build_steps(s, run(s, 1)[0], checks=False)
    w = worked(producing(steps, q("theta1_new")), q("theta1_new"), (0, 0))
    old = steps[0].matrix(q("theta1")).values[0, 0]
    assert w.value != fmt(old, len(w.value)) and float(w.value) != old


@pytest.mark.parametrize(("activation", "z"), [("sigmoid", 40.0), ("sigmoid", -40.0), ("tanh", 25.0)])
def test_a_saturated_derivative_is_substituted_in_a_form_that_gives_its_value(activation: str, z: float) -> None:
    """a(1 − a) with a = 1.0 reads 0; the value shown is computed from z, so the line must say how."""
    import math as _math

    from backprop_tui.core.dense.run import run as _run
    from backprop_tui.core.dense.steps import build_steps as _build
    from backprop_tui.core.scenario.load import loads as _loads
    from backprop_tui.core.vocab import Kind as _Kind, Quantity as _Quantity

    text = f"""title = "saturated"
[network]
inputs = 1
loss = "squared_error"
[[layer]]
units = 1
activation = "{activation}"
weights = [[{z}]]
bias = [0.0]
[data]
inputs = [[1.0]]
targets = [[0.0]]
"""
    scenario = _loads(text)
    key = _Quantity(_Kind.FPRIME, 1)
    step = next(s for s in _build(scenario, _run(scenario, 1)[0]) if s.has(key))
    line = worked_line(step, key, (0, 0))
    true = step.matrix(key).values[0, 0]
    assert true > 0 and "(1 − 1)" not in line and "1 − 1²" not in line, line
    numeric = line.split(" = ")[-2]  # the substituted numbers, before the value
    python = numeric.replace("·", "*").replace("−", "-").replace("e^", "_math.e**").replace("²", "**2")
    assert _math.isclose(eval(python), true,
                         rel_tol=1e-3), line
