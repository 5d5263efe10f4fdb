"""The stepper's footer: the keys of the current step, with ? Help and q Quit in view at any width."""

from __future__ import annotations

import pytest
from textual.binding import Binding

from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.tui.app import BackpropApp
from backprop_tui.tui.screens.stepper import StepperScreen
from backprop_tui.tui.widgets.step_footer import NAVIGATION, PINNED, QUIZ_KEYS, fit, step_keys
from backprop_tui.core.vocab import Phase

from .helpers import screen_text, wait_for


def footer_line(app: BackpropApp) -> str:
    return screen_text(app).splitlines()[-1]


async def walk_to(pilot, screen: StepperScreen, phase: Phase) -> None:
    while screen.stepper.step.phase is not phase:
        await pilot.press("down")
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (200, 50)])
async def test_each_phase_shows_its_keys_and_help_and_quit_stay_in_view(size: tuple[int, int]) -> None:
    app = BackpropApp(resolve("lecture"))
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        assert isinstance(screen, StepperScreen)
        expected = {Phase.FORWARD: "; Next cell", Phase.BACKWARD: "hjkl Chain rule", Phase.UPDATE: "d/D "}
        for phase, words in expected.items():
            await walk_to(pilot, screen, phase)
            await wait_for(pilot, lambda: words in footer_line(app))
            line = footer_line(app)
            assert "? Help" in line and "q Quit" in line, (size, phase, line)
            assert "→ Next" in line and "space Play" in line
        await pilot.press("up")  # back to the backward pass: the decimals key gives way again
        await wait_for(pilot, lambda: "d/D" not in footer_line(app))


async def test_a_batch_shows_the_sample_key_at_80_columns() -> None:
    app = BackpropApp(resolve("xor"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "s/S Sample" in footer_line(app))
        assert "? Help" in footer_line(app) and "q Quit" in footer_line(app)


async def test_a_footer_click_presses_the_key() -> None:
    app = BackpropApp(resolve("lecture"))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, StepperScreen)
        await walk_to(pilot, screen, Phase.UPDATE)
        before = screen.decimals
        keys = [k for k in screen.query("FooterKey") if k.key == "d"]
        assert keys
        await pilot.click(keys[0])
        await wait_for(pilot, lambda: screen.decimals == before + 1)


def test_every_footer_key_is_bound() -> None:
    bound = {key.strip() for b in [*StepperScreen.BINDINGS, *BackpropApp.BINDINGS] if isinstance(b, Binding)
             for key in b.key.split(",")}
    items = {*NAVIGATION, *PINNED, *(item for item, _ in QUIZ_KEYS)}
    for phase in Phase:
        items.update(step_keys(phase, True, False), step_keys(phase, True, True))
    for item in items:
        assert item.key in bound, item


def test_the_least_important_give_way_first() -> None:
    items = [*NAVIGATION, *step_keys(Phase.UPDATE, True, False)]
    shown, palette = fit(items, 80)
    assert not palette
    assert [item for item, _ in shown] == items[:len(shown)]  # a prefix: the stepping keys stay
    assert sum(item.width(short) for item, short in shown) + sum(p.width(False) for p in PINNED) <= 80
    wide, palette = fit(items, 400)
    assert palette and all(not short for _, short in wide) and len(wide) == len(items)
