"""Which matrix shows the cursor, and the scroll window that keeps it visible in big matrices."""

from __future__ import annotations

import pytest

from backprop_tui.render.matrix import visible_indices
from backprop_tui.render.step import shown_matrices
from backprop_tui.core.scenario.load import load
from backprop_tui.core.vocab import parse_quantity
from backprop_tui.walk.stepper import Stepper
from backprop_tui.walk.focus import Focus, cursor_cell, window_offset


@pytest.mark.parametrize(("total", "limit"), [(784, 10), (128, 6), (10, 6), (6, 6), (7, 6)])
def test_every_index_is_visible_in_its_window(total: int, limit: int) -> None:
    for index in range(total):
        assert index in visible_indices(total, limit, window_offset(index, total, limit))


def test_cursor_is_drawn_transposed_in_the_forward_step() -> None:
    stepper = Stepper(load("lecture"))
    step = stepper.step  # z¹ = θ¹ᵀ·x
    shown = shown_matrices(step, show_sources=False)
    assert cursor_cell(step, shown, Focus(1, 1, 2)) == (parse_quantity("theta1_T"), (2, 1))
    assert cursor_cell(step, shown_matrices(step, True), Focus(1, 1, 2)) == (parse_quantity("theta1"), (1, 2))


def test_cursor_is_in_the_gradient_in_a_gradient_step() -> None:
    stepper = Stepper(load("lecture"))
    while stepper.step.operation.result != parse_quantity("dE_dtheta2"):
        stepper.move("next_step")
    shown = shown_matrices(stepper.step, False)
    assert cursor_cell(stepper.step, shown, Focus(2, 2, 0)) == (parse_quantity("dE_dtheta2"), (2, 0))
