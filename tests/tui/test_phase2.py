"""Authoring in the app: switch variant, compare variants, edit a value (and undo), export markdown."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.walk.stepper import Position
from backprop_tui.tui.app import BackpropApp
from backprop_tui.tui.screens.compare import CompareScreen
from backprop_tui.tui.screens.dialogs import EditDialog, VariantDialog
from backprop_tui.tui.screens.handout_dialog import HandoutDialog
from backprop_tui.tui.screens.stepper import StepperScreen

from .helpers import FastWatchApp, screen_text, wait_for

SIZE = (100, 32)



@pytest.fixture
def rates(tmp_path: Path) -> Path:
    path = tmp_path / "learning-rate.toml"
    path.write_text(resolve("learning-rate").read_text(encoding="utf-8"), encoding="utf-8")
    return path


async def test_switching_variant_keeps_the_place(rates: Path) -> None:
    app = FastWatchApp(rates)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, StepperScreen)
        await pilot.press("pagedown", "right", "v")
        assert isinstance(app.screen, VariantDialog)
        names = [option.id for option in app.screen.query_one(OptionList).options]
        await pilot.press(*["down"] * names.index("too-large"), "enter")
        await wait_for(pilot, lambda: app.screen is screen and screen.stepper.scenario.variant == "too-large")
        assert screen.stepper.position == Position(1, 1)
        assert screen.stepper.scenario.training.learning_rate == 1.8
        assert "[too-large]" in screen_text(app)


async def test_a_scenario_without_variants_says_so() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v")
        assert isinstance(app.screen, StepperScreen)


async def test_compare_draws_every_variant(rates: Path) -> None:
    app = BackpropApp(rates)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        await wait_for(pilot, lambda: screen.comparison is not None)
        text = screen_text(app)
        for name in ("too-small", "right", "too-large (E is inf/NaN from iteration 302 (after 301 updates))"):
            assert name in text
        await pilot.press("escape")
        assert isinstance(app.screen, StepperScreen)


@pytest.mark.parametrize("name", ["learning-rate", "local-minimum", "solar"])
async def test_the_compare_view_survives_resizing(name: str) -> None:
    """Every redraw plots the curves afresh: a resize never takes the log of logged data."""
    app = BackpropApp(resolve(name))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        await wait_for(pilot, lambda: screen.comparison is not None)
        for size in [(80, 24), (200, 50), (120, 36), SIZE]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
        assert app.is_running and app.return_code is None
        assert app.screen is screen and "log scale" in screen_text(app)


async def test_editing_a_weight_keeps_comments_reloads_and_undoes(lecture_copy: Path) -> None:
    original = lecture_copy.read_text(encoding="utf-8")
    app = FastWatchApp(lecture_copy)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, StepperScreen)
        await pilot.press("j", "e")  # θ¹ᵀ₂₁ is θ¹₁₂, 1.1 in the file
        dialog = app.screen
        assert isinstance(dialog, EditDialog)
        assert dialog.query_one(Input).value == "1.1"
        dialog.query_one(Input).value = "2.5"
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.stepper.scenario.layers[0].weights[0, 1] == 2.5)
        text = lecture_copy.read_text(encoding="utf-8")
        assert "weights = [[1.2, 2.5, 1.5]," in text
        assert "# θ¹: inputs × units (2×3)" in text  # comments kept
        assert "1.2 · 1 + 0.3 · 0.5" not in screen_text(app)
        await pilot.press("u")
        await wait_for(pilot, lambda: screen.stepper.scenario.layers[0].weights[0, 1] == 1.1)
        assert lecture_copy.read_text(encoding="utf-8") == original


async def test_an_invalid_edit_is_refused_with_the_loader_message(lecture_copy: Path) -> None:
    original = lecture_copy.read_text(encoding="utf-8")
    app = FastWatchApp(lecture_copy)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, EditDialog)
        dialog.query_one(OptionList).highlighted = 1  # the learning rate
        await pilot.pause()
        assert dialog.query_one(Input).value == "0.5"
        dialog.query_one(Input).value = "-3"
        await pilot.press("enter")
        assert app.screen is dialog
        assert "training.learning_rate" in screen_text(app)
        dialog.query_one(Input).value = "abc"
        await pilot.press("enter")
        assert "expected a number" in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, StepperScreen)
        assert lecture_copy.read_text(encoding="utf-8") == original


async def test_editing_a_bundled_scenario_edits_a_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = BackpropApp(resolve("lecture"))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("e")
        app.screen.query_one(Input).value = "0.75"
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.stepper.scenario.layers[0].weights[0, 0] == 0.75)
        copy = tmp_path / "lecture-edited.toml"
        assert copy.is_file() and app.source == copy
        assert "1.2" in resolve("lecture").read_text(encoding="utf-8")


async def test_export_writes_the_walk_as_markdown(tmp_path: Path) -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("pagedown", "x")
        dialog = app.screen
        assert isinstance(dialog, HandoutDialog)
        path = dialog.query_one("#handout-path", Input)
        assert path.value == "lecture-handout.md" and dialog.field("to") == "2"
        path.value = str(tmp_path / "missing-folder" / "out.md")
        await pilot.press("enter")
        assert app.screen is dialog and "cannot write" in screen_text(app)
        target = tmp_path / "walk.md"
        path.value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, StepperScreen))
        text = target.read_text(encoding="utf-8")
        assert text.startswith("# Lecture") and "## Iteration 2" in text and "## Iteration 3" not in text
