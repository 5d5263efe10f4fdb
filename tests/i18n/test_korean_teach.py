"""The quiz, its mistakes and the handouts in Korean: the app's quiz (verdicts, each mistake's
sentence, the summary and its saved files), the markdown and LaTeX handouts and sheets (the LaTeX
compiling with kotex, the English one unchanged), their errors (naming the option and value, exit
2), output piped as ASCII, and the handout and confirm dialogs at 80x24."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from backprop_tui import i18n
from backprop_tui.core.dense.mistakes import Diagnosis, Mistake, Tolerance, diagnose, mistaken_value
from backprop_tui.core.dense.run import run
from backprop_tui.core.dense.steps import Step, build_steps
from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.core.scenario.load import load, loads
from backprop_tui.render.mistakes import num, sentence
from backprop_tui.render.handout_latex import PREAMBLE
from backprop_tui.tui.app import BackpropApp
from backprop_tui.tui.screens.dialogs import ConfirmDialog
from backprop_tui.tui.screens.handout_dialog import HandoutDialog
from backprop_tui.tui.screens.quiz_summary import QuizSummaryScreen
from backprop_tui.walk.quiz import QuizSession
from support.cli_run import run_cli, strict
from support.lecture_mistakes import lecture, lecture_mistakes
from support.mistake_oracle import LECTURE_MOMENTUM
from tests.conftest import in_ci
from tests.handout.test_handout_docs import compile_latex
from tests.tui.helpers import screen_text, wait_for, widget_text
from tests.tui.test_quiz import reach, stepper, type_answer

REPO = Path(__file__).resolve().parents[2]
SMALL, LARGE = (80, 24), (120, 36)


def korean(app_factory=BackpropApp, *args, **kwargs) -> BackpropApp:
    i18n.set_language("ko")  # as `--lang ko` leaves it before the app starts (conftest resets it)
    return app_factory(*args, **kwargs)


def feedback(app: BackpropApp) -> str:
    return widget_text(stepper(app).query_one("#quiz-feedback", Static))


# -- the quiz ------------------------------------------------------------------------------------


async def test_the_quiz_in_korean_judges_each_answer_and_names_the_mistake_with_the_same_numbers(tmp_path: Path) -> None:
    mistakes = lecture_mistakes()
    app = korean(BackpropApp, resolve("lecture"), quiz=True)
    async with app.run_test(size=SMALL) as pilot:
        screen = stepper(app)
        await wait_for(pilot, lambda: screen.quiz_on and app.focused is not None)
        assert "수, 예: 0.619" == screen.query_one("#quiz-input", Input).placeholder
        _name, _cell, value = mistakes["wrong_layer"]  # z¹₁: z² typed
        await type_answer(pilot, value)
        text = feedback(app)
        assert "✗ 틀림: 입력한 값 0.4857; z¹₁ = 1.35" in text
        assert "풀이: z¹₁ = θ¹ᵀ₁₁·x₁ + θ¹ᵀ₁₂·x₂ = 1.2·1.0 + 0.3·0.5 = 1.35" in text  # the worked line's numbers
        assert "실수 wrong_layer: 이웃 레이어의 같은 값 z² = 0.4857을(를) 썼습니다: 맞는 값은 z¹₁ = 1.35입니다" in text
        assert "wrong" not in text.replace("wrong_layer", "") and "you " not in text
        await type_answer(pilot, 1.45)
        assert "✓ 맞음: z¹₂ = 1.45 (입력한 값 1.45)" in feedback(app)
        await pilot.press("tab")
        await wait_for(pilot, lambda: "↷ 건너뜀: z¹₃ = 1.65" in feedback(app))
        assert "맞음 1 · 틀림 1 · 건너뜀 1" in widget_text(screen.query_one("#quiz-score", Static))

        name, cell, value = mistakes["missing_activation_derivative"]  # δ² = ∂E/∂ŷ typed
        await reach(pilot, app, 1, name, cell)
        await type_answer(pilot, value)
        w = lecture()
        expected = (f"입력한 값은 ∂E/∂ŷ 그대로입니다: 시그모이드의 미분 σ′(z²) = {num(float(w.fprime2[0, 0]))}이(가) "
                    f"빠졌습니다 (δ² = {num(value)}, 맞는 값은 {num(float(w.delta2[0, 0]))})")
        assert expected in " ".join(feedback(app).split())

        await pilot.press("A")
        await wait_for(pilot, lambda: isinstance(app.screen, QuizSummaryScreen))
        summary = widget_text(app.screen.query_one("#quiz-summary-text", Static))
        for words in ("lecture.toml 퀴즈", "국면별", "실수별", "맞지 않은 답", "순전파", "missing_activation_derivative",
                      "반복 1 · z¹₁: 입력한 값 0.4857;"):
            assert words in summary, words
        assert "By phase" not in summary and "Not right" not in summary

        session: QuizSession = screen.quiz_session
        session.save(tmp_path / "quiz.md")
        session.save(tmp_path / "quiz.json")
    markdown = (tmp_path / "quiz.md").read_text(encoding="utf-8")
    assert markdown.startswith("# lecture.toml 퀴즈\n")
    for words in ("## 국면별", "| 국면 | 맞음 | 틀림 | 건너뜀 |", "| 순전파 |", "## 실수별", "| `wrong_layer` | 1 |",
                  "| 반복 | 칸 | 입력한 값 | 맞는 값 | 판정 | 실수 |", "| 1 | `z1[1]` | 0.4857 | 1.35 | 틀림 | wrong_layer |",
                  "## 맞지 않은 답의 풀이", "- `z1[1]` (반복 1): z¹₁ = θ¹ᵀ₁₁·x₁"):
        assert words in markdown, words
    data = strict((tmp_path / "quiz.json").read_text(encoding="utf-8"))
    # the JSON is data: its keys and codes stay English, the sentences follow the language
    assert set(data) == {"scenario", "tolerance", "score", "by_phase", "by_mistake", "answers"}
    assert data["by_phase"]["forward"]["wrong"] == 1 and data["answers"][0]["verdict"] == "wrong"
    assert data["answers"][0]["diagnosis"] == "wrong_layer" and "이웃 레이어" in data["answers"][0]["explanation"]


NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


@functools.cache
def mistake_cases() -> dict[Mistake, tuple[Diagnosis, Step]]:
    """One diagnosed cell per mistake code, of the lecture with a second sample and momentum."""
    found: dict[Mistake, tuple[Diagnosis, Step]] = {}
    steps = build_steps(loads(LECTURE_MOMENTUM), run(loads(LECTURE_MOMENTUM), 2)[-1], checks=False)
    close = Tolerance(0.001, 0.0001)
    for step in steps:
        for op in step.operations:
            for key in op.results:
                shape = step.matrix(key).shape
                for cell in [(i, j) for i in range(min(shape[0], 2)) for j in range(min(shape[1], 2))]:
                    for mistake in set(Mistake) - set(found):
                        value = mistaken_value(steps, step.index, key, cell, mistake)
                        diagnosis = None if value is None else diagnose(steps, step.index, key, cell, value, close)
                        if diagnosis is not None and diagnosis.mistake is mistake:
                            found[mistake] = (diagnosis, step)
    return found


@pytest.mark.parametrize("mistake", list(Mistake))
def test_every_mistake_s_sentence_is_korean_with_the_english_one_s_numbers(mistake: Mistake) -> None:
    diagnosis, step = mistake_cases()[mistake]
    english = sentence(diagnosis, step)
    i18n.set_language("ko")
    korean_text = sentence(diagnosis, step)
    assert re.search(r"[가-힣]{2}", korean_text), korean_text
    assert not re.findall(r"\b[a-z]{3,}\b", korean_text.replace("leaky ReLU", "")), korean_text  # no English words
    assert sorted(NUMBER.findall(korean_text)) == sorted(NUMBER.findall(english)), (english, korean_text)


def test_a_typed_answer_that_is_no_number_is_refused_in_korean() -> None:
    from backprop_tui.walk.quiz import parse_answer

    i18n.set_language("ko")
    with pytest.raises(ValueError, match=re.escape("0.619나 -2.5e-3 같은 수를 입력하세요 (입력한 값: 'abc')")):
        parse_answer("abc")


# -- the handouts --------------------------------------------------------------------------------


def _blocks(text: str) -> list[str]:
    """The board's text blocks (the chain rule's blocks, which hold words, left out)."""
    return [b for b in re.findall(r"```text\n(.*?)```", text, re.S) if "∂E/∂ŷ₁ ·" not in b]


def test_the_markdown_handout_in_korean_has_korean_words_and_the_same_board(capsys) -> None:
    code, english, _err = run_cli(capsys, "trace", "lecture", "--format", "markdown", "--chain", "theta1[1,1]",
                                  "--lang", "en")
    assert code == 0
    code, text, _err = run_cli(capsys, "trace", "lecture", "--format", "markdown", "--chain", "theta1[1,1]",
                               "--lang", "ko")
    assert code == 0
    for words in ("# 강의: 2-3-1 신경망의 순전파와 역전파", "신경망 2-3-1, 활성화 값은 sigmoid, sigmoid로 계산, 손실 squared_error",
                  "학습률 γ = 0.5.", "진행한 반복 3회 중 반복 1부터 3까지; 국면: 순전파, 손실, 역전파, 업데이트.",
                  "## 반복 1", "배치: 샘플 1; 업데이트 전 손실 E = 0.072544.", "### 1. 가중합 (weighted sums) (순전파, 레이어 1)",
                  "#### theta1[1,1]의 체인 룰", "경로 1: ∂E/∂ŷ₁ · ∂ŷ₁/∂z²₁", "항의 합 = -0.002937",
                  "∂E/∂θ¹₁₁ = -0.002937 (역전파), -0.002937 (중심 차분)", "그래디언트 검사: 중심 차분과 비교한 최대 상대 오차"):
        assert words in text, words
    for words in ("Iteration", "Batch", "Network", "Chain rule", "sum of the terms", "forward, layer"):
        assert words not in text, words
    assert _blocks(text) == _blocks(english) and len(_blocks(text)) >= 30  # every board line, number for number


def test_a_long_walk_s_summary_table_is_korean(capsys) -> None:
    code, text, _err = run_cli(capsys, "trace", "lecture", "--format", "markdown", "--iterations", "8", "--lang", "ko")
    assert code == 0
    assert "## 반복 4부터 7까지, 반복마다 한 줄" in text and "--from 4 --to 7" in text
    assert "| 반복 | 배치 | 업데이트 전 E |" in text and "| 4 | 1 | 0.052526 |" in text


@pytest.fixture(scope="module")
def kotex() -> str:
    """pdflatex with kotex (Debian's texlive-lang-korean): skips locally without it, fails in CI."""
    path = shutil.which("pdflatex")
    found = path is not None and subprocess.run(["kpsewhich", "kotex.sty"], capture_output=True, text=True).stdout.strip()
    if not found:
        if in_ci():
            pytest.fail("CI is set but pdflatex with kotex is missing; .ci/run installs texlive-lang-korean")
        pytest.skip("pdflatex with kotex is not installed (apt-get install texlive-lang-korean)")
    return path


def test_the_korean_latex_handout_of_the_lecture_compiles_and_has_the_korean_step_titles(
        capsys, tmp_path: Path, kotex: str) -> None:
    tex = tmp_path / "lecture-ko.tex"
    code, _out, _err = run_cli(capsys, "trace", "lecture", "--format", "latex", "--chain", "theta1[1,1]", "--lang", "ko",
                               "-o", str(tex))
    assert code == 0
    text = tex.read_text(encoding="utf-8")
    assert "\\usepackage[utf8]{inputenc}\n\\usepackage{kotex}\n" in text
    for words in ("\\title{강의: 2-3-1 신경망의 순전파와 역전파}", "\\section*{반복 1}",
                  "\\subsection*{1. 가중합 (weighted sums) (순전파, 레이어 1)}", "(역전파, 레이어 2)",
                  "\\paragraph{theta1[1,1]의 체인 룰}", "배치: 샘플 1; 업데이트 전 손실 E = 0.072544."):
        assert words in text, words
    assert "[U+" not in text  # no Hangul reduced to a code point
    compile_latex(kotex, tex)


def test_the_english_latex_handout_loads_no_korean_package(capsys) -> None:
    code, text, _err = run_cli(capsys, "trace", "lecture", "--format", "latex", "--lang", "en")
    assert code == 0
    assert text.startswith(PREAMBLE + "\n\\title{Lecture: forward and back through a 2-3-1 network}")
    assert "kotex" not in text and "\\section*{Iteration 1}" in text


def test_a_korean_sheet_with_blanks_compiles_and_grade_reads_its_key(capsys, tmp_path: Path, kotex: str) -> None:
    code, _out, err = run_cli(capsys, "sheet", "lecture", "--students", "2", "--seed", "3", "-o", str(tmp_path),
                              "--lang", "ko")
    assert code == 0, err
    sheet = (tmp_path / "lecture-1.md").read_text(encoding="utf-8")
    for words in ("빈칸(______)마다 그 단계가 계산하는 값을 채우세요 (유효숫자 4자리).", "## 반복 1", "배치: 샘플 1.",
                  "(순전파, 레이어 1)"):
        assert words in sheet, words
    key = (tmp_path / "lecture-1.key.toml").read_text(encoding="utf-8")
    assert key.startswith("# lecture-1.md, lecture-1.tex의 정답지: ") and "# 시나리오: lecture-1.toml" in key
    assert tomllib.loads(key)["iteration"]["1"]  # the tables as grade reads them: only comments are Korean
    student = load(tmp_path / "lecture-1.toml")
    # the student's file has its own Korean title and description, not the lecture's story, which
    # quotes the lecture's numbers
    assert "문제지 1/2" in student.titles["ko"] and "0.0725" not in (tmp_path / "lecture-1.toml").read_text(encoding="utf-8")
    code, out, err = run_cli(capsys, "grade", str(tmp_path / "lecture-1.toml"), str(tmp_path / "lecture-1.key.toml"),
                             "--format", "json", "--lang", "ko")
    assert code == 0, err
    score = json.loads(out)["score"]
    assert score["right"] == 40 and score["wrong"] == 0
    compile_latex(kotex, tmp_path / "lecture-1.tex")


@pytest.mark.parametrize(("args", "said"), [
    (["--from", "9"], "--from 9: 진행한 반복이 3회뿐입니다 (더 진행하려면 --iterations N을 주세요)"),
    (["--from", "3", "--to", "2"], "--from 3 --to 2: 첫 반복이 마지막 반복보다 뒤입니다"),
    (["--phases", "sideways"], "--phases sideways: 국면이 아닙니다; 국면은 forward, loss, backward, update입니다"),
    (["--chain", "z1[1]"], "--chain z1[1]: 체인 룰은 가중치 하나(theta1[1,1])나 편향 하나(b1[1])에 대해 그립니다"),
    (["--chain", "theta3[1,1]"], "--chain theta3[1,1]: 신경망의 레이어는 1부터 2까지입니다"),
    (["--blanks", "theta1_T"], "--blanks theta1_T: 전치는 따로 계산하는 결과가 아닙니다; theta1을(를) 빈칸으로 하세요"),
], ids=lambda value: "_".join(value) if isinstance(value, list) else "")
def test_a_refused_handout_option_is_explained_in_korean_naming_it_and_exits_2(capsys, args: list[str], said: str) -> None:
    code, out, err = run_cli(capsys, "trace", "lecture", "--format", "markdown", *args, "--lang", "ko")
    assert code == 2 and out == ""
    assert said in err and "Traceback" not in err


def test_korean_handout_output_piped_as_ascii_does_not_crash() -> None:
    """As the Korean trace does: an output that cannot show Hangul gets English (ASCII), with a note."""
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "BACKPROP_TUI_LANG": "ko"}
    for form, first in (("markdown", b"# Lecture: forward"), ("latex", b"\\documentclass")):
        result = subprocess.run([sys.executable, "-m", "backprop_tui", "trace", "lecture", "--format", form],
                                cwd=REPO, env=env, capture_output=True, timeout=120)
        assert result.returncode == 0 and b"Traceback" not in result.stderr, result.stderr
        assert b"cannot show 'ko' text; writing English" in result.stderr
        assert result.stdout.startswith(first) and result.stdout.isascii()


