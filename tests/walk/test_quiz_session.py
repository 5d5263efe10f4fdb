"""The quiz without a screen: which cells each step asks, the tolerance, right / wrong / skipped,
the mistake named only for a wrong answer, and the summary as strict JSON and markdown."""

from __future__ import annotations

import json
from dataclasses import replace as replaced
from pathlib import Path

import pytest

from backprop_tui.core.dense.mistakes import Mistake
from backprop_tui.core.errors import UserError
from backprop_tui.core.scenario.load import load
from backprop_tui.core.scenario.model import QuizSettings
from backprop_tui.core.vocab import Phase, parse_quantity
from backprop_tui.walk.quiz import QuizSession, Verdict, asked_keys, parse_answer
from backprop_tui.walk.stepper import Stepper
from support.dense_cases import all_cases, scenario
from support.lecture_mistakes import lecture, lecture_mistakes


def lecture_steps(iteration: int = 0):
    return Stepper(load("lecture")).steps_of(iteration)


def session(settings: QuizSettings = QuizSettings(), seed: int = 0) -> QuizSession:
    return QuizSession(settings, seed, "lecture.toml")


def step_computing(steps, name: str):
    key = parse_quantity(name)
    return next(s for s in steps if s.producer(key) is not None and s.has(key))


def answer_up_to(quiz: QuizSession, steps, step, name: str, cell: tuple[int, int]) -> None:
    """Answer the step's questions before (name, cell) with their exact values."""
    while (question := quiz.current(step)) is not None and (question.key.ascii, question.cell) != (name, cell):
        quiz.answer(steps, step, float(step.matrix(question.key).values[question.cell]))


def test_each_step_asks_what_its_own_operations_write_and_shows_never_a_transpose():
    asked = [[key.ascii for key in asked_keys(step)] for step in lecture_steps()]
    assert asked == [["z1"], ["a1"], ["z2"], ["yhat"], ["y_minus_yhat", "E"], ["dE_dyhat", "fprime2", "delta2"],
                     ["dE_dtheta2"], ["dE_da1"], ["fprime1", "delta1"], ["dE_dtheta1"], ["theta1_new"], ["theta2_new"]]


def test_momentum_asks_the_velocity_and_the_new_weights():
    steps = Stepper(scenario("xor")).steps_of(0)
    update = [step for step in steps if step.phase is Phase.UPDATE][0]
    assert [key.ascii for key in asked_keys(update)] == ["v_theta1_new", "theta1_new"]


def test_all_cells_by_default_and_only_the_asked_phases():
    steps = lecture_steps()
    quiz = session(QuizSettings(ask=(Phase.BACKWARD, Phase.UPDATE)))
    counts = [len(quiz.questions(step)) for step in steps]
    assert counts == [0, 0, 0, 0, 0, 3, 3, 3, 6, 6, 6, 3]


def test_a_sample_of_n_cells_per_matrix_is_drawn_with_the_seed_the_same_every_time():
    steps = lecture_steps()
    sampled = [[(q.key.ascii, q.cell) for s in steps for q in session(QuizSettings(cells=2), seed).questions(s)]
               for seed in (0, 0, 1)]
    assert sampled[0] == sampled[1]
    step = step_computing(steps, "dE_dtheta1")  # 6 cells, 2 asked
    asked = session(QuizSettings(cells=2)).questions(step)
    assert len(asked) == 2 and len(set(q.cell for q in asked)) == 2
    one_by_one = [session(QuizSettings(cells=2), seed).questions(step) for seed in range(8)]
    assert len({tuple(q.cell for q in qs) for qs in one_by_one}) > 1  # the seed chooses
    assert len(session(QuizSettings(cells=2)).questions(step_computing(steps, "z2"))) == 1  # a 1×1 has one


@pytest.mark.parametrize(("given", "verdict"), [
    (1.45, Verdict.RIGHT), (1.464, Verdict.RIGHT), (1.436, Verdict.RIGHT),  # within 1% of 1.45
    (1.466, Verdict.WRONG), (1.43, Verdict.WRONG),
])
def test_relative_tolerance_of_one_percent(given, verdict):
    steps = lecture_steps()
    quiz = session()
    step = steps[0]
    answer_up_to(quiz, steps, step, "z1", (1, 0))
    assert quiz.answer(steps, step, given).verdict is verdict


@pytest.mark.parametrize(("offset", "verdict"), [(0.0049, Verdict.RIGHT), (-0.0049, Verdict.RIGHT),
                                                (0.0052, Verdict.WRONG)])
