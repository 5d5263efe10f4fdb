"""The scenario's `[quiz]` table: defaults, the lecture's own, and every problem reported as the
loader reports them (file, key path, expected, found)."""

from __future__ import annotations

from pathlib import Path

import pytest

from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.core.scenario.errors import ScenarioError
from backprop_tui.core.scenario.load import load, loads
from backprop_tui.core.scenario.model import QuizSettings
from backprop_tui.core.scenario.quiz_table import QUIZ_KEYS, TOLERANCE_KEYS
from backprop_tui.core.vocab import Phase

README = Path(__file__).resolve().parents[2] / "scenarios" / "README.md"
NO_QUIZ = resolve("lecture").read_text(encoding="utf-8").split("[quiz]")[0]


def with_quiz(table: str) -> str:
    return NO_QUIZ + "\n[quiz]\n" + table


def problems(text: str) -> str:
    with pytest.raises(ScenarioError) as raised:
        loads(text, "q.toml")
    return str(raised.value)


def test_without_a_table_every_phase_and_cell_is_asked_within_the_default_tolerance():
    assert loads(NO_QUIZ).quiz == QuizSettings(tuple(Phase), None, 0.01, 0.005)


def test_the_lecture_has_a_quiz_table():
    assert "[quiz]" in resolve("lecture").read_text(encoding="utf-8")
    assert load("lecture").quiz == QuizSettings(tuple(Phase), None, 0.01, 0.005)


def test_a_table_chooses_phases_cells_and_tolerance():
    quiz = loads(with_quiz('ask = ["update", "backward"]\ncells = 2\ntolerance = { relative = 0.02 }\n')).quiz
    assert quiz == QuizSettings((Phase.BACKWARD, Phase.UPDATE), 2, 0.02, 0.005)
    assert loads(with_quiz('cells = "all"\n')).quiz.cells is None


@pytest.mark.parametrize("table, message", [
    ('ask = ["forward", "bakward"]\n',
     'q.toml: quiz.ask[2]: expected one of forward, loss, backward, update, got the string "bakward" '
     '(did you mean "backward"?)'),
    ("ask = []\n", "q.toml: quiz.ask: expected an array of phase names (forward, loss, backward, update), "
                   "got an empty array"),
    ('ask = "forward"\n', 'q.toml: quiz.ask: expected an array of phase names (forward, loss, backward, update), '
                          'got the string "forward"'),
    ('ask = ["loss", "loss"]\n', 'q.toml: quiz.ask[2]: "loss" is already asked earlier in the array'),
    ("cells = 0\n", 'q.toml: quiz.cells: expected "all" or a whole number of at least 1 (cells asked per matrix), got 0'),
    ("cells = 1.5\n", 'q.toml: quiz.cells: expected "all" or a whole number of at least 1 (cells asked per matrix), '
                      "got a number"),
    ("tolerance = 0.01\n", "q.toml: quiz.tolerance: expected a table, got a number"),
    ("tolerance = { relative = 0, absolute = 0 }\n",
     "q.toml: quiz.tolerance: expected relative or absolute above 0, got both 0"),
    ("tolerance = { relative = 2 }\n", "q.toml: quiz.tolerance.relative: expected at most 1, got 2"),
    ("tolerance = { absolute = -1 }\n", "q.toml: quiz.tolerance.absolute: expected at least 0, got -1"),
    ('tolerance = { absolut = 0.1 }\n', 'q.toml: quiz.tolerance.absolut: unknown key (did you mean "absolute"?)'),
    ("seconds = 3\n", "q.toml: quiz.seconds: unknown key; known keys here: ask, cells, tolerance"),
])
def test_each_problem_names_file_key_expected_and_found(table, message):
    assert message in problems(with_quiz(table))


def test_a_quiz_that_is_not_a_table_is_reported():
    assert "q.toml: quiz: expected a table, got an integer" in problems(NO_QUIZ.replace("seed = 0", "quiz = 3\nseed = 0"))


def test_every_key_is_documented_in_the_scenario_readme():
    text = README.read_text(encoding="utf-8")
    assert "## `[quiz]` (optional)" in text
    for key in (*QUIZ_KEYS, *TOLERANCE_KEYS):
        assert f"`{key}`" in text, key
