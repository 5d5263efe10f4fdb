"""The landscape screen: opened with L from the stepper, its point follows the learner, and
snapshots at 120x36 of the two scenarios that tell its main stories."""

from __future__ import annotations

import numpy as np
from textual.pilot import Pilot

from backprop_tui.core.dense.landscape import flatten
from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.tui.screens.landscape import LandscapeScreen

from .helpers import FastWatchApp, screen_text, wait_for

SIZE = (120, 36)


async def open_landscape(pilot: Pilot) -> LandscapeScreen:
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "StepperScreen")
    await pilot.press("L")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, LandscapeScreen) and pilot.app.screen.scape is not None)
    return pilot.app.screen


async def test_point_follows_the_learner_and_the_stepper_keeps_the_place() -> None:
    app = FastWatchApp(resolve("learning-rate"), variant="too-large")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_landscape(pilot)
        assert "iteration 1 of too-large" in screen_text(app)
        for _ in range(3):
            await pilot.press("pagedown")
        await wait_for(pilot, lambda: "iteration 4 of too-large" in screen_text(app))
        index, uv, number = screen.current()
        assert number == 4 and screen.scape.paths[index].name == "too-large"
        assert np.array_equal(uv, screen.scape.coords[index][3])
        assert np.array_equal(screen.scape.paths[index].params[3], flatten(screen.stepper.iterations[3].before.params))
        assert "Cut through iteration 4 of too-large" in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, LandscapeScreen))
        await wait_for(pilot, lambda: "iteration 4/" in screen_text(app))


async def test_base_scenario_gets_its_own_path() -> None:
    app = FastWatchApp(resolve("local-minimum"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_landscape(pilot)
        assert [p.name for p in screen.scape.paths] == ["plain-gd", "momentum", "base"]
        assert "base: E" in screen_text(app) and "<- stepping" in screen_text(app)


class TestLandscapeSnapshots:
    def test_local_minimum(self, snap_compare) -> None:
        async def run_before(pilot: Pilot) -> None:
            await open_landscape(pilot)
            for _ in range(5):
                await pilot.press("greater_than_sign")
            await wait_for(pilot, lambda: "iteration 51 of momentum" in screen_text(pilot.app))

        app = FastWatchApp(resolve("local-minimum"), variant="momentum")
        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)

    def test_learning_rate(self, snap_compare) -> None:
        async def run_before(pilot: Pilot) -> None:
            await open_landscape(pilot)
            for _ in range(3):
                await pilot.press("greater_than_sign")
            await wait_for(pilot, lambda: "iteration 31 of too-large" in screen_text(pilot.app))

        app = FastWatchApp(resolve("learning-rate"), variant="too-large")
        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_p_switches_to_the_principal_directions_and_back() -> None:
    from backprop_tui.core.dense.landscape import PCA, WEIGHTS

    app = FastWatchApp(resolve("local-minimum"), variant="momentum")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_landscape(pilot)
        paths = screen.scape.paths
        assert screen.scape.plane.kind == WEIGHTS and "E over x = theta" in screen_text(app)
        await pilot.press("p")
        await wait_for(pilot, lambda: screen.scape.plane.kind == PCA and "x = PC1" in screen_text(app))
        text = screen_text(app)
        assert "principal directions" in text and "y = PC2" in text
        assert screen.scape.paths is paths  # the runs are kept; only the plane is made again
        for path, uv in zip(screen.scape.paths, screen.scape.coords):
            np.testing.assert_allclose(uv, screen.scape.plane.project(path.params))
        await pilot.press("pagedown")  # the point still follows the learner on this plane
        await wait_for(pilot, lambda: "iteration 2 of momentum" in screen_text(app))
        await pilot.press("p")
        await wait_for(pilot, lambda: screen.scape.plane.kind == WEIGHTS and "E over x = theta" in screen_text(app))
        assert "every other parameter" in screen_text(app)


async def test_at_80_columns_the_footer_keeps_the_plane_key_help_and_quit() -> None:
    app = FastWatchApp(resolve("xor"))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_landscape(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "p Plane" in footer and "? Help" in footer and "q Quit" in footer and "esc" in footer