def test_absolute_tolerance_of_0_005_where_it_is_the_looser(offset, verdict):
    steps = lecture_steps()
    quiz = session()
    step = step_computing(steps, "delta2")  # δ² = -0.0898: 1% of it is 0.0009, so 0.005 rules
    answer_up_to(quiz, steps, step, "delta2", (0, 0))
    assert quiz.answer(steps, step, float(lecture().delta2[0, 0]) + offset).verdict is verdict


def test_a_wrong_answer_gets_the_value_the_worked_line_and_the_mistake_a_right_one_none():
    steps = lecture_steps()
    quiz = session()
    step = step_computing(steps, "delta2")
    answer_up_to(quiz, steps, step, "delta2", (0, 0))
    name, cell, value = lecture_mistakes()["missing_activation_derivative"]
    wrong = quiz.answer(steps, step, value)
    assert wrong.verdict is Verdict.WRONG and wrong.mistake is Mistake.MISSING_ACTIVATION_DERIVATIVE
    assert wrong.expected == pytest.approx(float(lecture().delta2[0, 0]))
    assert "σ′" in wrong.explanation and wrong.worked.startswith("δ²")
    right = quiz.answer(steps, step_computing(steps, "dE_dtheta2"), float(lecture().dE_dtheta2[0, 0]))
    assert right.verdict is Verdict.RIGHT and right.mistake is None and right.explanation == ""


def test_a_wrong_answer_that_matches_no_mistake_is_wrong_without_a_name():
    steps = lecture_steps()
    quiz = session()
    answer = quiz.answer(steps, steps[0], 7.0)
    assert answer.verdict is Verdict.WRONG and answer.mistake is None and answer.explanation == ""


def test_skipping_reveals_and_counts_as_skipped():
    steps = lecture_steps()
    quiz = session()
    answer = quiz.skip(steps[0])
    assert answer.verdict is Verdict.SKIPPED and answer.given is None and answer.expected == pytest.approx(1.35)
    assert (parse_quantity("z1"), ) and quiz.hidden(steps[0]) == {parse_quantity("z1"): frozenset({(1, 0), (2, 0)})}
    assert quiz.score.skipped == 1 and quiz.score.answered == 1


def test_a_step_with_nothing_left_refuses_another_answer():
    steps = lecture_steps()
    quiz = session()
    step = step_computing(steps, "z2")
    quiz.skip(step)
    assert quiz.current(step) is None and quiz.hidden(step) == {}
    with pytest.raises(LookupError):
        quiz.answer(steps, step, 0.5)


@pytest.mark.parametrize("case", all_cases())
def test_the_exact_value_of_every_asked_cell_is_right_and_never_diagnosed(case):
    s = scenario(case)
    stepper = Stepper(s)
    quiz = QuizSession(s.quiz, s.seed, case)
    for iteration in range(2):
        steps = stepper.steps_of(iteration)
        for step in steps:
            while (question := quiz.current(step)) is not None:
                answer = quiz.answer(steps, step, float(step.matrix(question.key).values[question.cell]))
                assert answer.verdict is Verdict.RIGHT and answer.mistake is None, (case, question)
    assert quiz.score.wrong == 0 and quiz.score.skipped == 0


