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


async def test_a_new_theme_restyles_the_pane_at_once() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=(120, 36)) as pilot:
        pane = app.screen.query_one(StepPane)
        await pilot.press("i", "down", "down")
        await pilot.pause()
        app.theme = "textual-light"
        await pilot.pause()
        background = pane.rich_style.bgcolor
        for y in range(pane.scrollable_content_region.height):
            assert {segment.style.bgcolor for segment in pane.render_line(y) if segment.style} <= {background}, y


@pytest.mark.parametrize("sizes", [((160, 40), (159, 40)), ((159, 40), (160, 40)),
                                   ((109, 36), (110, 36)), ((110, 36), (109, 36))])
async def test_a_resize_of_one_column_across_a_breakpoint_moves_the_chain_rule(sizes) -> None:
    """At 110 and 160 columns the chain rule changes place while the step pane may keep its width:
    it must show in exactly one place on either side."""
    from backprop_tui.tui.widgets.chain_panel import ChainPanel

    first, then = sizes
    app = BackpropApp("lecture")
    async with app.run_test(size=first) as pilot:
        screen = app.screen
        await pilot.press("i", "down", "down")  # the backward pass: the chain rule shows
        await pilot.pause()
        await pilot.resize_terminal(*then)
        await wait_for(pilot, lambda: app.size == then)
        side = screen.query_one("#chain-side", ChainPanel)
        pane = screen.query_one(StepPane)
        beside = 110 <= then[0] < 160
        # what is drawn, not only what is wanted: the pane's laid-out parts say where it is
        await wait_for(pilot, lambda: side.display == beside and (pane.placed("chain") is None) == beside)
        assert screen_text(app).count("Chain rule for") <= 1  # never twice
        assert not overflowing(pane)


async def test_folding_the_drawing_away_at_120_columns_brings_the_chain_rule_below_the_step() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        pane = screen.query_one(StepPane)
        await pilot.press("i", "down", "down")
        await pilot.pause()
        assert not pane.chain_shown  # under the drawing
        await pilot.press("f")
        await wait_for(pilot, lambda: pane.chain_shown)
        assert pane.placed("chain").y > pane.placed("notes").bottom
        await pilot.press("f")
        await wait_for(pilot, lambda: not pane.chain_shown)


async def test_a_part_cut_at_the_pane_s_edge_has_a_bar_under_it_that_follows_the_sideways_scroll() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        pane = screen.query_one(StepPane)
        await pilot.press("i", "down", "down", "down")  # the update of θ¹: old → new is cut at 80 columns
        await pilot.pause()
        update = pane.placed("update")
        width = pane.scrollable_content_region.width
        assert update.width > width
        pane.scroll_to(y=update.y, animate=False)
        await wait_for(pilot, lambda: pane.scroll_offset.y == min(update.y, pane.max_scroll_y))

        def thumb() -> list[int]:
            """Columns of the bar's thumb (drawn reversed) on the row under the table."""
            line = pane.render_line(update.bottom - pane.scroll_offset.y)
            columns, x = [], 0
            for segment in line:
                if segment.style and segment.style.reverse:
                    columns += range(x, x + segment.cell_length)
                x += segment.cell_length
            return columns

        bar = pane.render_line(update.bottom - pane.scroll_offset.y)
        assert bar.cell_length == pane.scrollable_content_region.width and "\n" not in bar.text
        before = thumb()
        assert before and before[0] == 0 and len(before) < width  # at the left, shorter than the bar
        await pilot.press(*["right_curly_bracket"] * 5)
        await wait_for(pilot, lambda: pane.sideways == update.width - width)
        after = thumb()
        assert after and after[0] > 0 and after[-1] >= width - 2  # moved to the right end
        assert pane.placed("matrices").width <= width
        bars = [row for row in pane._rows if row[0] is None]
        assert bars == [(None, update.width, update.width - width)]  # the matrices fit: no bar under them


async def test_ctrl_c_quits_the_stepper() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not app.is_running


async def test_a_reload_redraws_the_description_shown(tmp_path) -> None:
    from backprop_tui.core.scenario.bundled import resolve

    from .helpers import FastWatchApp

    path = tmp_path / "lecture.toml"
    text = resolve("lecture").read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    app = FastWatchApp(path)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = app.screen.query_one(StepPane)
        await pilot.pause()
        assert pane.about_shown and "worked example" in pane.part_text("about")
        path.write_text(text.replace("The lecture's worked example", "An edited description"), encoding="utf-8")
        await wait_for(pilot, lambda: "An edited description" in pane.part_text("about"))
