"""The mistakes in words: the issue's sentences, with the numbers each mistake gives, the quantity a
carried mistake was made in, and a number in every sentence of every code."""

from __future__ import annotations

import re

import pytest

from backprop_tui.core.dense.mistakes import Mistake, Tolerance, diagnose, mistaken_value
from backprop_tui.core.dense.run import run
from backprop_tui.core.dense.steps import Step, build_steps
from backprop_tui.core.scenario.load import load, loads
from backprop_tui.core.vocab import parse_cell
from backprop_tui.render.mistakes import sentence

from support.mistake_oracle import LECTURE_MOMENTUM


CLOSE = Tolerance(0.001, 0.0001)
"""The lecture's numbers are small: graded closely, every mistake shows."""


def steps_of(scenario, number: int = 1) -> list[Step]:
    return build_steps(scenario, run(scenario, number)[-1], checks=False)


def said(steps: list[Step], name: str, value: float) -> tuple[Mistake, str]:
    cell = parse_cell(name)
    step = next(s for s in steps if s.producer(cell.key) is not None)
    at = cell.at(step.matrix(cell.key).shape) if cell.index else (0, 0)
    found = diagnose(steps, step.index, cell.key, at, value)
    assert found is not None
    return found.mistake, sentence(found, step)


@pytest.fixture(scope="module")
def lecture() -> list[Step]:
    return steps_of(load("lecture"))


def test_the_missing_derivative_as_the_issue_says_it(lecture) -> None:
    mistake, text = said(lecture, "delta2", -0.381)
    assert mistake is Mistake.MISSING_ACTIVATION_DERIVATIVE
    assert text == ("your value is ∂E/∂ŷ itself: the sigmoid's derivative σ′(z²) = 0.2358 is missing "
                    "(δ² = -0.3809 instead of -0.0898)")


def test_an_added_gradient(lecture) -> None:
    _, text = said(lecture, "theta2_new[1]", 0.1643)
    assert text == "you added the gradient: the update subtracts it (θ² new₁ = 0.1643 instead of 0.2357)"


def test_a_transposed_operand_is_named_by_its_symbols() -> None:
    steps = steps_of(load("xor"))
    theta = next(m.values for s in steps for m in s.matrices if m.key == parse_cell("theta1").key)
    x = next(m.values for s in steps for m in s.matrices if m.key == parse_cell("x").key)
    b = next(m.values for s in steps for m in s.matrices if m.key == parse_cell("b1").key)
    _, text = said(steps, "z1[2,4]", float((theta @ x + b)[1, 3]))
    assert text.startswith("you used θ¹ where θ¹ᵀ belongs (z¹₂₄ = ")


def test_a_carried_mistake_names_where_it_was_made(lecture) -> None:
    mistake, text = said(lecture, "dE_dtheta2[1]", -0.1427)
    assert mistake is Mistake.MISSING_HALF
    assert text.endswith("the mistake was made in ∂E/∂ŷ and carried on")


def test_the_derivative_at_the_activation_names_both_numbers(lecture) -> None:
    mistake, text = said(lecture, "fprime2", 0.2275)
    assert mistake is Mistake.DERIVATIVE_OF_ACTIVATION_VALUE
    assert text.startswith("you applied the derivative to ŷ = 0.6191 instead of z² = 0.4857: σ′(ŷ) = 0.2275 "
                           "where σ′(z²) belongs")


@pytest.mark.parametrize("mistake", list(Mistake))
def test_every_code_has_a_sentence_with_numbers_and_symbols(mistake) -> None:
    steps = steps_of(loads(LECTURE_MOMENTUM), 2)
    for step in steps:
        for op in step.operations:
            for key in op.results:
                for (i, j) in [(0, 0), (0, 1), (1, 0)]:
                    shape = step.matrix(key).shape
                    if i >= shape[0] or j >= shape[1]:
                        continue
                    value = mistaken_value(steps, step.index, key, (i, j), mistake)
                    found = None if value is None else diagnose(steps, step.index, key, (i, j), value, CLOSE)
                    if found is not None and found.mistake is mistake:
                        text = sentence(found, step)
                        assert re.search(r"\d\.\d", text), text
                        assert not re.search(r"theta|delta|yhat|dE_", text), text  # symbols, not ASCII names
                        return
    pytest.fail(f"no cell shows {mistake}")
