"""The stepper's loss chart: axes, log scale by the one rule, the current iteration, E on all the data
for mini-batches; and going to any iteration through a small dialog."""

from __future__ import annotations

import math

import numpy as np
import plotext

from backprop_tui.core.dense import network, run
from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.core.scenario.load import load
from backprop_tui.render.compare import LOG_SCALE_RATIO
from backprop_tui.render.loss_plot import draw_loss, finite_points
from backprop_tui.tui.screens.goto_dialog import GoToIterationDialog, parse_iteration
from backprop_tui.tui.widgets.loss_chart import LossPlot
from backprop_tui.walk.stepper import Stepper

from .helpers import FastWatchApp, screen_text, wait_for


class Recorder:
    """Stands in for a plotext figure and records the calls made on it."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple, dict]] = []

    def __getattr__(self, name: str):
        return lambda *args, **kwargs: self.calls.append((name, args, kwargs))

    def named(self, name: str) -> list[tuple[tuple, dict]]:
        return [(args, kwargs) for call, args, kwargs in self.calls if call == name]


def test_a_range_of_a_hundredfold_goes_on_a_log_scale_and_the_current_iteration_is_marked() -> None:
    wide = [1.0, 0.5, 1.0 / LOG_SCALE_RATIO]
    plt = Recorder()
    assert draw_loss(plt, wide, None, 2)
    assert plt.named("yscale") == [(("log",), {})]
    assert plt.named("vline") == [((2,), {})]
    assert "(log scale)" in plt.named("title")[0][0][0]
    narrow = Recorder()
    draw_loss(narrow, [0.2169, 0.19, 0.1137], None, 3)  # an 11% drop: a linear axis, not a fall to zero
    assert narrow.named("yscale") == []


def test_mini_batches_plot_the_whole_data_set_beside_the_batch() -> None:
    plt = Recorder()
    draw_loss(plt, [0.5, 0.4, 0.45], [0.48, 0.44, 0.41], 1)
    labels = [kwargs["label"] for _, kwargs in plt.named("plot")]
    assert labels == ["batch E", "E on all the data"]
    assert plt.named("plot")[1][0] == ([1, 2, 3], [0.48, 0.44, 0.41])


def test_inf_and_nan_are_left_out_of_the_curve() -> None:
    assert finite_points([1.0, math.inf, 0.5, math.nan]) == ([1, 3], [1.0, 0.5])
    assert draw_loss(Recorder(), [math.inf], None, 1) is False


def test_the_chart_has_axes_with_values() -> None:
    plotext.clear_figure()
    draw_loss(plotext, [0.2169, 0.2, 0.1846], None, 3)
    plotext.plotsize(40, 12)
    text = plotext.build()
    plotext.clear_figure()
    assert "0.2169" in text and "0.1846" in text  # y ticks carry values, not a bare sparkline
    assert "loss at iteration 3" in text


def test_the_stepper_knows_the_loss_on_all_the_data_only_for_mini_batches() -> None:
    sgd = Stepper(load("sgd", variant="sgd-4"))
    sgd.prepare(2)
    sgd.go(sgd.position.__class__(2, 0))
    scenario = sgd.scenario
    expected = [network.loss_of(scenario.loss, run.activations_of(scenario), it.before.params,
                                scenario.x.T, scenario.y.T) for it in sgd.iterations[:3]]
    assert sgd.data_losses() == expected
    assert sgd.data_losses() != sgd.losses()  # each batch is a part of the data
    assert Stepper(load("sgd", variant="gd")).data_losses() is None  # the batch is all the data


def test_parse_iteration_names_what_it_accepts() -> None:
    assert parse_iteration(" 300 ") == 300
    for bad in ("0", "", "x", "-3", "2000000"):
        try:
            parse_iteration(bad)
        except ValueError as error:
            assert "whole number from 1 to" in str(error)
        else:
            raise AssertionError(bad)


async def test_go_to_iteration_300_computes_up_to_it_and_the_chart_follows() -> None:
    app = FastWatchApp(resolve("local-minimum"))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await pilot.press("right")  # some step other than the first: go-to keeps the step
        await pilot.press("colon")
        await wait_for(pilot, lambda: isinstance(app.screen, GoToIterationDialog))
        await pilot.press("0", "enter")
        await pilot.pause()
        assert isinstance(app.screen, GoToIterationDialog)  # refused in place, still open
        assert "whole number from 1 to" in screen_text(app)
        await pilot.press("backspace", "3", "0", "0", "enter")
        await wait_for(pilot, lambda: app.screen is screen and not screen.busy
                       and screen.stepper.position.iteration == 299, timeout=60)
        assert screen.stepper.position.step == 1
        plot = screen.query_one(LossPlot)
        assert len(plot.batch) == 300 and plot.current == 300
        assert "iteration 300: E =" in screen_text(app)
        await pilot.press("colon")
        await wait_for(pilot, lambda: isinstance(app.screen, GoToIterationDialog))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        assert screen.stepper.position.iteration == 299
        np.testing.assert_equal(plot.current, 300)
