"""The input-plane view: opened with O from the stepper (o stays the app's Open), it follows the stepper's iteration and
the diagram's cursor, fits every terminal size, reads without colour, and snapshots at 120x36 of
xor and softmax and at 80x24 of xor."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from textual.pilot import Pilot

from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.tui.screens.open_dialog import OpenScenarioDialog
from backprop_tui.tui.screens.help import TASKS
from backprop_tui.tui.screens.plane import PlaneScreen
from backprop_tui.tui.screens.stepper import StepperScreen
from backprop_tui.tui.widgets.plane_view import PlaneView

from .helpers import FastWatchApp, screen_text, wait_for

SIZE = (120, 36)


async def open_plane(pilot: Pilot, *before: str) -> PlaneScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, StepperScreen))
    for key in before:
        await pilot.press(key)
    await pilot.press("O")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PlaneScreen))
    await wait_for(pilot, lambda: "across: x1, up: x2" in screen_text(pilot.app))
    return pilot.app.screen


async def test_the_unit_under_the_diagrams_cursor_is_enlarged() -> None:
    app = FastWatchApp(resolve("xor"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_plane(pilot)  # the first step computes z¹: the cursor is on θ¹₁₁, into a¹₁
        assert (screen.chosen.layer, screen.chosen.index) == (1, 0)
        assert "a¹₁ enlarged" in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, StepperScreen))
        stepper_screen = app.screen
        await pilot.press("j")  # down a row of the θ¹ᵀ shown: θ¹₁₂, the edge into a¹₂
        assert stepper_screen.focus_weight().col == 1
        screen = await open_plane(pilot)
        assert (screen.chosen.layer, screen.chosen.index) == (1, 1)
        await pilot.press("right")  # the next unit in the diagram's order: the output
        await wait_for(pilot, lambda: "ŷ₁ enlarged" in screen_text(app))
        assert "boundary ŷ = 0.5" in screen_text(app)
        await pilot.press("right")  # wraps around to the first hidden unit
        await wait_for(pilot, lambda: "a¹₁ enlarged" in screen_text(app))


async def test_stepping_iterations_redraws_and_the_stepper_keeps_the_place() -> None:
    app = FastWatchApp(resolve("xor"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_plane(pilot)
        first = screen.chosen.values.copy()
        assert "a¹₁ · iteration 1, after 0 updates" in screen_text(app)
        for _ in range(3):
            await pilot.press("greater_than_sign")
        await wait_for(pilot, lambda: "a¹₁ · iteration 31, after 30 updates" in screen_text(app))
        assert screen.plane.updates == 30
        assert not np.array_equal(first, screen.chosen.values)
        view = screen.query_one(PlaneView)
        assert view.plane is screen.plane
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, StepperScreen))
        assert app.screen.stepper.position.iteration == 30


async def test_saving_the_file_redraws_the_plane_and_o_still_opens(lecture_copy: Path) -> None:
    app = FastWatchApp(lecture_copy)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_plane(pilot)
        before = screen.plane.unit(1, 0).values.copy()
        text = lecture_copy.read_text(encoding="utf-8")
        assert "[1.2, 1.1, 1.5]" in text
        lecture_copy.write_text(text.replace("[1.2, 1.1, 1.5]", "[-1.2, 1.1, 1.5]"), encoding="utf-8")
        await wait_for(pilot, lambda: not np.array_equal(screen.plane.unit(1, 0).values, before))
        assert app.screen is screen
        assert screen.stepper is screen.stepper_of()
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, StepperScreen))
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, OpenScenarioDialog))


async def test_opening_a_one_input_scenario_leaves_the_plane() -> None:
    app = FastWatchApp(resolve("xor"))
    async with app.run_test(size=SIZE) as pilot:
        await open_plane(pilot)
        await pilot.press("o")  # the app's Open, over the plane
        await wait_for(pilot, lambda: isinstance(app.screen, OpenScenarioDialog))
        await pilot.press(*"learning-rate", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, StepperScreen))
        assert app.screen.stepper.scenario.inputs == 1
        await wait_for(pilot, lambda: any("No input plane" in str(n.message) for n in app._notifications))


async def test_a_network_with_one_input_says_why_there_is_no_plane() -> None:
    app = FastWatchApp(resolve("learning-rate"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, StepperScreen))
        await pilot.press("O")
        await wait_for(pilot, lambda: any("No input plane" in str(n.message) for n in app._notifications))
        assert isinstance(app.screen, StepperScreen)


async def test_more_than_two_inputs_choose_a_pair_and_say_where_the_rest_are_held() -> None:
    app = FastWatchApp(resolve("solar"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_plane(pilot)
        assert "held at their mean over the data: x3 = 0.4858, x4 = 0.2867, x5 = 0.405" in screen_text(app)
        await pilot.press("i")
        await wait_for(pilot, lambda: "across: x1, up: x3; x2, x4, x5 at their mean" in screen_text(app))
        assert screen.plane.inputs == (0, 2)


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (200, 50)])
@pytest.mark.parametrize("name", ["xor", "softmax"])
async def test_every_size_fits_and_shows_every_unit(size, name) -> None:
    app = FastWatchApp(resolve(name))
    async with app.run_test(size=size) as pilot:
        screen = await open_plane(pilot)
        text = screen_text(app)
        lines = text.splitlines()
        assert len(lines) == size[1]
        big = [line for line in lines if line.count("|") == 2]
        assert len(big) >= 8  # the enlarged picture's rows, whole (both borders shown)
        for unit in ("a¹₁", "a¹₂", "ŷ₁"):
            assert unit in text
        assert "scale" in text and "data points" in text


async def test_without_colour_the_pictures_are_characters(monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = FastWatchApp(resolve("xor"))
    async with app.run_test(size=SIZE) as pilot:
        await open_plane(pilot, "down", "down")  # the loss phase: the cursor is on the output layer
        text = screen_text(app)
        assert "ŷ₁ enlarged" in text
        assert "▀" not in text  # half blocks need colours
        rows = [line for line in text.splitlines() if line.count("|") == 2]
        drawn = "".join(rows)
        assert "#" in drawn and {"0", "1"} <= set(drawn) and "@" in drawn
        assert "[ .:-=+*%@]" in text


async def test_light_theme_keeps_the_view() -> None:
    app = FastWatchApp(resolve("softmax"))
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "textual-light"
        screen = await open_plane(pilot, "down", "down")
        assert "regions: the most likely class" in screen_text(app)
        assert "ŷ: the most likely class · iteration 1, after 0 updates" in screen_text(app)
        assert screen.query_one(PlaneView).colour


def test_the_key_is_in_the_bindings_and_the_help() -> None:
    assert any(b.key == "O" and b.action == "plane" for b in StepperScreen.BINDINGS)
    assert "plane" in TASKS["Looking closer"]


def _opened(*before: str):
    async def run_before(pilot: Pilot) -> None:
        await open_plane(pilot, *before)
    return run_before


class TestPlaneSnapshots:
    def test_xor_trained(self, snap_compare) -> None:
        """After the planned 200 updates the output bends around the four samples."""
        app = FastWatchApp(resolve("xor"))

        async def run_before(pilot: Pilot) -> None:
            screen = await open_plane(pilot, "down", "down")
            for _ in range(20):
                await pilot.press("greater_than_sign")
            await wait_for(pilot, lambda: screen.plane.updates == 200)

        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)

    def test_softmax_trained(self, snap_compare) -> None:
        app = FastWatchApp(resolve("softmax"))

        async def run_before(pilot: Pilot) -> None:
            screen = await open_plane(pilot, "down", "down")
            for _ in range(10):
                await pilot.press("greater_than_sign")
            await wait_for(pilot, lambda: screen.plane.updates == 100)

        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)

    def test_xor_80x24(self, snap_compare) -> None:
        app = FastWatchApp(resolve("xor"))

        async def run_before(pilot: Pilot) -> None:
            screen = await open_plane(pilot, "down", "down")
            for _ in range(20):
                await pilot.press("greater_than_sign")
            await wait_for(pilot, lambda: screen.plane.updates == 200)

        assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize(("name", "no_colour", "drawn"), [("xor", False, True), ("xor", True, False),
                                                          ("solar", False, False)])
async def test_the_stepper_diagram_nodes_carry_thumbnails_where_there_is_room(monkeypatch, name, no_colour,
                                                                               drawn) -> None:
    if no_colour:
        monkeypatch.setenv("NO_COLOR", "1")
    app = FastWatchApp(resolve(name))
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, StepperScreen))
        text = screen_text(app)
        assert ("▀ input plane (O)" in text) is drawn
        assert (text.count("▀") > 20) is drawn


async def test_a_small_stepper_diagram_has_no_thumbnails() -> None:
    app = FastWatchApp(resolve("xor"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, StepperScreen))
        assert "▀" not in screen_text(app)
