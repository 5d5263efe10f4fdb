"""The app in Korean: K switches live, the help and the glossary in Korean, and the layout holds
with double-width Hangul at 80x24 (snapshots of the stepper and help at 80x24 and 120x36)."""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import Static

from backprop_tui import i18n
from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.render.glossary import GLOSSARY
from backprop_tui.tui.app import BackpropApp
from backprop_tui.tui.screens.glossary import GlossaryScreen
from backprop_tui.tui.screens.help import HelpScreen
from backprop_tui.render.step import header_text
from backprop_tui.tui.screens.stepper import StepperScreen
from backprop_tui.tui.widgets.step_pane import StepPane
from tests.tui.helpers import FastWatchApp, screen_text, wait_for, widget_text

SMALL, LARGE = (80, 24), (120, 36)


def korean_lecture() -> BackpropApp:
    i18n.set_language("ko")  # as `--lang ko` leaves it before the app starts (conftest resets it)
    return FastWatchApp(resolve("lecture"))


def footer(app: BackpropApp) -> str:
    return screen_text(app).splitlines()[-1]


async def test_K_switches_the_whole_screen_to_korean_and_back() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, StepperScreen) and "FORWARD" in screen_text(app))
        assert "Next step" in footer(app) and "Lecture: forward and back" in screen_text(app)
        await pilot.press("K")
        await wait_for(pilot, lambda: "순전파 · 레이어 1" in screen_text(app))
        text = screen_text(app)
        assert i18n.language() == "ko"
        assert "→ 다음" in footer(app) and "종료" in footer(app)            # footer: its labels translated
        assert "강의: 2-3-1 신경망의 순전파와 역전파" in text                     # title_ko, about panel and header
        assert "강의에서 칠판에 푼 예제 그대로입니다" in text                          # description_ko
        assert "반복" in text and "FORWARD" not in text and "Next step" not in text
        await pilot.press("right")                                              # moves keep working
        await wait_for(pilot, lambda: "활성화 함수: sigmoid" in screen_text(app))
        await pilot.press("K")
        await wait_for(pilot, lambda: "FORWARD · layer 1" in screen_text(app))
        assert i18n.language() == "en" and "Next step" in footer(app) and "순전파" not in screen_text(app)


async def test_the_help_is_korean_and_t_opens_the_glossary_with_every_term() -> None:
    app = korean_lecture()
    async with app.run_test(size=LARGE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, StepperScreen))
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        help_text = "\n".join(widget_text(s) for s in app.screen.query(Static))
        for words in ("단계 이동", "자세히 보기", "시나리오 바꾸기", "표기법", "이 시나리오", "다음 단계",
                      "언어 바꾸기 (English/한국어)", "순전파 (forward pass)", "t: 용어집"):
            assert words in help_text, words
        assert "Next step" not in help_text and "Looking closer" not in help_text
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, GlossaryScreen))
        glossary = "\n".join(widget_text(s) for s in app.screen.query(Static))
        for term in GLOSSARY:
            assert term.korean in glossary and term.english[0] in glossary, term
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))


async def test_at_80x24_every_korean_heading_of_the_lecture_fits_its_line_and_the_footer_fits() -> None:
    app = korean_lecture()
    async with app.run_test(size=SMALL) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, StepperScreen))
        screen = app.screen
        pane = screen.query_one(StepPane)
        for _step in range(len(screen.stepper.steps)):
            first_line = pane.part_text("heading").splitlines()[0]
            whole = header_text(screen.stepper.step).plain  # the pane cuts with "…" what does not fit
            assert first_line == whole and cell_len(first_line) <= pane.placed("heading").width, first_line
            position = screen.stepper.position
            await pilot.press("right")
            await wait_for(pilot, lambda: screen.stepper.position != position)
        line = footer(app)
        # at 80 columns the stepping keys take their short labels (as the English footer does) and
        # ? Help and q Quit stay in view
        for words in ("→ 다음", "← 이전", "↓ 국면", "space 재생", "? 도움말", "q 종료"):
            assert words in line, line
        width = pane.placed("heading").width
    # every step of every bundled scenario (other losses and activations have longer names)
    too_long = [heading for heading in korean_headings() if cell_len(heading) > width]
    assert not too_long


def korean_headings() -> list[str]:
    from backprop_tui.core.dense.run import run
    from backprop_tui.core.dense.steps import build_steps
    from backprop_tui.core.scenario.bundled import bundled_names
    from backprop_tui.core.scenario.load import apply_variant, load
    from backprop_tui.render.step import header_text

    from backprop_tui.core.scenario.kind import file_kind
    from backprop_tui.core.vocab import ScenarioKind

    from backprop_tui.core.dense import conv_run
    from backprop_tui.core.dense.conv_steps import build_conv_steps
    from backprop_tui.core.scenario.conv_load import load_conv

    conv = load_conv("conv")  # the convolutional steps' titles (its data is in the file)
    headings = [header_text(step).plain for step in build_conv_steps(conv, conv_run.run(conv, 1)[0])]
    for name in bundled_names():
        if file_kind(resolve(name)) is not ScenarioKind.DENSE:
            continue
        scenario = load(resolve(name))
        for variant in [None, *[v.name for v in scenario.variants]]:
            s = apply_variant(scenario, variant) if variant else scenario
            headings += [header_text(step).plain for it in run(s, 1) for step in build_steps(s, it)]
    return headings


class TestKoreanSnapshots:
    def test_stepper_80x24(self, snap_compare) -> None:
        assert snap_compare(korean_lecture(), terminal_size=SMALL, press=["right", "right"])

    def test_stepper_backward_80x24(self, snap_compare) -> None:
        assert snap_compare(korean_lecture(), terminal_size=SMALL, press=["down", "down", "right"])

    def test_stepper_120x36(self, snap_compare) -> None:
        assert snap_compare(korean_lecture(), terminal_size=LARGE)

    def test_help_80x24(self, snap_compare) -> None:
        assert snap_compare(korean_lecture(), terminal_size=SMALL, press=["question_mark"])

    def test_help_120x36(self, snap_compare) -> None:
        assert snap_compare(korean_lecture(), terminal_size=LARGE, press=["question_mark"])

    def test_glossary_80x24(self, snap_compare) -> None:
        assert snap_compare(korean_lecture(), terminal_size=SMALL, press=["question_mark", "t"])
