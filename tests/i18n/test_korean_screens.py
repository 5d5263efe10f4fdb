"""The screens beside the stepper in Korean: the loss landscape (L) and `landscape`, the input
plane (O) and `plane`, the compare screen (c, with its snapshots at 80x24 and 120x36), the open
and go-to dialogs, the error screen and panel, and the authoring messages; numbers and symbols
the same as in English, and output that cannot show Hangul in English with a note."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import Static

from backprop_tui import i18n
from backprop_tui.cli.main import main
from backprop_tui.core.errors import UserError
from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.tui.screens.compare import CompareScreen
from backprop_tui.tui.screens.dialogs import EditDialog
from backprop_tui.tui.screens.error import ErrorScreen
from backprop_tui.tui.screens.goto_dialog import GoToIterationDialog
from backprop_tui.tui.screens.landscape import LandscapeScreen
from backprop_tui.tui.screens.open_dialog import OpenScenarioDialog
from backprop_tui.tui.screens.plane import PlaneScreen
from backprop_tui.tui.screens.stepper import StepperScreen
from backprop_tui.tui.widgets.loss_curves import LossCurves
from tests.tui.helpers import FastWatchApp, screen_text, wait_for, widget_text

ROOT = Path(__file__).resolve().parents[2]
SMALL, LARGE = (80, 24), (120, 36)
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[+-]\d+)?")
BROKEN = ('title = "x"\nseed = -1\n[network]\ninputs = 2\nloss = "squared_error"\n\n[[layer]]\nunits = 1\n'
          'activation = "sigmoid"\nweights = [[1.0], [2.0]]\n\n[data]\ninputs = [[1.0, 2.0]]\ntargets = [[1.0]]\n')


def korean_app(name: str, **options: object) -> FastWatchApp:
    i18n.set_language("ko")  # as `--lang ko` leaves it before the app starts (conftest resets it)
    return FastWatchApp(resolve(name), **options)


async def stepper_ready(pilot: Pilot) -> None:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, StepperScreen))


def hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


@pytest.fixture
def lecture_copy(tmp_path: Path) -> Path:
    path = tmp_path / "lecture.toml"
    path.write_text(resolve("lecture").read_text(encoding="utf-8"), encoding="utf-8")
    return path


# -- the loss landscape ---------------------------------------------------------------------------


async def test_the_landscape_screen_is_korean_and_follows_the_learner() -> None:
    app = korean_app("learning-rate", variant="too-large")
    async with app.run_test(size=LARGE) as pilot:
        await stepper_ready(pilot)
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, LandscapeScreen) and app.screen.scape is not None)
        text = screen_text(app)
        assert "손실 지형: 학습률: 너무 작으면 기어가고, 너무 크면 발산한다" in text     # the title_ko
        assert "x = b2[1], y = theta2[2,1] 위의 E; 다른 매개변수는 시작점에 고정" in text
        assert "지금: too-large의 반복 1" in text and "단면: too-large의 반복 1" in text
        legend = widget_text(app.screen.query_one("#landscape-legend", Static))
        assert "too-small: E 시작 0.2015, 업데이트 320번 뒤 0.1036" in legend        # the numbers as in English
        assert "반복 23에서 그림 영역을 벗어남 (업데이트 22번 뒤); 발산: 업데이트 301번 뒤 가중치나 E가 inf/NaN" in legend
        assert "E(theta - s*gamma*dE/dtheta)" in text and "1.519|" in text
        assert "단계 화면으로" in text.splitlines()[-1] and "다음 반복" in text.splitlines()[-1]
        assert "Now:" not in text and "Back to the stepper" not in text
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: "지금: too-large의 반복 2" in screen_text(app))
        await pilot.press("p")  # the plane of the principal directions
        await wait_for(pilot, lambda: "주성분" in screen_text(app))


def _cli(capsys, *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_landscape_text_in_korean_has_the_same_map_and_numbers(capsys) -> None:
    english = _cli(capsys, "landscape", "learning-rate", "--resolution", "16")
    korean = _cli(capsys, "landscape", "learning-rate", "--resolution", "16", "--lang", "ko")
    for words in ("변형마다 업데이트 320번", "E의 척도 (선형):", "too-small: E 시작 0.2015, 업데이트 320번 뒤",
                  "S 공통 시작점", "시작점을 지나는 그래디언트 방향의 단면, E(theta - s*gamma*dE/dtheta):",
                  "  right: E 지금 (s = 0) 0.2015, gamma = 0.5로 한 단계 뒤 (s = 1)"):
        assert words in korean, words
    assert "updates" not in korean and "the start" not in korean
    drawn = [line for line in english.splitlines() if "|" in line and line.isascii()]
    assert len(drawn) > 20 and drawn == [line for line in korean.splitlines() if "|" in line and line.isascii()]
    assert Counter(NUMBER.findall(korean)) == Counter(NUMBER.findall(english))


def test_landscape_text_in_korean_is_titled_with_the_title_ko(capsys) -> None:
    korean = _cli(capsys, "landscape", "learning-rate", "--resolution", "8", "--lang", "ko")
    assert korean.splitlines()[0] == "학습률: 너무 작으면 기어가고, 너무 크면 발산한다"
    english = _cli(capsys, "landscape", "learning-rate", "--resolution", "8", "--lang", "en")
    assert english.splitlines()[0] == "Learning rate: too small crawls, too large diverges"


def test_landscape_json_is_the_same_in_korean(capsys) -> None:
    english = _cli(capsys, "landscape", "learning-rate", "--resolution", "10", "--format", "json")
    assert _cli(capsys, "landscape", "learning-rate", "--resolution", "10", "--format", "json", "--lang", "ko") \
        == english


# -- the input plane ------------------------------------------------------------------------------


async def test_the_input_plane_is_korean() -> None:
    app = korean_app("xor")
    async with app.run_test(size=LARGE) as pilot:
        await stepper_ready(pilot)
        await pilot.press("O")
        await wait_for(pilot, lambda: isinstance(app.screen, PlaneScreen) and "가로" in screen_text(app))
        text = screen_text(app)
        assert "입력 평면 · XOR: 은닉 레이어가 있으면 나눌 수 있다" in text
        assert "a¹₁ · 반복 1, 업데이트 0번 뒤" in text and "a¹₁ 확대" in text
        assert "가로: x1, 세로: x2" in text and "0 1  데이터 점, 목표값으로 표시" in text
        assert "척도 (0 중심 양방향): -1" in text and "1.25|" in text
        footer = text.splitlines()[-1]
        assert "단계 화면으로" in footer and "다음 노드" in footer and "Next" not in footer
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: "반복 2, 업데이트 1번 뒤" in screen_text(app))


async def test_the_input_plane_of_more_inputs_says_in_korean_where_the_rest_are_held(tmp_path: Path) -> None:
    three = tmp_path / "three.toml"
    three.write_text('title = "three"\nseed = 1\n[network]\ninputs = 3\nloss = "squared_error"\n\n[[layer]]\n'
                     'units = 1\nactivation = "sigmoid"\n\n[data]\ninputs = [[0.0, 1.0, 2.0], [1.0, 0.0, 4.0]]\n'
                     'targets = [[0.0], [1.0]]\n', encoding="utf-8")
    i18n.set_language("ko")
    app = FastWatchApp(three)
    async with app.run_test(size=LARGE) as pilot:
        await stepper_ready(pilot)
        await pilot.press("O")
        await wait_for(pilot, lambda: isinstance(app.screen, PlaneScreen) and "가로" in screen_text(app))
        text = screen_text(app)
        assert "다른 입력은 데이터의 평균값으로 고정: x3 = 3; i: 다른 입력 쌍" in text
        assert "가로: x1, 세로: x2; x3은(는) 평균값으로 고정" in text


@pytest.mark.parametrize(("language", "keys"), [
    ("ko", ("esc", "PgDn 다음", "PgUp 이전", "→ 노드", "← 이전 노드", "i 입력", "? 도움말", "q 종료")),
    ("en", ("esc Back", "PgDn Next", "PgUp Prev", "→ Unit", "← Prev unit", "i Inputs", "? Help", "q Quit"))])
async def test_at_80x24_the_plane_s_footer_shows_every_key_and_help_and_quit(language: str, keys: tuple[str]) -> None:
    i18n.set_language(language)
    app = FastWatchApp(resolve("solar"))  # five inputs: the input-pair key is shown too
    async with app.run_test(size=SMALL) as pilot:
        await stepper_ready(pilot)
        await pilot.press("O")
        await wait_for(pilot, lambda: isinstance(app.screen, PlaneScreen) and "|" in screen_text(app))
        await wait_for(pilot, lambda: "q " in screen_text(app).splitlines()[-1])
        footer = screen_text(app).splitlines()[-1]
        for words in keys:
            assert words in footer, (words, footer)


def test_plane_text_in_korean_has_the_same_pictures_and_numbers(capsys) -> None:
    english = _cli(capsys, "plane", "xor")
    korean = _cli(capsys, "plane", "xor", "--lang", "ko")
    for words in ("평면 위의 yhat[1], 업데이트 ", "가로: x1, 세로: x2", "데이터 점, 목표값으로 표시", "경계 ŷ = 0.5",
                  "모든 노드 (같은 축, 노드마다 위와 같은 방식의 척도):"):
        assert words in korean, words
    assert "over the plane" not in korean and "data points" not in korean
    pictures = [line for line in english.splitlines() if line.isascii() and not re.search(r"[a-z]{3}", line)]
    assert len(pictures) > 20
    assert pictures == [line for line in korean.splitlines() if line.isascii() and not re.search(r"[a-z]{3}", line)]
    assert Counter(NUMBER.findall(korean)) == Counter(NUMBER.findall(english))


def test_plane_of_a_softmax_output_names_the_classes_in_korean(capsys) -> None:
    korean = _cli(capsys, "plane", "softmax", "--lang", "ko")
    assert "평면 위에서 가장 가능성이 큰 클래스 (레이어 " in korean and "소프트맥스)" in korean
    assert "영역: 가장 가능성이 큰 클래스;" in korean and "클래스 1" in korean
    assert "데이터 점, 클래스 번호로 표시" in korean


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", i18n.ENV_VAR)}
    environ.update({**env, "PYTHONPATH": str(ROOT)})
    return subprocess.run([sys.executable, "-m", "backprop_tui", *args], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=120, encoding="utf-8", errors="replace")


@pytest.mark.parametrize("command", [["landscape", "learning-rate", "--resolution", "12"], ["plane", "xor"]])
def test_korean_on_an_ascii_output_is_english_with_a_note_and_no_crash(command: list[str]) -> None:
    result = _run(*command, "--lang", "ko", PYTHONIOENCODING="ascii")
    assert result.returncode == 0, result.stderr
    assert "note: this output's encoding (ascii) cannot show 'ko' text; writing English" in result.stderr
    assert result.stdout.isascii() and ("updates per variant" in result.stdout or "over the plane" in result.stdout)
    assert "Traceback" not in result.stderr


# -- comparing the variants -----------------------------------------------------------------------


async def test_the_compare_screen_is_korean_and_its_plot_keeps_its_width() -> None:
    app = korean_app("learning-rate")
    async with app.run_test(size=SMALL) as pilot:
        await stepper_ready(pilot)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen) and app.screen.comparison is not None)
        text = screen_text(app)
        assert "변형 비교: 학습률: 너무 작으면 기어가고, 너무 크면 발산한다" in text
        assert "too-large (반복 302부터 E가 inf/NaN (업데이트 301번 뒤))" in text   # the plot's legend
        plot = app.screen.query_one(LossCurves)
        drawn = [line.plain for line in plot.render().split("\n")]
        # the plot's title and axes in Korean, whole (no syllable pushed apart), numbers unchanged
        assert drawn[0].strip() == "전체 데이터에 대한 손실 E (로그 눈금)"
        assert re.fullmatch(r"E, 20\.15에서 자름 +반복 \(마친 업데이트 수\) *", drawn[-1]), drawn[-1]
        assert "loss E" not in text and "iteration (updates done)" not in text and "\ue000" not in text
        # every row of the plot as wide as the widget: no Hangul label pushes a frame out of line
        assert {cell_len(line) for line in drawn} == {plot.size.width}
        # and the title centred over the frame by the cells it takes (plotext alone would count a
        # syllable as one cell and push it six cells right)
        left = len(drawn[0]) - len(drawn[0].lstrip())
        frame = (drawn[1].index("┌") + drawn[1].index("┐") + 1) / 2
        assert abs(left + cell_len(drawn[0].strip()) / 2 - frame) <= 1, drawn[0]
        assert "단계 화면으로" in text.splitlines()[-1]


async def test_the_compare_screen_in_english_keeps_its_english_plot() -> None:
    app = FastWatchApp(resolve("learning-rate"))
    async with app.run_test(size=SMALL) as pilot:
        await stepper_ready(pilot)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen) and app.screen.comparison is not None)
        plot = app.screen.query_one(LossCurves)
        drawn = [line.plain for line in plot.render().split("\n")]
        assert drawn[0].strip() == "loss E on all the data (log scale)"
        assert re.fullmatch(r"E, cut at 20\.15 +iteration \(updates done\) *", drawn[-1]), drawn[-1]
        assert "too-large (E is inf/NaN from iteration 302 (after 301 updates))" in screen_text(app)
        assert {cell_len(line) for line in drawn} == {plot.size.width}


async def test_the_stepper_s_korean_loss_chart_keeps_its_width_and_its_title_whole() -> None:
    """The stepper's loss chart is drawn by plotext as the compare plot is: its Korean title
    measured by its columns (plotext alone made that row 5 cells wider than the chart)."""
    from backprop_tui.tui.widgets.loss_chart import LossPlot

    app = korean_app("sgd")
    async with app.run_test(size=LARGE) as pilot:
        await stepper_ready(pilot)
        stepper = app.screen
        while stepper.stepper.position.iteration < 1:
            position = stepper.stepper.position
            await pilot.press("down")
            await wait_for(pilot, lambda: stepper.stepper.position != position)
        plot = stepper.query_one(LossPlot)
        await wait_for(pilot, lambda: "반복 2의 손실" in plot.render().plain)
        drawn = [line.plain for line in plot.render().split("\n")]
        assert drawn[0].strip() == "반복 2의 손실"
        assert {cell_len(line) for line in drawn} == {plot.size.width}, [cell_len(line) for line in drawn]


class TestKoreanCompareSnapshots:
    def test_compare_80x24(self, snap_compare) -> None:
        async def run_before(pilot: Pilot) -> None:
            await stepper_ready(pilot)
            await pilot.press("c")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, CompareScreen)
                           and pilot.app.screen.comparison is not None)

        assert snap_compare(korean_app("learning-rate"), terminal_size=SMALL, run_before=run_before)

    def test_compare_120x36(self, snap_compare) -> None:
        async def run_before(pilot: Pilot) -> None:
            await stepper_ready(pilot)
            await pilot.press("c")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, CompareScreen)
                           and pilot.app.screen.comparison is not None)

        assert snap_compare(korean_app("learning-rate"), terminal_size=LARGE, run_before=run_before)


def _opened(key: str, screen: type, ready=lambda screen: True):
    async def run_before(pilot: Pilot) -> None:
        await stepper_ready(pilot)
        await pilot.press(key)
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, screen) and ready(pilot.app.screen))
    return run_before


class TestKoreanLandscapeAndPlaneSnapshots:
    """Screens new to Korean, at the sizes of the issue."""

    def test_landscape_80x24(self, snap_compare) -> None:
        assert snap_compare(korean_app("learning-rate", variant="too-large"), terminal_size=SMALL,
                            run_before=_opened("L", LandscapeScreen, lambda s: s.scape is not None))

    def test_landscape_120x36(self, snap_compare) -> None:
        assert snap_compare(korean_app("learning-rate", variant="too-large"), terminal_size=LARGE,
                            run_before=_opened("L", LandscapeScreen, lambda s: s.scape is not None))

    def test_plane_80x24(self, snap_compare) -> None:
        assert snap_compare(korean_app("xor"), terminal_size=SMALL, run_before=_opened("O", PlaneScreen))

    def test_plane_120x36(self, snap_compare) -> None:
        assert snap_compare(korean_app("xor"), terminal_size=LARGE, run_before=_opened("O", PlaneScreen))


# -- dialogs and errors ---------------------------------------------------------------------------


async def test_the_open_dialog_is_korean_lists_korean_titles_and_explains_a_bad_path() -> None:
    app = korean_app("lecture")
    async with app.run_test(size=SMALL) as pilot:
        await stepper_ready(pilot)
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, OpenScenarioDialog))
        text = screen_text(app)
        assert "시나리오 열기: 입력해서 거르기" in text and "이름, 제목의 낱말, 또는 .toml 파일의 경로" in text
        assert "lecture  강의: 2-3-1 신경망의 순전파와 역전파" in text                     # its title_ko
        await pilot.press(*"missing.toml", "enter")
        await wait_for(pilot, lambda: "missing.toml" in str(app.screen.query_one("#open-error").content))
        error = str(app.screen.query_one("#open-error").content)
        assert "missing.toml" in error and hangul(error)


async def test_the_go_to_dialog_is_korean_and_explains_a_bad_number() -> None:
    app = korean_app("lecture")
    async with app.run_test(size=SMALL) as pilot:
        await stepper_ready(pilot)
        await pilot.press("colon")
        await wait_for(pilot, lambda: isinstance(app.screen, GoToIterationDialog))
        assert "반복으로 가기  (지금 1; 시나리오의 계획 3)" in screen_text(app)
        await pilot.press("0", "enter")
        await wait_for(pilot, lambda: "받은 값" in screen_text(app))
        assert "1부터 1,000,000까지의 정수여야 함 (받은 값: '0')" in screen_text(app)


async def test_the_error_screen_is_korean_and_names_the_file_and_keys(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(BROKEN, encoding="utf-8")
    i18n.set_language("ko")
    app = FastWatchApp(broken)
    async with app.run_test(size=SMALL) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ErrorScreen))
        text = screen_text(app)
        assert "시나리오 파일에 문제가 있습니다:" in text
        assert "broken.toml: seed: 0 이상이어야 함 (받은 값: -1)" in text
        assert "파일을 고쳐 저장하거나 (저절로 다시 읽습니다), o를 눌러 다른 시나리오를" in text


async def test_the_error_panel_is_korean_and_keeps_the_last_good_version(lecture_copy: Path) -> None:
    i18n.set_language("ko")
    app = FastWatchApp(lecture_copy)
    async with app.run_test(size=LARGE) as pilot:
        await stepper_ready(pilot)
        lecture_copy.write_text(lecture_copy.read_text(encoding="utf-8").replace("seed = 0", "seed = -1", 1),
                                encoding="utf-8")
        await wait_for(pilot, lambda: "시나리오 파일에 문제가 있습니다" in screen_text(app))
        text = screen_text(app)
        assert "lecture.toml: seed: 0 이상이어야 함 (받은 값: -1)" in text
        assert "lecture.toml의 마지막 올바른 버전을 계속 보여 줍니다" in text


# -- authoring ------------------------------------------------------------------------------------


async def test_the_authoring_messages_are_korean(lecture_copy: Path) -> None:
    i18n.set_language("ko")
    app = FastWatchApp(lecture_copy)
    async with app.run_test(size=LARGE) as pilot:
        await stepper_ready(pilot)
        screen = app.screen
        await pilot.press("u")
        await wait_for(pilot, lambda: any("되돌릴 것이 없습니다" in str(n.message) for n in app._notifications))
        await pilot.press("v")
        await wait_for(pilot, lambda: any("이 시나리오에는 바꿔 볼 변형" in str(n.message) for n in app._notifications))
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EditDialog))
        labels = [target.label for target in app.screen.targets]
        assert labels[0] == "θ¹₁₁ 가중치 초깃값 (커서 위치)" and labels[1] == "γ 학습률"
        assert "x 샘플 1의 입력 1" in labels and "y 샘플 1의 목표값 1" in labels
        screen._apply_edit(app.screen.targets[0], 0.25)
        await wait_for(pilot, lambda: any("θ¹₁₁ = 0.25을(를) lecture.toml에 썼습니다; u로 되돌립니다"
                                          in str(n.message) for n in app._notifications))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("u")
        await wait_for(pilot, lambda: any(str(n.message).startswith("되돌림: lecture.toml의 layer[1].weights[1][1]")
                                          for n in app._notifications))


def test_a_loader_failure_and_an_unwritable_copy_are_korean_and_name_the_file(tmp_path: Path, monkeypatch) -> None:
    from backprop_tui.walk import authoring, watch

    i18n.set_language("ko")

    def fails(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(watch, "load", fails)
    with pytest.raises(UserError) as raised:
        watch.open_scenario(str(resolve("lecture")))
    assert str(raised.value).endswith("lecture.toml: 읽어 들일 수 없음 (RuntimeError: boom)")
    with pytest.raises(UserError) as raised:
        authoring.editable_copy(resolve("lecture"), tmp_path / "missing-folder")
    assert "lecture-edited.toml: 그곳에 lecture.toml의 편집용 사본을 쓸 수 없음: " in str(raised.value)


def test_the_export_limit_is_korean_names_the_file_and_exits_2(capsys) -> None:
    assert main(["export", "sgd", "--variant", "sgd-1", "--iterations", "1000000", "--lang", "ko"]) == 2
    err = capsys.readouterr().err
    assert "--iterations 1000000: sgd.toml은(는) 에포크 62500번마다 샘플 16개의 순서를 새로 뽑으므로" in err
    assert "반복은 최대 200,000번까지 내보내세요" in err and "Traceback" not in err


@pytest.mark.parametrize(("name", "key", "screen", "english", "korean"), [
    ("learning-rate", "L", LandscapeScreen, "Loss landscape of Learning rate", "손실 지형: 학습률"),
    ("xor", "O", PlaneScreen, "Input plane · XOR", "입력 평면 · XOR"),
    ("learning-rate", "c", CompareScreen, "Comparing the variants of Learning rate", "변형 비교: 학습률"),
])
async def test_K_switches_the_screen_and_the_stepper_under_it_live(name, key, screen, english, korean) -> None:
    app = FastWatchApp(resolve(name))
    async with app.run_test(size=LARGE) as pilot:
        await stepper_ready(pilot)
        stepper = app.screen
        await pilot.press(key)
        await wait_for(pilot, lambda: isinstance(app.screen, screen) and english in screen_text(app))
        # the worker's result drawn (the landscape and the comparison are computed in a worker)
        await wait_for(pilot, lambda: getattr(app.screen, "scape", True) is not None
                       and getattr(app.screen, "comparison", True) is not None)
        await pilot.press("K")
        await wait_for(pilot, lambda: korean in screen_text(app) and "단계 화면으로" in screen_text(app))
        assert i18n.language() == "ko" and english not in screen_text(app)
        await pilot.press("K")
        await wait_for(pilot, lambda: english in screen_text(app) and "Back to the stepper" in screen_text(app))
        await pilot.press("K")
        await wait_for(pilot, lambda: korean in screen_text(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is stepper and "순전파" in screen_text(app))


async def test_K_switches_the_error_screen_live(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(BROKEN, encoding="utf-8")
    app = FastWatchApp(broken)
    async with app.run_test(size=SMALL) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ErrorScreen))
        assert "broken.toml: seed: expected at least 0, got -1" in screen_text(app)
        await pilot.press("K")
        await wait_for(pilot, lambda: "broken.toml: seed: 0 이상이어야 함 (받은 값: -1)" in screen_text(app))
        assert "파일을 고쳐 저장하거나" in screen_text(app) and "Fix and save" not in screen_text(app)
        await pilot.press("K")
        await wait_for(pilot, lambda: "broken.toml: seed: expected at least 0, got -1" in screen_text(app))


# -- text made when something failed, shown until the learner moves on: said again by K ------------


async def test_K_says_again_why_the_loader_failed_on_the_error_screen(monkeypatch) -> None:
    """A loader failure it does not describe itself (LoadFailed) stays on the error screen: its
    message is said where drawn, so K switches it as it switches the loader's own messages."""
    from backprop_tui.walk import watch

    def fails(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(watch, "load", fails)
    app = FastWatchApp("lecture")  # a bundled name: the message names it as given, on one line
    async with app.run_test(size=SMALL) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ErrorScreen))
        assert "lecture: could not be loaded (RuntimeError: boom)" in screen_text(app)
        await pilot.press("K")
        await wait_for(pilot, lambda: "lecture: 읽어 들일 수 없음 (RuntimeError: boom)" in screen_text(app))
        assert "could not be loaded" not in screen_text(app)
        await pilot.press("K")
        await wait_for(pilot, lambda: "lecture: could not be loaded (RuntimeError: boom)" in screen_text(app))


