"""What the stepper draws ahead (the next step's network, chain rule and step pane, prepared after a
frame) is exactly what it would draw from scratch, a step redraws only what changed, and the
garbage collector runs after frames."""

from __future__ import annotations

import gc

from backprop_tui.tui.app import BackpropApp
from backprop_tui.tui.frame_gc import WORTH_COLLECTING, collect_after_frame
from backprop_tui.tui.screens.stepper import StepperScreen
from backprop_tui.tui.widgets.chain_panel import ChainPanel
from backprop_tui.tui.widgets.network import NetworkDiagram, picture
from backprop_tui.tui.widgets.prerendered import strips_at
from backprop_tui.tui.widgets.chain_panel import ChainAtWidth
from backprop_tui.tui.widgets.step_pane import PARTS, StepPane


def _texts(strips) -> list[str]:
    return [strip.text for strip in strips]


async def test_every_step_drawn_ahead_equals_the_step_drawn_from_scratch() -> None:
    app = BackpropApp("softmax")
    async with app.run_test(size=(100, 32)) as pilot:
        screen = app.screen
        assert isinstance(screen, StepperScreen)
        network = screen.query_one(NetworkDiagram)
        used = 0
        for _ in range(2 * len(screen.stepper.steps)):
            await pilot.pause()
            prepared = network._prepared  # drawn after the last frame, for the step → shows next
            await pilot.press("right")
            await pilot.pause()
            if prepared is not None and prepared[1] is network._picture:
                used += 1
            fresh = picture(screen.stepper, screen.focus_weight(), screen.sample, screen.decimals)
            assert network._picture.values is not None
            for shown, wanted in zip(network._picture.values, fresh.values, strict=True):
                assert (shown is None) == (wanted is None)
                if shown is not None:
                    assert shown.tolist() == wanted.tolist()
            assert network._picture.focus_label == fresh.focus_label
            width, height = network.content_region.width, network.content_region.height
            assert _texts(network._lines[2]) == _texts(network._styled_lines(fresh)), (width, height)
            for panel in screen.query(ChainPanel):
                if panel.display and panel._shown is not None and panel._shown[0] is not None:
                    drill, decimals = panel._shown
                    drawn = panel._lines_at(panel.content_size.width)
                    assert _texts(drawn) == _texts(strips_at(ChainAtWidth(drill, decimals),
                                                             panel.content_size.width))
            pane = screen.query_one(StepPane)
            drawn = {name: _texts(pane.part_lines(name)) for name in PARTS}
            pane.forget_drawn()  # everything drawn again from scratch
            assert {name: _texts(pane.part_lines(name)) for name in PARTS} == drawn
        assert used > len(screen.stepper.steps)  # most steps came from what was drawn ahead


async def test_the_next_steps_parts_are_drawn_before_the_key_is_pressed(monkeypatch) -> None:
    """After a frame, the step → shows next is drawn and styled, so the key press only looks it up."""
    drawn_in_a_show: list[set] = []
    update = StepPane._update

    def watched(pane: StepPane, **again: bool) -> None:
        parts, styled = set(pane._parts), set(pane._styled)
        update(pane, **again)
        drawn_in_a_show.append((set(pane._parts) - parts) | (set(pane._styled) - styled))

    monkeypatch.setattr(StepPane, "_update", watched)
    app = BackpropApp("softmax")
    async with app.run_test(size=(100, 32)) as pilot:
        screen = app.screen
        assert isinstance(screen, StepperScreen)
        await pilot.press("i")
        pane, checked = screen.query_one(StepPane), 0
        for _ in range(len(screen.stepper.steps)):
            await pilot.pause()
            drawn_in_a_show.clear()
            scrollbar = pane.show_vertical_scrollbar
            await pilot.press("right")
            if pane.show_vertical_scrollbar == scrollbar:  # else: laid out again at the width it leaves
                assert drawn_in_a_show and not any(drawn_in_a_show), drawn_in_a_show
                checked += 1
        assert checked > len(screen.stepper.steps) // 2


async def test_a_step_lays_nothing_out_again_and_repaints_only_what_changed() -> None:
    """A new step of another size is one widget's refresh: the screen is not laid out again (the
    step pane keeps its size) and no container behind it is repainted. (A new phase brings other
    keys to the footer, which is laid out again after the frame; a scrollbar that comes or goes
    takes its columns, which lays the screen out again.)"""
    app = BackpropApp("lecture")
    async with app.run_test(size=(100, 32)) as pilot:
        screen = app.screen
        assert isinstance(screen, StepperScreen)
        await pilot.press("i")
        await pilot.pause()
        heights, checked = set(), 0
        for _ in range(len(screen.stepper.steps) - 1):
            await pilot.pause()
            pane = screen.query_one(StepPane)
            layouts, phase, scrollbar = screen._compositor._full_map, screen.stepper.step.phase, pane.show_vertical_scrollbar
            await pilot.press("right")
            heights.add(max(pane.placed(part).bottom for part in ("heading", "matrices", "worked", "update", "notes")
                            if pane.placed(part)))  # where the step ends
            assert not screen._layout_required and not screen._repaint_required
            if screen.stepper.step.phase is phase and pane.show_vertical_scrollbar == scrollbar:
                assert screen._compositor._full_map is layouts  # no reflow: the same map of places
                checked += 1
        assert len(heights) > 3 and checked > 4  # steps of many heights


def test_a_frame_with_a_keys_worth_of_new_objects_is_followed_by_a_collection() -> None:
    enabled = gc.isenabled()
    gc.disable()  # no automatic pass may run in between
    try:
        gc.collect()
        cycles = []
        for _ in range(WORTH_COLLECTING + 100):
            node: list = []
            node.append(node)  # a cycle: only the collector frees it
            cycles.append(node)
        del cycles, node
        assert gc.get_count()[0] >= WORTH_COLLECTING
        collect_after_frame()
        assert gc.get_count()[0] < WORTH_COLLECTING
    finally:
        if enabled:
            gc.enable()


async def test_a_convolutional_step_s_pictures_drawn_ahead_equal_those_drawn_from_scratch() -> None:
    from backprop_tui.render.conv_pictures import step_panels

    app = BackpropApp("conv")
    async with app.run_test(size=(100, 32)) as pilot:
        screen = app.screen
        assert isinstance(screen, StepperScreen)
        network = screen.query_one(NetworkDiagram)
        used = 0
        for _ in range(len(screen.stepper.steps) - 1):
            await pilot.pause()
            prepared = network._prepared
            await pilot.press("right")
            await pilot.pause()
            if prepared is not None and prepared[1] is network._panels:
                used += 1
            fresh = step_panels(screen.stepper.scenario, screen.stepper.step, screen.sample, screen.cursor_target())
            assert _texts(network._lines[2]) == _texts(network._styled_lines(fresh))
        assert used > len(screen.stepper.steps) // 2  # most steps came from what was drawn ahead
