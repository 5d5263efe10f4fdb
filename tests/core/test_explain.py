"""The generic explanation of a result cell: recomputed from its terms, it is the value shown, for
every cell of every result of every step of every dense scenario; and per kind, the terms are the
ones the lecture points at."""

from __future__ import annotations

import math

import numpy as np
import pytest

from backprop_tui.core.dense.explain import Rule, explain, recompute
from backprop_tui.core.dense.operation import OpKind
from backprop_tui.core.dense.run import run
from backprop_tui.core.dense.steps import Step, build_steps
from backprop_tui.core.scenario.load import load
from backprop_tui.core.vocab import Phase, parse_quantity as q

from support.dense_cases import all_cases, steps_of


def same(recomputed: float, shown: float) -> bool:
    """Equal to 1e-12 (relative, or absolute near 0); inf and NaN only match their own class."""
    if not (math.isfinite(recomputed) and math.isfinite(shown)):
        return (math.isnan(recomputed) and math.isnan(shown)) or recomputed == shown
    return abs(recomputed - shown) <= 1e-12 * max(1.0, abs(shown))


@pytest.mark.parametrize("case", all_cases())
def test_every_result_cell_is_its_operation_applied_to_its_operands(case: str) -> None:
    checked = 0
    for step in steps_of(case):
        for op in step.operations:
            for key in op.results:
                values = step.matrix(key).values
                for cell in np.ndindex(values.shape):
                    e = explain(step, key, cell)
                    assert same(recompute(e), e.result.value), (case, step.index, key.ascii, cell)
                    assert e.result.value == values[cell] or math.isnan(values[cell])
                    checked += 1
    assert checked > 0


def test_every_kind_of_operation_is_exercised() -> None:
    kinds = {op.kind for case in all_cases() for step in steps_of(case, 1) for op in step.operations}
    assert kinds == set(OpKind)


def test_a_non_finite_cell_is_recomputed_as_the_same_non_finite_class() -> None:
    classes = set()
    for step in steps_of("diverging"):
        for op in step.operations:
            for key in op.results:
                for cell in np.ndindex(step.matrix(key).shape):
                    e = explain(step, key, cell)
                    if not math.isfinite(e.result.value):
                        classes.add("nan" if math.isnan(e.result.value) else "inf")
                        assert same(recompute(e), e.result.value)
    assert classes  # the run does overflow, so the comparison above was made


@pytest.fixture(scope="module")
def lecture() -> list[Step]:
    scenario = load("lecture")
    return build_steps(scenario, run(scenario, 1)[0])


def step_writing(steps: list[Step], ascii_name: str) -> Step:
    return next(s for s in steps if s.producer(q(ascii_name)) is not None)


def test_a_product_cell_is_the_row_of_the_left_operand_times_the_column_of_the_right(lecture) -> None:
    e = explain(step_writing(lecture, "z1"), q("z1"), (2, 0))  # z¹₃ = θ¹ᵀ[3,:]·x = 1.5·1 + 0.3·0.5
    assert e.rule is Rule.SUM
    assert [[(c.key.ascii, c.cell, c.value) for c in t.cells] for t in e.terms] == [
        [("theta1_T", (2, 0), 1.5), ("x", (0, 0), 1.0)], [("theta1_T", (2, 1), 0.3), ("x", (1, 0), 0.5)]]
    assert recompute(e) == pytest.approx(1.65)


def test_a_transpose_cell_is_the_mirrored_cell(lecture) -> None:
    e = explain(lecture[0], q("theta1_T"), (2, 1))
    assert [(c.key.ascii, c.cell) for t in e.terms for c in t.cells] == [("theta1", (1, 2))]


def test_an_activation_cell_is_f_of_the_same_cell_and_its_derivative_uses_z_and_a(lecture) -> None:
    e = explain(step_writing(lecture, "a1"), q("a1"), (1, 0))
    assert e.rule is Rule.FUNCTION and e.operation.function == "sigmoid"
    assert [(c.key.ascii, c.cell) for t in e.terms for c in t.cells] == [("z1", (1, 0))]
    d = explain(step_writing(lecture, "fprime1"), q("fprime1"), (1, 0))
    assert [(c.key.ascii, c.cell) for t in d.terms for c in t.cells] == [("z1", (1, 0)), ("a1", (1, 0))]
    a = e.result.value
    assert recompute(d) == pytest.approx(a * (1 - a), rel=1e-15)


