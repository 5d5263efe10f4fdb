"""The drawn network in the running app: the sample selector, the light theme, the size it gets."""

from __future__ import annotations

import numpy as np

from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.tui.screens.stepper import StepperScreen
from backprop_tui.tui.widgets.network import NetworkDiagram

from .helpers import FastWatchApp
from backprop_tui.tui.widgets.step_pane import StepPane


async def test_the_sample_key_walks_the_batch_in_the_network() -> None:
    app = FastWatchApp(resolve("xor"))  # a batch of the four XOR samples
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, StepperScreen)
        network = screen.query_one(NetworkDiagram)
        inputs = screen.stepper.iteration.x
        assert network.border_title.startswith("network · sample 1 of 4")
        np.testing.assert_array_equal(network._picture.values[0], inputs[:, 0])
        assert screen.query_one(StepPane).about_shown  # the description shows on opening
        await pilot.press("s", "s")
        await pilot.pause()
        assert not screen.query_one(StepPane).about_shown  # a key that changes the view hides it
        assert screen.sample == 2 and "sample 3 of 4" in network.border_title
        np.testing.assert_array_equal(network._picture.values[0], inputs[:, 2])
        await pilot.press("S", "S", "S")  # back past the first: wraps to the last sample
        await pilot.pause()
        assert screen.sample == 3 and "sample 4 of 4" in network.border_title
        np.testing.assert_array_equal(network._picture.values[0], inputs[:, 3])


async def test_a_single_sample_has_no_selector_and_the_key_changes_nothing() -> None:
    app = FastWatchApp(resolve("lecture"))
    async with app.run_test(size=(120, 36)) as pilot:
        network = app.screen.query_one(NetworkDiagram)
        await pilot.press("s")
        await pilot.pause()
        assert app.screen.sample == 0 and network.border_title == "network"


async def test_the_light_theme_has_no_dark_slabs_behind_the_tables_or_the_drawing() -> None:
    app = FastWatchApp(resolve("lecture"))
    async with app.run_test(size=(120, 36)) as pilot:
        app.theme = "textual-light"
        await pilot.press("down", "down", "right")  # a backward step: tables and the drawing in play
        await pilot.pause()
        dark = []
        for y, strip in enumerate(app.screen._compositor.render_strips()):
            for segment in strip:
                style = segment.style
                if style is None or style.reverse or not segment.text.strip():
                    continue
                background = style.bgcolor
                if background is None or sum(background.get_truecolor()) < 3 * 96:
                    dark.append((y, segment.text))
        assert dark == []


async def test_the_drawing_grows_with_the_terminal() -> None:
    sizes = {}
    for size in ((80, 24), (120, 36), (200, 50)):
        app = FastWatchApp(resolve("lecture"))
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            sizes[size] = app.screen.query_one(NetworkDiagram).content_region.size
    small, middle, large = sizes.values()
    assert small.width >= 26 and small.height >= 8  # 2-3-1 with three-decimal values fits in 26 × 8
    assert middle.width > small.width and middle.height > small.height
    assert large.width >= 80 and large.height >= 30
