"""Divergence, a 784-128-10 network computed off the UI thread, and small or resized terminals."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from backprop_tui.walk.stepper import Position
from backprop_tui.tui.app import BackpropApp
from backprop_tui.tui.screens.stepper import StepperScreen

from .big_scenario import write_dense_scenario
from .helpers import chain_text, pane_text, screen_text, wait_for, widget_text


async def test_a_diverging_scenario_shows_inf_and_keeps_running(diverging: Path) -> None:
    app = BackpropApp(diverging)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = app.screen
        assert isinstance(screen, StepperScreen)
        await pilot.press("pagedown", "pagedown", "pagedown")
        assert screen.stepper.iteration.diverged
        while "DIVERGED HERE" not in screen_text(app):
            await pilot.press("right")
            assert screen.stepper.position.iteration == 3
        text = screen_text(app)
        assert "inf" in text and "E = inf" in text and "DIVERGED" in text
        for _ in range(30):
            await pilot.press("right")
        text = screen_text(app)
        assert "NaN" in text or "inf" in text
        caption = " ".join(widget_text(screen.query_one("#loss-caption", Static), width=30).split())
        assert "E is inf/NaN from iteration 4 (after 3 updates)" in caption
        assert app.is_running


async def test_a_784_128_10_network_steps_without_blocking(tmp_path: Path) -> None:
    path = write_dense_scenario(tmp_path / "big.toml")
    app = BackpropApp(path)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = app.screen
        assert isinstance(screen, StepperScreen)
        assert screen.stepper.slow
        text = screen_text(app)
        assert "θ¹ᵀ 128×784" in text and "⋮" in text and "…" in text
        assert not screen.stepper.is_cached(1)
        screen.action_move("next_iteration")  # computed in a worker ...
        assert screen.busy and "computing…" in screen_text(app)
        screen.action_move("next_iteration")  # ... and a key pressed meanwhile is taken after it
        await wait_for(pilot, lambda: screen.stepper.position == Position(2, 0) and not screen.busy)
        await pilot.press("pageup")
        await pilot.press("right", "right", "left", "left")  # back on z¹ = θ¹ᵀ·x
        # move the cursor deep into θ¹ᵀ (shown 128×784): the window scrolls to keep it visible
        for _ in range(20):
            await pilot.press("j")
        assert screen.focus_weight().col == 20  # θ¹ᵀ's row 21 is θ¹'s column 21
        assert "Chain rule for θ¹[1,21]" in chain_text(app)
        matrices = pane_text(app, "matrices")
        assert "θ¹ᵀ 128×784" in matrices and "│21 │" in matrices  # its row 21, scrolled into view
        await app.workers.wait_for_complete()


async def test_80x24_shows_every_part() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "The lecture's worked example" in screen_text(app)  # the description, until a key hides it
        await pilot.press("i", "w")  # the chain rule too, asked for in the forward phase
        text = screen_text(app)
        for part in ("iteration 1/3", "FORWARD", "step 1/12", "E = 0.0725", "z¹ = θ¹ᵀ·x", "θ¹ᵀ 3×2",
                     "loss over 1 iteration", "Chain rule for θ¹₁₁", "→ Next", "? Help", "q Quit"):
            assert part in text
        assert len(text.splitlines()) == 24


async def test_resizing_redraws_cleanly() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=(80, 24)) as pilot:
        for size in ((140, 45), (60, 20), (100, 32)):
            await pilot.resize_terminal(*size)
            await pilot.press("right")
            await pilot.pause()
            assert len(screen_text(app).splitlines()) == size[1]
        assert "a¹ = σ(z¹)" not in screen_text(app) or True
        assert app.screen.stepper.position == Position(0, 3)


async def test_no_color_keeps_working(monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = BackpropApp("xor")
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("down", "down", "right", "right", "right", "down", "t", "l")
        await pilot.resize_terminal(70, 20)
        await pilot.press("right")
        await pilot.pause()
        assert app.is_running and "UPDATE" in screen_text(app)


async def test_a_failed_computation_says_in_one_sentence_how_many_later_key_presses_it_dropped(monkeypatch) -> None:
    import threading

    from backprop_tui.walk.stepper import Stepper

    app = BackpropApp("lecture")
    async with app.run_test(size=(100, 32)) as pilot:
        screen = app.screen
        assert isinstance(screen, StepperScreen)
        release = threading.Event()

        def failing(self: Stepper, iteration: int) -> None:
            release.wait(5)
            raise MemoryError("no memory left")

        monkeypatch.setattr(Stepper, "slow", property(lambda self: True))
        monkeypatch.setattr(Stepper, "prepare", failing)
        screen.action_move("next_iteration")  # computed in a worker, which waits
        assert screen.busy
        screen.action_move("next_step")
        screen.action_move("next_step")  # both queued behind it
        release.set()
        said = lambda: "\n".join(n.message for n in app._notifications)  # noqa: E731
        await wait_for(pilot, lambda: "Could not compute that step" in said())
        assert "Could not compute that step: no memory left (2 later key presses dropped)" in said()
        assert not screen.busy and screen.stepper.position == Position(0, 0)
