"""What the stepper draws ahead (the next step's network, chain rule and matrices, prepared after a
frame) is exactly what it would draw from scratch, and the garbage collector runs after frames."""

from __future__ import annotations

import gc

from backprop_tui.tui.app import BackpropApp
from backprop_tui.tui.frame_gc import WORTH_COLLECTING, collect_after_frame
from backprop_tui.tui.screens.stepper import StepperScreen
from backprop_tui.tui.widgets.chain_panel import ChainPanel
from backprop_tui.tui.widgets.network import NetworkDiagram, picture
from backprop_tui.tui.widgets.prerendered import strips_at
from backprop_tui.tui.widgets.chain_panel import ChainAtWidth


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
        assert used > len(screen.stepper.steps)  # most steps came from what was drawn ahead


async def test_a_hidden_chain_panel_renders_nothing_until_shown() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=(100, 32)) as pilot:
        screen = app.screen
        side = screen.query_one("#chain-side", ChainPanel)
        assert not side.display  # beside the step only from 110 columns
        for _ in range(12):
            await pilot.press("right")
        await pilot.pause()
        assert side._lines == {}


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
