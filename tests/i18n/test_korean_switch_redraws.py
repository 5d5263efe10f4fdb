"""K redraws what the stepper keeps drawn (the chain rule, the network and its prepared next step,
the error panel) in the new language, not only what it draws afresh."""

from __future__ import annotations

from pathlib import Path

from backprop_tui import i18n
from backprop_tui.core.scenario.bundled import bundled_dir
from backprop_tui.tui.screens.stepper import StepperScreen
from backprop_tui.tui.widgets.chain_panel import ChainPanel
from tests.tui.helpers import FastWatchApp, screen_text, wait_for


async def test_K_in_the_backward_phase_redraws_the_chain_rule_and_the_network_in_korean() -> None:
    app = FastWatchApp("softmax")
    try:
        async with app.run_test(size=(120, 36)) as pilot:  # the chain rule under the drawing
            await wait_for(pilot, lambda: isinstance(app.screen, StepperScreen))
            for key in ("down", "down", "right"):  # a backward step: the chain rule is shown
                await pilot.press(key)
            await wait_for(pilot, lambda: "Chain rule for" in screen_text(app))
            await pilot.press("K")
            await wait_for(pilot, lambda: "체인 룰 (chain rule):" in screen_text(app))
            text = screen_text(app)
            assert "Chain rule for" not in text and "Σ over samples" not in text
            chain = app.screen.query_one("#chain-side", ChainPanel)
            assert any("체인 룰" in strip.text for strip in chain._lines_at(chain.content_size.width))
            await pilot.press("right")  # the step drawn ahead was drawn in English: it is drawn again
            await pilot.pause()
            assert "Chain rule for" not in screen_text(app)
    finally:
        i18n.set_language("en")


async def test_K_redraws_the_error_panel_in_the_new_language(tmp_path: Path) -> None:
    path = tmp_path / "lecture.toml"
    path.write_text((bundled_dir() / "lecture.toml").read_text())
    app = FastWatchApp(path)
    try:
        async with app.run_test(size=(100, 32)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, StepperScreen))
            path.write_text(path.read_text() + "\n= a key without a name\n")  # no longer TOML
            await wait_for(pilot, lambda: "The scenario file has problems:" in screen_text(app))
            await pilot.press("K")
            await wait_for(pilot, lambda: "시나리오 파일에 문제가 있습니다:" in screen_text(app))
            assert "The scenario file has problems:" not in screen_text(app)
    finally:
        i18n.set_language("en")