@pytest.mark.parametrize(("key", "screen", "module", "function", "english", "korean"), [
    ("c", CompareScreen, "backprop_tui.tui.screens.compare", "compare", "could not compare: boom", "비교할 수 없음: boom"),
    ("L", LandscapeScreen, "backprop_tui.tui.screens.landscape", "landscape", "could not draw the landscape: boom",
     "손실 지형을 그릴 수 없음: boom"),
])
async def test_K_says_again_why_a_screen_s_computation_failed(monkeypatch, key, screen, module, function, english,
                                                              korean) -> None:
    """The compare and landscape screens explain a computation that failed in place of its result;
    K says it in the other language (the landscape's no longer turns into 'computing…')."""
    def fails(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(f"{module}.{function}", fails)
    app = FastWatchApp(resolve("learning-rate"))
    async with app.run_test(size=LARGE) as pilot:
        await stepper_ready(pilot)
        await pilot.press(key)
        await wait_for(pilot, lambda: isinstance(app.screen, screen) and english in screen_text(app))
        await pilot.press("K")
        await wait_for(pilot, lambda: korean in screen_text(app))
        assert english not in screen_text(app) and "계산하는 중" not in screen_text(app)
        await pilot.press("K")
        await wait_for(pilot, lambda: english in screen_text(app))
