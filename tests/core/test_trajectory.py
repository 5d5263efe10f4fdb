"""The landscape's lean path for trajectories makes the engine's updates: equal to `run.step`
at every iteration, for every bundled scenario and variant, diverging runs included."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_tui.core.dense import run
from backprop_tui.core.dense.compare import variant_scenarios
from backprop_tui.core.dense.landscape import batched_loss, flatten, trace_path
from backprop_tui.core.dense.trajectory import trajectory
from backprop_tui.core.scenario.bundled import bundled_names, resolve
from backprop_tui.core.scenario.kind import file_kind
from backprop_tui.core.scenario.load import load
from backprop_tui.core.vocab import ScenarioKind

DENSE = [name for name in bundled_names() if file_kind(resolve(name)) is ScenarioKind.DENSE]


def engine_points(scenario, iterations: int) -> np.ndarray:
    """The reference: flat parameters after each `run.step`, up to the first non-finite point."""
    state = run.initial_state(scenario)
    rows = [flatten(state.params)]
    for _ in range(iterations):
        state = run.step(scenario, state).after
        rows.append(flatten(state.params))
        if not np.all(np.isfinite(rows[-1])):
            break
    return np.array(rows)


@pytest.mark.parametrize("name", DENSE)
def test_every_variant_follows_run_step(name: str) -> None:
    base = load(resolve(name))
    for variant, _, scenario in variant_scenarios(base):
        iterations = min(scenario.training.iterations, 400)
        lean, engine = trajectory(scenario, iterations), engine_points(scenario, iterations)
        assert lean.shape == engine.shape, (name, variant)
        finite = np.isfinite(engine)
        np.testing.assert_allclose(lean[finite], engine[finite], rtol=0, atol=1e-12, err_msg=f"{name} {variant}")
        assert np.array_equal(np.isfinite(lean), finite)


def test_local_minimum_in_full_follows_run_step() -> None:
    for variant, _, scenario in variant_scenarios(load(resolve("local-minimum"))):
        lean, engine = trajectory(scenario, 3000), engine_points(scenario, 3000)
        np.testing.assert_allclose(lean, engine, rtol=0, atol=1e-12, err_msg=variant)


def test_a_diverging_path_ends_where_the_engine_stops() -> None:
    base = load(resolve("learning-rate"))
    diverging = [(v, s) for v, _, s in variant_scenarios(base)
                 if not np.all(np.isfinite(engine_points(s, s.training.iterations)[-1]))]
    assert diverging  # the too-large γ flies off
    for variant, scenario in diverging:
        path = trace_path(variant, "", scenario, scenario.training.iterations)
        engine = engine_points(scenario, scenario.training.iterations)
        finite = engine[:-1]  # the engine's points up to its first non-finite one
        losses = batched_loss(scenario, finite)
        bad = np.flatnonzero(~np.isfinite(losses))
        expected = int(bad[0]) if bad.size else len(engine) - 1
        assert path.diverged_at == expected
        np.testing.assert_allclose(path.params, finite[:expected], rtol=0, atol=1e-12)