# -- the dialogs ---------------------------------------------------------------------------------


async def test_the_handout_dialog_in_korean_asks_before_replacing_and_explains_in_korean(tmp_path: Path,
                                                                                          monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lecture-handout.md").write_text("mine\n", encoding="utf-8")
    app = korean(BackpropApp, resolve("lecture"))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, HandoutDialog))
        dialog = app.screen
        title = widget_text(dialog.query_one("#handout-title", Static)).strip()
        assert title == "진행 내용의 유인물 쓰기 (지금까지 반복 1회 진행)"
        dialog.query_one("#handout-from", Input).value = "0"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "반복은 1부터 셉니다" in widget_text(dialog.query_one("#handout-error", Static)))
        dialog.query_one("#handout-from", Input).value = "1"
        dialog.query_one("#handout-blanks", Input).value = "update"
        await wait_for(pilot, lambda: "정답지: lecture-sheet.key.toml (연습지와 같은 폴더)"
                       in widget_text(dialog.query_one("#handout-key", Static)))
        dialog.query_one("#handout-blanks", Input).value = ""
        dialog.query_one("#handout-path", Input).value = "lecture-handout.md"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        confirm = app.screen
        assert widget_text(confirm.query_one("#confirm-question", Static)).strip() == \
            "lecture-handout.md이(가) 이미 있습니다. 유인물로 바꿀까요?"
        assert "취소 (n)" in screen_text(app) and "바꾸기 (y)" in screen_text(app)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, HandoutDialog))
        assert "쓰지 않았습니다: lecture-handout.md은(는) 그대로 두었습니다" in \
            widget_text(dialog.query_one("#handout-error", Static))
    assert (tmp_path / "lecture-handout.md").read_text(encoding="utf-8") == "mine\n"


