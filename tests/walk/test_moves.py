"""Moves are a vocabulary (an enum with one handler each), not strings compared in a chain."""

from __future__ import annotations

import pytest

from backprop_tui.core.scenario.load import load
from backprop_tui.core.vocab import Move
from backprop_tui.walk import stepper as stepper_module
from backprop_tui.walk.stepper import Position, Stepper


def test_every_move_has_a_handler() -> None:
    assert set(stepper_module._MOVES) == set(Move)


@pytest.mark.parametrize(("move", "expected"), [
    (Move.NEXT_STEP, Position(1, 5)), (Move.PREV_STEP, Position(1, 3)), (Move.NEXT_PHASE, Position(1, 5)),
    (Move.PREV_PHASE, Position(1, 0)), (Move.NEXT_ITERATION, Position(2, 4)), (Move.PREV_ITERATION, Position(0, 4)),
    (Move.AHEAD, Position(11, 4)), (Move.BACK, Position(0, 4)), (Move.FIRST_STEP, Position(1, 0)),
    (Move.LAST_STEP, Position(1, 11)),
])
def test_each_move_from_the_middle_of_an_iteration(move: Move, expected: Position) -> None:
    stepper = Stepper(load("lecture"), Position(1, 4))  # iteration 2, the loss step
    assert stepper.target(move) == expected
    assert stepper.target(move.value) == expected  # the app's bindings name moves by their value


def test_an_unknown_move_is_refused() -> None:
    with pytest.raises(ValueError):
        Stepper(load("lecture")).target("sideways")
