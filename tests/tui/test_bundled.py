"""Every bundled scenario and variant the stepper can open survives a walk through all its steps."""

from __future__ import annotations

import os

import pytest

from backprop_tui.core.errors import UserError
from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.core.scenario.kind import file_kind
from backprop_tui.core.scenario.load import load
from backprop_tui.core.vocab import ScenarioKind
from backprop_tui.walk.watch import open_scenario
from backprop_tui.tui.app import BackpropApp
from backprop_tui.tui.screens.open_dialog import steppable_scenarios
from backprop_tui.tui.screens.stepper import StepperScreen

from .helpers import screen_text, wait_for

CASES = [(name, None) for name, _ in steppable_scenarios()]
CASES += [(name, v.name) for name, _ in steppable_scenarios() if file_kind(resolve(name)) is ScenarioKind.DENSE
          for v in load(name).variants]  # convolutional scenarios have no variants


def _needs_missing_data(name: str) -> bool:
    """A convolutional scenario of real Fashion-MNIST images on a machine without the data set
    (skipped there; CI=true has it, as tests/cnn require)."""
    if file_kind(resolve(name)) is not ScenarioKind.CONV or os.environ.get("CI") == "true":
        return False
    try:
        open_scenario(name)
    except UserError:
        return True
    return False


@pytest.mark.parametrize(("name", "variant"), CASES, ids=[f"{n}-{v or 'base'}" for n, v in CASES])
async def test_walk_every_step_of_two_iterations(name: str, variant: str | None) -> None:
    if _needs_missing_data(name):
        pytest.skip("real Fashion-MNIST not installed (sudo apt-get install dataset-fashion-mnist)")
    app = BackpropApp(name, variant)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, StepperScreen)
        steps = len(screen.stepper.steps)
        for _ in range(2 * steps):  # every step drawn: the moves redraw synchronously
            screen.action_move("next_step")
            if screen.busy:  # computed in a worker if the machine was slow: wait for it
                await wait_for(pilot, lambda: not screen.busy)
            screen.action_cursor(1, 1)
        screen.action_toggle_sources()
        screen.action_move("ahead")
        await wait_for(pilot, lambda: not screen.busy)
        assert screen.stepper.position.iteration == 12
        planned = screen.stepper.planned
        assert (f"iteration 13/{planned}" if planned >= 13 else f"iteration 13, past the {planned} planned") in screen_text(app)
