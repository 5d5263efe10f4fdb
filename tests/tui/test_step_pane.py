"""The step pane: the description, the step and the chain rule as lines of one widget. Text wraps
to the width the scrollbar leaves, the wide parts scroll sideways each to its own end, and a resize
lays it all out again."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from backprop_tui.core.vocab import Phase
from backprop_tui.tui.app import BackpropApp
from backprop_tui.tui.screens.stepper import StepperScreen
from backprop_tui.tui.widgets.step_pane import PARTS, StepPane

from .helpers import screen_text, wait_for

TEXT_PARTS = ("about", "heading", "worked", "notes", "chain")


def overflowing(pane: StepPane) -> list[str]:
    """Lines of the text parts wider than the pane leaves them (they would be cut)."""
    width = pane.scrollable_content_region.width
    return [line for part in TEXT_PARTS for line in pane.part_text(part).splitlines() if cell_len(line) > width]


@pytest.mark.parametrize("size", [(80, 24), (100, 32), (120, 36), (200, 50)])
async def test_text_wraps_to_the_width_the_scrollbar_leaves(size: tuple[int, int]) -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        assert isinstance(screen, StepperScreen)
        pane = screen.query_one(StepPane)
        await pilot.pause()
        assert pane.about_shown and pane.part_text("about")
        assert not overflowing(pane)  # the description makes the step overflow: a scrollbar came
        for _ in range(len(screen.stepper.steps)):
            await pilot.press("right")
            await pilot.pause()
            assert not overflowing(pane), (screen.stepper.position, overflowing(pane))


async def test_each_wide_part_scrolls_sideways_as_far_as_its_own_end() -> None:
    app = BackpropApp("softmax")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, StepperScreen)
        pane = screen.query_one(StepPane)
        while screen.stepper.step.phase is not Phase.UPDATE:
            await pilot.press("down")
        await pilot.pause()
        width = pane.scrollable_content_region.width
        matrices, update = pane.placed("matrices"), pane.placed("update")
        assert update is not None and update.width > width
        assert matrices.width < width  # these fit: they must not move when the table scrolls
        await pilot.press(*["right_curly_bracket"] * 20)
        await wait_for(pilot, lambda: pane.sideways == update.width - width)
        for name in ("matrices", "update"):
            part = pane.placed(name)
            pane.scroll_to(y=part.y, animate=False)
            await wait_for(pilot, lambda: pane.scroll_offset.y == min(part.y, pane.max_scroll_y))
            shift = min(pane.sideways, part.width - width)  # each part as far as its own right end
            for index, line in enumerate(pane.part_lines(name)):
                y = part.y + index - pane.scroll_offset.y
                if 0 <= y < pane.scrollable_content_region.height:
                    assert pane.render_line(y).text.rstrip() == line.crop(shift, shift + width).text.rstrip()
        last = pane.part_text("update").splitlines()[-2].rstrip()
        assert last[-12:] in screen_text(app)  # the table's right end is in view
        await pilot.press(*["left_curly_bracket"] * 20)
        await wait_for(pilot, lambda: pane.sideways == 0)


async def test_a_resize_lays_the_pane_out_again_at_the_new_width() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=(200, 50)) as pilot:
        screen = app.screen
        assert isinstance(screen, StepperScreen)
        pane = screen.query_one(StepPane)
        await pilot.press("down", "down")  # the backward pass: the chain rule in a column of its own
        await pilot.pause()
        assert pane.chain_shown and pane.placed("chain").x > pane.placed("heading").width
        for size in [(80, 24), (130, 40), (200, 50), (100, 32)]:
            await pilot.resize_terminal(*size)
            await wait_for(pilot, lambda: app.size == size)
            await pilot.pause()
            assert not overflowing(pane), size
            shown = pane.chain_shown
            assert shown == (size[0] < 110 or size[0] >= 160)  # under the drawing from 110 to 160
            if shown and size[0] < 110:
                assert pane.placed("chain").y > pane.placed("notes").bottom  # below the step
        assert set(name for name in PARTS if pane.placed(name)) >= {"heading", "matrices", "notes"}