def test_an_element_wise_product_takes_the_same_cell_of_each_operand(lecture) -> None:
    e = explain(step_writing(lecture, "delta1"), q("delta1"), (2, 0))
    assert [(c.key.ascii, c.cell) for t in e.terms for c in t.cells] == [("dE_da1", (2, 0)), ("fprime1", (2, 0))]


def test_a_loss_takes_every_output_cell_of_every_sample_and_divides_by_m() -> None:
    step = next(s for s in steps_of("sgd:sgd-4") if s.phase is Phase.LOSS)
    e = explain(step, q("E"), (0, 0))
    yhat = step.matrix(q("yhat")).values
    assert e.rule is Rule.LOSS and e.divisor == yhat.shape[1] == 4
    assert len(e.terms) == yhat.size and {t.sample for t in e.terms} == set(range(4))
    assert all([c.key.ascii for c in t.cells] == ["yhat", "y"] for t in e.terms)


def test_a_mean_over_every_cell_divides_by_m_times_the_outputs() -> None:
    step = next(s for s in steps_of("mse-relu-identity") if s.phase is Phase.LOSS)
    assert explain(step, q("E"), (0, 0)).divisor == 3 * 2


def test_a_gradient_is_summed_over_the_samples() -> None:
    steps = steps_of("sgd:sgd-4", 1)
    weights = explain(step_writing(steps, "dE_dtheta2"), q("dE_dtheta2"), (1, 0))
    assert [t.sample for t in weights.terms] == [0, 1, 2, 3]
    assert [[c.key.ascii for c in t.cells] for t in weights.terms] == [["a1", "delta2_T"]] * 4
    bias = explain(step_writing(steps, "dE_db1"), q("dE_db1"), (2, 0))
    assert [(c.key.ascii, c.cell) for t in bias.terms for c in t.cells] == [("delta1", (2, s)) for s in range(4)]


def test_an_update_names_old_value_rate_and_gradient(lecture) -> None:
    e = explain(step_writing(lecture, "theta1_new"), q("theta1_new"), (1, 2))
    assert e.rule is Rule.DIFFERENCE
    assert [[(c.key.ascii, c.cell) for c in t.cells] for t in e.terms] == [
        [("theta1", (1, 2))], [("gamma", (0, 0)), ("dE_dtheta1", (1, 2))]]
    assert e.terms[1].cells[0].value == e.operation.learning_rate == 0.5


def test_a_momentum_update_names_the_velocity_too() -> None:
    step = step_writing(steps_of("momentum-minibatch", 1), "b2_new")
    v = explain(step, q("v_b2_new"), (1, 0))
    p = explain(step, q("b2_new"), (1, 0))
    assert v.rule is Rule.DIFFERENCE and p.rule is Rule.MOMENTUM
    assert [[c.key.ascii for c in t.cells] for t in p.terms] == [["b2"], ["mu", "v_b2"], ["gamma", "dE_db2"]]
    assert p.terms[1].cells[0].value == p.operation.momentum == 0.8


def test_softmax_takes_the_whole_column() -> None:
    steps = steps_of("softmax-squared", 1)
    e = explain(step_writing(steps, "yhat"), q("yhat"), (1, 2))
    assert e.position == 1 and [(c.key.ascii, c.cell) for t in e.terms for c in t.cells] == [("z2", (0, 2)), ("z2", (1, 2))]
    d = explain(step_writing(steps, "delta2"), q("delta2"), (0, 1))
    assert d.rule is Rule.SOFTMAX_JACOBIAN
    assert [[c.key.ascii for c in t.cells] for t in d.terms] == [["yhat", "dE_dyhat"]] * 2


def test_a_cell_outside_the_result_or_a_quantity_the_step_only_reads_is_refused(lecture) -> None:
    with pytest.raises(IndexError):
        explain(lecture[0], q("z1"), (3, 0))
    with pytest.raises(KeyError):
        explain(lecture[0], q("x"), (0, 0))