@pytest.mark.parametrize(("text", "value"), [("0.619", 0.619), (" -2.5e-3 ", -0.0025), ("−0.38", -0.38)])
def test_typed_answers(text, value):
    assert parse_answer(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1..2", "inf", "nan"])
def test_typed_non_numbers_are_explained(text):
    with pytest.raises(ValueError, match="expected a"):
        parse_answer(text)


def finished_quiz() -> QuizSession:
    steps = lecture_steps()
    quiz = session()
    _, _, wrong_layer = lecture_mistakes()["wrong_layer"]
    quiz.answer(steps, steps[0], wrong_layer)  # z¹₁: z² read instead
    quiz.answer(steps, steps[0], 1.45)
    quiz.skip(steps[0])
    loss = step_computing(steps, "E")
    quiz.answer(steps, loss, lecture_mistakes()["sign_flipped"][2])
    quiz.answer(steps, loss, lecture_mistakes()["missing_half"][2])
    return quiz


def test_the_summary_counts_by_phase_and_by_mistake():
    quiz = finished_quiz()
    assert quiz.score.right == 1 and quiz.score.wrong == 3 and quiz.score.skipped == 1
    by_phase = quiz.by_phase()
    assert list(by_phase) == [Phase.FORWARD, Phase.LOSS, Phase.BACKWARD, Phase.UPDATE]
    assert (by_phase[Phase.FORWARD].right, by_phase[Phase.FORWARD].wrong, by_phase[Phase.FORWARD].skipped) == (1, 1, 1)
    assert by_phase[Phase.LOSS].wrong == 2 and by_phase[Phase.BACKWARD].answered == 0
    assert quiz.by_mistake() == {"wrong_layer": 1, "sign_flipped": 1, "missing_half": 1}


def strict(text: str) -> dict:
    def refuse(token: str) -> None:
        raise AssertionError(f"non-strict JSON token {token}")
    return json.loads(text, parse_constant=refuse)


def test_the_summary_saves_as_strict_json(tmp_path: Path):
    quiz = finished_quiz()
    path = tmp_path / "quiz.json"
    assert quiz.save(path) == "json"
    data = strict(path.read_text(encoding="utf-8"))
    assert data["scenario"] == "lecture.toml"
    assert data["score"] == {"right": 1, "wrong": 3, "skipped": 1}
    assert data["tolerance"] == {"relative": 0.01, "absolute": 0.005}
    assert data["by_phase"]["forward"] == {"right": 1, "wrong": 1, "skipped": 1}
    assert data["by_mistake"] == {"wrong_layer": 1, "sign_flipped": 1, "missing_half": 1}
    first, second, skipped = data["answers"][:3]
    assert first["quantity"] == "z1" and first["cell"] == [1, 1] and first["verdict"] == "wrong"
    assert first["diagnosis"] == "wrong_layer" and "z²" in first["explanation"]
    assert first["expected"] == pytest.approx(1.35) and first["given"] == pytest.approx(lecture().z2[0, 0])
    assert second["verdict"] == "right" and second["diagnosis"] is None and second["cell"] == [2, 1]
    assert skipped["verdict"] == "skipped" and skipped["given"] is None and skipped["worked"].startswith("z¹₃ =")
    assert data["answers"][3]["quantity"] == "y_minus_yhat" and data["answers"][4]["quantity"] == "E"


def test_the_summary_screen_says_the_score_in_the_saved_summary_s_one_sentence() -> None:
    """The screen draws the markdown's score sentence, its counts in bold: one message, not a bold
    fragment and a second fragment glued after it (which Korean word order cannot follow)."""
    from rich.console import Console

    from backprop_tui import i18n
    from backprop_tui.tui.screens.quiz_summary import summary_renderable

    session = finished_quiz()
    for language in ("en", "ko"):
        i18n.set_language(language)  # conftest sets English back
        console = Console(width=200, record=True, color_system=None)
        console.print(summary_renderable(session))
        drawn = console.export_text()
        sentence = session.score_sentence()
        assert sentence.count("**") == 2
        assert sentence.replace("**", "") in drawn


def test_the_summary_saves_as_markdown(tmp_path: Path):
    path = tmp_path / "quiz.md"
    assert finished_quiz().save(path) == "markdown"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Quiz on lecture.toml")
    assert "**1 right, 3 wrong, 1 skipped** of 5 asked" in text
    assert "| forward | 1 | 1 | 1 |" in text and "| loss | 0 | 2 | 0 |" in text
    assert "| `wrong_layer` | 1 |" in text and "| `missing_half` | 1 |" in text
    assert "| 1 | `z1[3]` | — | 1.65 | skipped |  |" in text
    assert "z¹₁ = θ¹ᵀ₁₁·x₁ + θ¹ᵀ₁₂·x₂ = 1.2·1.0 + 0.3·0.5 = 1.35" in text  # the wrong one's worked line


def test_saving_never_replaces_a_file_unasked_and_names_the_formats(tmp_path: Path):
    quiz = finished_quiz()
    path = tmp_path / "quiz.json"
    path.write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        quiz.save(path)
    assert path.read_text(encoding="utf-8") == "mine"
    quiz.save(path, replace=True)
    assert strict(path.read_text(encoding="utf-8"))["score"]["right"] == 1
    with pytest.raises(UserError, match=r"quiz\.txt: expected a file name ending in \.json or \.md"):
        quiz.save(tmp_path / "quiz.txt")
    assert not (tmp_path / "quiz.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quiz.json"]  # no temporary file left behind


def test_a_step_whose_network_was_edited_is_asked_afresh_never_out_of_range():
    quiz = session()
    steps = lecture_steps()
    quiz.skip(steps[0])
    quiz.skip(steps[0])
    narrower = load("lecture")  # the file edited to two hidden units: z¹ is 2×1 now
    layers = (replaced(narrower.layers[0], units=2, weights=narrower.layers[0].weights[:, :2]),
              replaced(narrower.layers[1], weights=narrower.layers[1].weights[:2]))
    edited = Stepper(replaced(narrower, layers=layers)).steps_of(0)
    assert [q.cell for q in quiz.questions(edited[0])] == [(0, 0), (1, 0)]
    assert quiz.current(edited[0]).cell == (0, 0)
    value = float(edited[0].matrix(parse_quantity("z1")).values[0, 0])
    assert quiz.answer(edited, edited[0], value).verdict is Verdict.RIGHT
