"""The input plane's numbers: every unit's value on a grid over two inputs, as the engine computes it."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_tui.core.dense import network, run
from backprop_tui.core.dense.compare import variant_scenarios
from backprop_tui.core.dense.plane import PlaneError, params_after, plane_after
from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.core.scenario.load import load

TWO_INPUTS = ("lecture", "xor", "activations", "local-minimum", "sgd", "softmax")


def bundled(name: str, variant: str | None = None):
    return load(resolve(name), variant)


@pytest.mark.parametrize("name", [*TWO_INPUTS, "solar"])
def test_grid_values_are_the_engines_forward_pass_at_sampled_points_exactly(name: str) -> None:
    scenario = bundled(name)
    updates = min(scenario.training.iterations, 25)
    plane = plane_after(scenario, updates)
    params = params_after(scenario, updates)
    rng = np.random.default_rng(7)
    for j, i in zip(rng.integers(0, plane.y.size, 40), rng.integers(0, plane.x.size, 40)):
        point = plane.held.copy()
        point[plane.inputs[0]], point[plane.inputs[1]] = plane.x[i], plane.y[j]
        fwd = network.forward(run.activations_of(scenario), params, point[:, None])
        for unit in plane.units:
            assert unit.values[j, i] == fwd.a[unit.layer][unit.index, 0], (name, unit.layer, unit.index, i, j)


def test_the_units_come_in_the_diagrams_order() -> None:
    plane = plane_after(bundled("softmax"), 0)
    assert [(u.layer, u.index) for u in plane.units] == [(1, 0), (1, 1), (1, 2), (2, 0), (2, 1), (2, 2)]
    assert plane.layer_values(2).shape == (3, plane.y.size, plane.x.size)
    # softmax: the output units' values sum to 1 at every point of the plane
    np.testing.assert_allclose(plane.layer_values(2).sum(axis=0), 1.0, rtol=1e-12)


def test_the_axes_cover_the_data_with_a_margin() -> None:
    scenario = bundled("sgd")
    plane = plane_after(scenario, 0)
    for axis, values in ((0, plane.x), (1, plane.y)):
        low, high = scenario.x[:, axis].min(), scenario.x[:, axis].max()
        assert values[0] < low and values[-1] > high
        assert np.all(np.diff(values) > 0)
    np.testing.assert_array_equal(plane.points, scenario.x[:, :2])


def test_xor_after_its_planned_iterations_separates_the_four_samples() -> None:
    scenario = bundled("xor")
    plane = plane_after(scenario)  # the planned count by default
    assert plane.updates == scenario.training.iterations
    output = plane.unit(2, 0).values
    for point, above in (((0, 1), True), ((1, 0), True), ((0, 0), False), ((1, 1), False)):
        value = output[plane.nearest(point)]
        assert bool(value > 0.5) is above, (point, value)


def test_xor_before_training_does_not_separate_them() -> None:
    """The test above can fail: at the start the output is on one side of 0.5 at some XOR-true point."""
    plane = plane_after(bundled("xor"), 0)
    output = plane.unit(2, 0).values
    values = {point: output[plane.nearest(point)] for point in ((0, 1), (1, 0), (0, 0), (1, 1))}
    assert not (values[(0, 1)] > 0.5 and values[(1, 0)] > 0.5 and values[(0, 0)] < 0.5 and values[(1, 1)] < 0.5)


def test_step_units_show_a_plane_of_only_two_values() -> None:
    variants = {name: scenario for name, _, scenario in variant_scenarios(bundled("activations"))}
    plane = plane_after(variants["step"])
    hidden = [unit for unit in plane.units if unit.layer == 1]
    assert len(hidden) == 3
    for unit in hidden:
        assert set(np.unique(unit.values)) <= {0.0, 1.0}, unit.index
    # the hard edge: a unit that is off in part of the plane jumps from 0 to 1 with nothing between
    assert any(set(np.unique(unit.values)) == {0.0, 1.0} for unit in hidden)
    smooth = plane_after(variants["sigmoid"])
    assert all(np.unique(u.values).size > 2 for u in smooth.units if u.layer == 1)


def test_more_than_two_inputs_hold_the_others_at_their_mean() -> None:
    scenario = bundled("solar")
    plane = plane_after(scenario, 0, inputs=(2, 4))
    assert plane.inputs == (2, 4)
    np.testing.assert_array_equal(plane.held, scenario.x.mean(axis=0))
    np.testing.assert_array_equal(plane.points, scenario.x[:, [2, 4]])


@pytest.mark.parametrize(("name", "inputs", "message"), [
    ("learning-rate", None, "at least two inputs"),
    ("xor", (0, 2), "input 3 does not exist"),
    ("xor", (1, 1), "two different inputs"),
])
def test_planes_that_cannot_be_drawn_are_user_errors(name, inputs, message) -> None:
    with pytest.raises(PlaneError, match=message):
        plane_after(bundled(name), 0, inputs=inputs)
