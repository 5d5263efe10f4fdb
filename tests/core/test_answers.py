"""Answer sheets: the forms a quantity may take, and the exact answer of every cell of every bundled
dense scenario (and variant) graded right, with no diagnosis."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_tui.core.dense.answers import (Answer, AnswerSheet, AnswerSheetError, Verdict, computed_shapes,
                                             every_cell, grade, parse_answers)
from backprop_tui.core.dense.run import run
from backprop_tui.core.dense.steps import build_steps
from backprop_tui.core.scenario.load import load
from backprop_tui.core.vocab import parse_quantity

from support.dense_cases import bundled_cases


def steps_for(scenario):
    cache = {}

    def steps(number: int):
        if number not in cache:
            cache[number] = build_steps(scenario, run(scenario, number)[-1], checks=False)
        return cache[number]
    return steps


@pytest.mark.parametrize("name,variant", bundled_cases())
def test_the_exact_answer_of_every_cell_is_right_and_undiagnosed(name, variant) -> None:
    scenario = load(name, variant)
    steps = steps_for(scenario)
    answers = []
    for number in (1, 2):
        for step in steps(number):
            for op in step.operations:
                for key in op.results:
                    for (i, j), value in np.ndenumerate(step.matrix(key).values):
                        answers.append(Answer(number, key, (i, j), float(value)))
    sheet = AnswerSheet("exact.toml", (1, 2), tuple(answers))
    questions = [q for n in (1, 2) for q in every_cell(n, computed_shapes(steps(n)))]
    graded = grade(sheet, steps, questions)
    assert len(graded) == len(answers) > 0
    assert all(g.verdict is Verdict.RIGHT and g.diagnosis is None for g in graded)


def _parse(text: str):
    steps = steps_for(load("xor"))
    return parse_answers(text, "a.toml", lambda n: computed_shapes(steps(n)), 200)


def test_a_row_vector_as_a_flat_list_a_matrix_as_rows_a_scalar_as_a_number() -> None:
    sheet = _parse('[iteration.2]\nyhat = [0.1, 0.2, 0.3, 0.4]\nz1 = [[1, 2, 3, 4], [5, 6, 7, 8]]\nE = 0.5\n'
                   '"theta2_new[2]" = 0.25\ndE_db2 = [0.125]\n')
    given = sheet.given()
    assert sheet.iterations == (2,)
    assert given[(2, parse_quantity("yhat"), (0, 3))] == 0.4
    assert given[(2, parse_quantity("z1"), (1, 2))] == 7.0
    assert given[(2, parse_quantity("E"), (0, 0))] == 0.5
    assert given[(2, parse_quantity("theta2_new"), (1, 0))] == 0.25
    assert given[(2, parse_quantity("dE_db2"), (0, 0))] == 0.125


def test_a_flat_list_for_a_matrix_is_refused() -> None:
    with pytest.raises(AnswerSheetError) as error:
        _parse("[iteration.1]\nz1 = [1, 2, 3, 4, 5, 6, 7, 8]\n")
    assert str(error.value) == ("a.toml: iteration.1.z1: expected 2 rows of 4 numbers (z1 is 2x4), "
                                "found a flat list of 8")
