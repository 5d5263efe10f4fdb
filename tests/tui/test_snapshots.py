"""Snapshots of the stepper at a fixed size: forward, backward, update, errors, divergence, 80x24.

Regenerate after an intended change with `pytest tests/tui --snapshot-update` and review the SVGs.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.tui.app import BackpropApp
from backprop_tui.tui.widgets.error_panel import ErrorPanel

from .helpers import FastWatchApp, wait_for

SIZE = (100, 32)



def lecture() -> BackpropApp:
    return FastWatchApp(resolve("lecture"))


class TestStepper:
    def test_forward(self, snap_compare) -> None:
        assert snap_compare(lecture(), terminal_size=SIZE)

    def test_forward_with_transposed_sources(self, snap_compare) -> None:
        assert snap_compare(lecture(), terminal_size=SIZE, press=["t", "l", "j"])

    def test_backward(self, snap_compare) -> None:
        assert snap_compare(lecture(), terminal_size=SIZE, press=["down", "down", "right"])

    def test_update(self, snap_compare) -> None:
        assert snap_compare(lecture(), terminal_size=SIZE, press=["down", "down", "down", "d"])

    def test_80x24(self, snap_compare) -> None:
        assert snap_compare(lecture(), terminal_size=(80, 24), press=["right", "right"])

    def test_help(self, snap_compare) -> None:
        assert snap_compare(lecture(), terminal_size=SIZE, press=["question_mark"])


LECTURE_STEPS = {"forward": [], "backward": ["down", "down", "right"], "update": ["down", "down", "down"]}
"""Keys from the start to the lecture's first forward step, a backward step (∂E/∂θ²) and the θ¹ update."""


class TestDrawnNetwork:
    """The drawn network and the loss chart at the three sizes the layout serves (issue 10)."""

    def test_forward_80x24(self, snap_compare) -> None:
        assert snap_compare(lecture(), terminal_size=(80, 24), press=LECTURE_STEPS["forward"])

    def test_backward_80x24(self, snap_compare) -> None:
        assert snap_compare(lecture(), terminal_size=(80, 24), press=LECTURE_STEPS["backward"])

    def test_update_80x24(self, snap_compare) -> None:
        assert snap_compare(lecture(), terminal_size=(80, 24), press=LECTURE_STEPS["update"])

    def test_forward_120x36(self, snap_compare) -> None:
        assert snap_compare(lecture(), terminal_size=(120, 36), press=LECTURE_STEPS["forward"])

    def test_backward_120x36(self, snap_compare) -> None:
        assert snap_compare(lecture(), terminal_size=(120, 36), press=LECTURE_STEPS["backward"])

    def test_update_120x36(self, snap_compare) -> None:
        assert snap_compare(lecture(), terminal_size=(120, 36), press=LECTURE_STEPS["update"])

    def test_forward_200x50(self, snap_compare) -> None:
        assert snap_compare(lecture(), terminal_size=(200, 50), press=LECTURE_STEPS["forward"])

    def test_backward_200x50(self, snap_compare) -> None:
        assert snap_compare(lecture(), terminal_size=(200, 50), press=LECTURE_STEPS["backward"])

    def test_update_200x50(self, snap_compare) -> None:
        assert snap_compare(lecture(), terminal_size=(200, 50), press=LECTURE_STEPS["update"])

    def test_light_theme_120x36(self, snap_compare) -> None:
        async def light(pilot: Pilot) -> None:
            pilot.app.theme = "textual-light"
            await pilot.press(*LECTURE_STEPS["backward"])

        assert snap_compare(lecture(), terminal_size=(120, 36), run_before=light)

    def test_local_minimum_after_going_to_iteration_300(self, snap_compare) -> None:
        async def go(pilot: Pilot) -> None:
            screen = pilot.app.screen
            await pilot.press("colon", "3", "0", "0", "enter")
            await wait_for(pilot, lambda: pilot.app.screen is screen and not screen.busy
                           and screen.stepper.position.iteration == 299, timeout=60)

        assert snap_compare(FastWatchApp(resolve("local-minimum")), terminal_size=(120, 36), run_before=go)


class TestErrorsAndDivergence:
    def test_error_panel_over_the_last_good_scenario(self, snap_compare, lecture_copy: Path) -> None:
        async def break_the_file(pilot: Pilot) -> None:
            text = lecture_copy.read_text(encoding="utf-8")
            lecture_copy.write_text(text.replace("learning_rate = 0.5", "learning_rate = -1"), encoding="utf-8")
            panel = pilot.app.screen.query_one(ErrorPanel)
            await wait_for(pilot, lambda: panel.display)

        assert snap_compare(FastWatchApp(lecture_copy), terminal_size=SIZE, run_before=break_the_file)

    def test_error_screen_without_a_good_scenario(self, snap_compare, lecture_copy: Path) -> None:
        text = lecture_copy.read_text(encoding="utf-8")
        lecture_copy.write_text(text.replace("units = 3", "units = 0").replace("iterations = 3", "iterations = x"),
                                encoding="utf-8")
        assert snap_compare(FastWatchApp(lecture_copy), terminal_size=SIZE)

    def test_diverged_step(self, snap_compare, diverging: Path) -> None:
        press = ["pagedown"] * 3 + ["down"]  # iteration 4, its loss step: where E first overflows
        assert snap_compare(FastWatchApp(diverging), terminal_size=SIZE, press=press)


class TestCompare:
    def test_compare_view(self, snap_compare) -> None:
        async def wait_for_curves(pilot: Pilot) -> None:
            await pilot.press("c")
            await wait_for(pilot, lambda: getattr(pilot.app.screen, "comparison", None) is not None)

        assert snap_compare(FastWatchApp(resolve("learning-rate")), terminal_size=SIZE, run_before=wait_for_curves)

    def test_compare_view_80x24(self, snap_compare) -> None:
        async def wait_for_curves(pilot: Pilot) -> None:
            await pilot.press("c")
            await wait_for(pilot, lambda: getattr(pilot.app.screen, "comparison", None) is not None)

        assert snap_compare(FastWatchApp(resolve("local-minimum")), terminal_size=(80, 24), run_before=wait_for_curves)