class TestKoreanDialogSnapshots:
    """The dialogs new to Korean, at 80x24: nothing cut off."""

    def test_handout_dialog_80x24(self, snap_compare) -> None:
        assert snap_compare(korean(BackpropApp, resolve("lecture")), terminal_size=SMALL, press=["x"])

    def test_confirm_dialog_80x24(self, snap_compare, tmp_path: Path, monkeypatch) -> None:
        monkeypatch.chdir(tmp_path)
        (tmp_path / "lecture-handout.md").write_text("mine\n", encoding="utf-8")
        assert snap_compare(korean(BackpropApp, resolve("lecture")), terminal_size=SMALL, press=["x", "enter"])

    def test_quiz_with_a_mistake_80x24(self, snap_compare) -> None:
        _name, _cell, value = lecture_mistakes()["wrong_layer"]
        keys = [{".": "full_stop", "-": "minus"}.get(c, c) for c in f"{value:.6g}"]
        app = korean(BackpropApp, resolve("lecture"), quiz=True)

        async def answer(pilot) -> None:
            await wait_for(pilot, lambda: app.focused is not None)
            app.clear_notifications()  # the toast saying how the quiz works would cover the feedback
            await pilot.press(*keys, "enter")

        assert snap_compare(app, terminal_size=SMALL, run_before=answer)


