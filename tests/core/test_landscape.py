"""The landscape's numbers: the grid against the engine's loss, the paths against the stepper,
and the stories the bundled scenarios tell on it."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_tui.core.dense import network, run
from backprop_tui.core.dense.compare import variant_scenarios
from backprop_tui.core.dense.landscape import (
    PCA, batched_loss, flatten, gradient_cut, landscape, make_plane, parameter_index, trace_paths,
    unflatten_stack,
)
from backprop_tui.core.dense.network import Params
from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.core.scenario.load import load
from backprop_tui.core.vocab import QuantityNameError
from backprop_tui.walk.stepper import Stepper

STEPPING = ["lecture", "xor", "activations", "learning-rate", "local-minimum", "sgd", "solar", "softmax"]


def engine_loss(scenario, point: np.ndarray) -> float:
    weights, biases = unflatten_stack(scenario, point[None, :])
    params = Params(tuple(w[0] for w in weights), tuple(None if b is None else b[0] for b in biases))
    with np.errstate(all="ignore"):
        return network.loss_of(scenario.loss, run.activations_of(scenario), params, scenario.x.T, scenario.y.T)


@pytest.mark.parametrize("name", STEPPING)
@pytest.mark.parametrize("plane", [None, PCA])
def test_grid_values_are_the_engines_loss_exactly(name: str, plane: str | None) -> None:
    scenario = load(resolve(name))
    scape = landscape(scenario, plane, iterations=60)
    rng = np.random.default_rng(7)
    for j, i in rng.integers(0, 60, size=(40, 2)):
        point = scape.plane.lift(np.array([scape.grid.u[i]]), np.array([scape.grid.v[j]]))[0]
        assert scape.grid.values[j, i] == engine_loss(scenario, point), (name, i, j)


def test_batched_loss_matches_the_engine_where_it_overflows() -> None:
    scenario = load(resolve("learning-rate"))
    start = flatten(run.initial_state(scenario).params)
    points = np.vstack([start, start * 1e150, start * 1e300])
    values = batched_loss(scenario, points)
    for point, value in zip(points, values):
        expected = engine_loss(scenario, point)
        assert value == expected or (np.isnan(value) and np.isnan(expected))


@pytest.mark.parametrize("name", ["learning-rate", "sgd", "local-minimum"])
def test_paths_are_the_steppers_parameters_at_every_iteration(name: str) -> None:
    scenario = load(resolve(name))
    paths = {p.name: p for p in trace_paths(scenario, iterations=40)}
    for variant_name, _, variant in variant_scenarios(scenario):
        stepper = Stepper(variant)
        path = paths[variant_name]
        for k in range(len(path.params)):
            stepper.prepare(k)
            assert np.array_equal(path.params[k], flatten(stepper.iterations[k].before.params)), (variant_name, k)
            assert path.losses[k] == engine_loss(variant, path.params[k])


def test_the_path_the_app_steps_is_included_for_the_base() -> None:
    scenario = load(resolve("learning-rate"))
    names = [p.name for p in trace_paths(scenario, 5, include_current=True)]
    assert names == ["too-small", "right", "too-large", "base"]
    assert [p.name for p in trace_paths(load(resolve("learning-rate"), "right"), 5, include_current=True)] == \
        ["too-small", "right", "too-large"]


def test_local_minimum_momentum_ends_lower_than_gradient_descent() -> None:
    scape = landscape(load(resolve("local-minimum")))
    final = {p.name: p.losses[-1] for p in scape.paths}
    assert final["momentum"] < final["plain-gd"] / 100
    assert final["plain-gd"] > 0.06


def test_learning_rate_too_large_leaves_the_plotted_area_and_the_others_stay() -> None:
    scape = landscape(load(resolve("learning-rate")))
    leaves = {p.name: scape.leaves_at(i) for i, p in enumerate(scape.paths)}
    assert leaves["too-large"] is not None
    assert leaves["too-small"] is None and leaves["right"] is None
    too_large = next(p for p in scape.paths if p.name == "too-large")
    assert too_large.diverged_at is not None and np.all(np.isfinite(too_large.losses))


def test_default_plane_is_the_two_weights_that_move_most() -> None:
    scenario = load(resolve("local-minimum"))
    scape = landscape(scenario, iterations=200)
    points = np.vstack([p.params for p in scape.paths])
    spans = points.max(axis=0) - points.min(axis=0)
    first, second = np.argsort(-spans)[:2]
    assert scape.plane.axes == (scape.parameters[first], scape.parameters[second])
    # the axes are the weights' own values: a path's coordinates are its weights
    assert np.array_equal(scape.coords[0][:, 0], scape.paths[0].params[:, first])


def test_named_weights_make_the_plane_and_hold_the_rest_at_the_start() -> None:
    scenario = load(resolve("lecture"))
    scape = landscape(scenario, "theta1[1,2], theta2[3,1]", iterations=3, resolution=5)
    assert scape.plane.axes == ("theta1[1,2]", "theta2[3,1]")
    start = flatten(run.initial_state(scenario).params)
    first, second = parameter_index(scenario, "theta1[1,2]"), parameter_index(scenario, "theta2[3,1]")
    lifted = scape.plane.lift(np.array([0.25]), np.array([-0.5]))[0]
    others = np.ones(start.size, bool)
    others[[first, second]] = False
    assert np.array_equal(lifted[others], start[others])
    assert (lifted[first], lifted[second]) == (0.25, -0.5)


@pytest.mark.parametrize("spec, message", [
    ("theta1[9,9],theta2[1,1]", "outside"),
    ("theta3[1,1],theta2[1,1]", "layers 1 to 2"),
    ("theta1[1,1],theta1[1,1]", "two different"),
    ("theta1[1,1]", "two weights"),
    ("z1[1],theta2[1,1]", "one weight or bias"),
    ("bogus,theta2[1,1]", "not the name"),
])
def test_a_bad_plane_is_a_clear_error(spec: str, message: str) -> None:
    scenario = load(resolve("lecture"))
    with pytest.raises(QuantityNameError, match=message):
        make_plane(scenario, trace_paths(scenario, 2), spec)


def test_pca_plane_is_orthonormal_and_explains_most_of_the_movement() -> None:
    scape = landscape(load(resolve("learning-rate")), PCA, iterations=100)
    d = scape.plane.directions
    assert np.allclose(d @ d.T, np.eye(2), atol=1e-12)
    assert scape.plane.explained[0] > scape.plane.explained[1] > 0


def test_cut_along_the_gradient_ends_where_a_gradient_step_lands() -> None:
    scenario = load(resolve("learning-rate"), "too-large")
    iterations = run.run(scenario, 30)
    for it in (iterations[0], iterations[25]):
        cut = gradient_cut(scenario, it.before.params)
        assert cut.before == it.loss  # full-batch GD: the batch is all the data
        assert cut.after == iterations[it.number].loss if it.number < 30 else True
    # γ = 1.8 overshoots: after 25 updates one step lands higher than where it starts
    late = gradient_cut(scenario, iterations[25].before.params)
    assert late.after > late.before or late.lowest_s < 1.0
