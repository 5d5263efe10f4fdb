"""A finished run browsed read-only (`backprop-tui RUN.npz`) in Korean: the status line, the
picker's heading, table and errors, with the numbers as in English."""

from __future__ import annotations

import io

import numpy as np
import pytest
from rich.console import Console
from textual.widgets import Input

from backprop_tui import i18n
from backprop_tui.tui.screens.browse import BrowseScreen, PickerScreen
from backprop_tui.tui.training_app import ScreenApp

from support.fashion_data import fashion_like
from watch_support import RecordedJob, screen_text, wait_for

SIZE = (120, 36)


def picker_text(app: ScreenApp) -> str:
    console = Console(width=100, record=True, file=io.StringIO(), color_system=None)
    console.print(app.screen.query_one("#picker-view").content)
    return console.export_text()


def browsed(start: tuple[int, int]) -> tuple[ScreenApp, BrowseScreen]:
    images, labels = fashion_like(200, 11)
    job = RecordedJob(images, labels, epochs=4, batches=19)
    job.start = start
    probabilities = np.full((200, 10), 0.02)
    predictions = labels.copy()
    predictions[:7] = (labels[:7] + 1) % 10          # seven mistakes, the first one image 0
    probabilities[np.arange(200), predictions] = 0.82
    screen = BrowseScreen(job, predictions, probabilities)
    return ScreenApp(screen), screen


async def test_the_read_only_run_and_its_picker_are_korean() -> None:
    i18n.set_language("ko")
    app, screen = browsed((2, 5))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "읽기 전용" in screen_text(app))
        text = screen_text(app)
        assert ("읽기 전용: 에포크 4번 중 2번 학습함, 이어서 배치 5개; i 테스트 이미지 고르기, n/p 틀린 예 넘기기, "
                "q 나가기") in text
        assert "에포크 2의 가중치로 본 테스트 세트" in text
        assert "테스트 이미지 고르기" in text.splitlines()[-1]                    # the footer
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))
        assert app.screen.query_one(Input).placeholder == "테스트 이미지 0-199"
        shown = picker_text(app)
        truth = int(screen.job.test_labels[0])
        said = (truth + 1) % 10
        assert f"테스트 이미지 0: 정답 클래스 {truth} {screen.job.class_names[truth]}; 모델의 답 {said} " in shown
        assert "(틀림)" in shown and "레이블" in shown and "확률" in shown and "82.00%" in shown
        assert "(정답)" in shown
        await pilot.press("9", "9", "9")
        await wait_for(pilot, lambda: "999: 테스트 세트의 이미지는 0부터 199까지입니다" in picker_text(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)


@pytest.mark.parametrize(("start", "status"), [((1, 0), "read-only: 1 of 4 epochs trained; i picks a test image"),
                                                ((1, 1), "read-only: 1 of 4 epochs trained, then 1 batch; i picks")])
async def test_the_read_only_run_reads_as_before_in_english(start: tuple[int, int], status: str) -> None:
    app, _screen = browsed(start)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "read-only" in screen_text(app))
        assert status in screen_text(app)


async def test_at_80x24_the_picker_fits_the_screen_with_its_whole_table() -> None:
    i18n.set_language("ko")
    app, _screen = browsed((2, 5))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "읽기 전용" in screen_text(app))
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.pause()
        box = app.screen.query_one("#picker").region
        assert box.right <= 80 and box.bottom <= 24                      # its frame whole on the screen
        lines = screen_text(app).splitlines()
        assert lines[0].startswith("╭") and lines[0].rstrip().endswith("╮") and lines[-1].rstrip().endswith("╯")
        row = next(line for line in lines if "82.00%" in line)
        assert "…" not in row and row.rstrip().endswith("│") and "█" * 10 in row   # the bar not cut off