async def test_after_K_the_answers_already_given_are_said_in_korean() -> None:
    """The mistake's sentence is said in the language of the moment, not the one it was typed in."""
    _name, _cell, value = lecture_mistakes()["wrong_layer"]
    app = BackpropApp(resolve("lecture"), quiz=True)
    async with app.run_test(size=LARGE) as pilot:
        screen = stepper(app)
        await wait_for(pilot, lambda: screen.quiz_on and app.focused is not None)
        await type_answer(pilot, value)
        assert "the same quantity of the neighbouring layer" in feedback(app)
        await pilot.press("escape", "K")
        await wait_for(pilot, lambda: i18n.language() == "ko")
        await pilot.press("a")
        await wait_for(pilot, lambda: screen.quiz_on and app.focused is not None)
        # the answer field's own key (the palette and Textual's footer list it) is translated too
        assert app.active_bindings["A"].binding.description == "퀴즈 요약 (저장하기)"
        await pilot.press("A")
        await wait_for(pilot, lambda: isinstance(app.screen, QuizSummaryScreen))
        summary = widget_text(app.screen.query_one("#quiz-summary-text", Static))
        assert "이웃 레이어의 같은 값 z² = 0.4857을(를) 썼습니다" in summary and "neighbouring" not in summary
        assert "이웃 레이어" in screen.quiz_session.markdown()


