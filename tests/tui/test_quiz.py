"""The quiz in the running app: `a` (or `backprop-tui quiz`) hides each asked result until it is
typed; right, wrong (one answer per mistake code, from the lecture's numbers worked by hand) and
skipped answers, the feedback, the mistake's code and the score on screen and in state; the
summary, saved as JSON and markdown without replacing a file unasked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.pilot import Pilot

from backprop_tui.core.dense.mistakes import Mistake
from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.tui.app import BackpropApp
from backprop_tui.tui.screens.quiz_summary import QuizSummaryScreen
from backprop_tui.tui.screens.stepper import SPEEDS, StepperScreen
from backprop_tui.walk.quiz import Verdict
from support.lecture_mistakes import lecture, lecture_mistakes, momentum_lecture, momentum_mistakes

from .helpers import screen_text, wait_for
from backprop_tui.tui.widgets.step_pane import StepPane

SIZE = (120, 36)
KEYS = {".": "full_stop", "-": "minus", "+": "plus"}


def stepper(app: BackpropApp) -> StepperScreen:
    screen = next(s for s in app.screen_stack if isinstance(s, StepperScreen))
    return screen


async def type_answer(pilot: Pilot, value: float) -> None:
    """Type `value` key by key into the answer field and press Enter."""
    await pilot.press(*[KEYS.get(ch, ch) for ch in f"{value:.6g}"], "enter")
    await pilot.pause()


async def reach(pilot: Pilot, app: BackpropApp, iteration: int, name: str, cell: tuple[int, int]) -> None:
    """Answer every question before (iteration, name, cell) with its exact value, stepping on with
    → where a step has nothing left to ask; stops with that cell asked."""
    screen = stepper(app)
    for _ in range(400):
        step = screen.stepper.step
        question = screen.quiz_session.current(step)
        if question is None:
            position = screen.stepper.position
            await pilot.press("right")
            await wait_for(pilot, lambda: screen.stepper.position != position)
            continue
        if (question.iteration, question.key.ascii, question.cell) == (iteration, name, cell):
            return
        field = screen.query_one("#quiz-input")
        assert app.focused is field  # the field takes the keys while a cell is asked
        field.value = repr(float(step.matrix(question.key).values[question.cell]))
        await pilot.press("enter")
        await pilot.pause()
    raise AssertionError(f"never asked {name}{cell} of iteration {iteration}")


def feedback(app: BackpropApp) -> str:
    return str(stepper(app).query_one("#quiz-feedback").render())


def score_line(app: BackpropApp) -> str:
    return screen_text(app).splitlines()[0]


async def test_a_hides_the_step_s_results_and_asks_the_first_cell() -> None:
    app = BackpropApp(resolve("lecture"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "1.350" in screen_text(app) and "quiz" not in score_line(app)
        await pilot.press("a")
        await wait_for(pilot, lambda: app.focused is not None)
        text = screen_text(app)
        assert "1.350" not in text and "1.450" not in text and "1.650" not in text  # z¹ and its worked line
        assert text.count("?") >= 3 and "z¹₁ = ?" in text
        assert "quiz ✓0 ✗0 ↷0" in score_line(app) and "E = " not in score_line(app)
        assert app.focused.id == "quiz-input"
        await pilot.press("escape")  # leaves quiz mode: everything shows again, the keys step again
        await wait_for(pilot, lambda: not stepper(app).quiz_on)
        assert "1.350" in screen_text(app) and app.focused is None
        await pilot.press("right")
        await wait_for(pilot, lambda: stepper(app).stepper.position.step == 1)


async def test_a_quiz_on_the_lecture_right_wrong_by_mistake_and_skipped() -> None:
    app = BackpropApp(resolve("lecture"), quiz=True)
    mistakes = lecture_mistakes()
    async with app.run_test(size=SIZE) as pilot:
        screen = stepper(app)
        await wait_for(pilot, lambda: screen.quiz_on and app.focused is not None)
        quiz = screen.quiz_session

        name, cell, value = mistakes["wrong_layer"]  # z¹₁: z² typed
        await type_answer(pilot, value)
        assert "✗ wrong" in feedback(app) and "z¹₁ = 1.35" in feedback(app)
        assert "z¹₁ = θ¹ᵀ₁₁·x₁ + θ¹ᵀ₁₂·x₂ = 1.2·1.0 + 0.3·0.5 = 1.35" in feedback(app)  # the worked line
        assert "mistake wrong_layer:" in feedback(app) and "neighbouring layer" in feedback(app)
        await type_answer(pilot, 1.45)  # z¹₂, right
        assert "✓ right" in feedback(app) and "mistake" not in feedback(app)
        await pilot.press("tab")  # z¹₃ skipped: revealed
        await pilot.pause()
        assert "↷ skipped: z¹₃ = 1.65" in feedback(app)
        assert "quiz ✓1 ✗1 ↷1" in score_line(app)
        assert "1.650" in screen_text(app)  # the step shows whole once nothing is left to ask

        await reach(pilot, app, 1, "a1", (0, 0))
        await type_answer(pilot, 5.0)  # wrong, and no known mistake gives 5
        assert "✗ wrong" in feedback(app) and "mistake" not in feedback(app)
        await type_answer(pilot, float(lecture().a1[1, 0]) * 1.005)  # within 1%: right
        assert "✓ right" in feedback(app)

        for code in ("sign_flipped", "missing_half", "derivative_of_activation_value",
                     "missing_activation_derivative", "transpose", "missing_learning_rate"):
            name, cell, value = mistakes[code]
            await reach(pilot, app, 1, name, cell)
            assert "?" in screen_text(app)
            await type_answer(pilot, value)
            assert f"mistake {code}:" in feedback(app), (code, feedback(app))
            answer = list(quiz.answers.values())[-1]
            assert answer.verdict is Verdict.WRONG and answer.mistake is Mistake(code)
            assert answer.question.key.ascii == name and answer.question.cell == cell

        score = quiz.score
        assert (score.wrong, score.skipped) == (8, 1) and score.right == score.answered - 9
        assert f"quiz ✓{score.right} ✗8 ↷1" in score_line(app)
        assert all(a.mistake is None for a in quiz.answers.values() if a.verdict is Verdict.RIGHT)


async def test_the_backward_pass_with_the_updated_weights_is_named(tmp_path: Path) -> None:
    # its numbers lie within 0.005 of the right ones on the lecture, so this copy asks for 0.001
    path = tmp_path / "lecture.toml"
    path.write_text(resolve("lecture").read_text(encoding="utf-8").replace("absolute = 0.005", "absolute = 0.001"),
                    encoding="utf-8")
    app = BackpropApp(path, quiz=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: stepper(app).quiz_on and app.focused is not None)
        name, cell, value = lecture_mistakes()["updated_weights_used"]
        await reach(pilot, app, 1, name, cell)
        await type_answer(pilot, value)
        assert "mistake updated_weights_used:" in feedback(app)
        assert list(stepper(app).quiz_session.answers.values())[-1].mistake is Mistake.UPDATED_WEIGHTS_USED


async def test_a_forgotten_batch_average_and_a_forgotten_velocity_are_named(tmp_path: Path) -> None:
    path = tmp_path / "lecture-momentum.toml"
    text = momentum_lecture(resolve("lecture").read_text(encoding="utf-8"))
    path.write_text(text.replace('ask = ["forward", "loss", "backward", "update"]', 'ask = ["loss", "update"]'),
                    encoding="utf-8")
    app = BackpropApp(path, quiz=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: stepper(app).quiz_on)
        assert app.focused is None and "nothing to type here" in screen_text(app)  # forward is not asked
        for code, (iteration, name, cell, value) in momentum_mistakes().items():
            await reach(pilot, app, iteration, name, cell)
            await type_answer(pilot, value)
            assert f"mistake {code}:" in feedback(app)
            assert list(stepper(app).quiz_session.answers.values())[-1].mistake is Mistake(code)


async def test_a_typed_non_number_is_explained_and_not_counted() -> None:
    app = BackpropApp(resolve("lecture"), quiz=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: stepper(app).quiz_on and app.focused is not None)
        await pilot.press("minus", "enter")
        await pilot.pause()
        assert "expected a number such as 0.619" in feedback(app)
        assert stepper(app).quiz_session.score.answered == 0
        assert stepper(app).query_one("#quiz-input").value == "-"  # kept, to be corrected
        await pilot.press("backspace", "n", "p", "x", "1", "full_stop", "3", "5", "enter")  # letters never reach it
        await pilot.pause()
        assert "✓ right" in feedback(app) and stepper(app).stepper.position.step == 0


def one_iteration(tmp_path: Path, asked: str = '["loss"]') -> Path:
    path = tmp_path / "short.toml"
    text = resolve("lecture").read_text(encoding="utf-8").replace("iterations = 3", "iterations = 1")
    path.write_text(text.replace('ask = ["forward", "loss", "backward", "update"]', f"ask = {asked}"), encoding="utf-8")
    return path


async def test_the_summary_opens_after_the_last_question_and_saves_json_and_markdown(tmp_path: Path) -> None:
    app = BackpropApp(one_iteration(tmp_path, '["loss", "update"]'), quiz=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = stepper(app)
        await wait_for(pilot, lambda: screen.quiz_on)
        await reach(pilot, app, 1, "E", (0, 0))
        await type_answer(pilot, mistakes_value("missing_half"))
        await reach(pilot, app, 1, "theta2_new", (2, 0))
        await pilot.press("tab")  # the last question of the one planned iteration
        await wait_for(pilot, lambda: isinstance(app.screen, QuizSummaryScreen))
        text = screen_text(app)
        assert "By phase" in text and "By mistake" in text and "missing_half" in text
        assert "1 wrong, 1 skipped" in text

        target = tmp_path / "summary.json"
        target.write_text("my notes", encoding="utf-8")
        await pilot.press("s")
        await wait_for(pilot, lambda: app.screen.query("#export-path"))
        app.screen.query_one("#export-path").value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.query("#confirm-question"))
        await pilot.press("n")  # keep it
        await wait_for(pilot, lambda: "exists and was kept" in str(app.screen.query_one("#export-error").render()))
        assert target.read_text(encoding="utf-8") == "my notes"
        app.screen.query_one("#export-path").value = str(tmp_path / "summary.md")
        await pilot.press("enter")
        await wait_for(pilot, lambda: (tmp_path / "summary.md").exists())
        assert "| `missing_half` | 1 |" in (tmp_path / "summary.md").read_text(encoding="utf-8")

        await wait_for(pilot, lambda: isinstance(app.screen, QuizSummaryScreen))
        await pilot.press("s")
        await wait_for(pilot, lambda: app.screen.query("#export-path"))
        app.screen.query_one("#export-path").value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.query("#confirm-question"))
        await pilot.press("y")  # replace it, as asked
        await wait_for(pilot, lambda: target.read_text(encoding="utf-8") != "my notes")
        data = json.loads(target.read_text(encoding="utf-8"), parse_constant=lambda token: pytest.fail(token))
        assert data["score"]["wrong"] == 1 and data["score"]["skipped"] == 1
        assert data["by_mistake"] == {"missing_half": 1}
        assert data["by_phase"]["loss"]["wrong"] == 1 and data["by_phase"]["update"]["skipped"] == 1


def mistakes_value(code: str) -> float:
    return lecture_mistakes()[code][2]


async def test_the_summary_key_works_from_the_answer_field_and_escape_goes_back() -> None:
    app = BackpropApp(resolve("lecture"), quiz=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: stepper(app).quiz_on and app.focused is not None)
        await pilot.press("A")
        await wait_for(pilot, lambda: isinstance(app.screen, QuizSummaryScreen))
        assert "0 right, 0 wrong, 0 skipped" in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, StepperScreen))
        assert stepper(app).quiz_on


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_prompt_feedback_and_score_fit_small_and_large_terminals(size) -> None:
    app = BackpropApp(resolve("lecture"), quiz=True)
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: stepper(app).quiz_on and app.focused is not None)
        await type_answer(pilot, mistakes_value("wrong_layer"))
        text = screen_text(app)
        assert "z¹₂ = " in text and "✗ wrong" in text and "mistake wrong_layer" in text
        assert "quiz ✓0 ✗1 ↷0" in text


async def test_the_light_theme_and_no_color_keep_the_asked_cell_visible(monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = BackpropApp(resolve("lecture"), quiz=True)
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "textual-light"
        await wait_for(pilot, lambda: stepper(app).quiz_on and app.focused is not None)
        from backprop_tui.tui.widgets.step_pane import StepPane

        strips = stepper(app).query_one(StepPane).part_lines("matrices")
        asked = [seg for strip in strips for seg in strip
                 if seg.text.strip() == "?" and seg.style is not None and seg.style.reverse]
        assert len(asked) == 1  # the cell asked is drawn reversed (no colour needed)


def test_help_lists_the_quiz_keys_under_their_own_task() -> None:
    from backprop_tui.tui.screens.help import task_of

    bindings = {b.action: b for b in StepperScreen.BINDINGS}
    for action in ("toggle_quiz", "quiz_skip", "quiz_leave", "quiz_summary"):
        assert task_of(action) == "Quiz" and bindings[action].description
    assert bindings["toggle_quiz"].key == "a"


async def test_the_help_lists_the_quiz_keys() -> None:
    from textual.widgets import Static

    from .helpers import widget_text

    app = BackpropApp(resolve("lecture"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: app.screen.query("#help-box"))
        text = "\n".join(widget_text(w) for w in app.screen.query(Static))
        quiz = text[text.index("\nQuiz"):]
        for line in ("Quiz: type each result before it shows (on/off)", "Skip (reveal the asked cell)",
                     "Leave the quiz", "Quiz summary (and save it)"):
            assert line in quiz


async def quiet(pilot: Pilot) -> None:
    """No blinking cursor and no toast in a snapshot."""
    pilot.app.clear_notifications()
    for field in pilot.app.screen.query("#quiz-input"):
        field.cursor_blink = False
    await pilot.pause()


class TestQuizSnapshots:
    def test_an_asked_step_120x36(self, snap_compare) -> None:
        async def run_before(pilot: Pilot) -> None:
            await wait_for(pilot, lambda: stepper(pilot.app).quiz_on and pilot.app.focused is not None)
            await quiet(pilot)

        assert snap_compare(BackpropApp(resolve("lecture"), quiz=True), terminal_size=SIZE, run_before=run_before)

    def test_feedback_on_a_forgotten_derivative_120x36(self, snap_compare) -> None:
        async def run_before(pilot: Pilot) -> None:
            app = pilot.app
            await wait_for(pilot, lambda: stepper(app).quiz_on and app.focused is not None)
            name, cell, value = lecture_mistakes()["missing_activation_derivative"]
            await reach(pilot, app, 1, name, cell)
            await type_answer(pilot, value)
            await quiet(pilot)

        assert snap_compare(BackpropApp(resolve("lecture"), quiz=True), terminal_size=SIZE, run_before=run_before)


async def test_playing_stops_at_the_next_asked_step(tmp_path: Path) -> None:
    app = BackpropApp(one_iteration(tmp_path, '["loss"]'), quiz=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = stepper(app)
        await wait_for(pilot, lambda: screen.quiz_on)
        screen.speed = len(SPEEDS) - 1  # the fastest
        await pilot.press("space")
        await wait_for(pilot, lambda: app.focused is not None)
        assert screen.stepper.step.phase.value == "loss" and not screen.playing


async def test_nothing_on_screen_gives_an_asked_value_away() -> None:
    app = BackpropApp(resolve("lecture"), quiz=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = stepper(app)
        await wait_for(pilot, lambda: screen.quiz_on and app.focused is not None)
        await reach(pilot, app, 1, "y_minus_yhat", (0, 0))
        text = screen_text(app)
        # E = 0.0725 would show in the header, the loss step's note, the loss chart's caption;
        # y − ŷ = 0.381 in its matrix and worked line; ŷ = 0.619 is an input here, and shows
        assert "0.0725" not in text and "0.072" not in text and "0.381" not in text and "0.619" in text
        assert not screen.query_one("#loss").display and not screen.query_one(StepPane).chain_shown
        await reach(pilot, app, 1, "dE_dtheta2", (0, 0))
        text = screen_text(app)
        grad = lecture().dE_dtheta2
        assert all(f"{v:.3f}" not in text for v in grad[:, 0])  # the gradient, nor the chain rule's
        assert screen.query_one("#loss").display  # E answered: the chart is back
        await reach(pilot, app, 1, "theta1_new", (0, 0))
        text = screen_text(app)
        assert "1.200 → ?" in text and "0.300 → ?" in text  # old → new keeps the new values back
        assert "Δ" not in text  # the network's caption shows no change of the weight either


async def test_another_variant_starts_the_quiz_afresh(tmp_path: Path) -> None:
    path = tmp_path / "learning-rate.toml"
    path.write_text(resolve("learning-rate").read_text(encoding="utf-8"), encoding="utf-8")
    app = BackpropApp(path, quiz=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = stepper(app)
        await wait_for(pilot, lambda: screen.quiz_on and app.focused is not None)
        await pilot.press("tab")
        await wait_for(pilot, lambda: screen.quiz_session.score.skipped == 1)
        first = screen.quiz_session
        app.set_variant(first_variant := screen.stepper.scenario.variants[0].name)
        await wait_for(pilot, lambda: screen.stepper.scenario.variant == first_variant)
        assert screen.quiz_session is not first and screen.quiz_session.score.answered == 0
        question = screen.quiz_session.current(screen.stepper.step)
        assert screen.quiz_on and question.cell == (0, 0)  # its first cell is asked again
        assert "quiz ✓0 ✗0 ↷0" in score_line(app)
        assert not screen.query_one(StepPane).about_shown  # a variant is a reload, not a newly opened file


async def test_a_long_summary_scrolls_with_the_keyboard() -> None:
    app = BackpropApp(resolve("lecture"), quiz=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = stepper(app)
        await wait_for(pilot, lambda: screen.quiz_on and app.focused is not None)
        while screen.quiz_session.score.skipped < 12:  # more "not right" lines than the box holds
            if screen.quiz_session.current(screen.stepper.step) is None:
                position = screen.stepper.position
                await pilot.press("right")
                await wait_for(pilot, lambda: screen.stepper.position != position)
            else:
                await pilot.press("tab")
                await pilot.pause()
        await pilot.press("A")
        await wait_for(pilot, lambda: isinstance(app.screen, QuizSummaryScreen))
        box = app.screen.query_one("#quiz-summary")
        assert box.max_scroll_y > 0 and box.scroll_y == 0
        await pilot.press("end")
        await wait_for(pilot, lambda: box.scroll_y == box.max_scroll_y)
