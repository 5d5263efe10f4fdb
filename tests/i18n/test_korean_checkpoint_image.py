"""A checkpoint opened on a test image (`backprop-tui RUN.npz --image N`) follows K: its title and
description are made by the program, so they are said in the language of the moment they are
drawn, not frozen in the language the checkpoint was opened in."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.fashion_data import train_small_checkpoint

from backprop_tui import i18n
from backprop_tui.core.cnn.data import CLASS_NAMES
from backprop_tui.core.conv.checkpoint import checkpoint_scenario
from backprop_tui.render.describe import scenario_description, scenario_title
from backprop_tui.tui.app import BackpropApp
from backprop_tui.tui.screens.stepper import StepperScreen
from tests.tui.helpers import screen_text, wait_for


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory) -> Path:
    """A checkpoint trained one epoch on a small synthetic data set (its folder is kept beside it)."""
    return train_small_checkpoint(tmp_path_factory.mktemp("image"))[0]


def test_the_title_and_description_are_said_in_the_language_they_are_drawn_in(checkpoint: Path) -> None:
    scenario = checkpoint_scenario(checkpoint, 3)          # opened in English
    label = CLASS_NAMES[scenario.labels[0]]
    assert scenario_title(scenario) == f"small.npz: test image 3 ({label})"
    assert scenario_description(scenario).startswith("The network trained by batch mode (1 of 1 epochs) on test image 3")
    i18n.set_language("ko")                                 # then switched
    assert scenario_title(scenario) == f"small.npz: 테스트 이미지 3 ({label})"   # the class name as predict shows it
    assert scenario_description(scenario).startswith("배치 모드로 학습한 신경망(에포크 1/1)의 테스트 이미지 3(레이블 ")
    i18n.set_language("en")
    assert scenario_title(scenario) == f"small.npz: test image 3 ({label})"
    # what is written for a program (an exported script's docstring, JSON) stays the English text
    assert str(scenario.title) == f"small.npz: test image 3 ({label})"


@pytest.mark.parametrize("opened_in", ["en", "ko"])
async def test_K_switches_the_checkpoint_s_title_and_description_on_screen(checkpoint: Path, opened_in: str) -> None:
    i18n.set_language(opened_in)
    app = BackpropApp(checkpoint, image=3)
    english, korean = "small.npz: test image 3 (", "small.npz: 테스트 이미지 3 ("
    first, second = (english, korean) if opened_in == "en" else (korean, english)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, StepperScreen) and first in screen_text(app))
        await pilot.press("K")
        await wait_for(pilot, lambda: second in screen_text(app))
        text = screen_text(app)
        assert first not in text
        assert ("배치 모드로 학습한 신경망" in text) == (second == korean)          # the description panel too
        assert ("The network trained by batch mode" in text) == (second == english)
        await pilot.press("K")
        await wait_for(pilot, lambda: first in screen_text(app))
        assert second not in screen_text(app)
