"""The Textual-free stepping state: moves, exact restoration, on-demand iterations, reload."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_tui.core.dense.run import run
from backprop_tui.core.scenario.load import load
from backprop_tui.core.vocab import parse_quantity
from backprop_tui.render.describe import equation
from backprop_tui.walk.stepper import Position, Stepper


@pytest.fixture
def stepper() -> Stepper:
    return Stepper(load("lecture"))


def test_starts_at_the_first_forward_step(stepper: Stepper) -> None:
    assert stepper.position == Position(0, 0)
    assert stepper.step.phase == "forward"
    assert equation(stepper.step) == "z¹ = θ¹ᵀ·x"
    np.testing.assert_allclose(stepper.step.matrix(parse_quantity("z1")).values.ravel(), [1.35, 1.45, 1.65])


def test_next_step_walks_the_lecture_and_wraps_into_the_next_iteration(stepper: Stepper) -> None:
    phases = [stepper.step.phase]
    for _ in range(len(stepper.steps) - 1):
        stepper.move("next_step")
        phases.append(stepper.step.phase)
    assert phases == ["forward"] * 4 + ["loss"] + ["backward"] * 5 + ["update"] * 2
    stepper.move("next_step")
    assert stepper.position == Position(1, 0)


def test_prev_step_at_the_very_start_stays(stepper: Stepper) -> None:
    assert stepper.move("prev_step") == Position(0, 0)


def test_prev_step_crosses_back_into_the_previous_iteration(stepper: Stepper) -> None:
    stepper.go(Position(1, 0))
    assert stepper.move("prev_step") == Position(0, len(stepper.steps_of(0)) - 1)


def test_phases_forward_and_back(stepper: Stepper) -> None:
    seen = [stepper.step.phase]
    for _ in range(3):
        stepper.move("next_phase")
        seen.append(stepper.step.phase)
    assert seen == ["forward", "loss", "backward", "update"]
    stepper.move("next_phase")
    assert stepper.position == Position(1, 0)
    stepper.move("prev_phase")
    assert stepper.position.iteration == 0 and stepper.step.phase == "update"
    stepper.move("next_step")  # the second update step
    stepper.move("prev_phase")  # back to the start of this phase
    assert stepper.step.phase == "update" and stepper.steps[stepper.position.step - 1].phase == "backward"
    stepper.move("prev_phase")
    assert stepper.step.phase == "backward"


def test_first_and_last_step_of_the_iteration(stepper: Stepper) -> None:
    stepper.move("next_iteration")
    stepper.move("last_step")
    assert stepper.position == Position(1, len(stepper.steps) - 1)
    stepper.move("first_step")
    assert stepper.position == Position(1, 0)


def test_iterations_are_computed_past_the_planned_count(stepper: Stepper) -> None:
    for _ in range(stepper.planned + 2):
        stepper.move("next_iteration")
    assert stepper.position.iteration == stepper.planned + 2
    assert stepper.iteration.number == stepper.planned + 3
    expected = run(stepper.scenario, stepper.planned + 3)
    np.testing.assert_array_equal(stepper.iteration.after.params.weights[0], expected[-1].after.params.weights[0])


def test_stepping_back_restores_exactly_the_earlier_step(stepper: Stepper) -> None:
    stepper.move("next_step")
    before = stepper.step
    for _ in range(30):
        stepper.move("next_step")
    for _ in range(30):
        stepper.move("prev_step")
    assert stepper.step is before


def test_ten_ahead_and_back(stepper: Stepper) -> None:
    stepper.move("ahead")
    assert stepper.position.iteration == 10
    assert len(stepper.losses()) == 11
    stepper.move("back")
    assert stepper.position.iteration == 0


def test_needs_compute_names_the_missing_iteration(stepper: Stepper) -> None:
    stepper.move("last_step")
    assert stepper.needs_compute("next_step") == 1
    assert stepper.needs_compute("prev_step") is None
    stepper.prepare(1)
    assert stepper.needs_compute("next_step") is None


def test_reload_keeps_the_place_where_it_still_exists(stepper: Stepper) -> None:
    stepper.go(Position(2, 7))
    changed = stepper.scenario.with_training(learning_rate=0.1)
    again = stepper.reload(changed)
    assert again.position == Position(2, 7)
    assert again.scenario.training.learning_rate == 0.1


def test_reload_clamps_a_step_that_no_longer_exists(stepper: Stepper) -> None:
    stepper.go(Position(0, 11))
    smaller = load("lecture")
    from dataclasses import replace

    one_layer = replace(smaller, layers=smaller.layers[1:], inputs=3, x=np.ones((1, 3)))
    again = stepper.reload(one_layer)
    assert again.position == Position(0, len(again.steps) - 1)


def test_losses_cover_the_iterations_walked(stepper: Stepper) -> None:
    assert stepper.losses() == pytest.approx([0.072544], abs=1e-6)
    stepper.move("next_iteration")
    stepper.move("prev_iteration")
    assert len(stepper.losses()) == 2


def test_the_stepping_state_does_not_import_textual() -> None:
    import subprocess
    import sys

    code = ("import sys, backprop_tui.walk.stepper, backprop_tui.walk.focus, backprop_tui.walk.watch, "
            "backprop_tui.walk.authoring; print('textual' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_a_long_walk_keeps_a_bounded_step_cache_and_rebuilds_identical_steps(monkeypatch):
    import numpy as np

    from backprop_tui.walk import stepper as stepper_module
    from backprop_tui.core.scenario.load import load

    monkeypatch.setattr(stepper_module, "STEP_CACHE", 3)
    walker = stepper_module.Stepper(load("xor"))
    first = walker.steps_of(0)
    for iteration in range(1, 8):
        walker.steps_of(iteration)
    assert not walker.is_cached(0) and walker.is_cached(7)
    again = walker.steps_of(0)
    assert again is not first
    for a, b in zip(first, again):
        assert a.operations == b.operations and a.notes == b.notes
        for m, n in zip(a.matrices, b.matrices):
            assert np.array_equal(m.values, n.values)
