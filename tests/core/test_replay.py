"""A replay of an iteration's operations without change gives every value its steps show, for
every kind of operation: the ground the mistakes engine stands on."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_tui.core.dense.operation import OpKind
from backprop_tui.core.dense.replay import evaluate, replay, shown_values
from backprop_tui.walk.stepper import Stepper

from support.dense_cases import all_cases, scenario

CASES = [case for case in all_cases() if case != "diverging"]


@pytest.mark.parametrize("case", CASES)
def test_a_replay_reproduces_every_shown_value(case) -> None:
    stepper = Stepper(scenario(case))  # dense or convolutional, the engine the scenario needs
    for iteration in range(2):
        steps = stepper.steps_of(iteration)
        start = shown_values(steps)
        # the results are computed again, not read back: start them all as NaN
        computed = {key for step in steps for op in step.operations for key in op.results}
        blank = {key: (np.full_like(v, np.nan) if key in computed else v) for key, v in start.items()}
        values = replay(steps, len(steps) - 1, blank)
        for step in steps:
            for op in step.operations:
                for key in op.results:
                    np.testing.assert_allclose(values[key], step.matrix(key).values, rtol=1e-9, atol=1e-15,
                                               err_msg=f"{case} {key.ascii}")


def test_every_kind_of_operation_is_evaluated() -> None:
    seen = set()
    for case in CASES:
        steps = Stepper(scenario(case)).steps_of(0)
        values = shown_values(steps)
        for step in steps:
            for op in step.operations:
                evaluate(op, values)
                seen.add(op.kind)
    assert seen == set(OpKind)