def test_a_hangul_title_in_an_english_handout_is_set_by_kotex_not_reduced_to_code_points(
        capsys, tmp_path: Path, kotex: str) -> None:
    text = (REPO / "scenarios" / "lecture.toml").read_text(encoding="utf-8")
    scenario = tmp_path / "mine.toml"
    scenario.write_text(text.replace('title = "Lecture: forward and back through a 2-3-1 network"',
                                     'title = "우리 반의 2-3-1 신경망"'), encoding="utf-8")
    tex = tmp_path / "mine.tex"
    code, _out, err = run_cli(capsys, "trace", str(scenario), "--format", "latex", "--lang", "en", "-o", str(tex))
    assert code == 0, err
    document = tex.read_text(encoding="utf-8")
    assert "\\title{우리 반의 2-3-1 신경망}" in document and "\\usepackage{kotex}" in document
    assert "\\section*{Iteration 1}" in document  # the interface stays English
    compile_latex(kotex, tex)


def test_a_sheet_that_would_replace_a_file_is_refused_in_korean_naming_it(capsys, tmp_path: Path) -> None:
    sheet = tmp_path / "mine.md"
    sheet.write_text("mine\n", encoding="utf-8")
    code, _out, err = run_cli(capsys, "trace", "lecture", "--format", "markdown", "--blanks", "all", "-o", str(sheet),
                              "--lang", "ko")
    assert code == 2 and f"{sheet}이(가) 이미 있습니다: 바꾸려면 --force를 주세요" in err
    code, _out, err = run_cli(capsys, "trace", "lecture", "--format", "markdown", "--blanks", "all", "-o",
                              str(tmp_path / "s.md"), "--key", str(tmp_path / "s.md"), "--lang", "ko")
    assert code == 2 and f"{tmp_path / 's.md'}: 정답지가 연습지 자체일 수는 없습니다" in err
    assert sheet.read_text(encoding="utf-8") == "mine\n" and not (tmp_path / "s.md").exists()
