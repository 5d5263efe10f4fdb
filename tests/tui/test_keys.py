"""Pilot presses keys on the real app and checks the position and the text on screen."""

from __future__ import annotations

import re

from backprop_tui.walk.stepper import Position
from backprop_tui.tui.app import BackpropApp
from backprop_tui.tui.screens.help import HelpScreen
from backprop_tui.tui.screens.stepper import SPEEDS, StepperScreen


from .helpers import pane_text, screen_text, wait_for

SIZE = (100, 32)


def stepper_screen(app: BackpropApp) -> StepperScreen:
    assert isinstance(app.screen, StepperScreen)
    return app.screen


async def test_the_lecture_forward_pass_key_by_key() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "iteration 1/3" in text and "FORWARD" in text and "step 1/12" in text and "E = 0.0725" in text
        assert "z¹ = θ¹ᵀ·x" in text
        assert "θ¹ᵀ 3×2" in text and "x 2×1" in text and "z¹ 3×1" in text
        assert "θ¹ 2×3" not in text  # the stored source is hidden until t
        for value in ("1.350", "1.450", "1.650"):
            assert value in text
        await pilot.press("right")
        text = screen_text(app)
        assert "a¹ = σ(z¹)" in text and "0.794" in text and "0.810" in text and "0.839" in text
        await pilot.press("n", "n")
        text = screen_text(app)
        assert "ŷ = σ(z²)" in text and "ŷ 1×1" in text and "0.619" in text
        await pilot.press("right", "d")
        text = screen_text(app)
        assert "LOSS" in text and "E 1×1" in text and "0.0725" in text and "0.3809" in text


async def test_backward_update_and_back_again() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=SIZE) as pilot:
        screen = stepper_screen(app)
        await pilot.press("down", "down")
        assert screen.stepper.step.phase == "backward"
        text = screen_text(app)
        assert "δ² = ∂E/∂ŷ ⊙ σ′(z²)" in text and "-0.381" in text and "0.236" in text and "-0.090" in text
        await pilot.press("right")
        text = screen_text(app)
        assert "∂E/∂θ² 3×1" in text and "δ²ᵀ 1×1" in text and "-0.071" in text
        await pilot.press("down")
        text = screen_text(app)
        assert "UPDATE" in text and "θ¹: old → new" in text and "↑" in text
        await pilot.press("left", "p")
        assert screen.stepper.position == Position(0, 8)
        await pilot.press("up", "up")
        assert screen.stepper.step.phase == "loss"


async def test_iterations_first_and_last_steps() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=SIZE) as pilot:
        screen = stepper_screen(app)
        await pilot.press("pagedown")
        assert screen.stepper.position == Position(1, 0)
        assert "iteration 2/3" in screen_text(app)
        await pilot.press("end")
        assert screen.stepper.position == Position(1, 11)
        await pilot.press("home", "pageup")
        assert screen.stepper.position == Position(0, 0)
        for _ in range(4):
            await pilot.press("N")
        assert screen.stepper.position == Position(4, 0)
        assert "iteration 5, past the 3 planned" in screen_text(app)  # computed on demand, said in words
        await pilot.press("greater_than_sign")
        assert screen.stepper.position.iteration == 14
        assert "15 iterations" in screen_text(app)


async def test_the_cursor_moves_and_the_chain_rule_follows() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=SIZE) as pilot:
        screen = stepper_screen(app)
        await pilot.press("i")  # hide the description shown on opening
        assert "Chain rule" not in screen_text(app)  # about gradients: hidden in the forward phase ...
        await pilot.press("w")  # ... unless asked for
        assert "Chain rule for θ¹₁₁" in screen_text(app)
        await pilot.press("l", "l", "l", "j", "j")  # clamped to θ¹'s 2×3
        assert screen.focus_weight().row == 1 and screen.focus_weight().col == 2
        text = screen_text(app)
        assert "Chain rule for θ¹₂₃" in text and "✓ agrees" in text
        await pilot.press("shift+left", "shift+up")
        assert "Chain rule for θ¹₁₂" in screen_text(app)
        await pilot.press("down", "down", "right")  # gradient of θ²: the cursor is in layer 2
        text = screen_text(app)
        assert "Chain rule for θ²₁₁" in text
        # a table: the factors' symbols above their values, negatives in parentheses, the product
        chain = pane_text(app, "chain")
        assert re.search(r"∂E/∂ŷ₁ +∂ŷ₁/∂z²₁ +∂z²₁/∂θ²₁₁ *\n *\(-0\.3809\) +0\.2358 +0\.7941 += -0\.071331", chain), chain
        assert "Σ over paths = -0.071331 analytic -0.071331 numeric (central diff.) -0.071331" in " ".join(chain.split())


async def test_transposes_and_decimals_toggle() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=SIZE) as pilot:
        screen = stepper_screen(app)
        await pilot.press("t")
        text = screen_text(app)
        assert "θ¹ 2×3" in text and "θ¹ᵀ 3×2" in text
        await pilot.press("t", "d", "d")
        assert screen.decimals == 5 and "1.35000" in screen_text(app)
        for _ in range(10):
            await pilot.press("D")
        assert screen.decimals == 1 and "θ¹ 2×3" not in screen_text(app)


async def test_play_steps_by_itself_and_pauses() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=SIZE) as pilot:
        screen = stepper_screen(app)
        for _ in range(3):
            await pilot.press("plus")
        assert SPEEDS[screen.speed] == 0.1
        await pilot.press("space")
        assert screen.playing and "playing" in screen_text(app)
        await wait_for(pilot, lambda: screen.stepper.position.step >= 2)
        await pilot.press("space")
        stopped = screen.stepper.position
        assert not screen.playing
        await pilot.press("minus")
        assert SPEEDS[screen.speed] == 0.25
        assert screen.stepper.position == stopped


async def test_help_lists_every_key_and_closes() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "Stepping" in screen_text(app) and "Next step" in screen_text(app)  # the first group on top
        seen = screen_text(app)
        for _ in range(12):  # the help is grouped by task and scrolls: read it page by page
            await pilot.press("pagedown")
            seen += screen_text(app)
        for words in ("Next step", "Previous phase", "Next iteration", "Play/pause", "Cursor left",
                      "More decimals", "Reload from disk", "Open", "Quit", "Go to iteration N",
                      "Next sample", "Notation", "Backward pass", "element-wise product"):
            assert words in seen, words
        await pilot.press("escape")
        assert isinstance(app.screen, StepperScreen)


async def test_the_command_palette_runs_stepper_actions() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=SIZE) as pilot:
        screen = stepper_screen(app)
        await pilot.press("ctrl+p")
        await pilot.press(*"next iteration")
        await wait_for(pilot, lambda: "Next iteration" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen and screen.stepper.position == Position(1, 0))


async def test_quit() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running)
