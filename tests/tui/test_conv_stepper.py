"""The convolutional scenario in the app: the step's pictures beside its matrices, the receptive field
following the cursor, pooling winners marked, and snapshots at 120x36 (issue 12)."""

from __future__ import annotations

from backprop_tui.core.dense.operation import OpKind
from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.render.conv_pictures import receptive_field
from backprop_tui.tui.app import BackpropApp
from backprop_tui.tui.screens.stepper import StepperScreen
from backprop_tui.tui.widgets.network import NetworkDiagram

from .helpers import FastWatchApp, screen_text, wait_for

SIZE = (120, 36)


def conv() -> BackpropApp:
    return FastWatchApp(resolve("conv"))


class TestConvSnapshots:
    def test_im2col_step(self, snap_compare) -> None:
        # l: the cursor to column 2 of P¹, so the outlined patch is the one under output (1, 2)
        assert snap_compare(conv(), terminal_size=SIZE, press=["l"])

    def test_feature_map_picture(self, snap_compare) -> None:
        assert snap_compare(conv(), terminal_size=SIZE, press=["right", "right"])

    def test_pooling_step(self, snap_compare) -> None:
        assert snap_compare(conv(), terminal_size=SIZE, press=["right", "right", "right"])


async def test_the_receptive_field_follows_the_cursor_and_the_winners_are_marked() -> None:
    app = conv()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, StepperScreen)
        diagram = screen.query_one(NetworkDiagram)
        assert diagram.border_title == "pictures"
        first = diagram._panels[0]
        assert first.caption == "x" and first.outline == receptive_field(screen.stepper.scenario.layers[0], 0, 0)
        await pilot.press("l", "j")  # P¹ row 2, column 2: the patch under output position (1, 2)
        assert screen.cursor_target()[1] == (1, 1)
        assert diagram._panels[0].outline == receptive_field(screen.stepper.scenario.layers[0], 0, 1)
        for _ in range(3):
            await pilot.press("right")
        assert screen.stepper.step.operation.kind is OpKind.MAXPOOL
        winners = [p.winners for p in diagram._panels if p.caption.startswith("a¹")]
        assert [len(w) for w in winners] == [4, 4]  # one per 2×2 window of each 4×4 map
        assert (0, 1) in winners[0]  # a¹₁₂ = 0.5 wins the first window of map 1
        assert "<> pooling winner" in screen_text(app)


async def test_dense_only_keys_are_off_and_a_whole_walk_survives() -> None:
    app = conv()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert not screen.check_action("edit", ()) and not screen.check_action("landscape", ())
        assert not screen.check_action("plane", ())
        await pilot.press("e", "L", "c", "O")
        assert app.screen is screen
        for _ in range(2 * len(screen.stepper.steps)):
            screen.action_move("next_step")
            screen.action_cursor(1, 1)
        await wait_for(pilot, lambda: not screen.busy)
        assert screen.stepper.position.iteration == 2
        assert "iteration 3/3" in screen_text(app)


async def test_a_broken_save_of_a_conv_scenario_shows_the_key_path_then_a_fix_reloads(tmp_path) -> None:
    from backprop_tui.tui.widgets.error_panel import ErrorPanel
    from backprop_tui.walk.stepper import Position

    path = tmp_path / "mine.toml"
    good = resolve("conv").read_text(encoding="utf-8")
    path.write_text(good, encoding="utf-8")
    app = FastWatchApp(path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        panel = screen.query_one(ErrorPanel)
        await pilot.press("right", "right")
        path.write_text(good.replace("size = 2", "size = 3"), encoding="utf-8")
        await wait_for(pilot, lambda: panel.display and "does not divide" in screen_text(app))
        assert "mine.toml: layer[2].size: a 3×3 pool does not divide its input of 2×4×4" in screen_text(app)
        assert screen.stepper.position == Position(0, 2)  # the last good one stays usable
        path.write_text(good.replace("bias = [0.5, -0.5]", "bias = [1.5, -0.5]"), encoding="utf-8")
        await wait_for(pilot, lambda: not panel.display)
        assert screen.stepper.position == Position(0, 2)
        assert screen.stepper.iteration.before.params.biases[0][0] == 1.5
