"""One vocabulary: every quantity's key has an ASCII name that reads back to the same key (and
every cell to the same cell), for every quantity of every scenario; typos get a clear message."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_tui.core.errors import UserError
from backprop_tui.core.vocab import (Cell, Kind, Phase, Quantity, QuantityNameError, cell_name, parse_cell,
                                     parse_quantity)

from support.dense_cases import all_cases, bundled_cases, steps_of

BRIEF_NAMES = ["theta1", "theta1_T", "b1", "x", "y", "z1", "a1", "yhat", "E", "dE_dyhat", "dE_da1", "fprime1",
               "delta1", "dE_dtheta1", "dE_db1", "v_theta1", "v_b1", "theta1_new", "b1_new"]


@pytest.mark.parametrize("name", BRIEF_NAMES)
def test_the_names_users_type_read_back_to_themselves(name: str) -> None:
    assert parse_quantity(name).ascii == name


@pytest.mark.parametrize("case", all_cases())
def test_every_quantity_and_cell_of_every_scenario_round_trips(case: str) -> None:
    seen = set()
    for step in steps_of(case, 2):
        for m in step.matrices:
            assert parse_quantity(m.key.ascii) == m.key
            for r, c in np.ndindex(m.shape):
                typed = cell_name(m.key, (r, c), m.shape).ascii
                assert parse_cell(typed).at(m.shape) == (r, c), typed
                assert parse_cell(typed).key == m.key
            seen.add(m.key)
    assert len({k.ascii for k in seen}) == len(seen)  # no two quantities share a name


def test_the_bundled_cases_are_all_there() -> None:
    names = {name for name, _ in bundled_cases()}
    assert {"lecture", "xor", "softmax", "sgd"} <= names and "fashion_cnn" not in names


def test_cells_are_one_based_at_the_edge_and_zero_based_inside() -> None:
    assert parse_cell("z1[2]") == Cell(Quantity(Kind.Z, 1), (1,))
    assert parse_cell("z1[2]").at((3, 1)) == (1, 0)
    assert parse_cell(" theta1[2, 3] ").at((2, 3)) == (1, 2)
    assert parse_cell("delta2_T[1,4]").key == Quantity(Kind.DELTA, 2, transposed=True)
    assert cell_name(Quantity(Kind.THETA, 1), (1, 2), (2, 3)).ascii == "theta1[2,3]"
    assert cell_name(Quantity(Kind.Z, 2), (0, 0), (1, 1)).ascii == "z2[1]"


@pytest.mark.parametrize(("typed", "says"), [
    ("thetaa1", "'thetaa1' is not the name of a quantity"),
    ("z0", "layers count from 1"),
    ("x1", "is not the name of a quantity"),
    ("z1[0]", "cells count from 1"),
    ("z1[a]", "one or two whole numbers"),
    ("theta1[1,2,3]", "one or two whole numbers"),
])
def test_a_name_that_names_nothing_says_what_is_accepted(typed: str, says: str) -> None:
    with pytest.raises(QuantityNameError, match=says.replace("[", r"\[")) as error:
        parse_cell(typed)
    assert isinstance(error.value, UserError)  # the CLI prints it and exits 2, no traceback
    assert "\n" not in str(error.value)


def test_a_cell_that_does_not_fit_the_matrix_says_so() -> None:
    with pytest.raises(QuantityNameError, match=r"theta1 is 2×3, so a cell is theta1\[i,j\]"):
        parse_cell("theta1[2]").at((2, 3))
    with pytest.raises(QuantityNameError, match="outside it"):
        parse_cell("z1[4]").at((3, 1))


def test_keys_refuse_a_layer_where_none_belongs_and_count_layers_from_1() -> None:
    with pytest.raises(ValueError):
        Quantity(Kind.INPUT, 1)
    with pytest.raises(ValueError):
        Quantity(Kind.Z)
    with pytest.raises(ValueError):
        Quantity(Kind.Z, 0)


def test_phases_are_ordered_as_the_lecture_works_them() -> None:
    assert [p.value for p in sorted(Phase, key=lambda p: p.order)] == ["forward", "loss", "backward", "update"]
