"""What each two-input scenario's description says to look for in the input plane is true."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from backprop_tui.core.dense.compare import variant_scenarios
from backprop_tui.core.dense.plane import InputPlane, plane_after
from backprop_tui.core.scenario.load import load
from backprop_tui.render.plane import boundary_mask, regions

README = Path(__file__).resolve().parents[2] / "scenarios" / "README.md"


def variants(name: str) -> dict:
    return {variant: scenario for variant, _, scenario in variant_scenarios(load(name))}


def output_at(plane: InputPlane, point) -> float:
    return float(plane.unit(max(u.layer for u in plane.units), 0).values[plane.nearest(tuple(point))])


def crossings_along(plane: InputPlane, start, end, samples: int = 200) -> int:
    """How often ŷ crosses 0.5 on the segment start → end (nearest grid cells)."""
    values = [output_at(plane, np.add(start, t * np.subtract(end, start))) for t in np.linspace(0, 1, samples)]
    sides = np.array(values) > 0.5
    return int(np.count_nonzero(sides[1:] != sides[:-1]))


@pytest.mark.parametrize("name", ["xor", "activations", "local-minimum", "sgd", "softmax"])
def test_each_two_input_description_says_what_to_look_for_in_the_plane(name) -> None:
    description = load(name).description
    assert "In the input plane (O in the app, or `backprop-tui plane" in description


def test_the_lectures_plane_is_told_in_the_scenarios_readme() -> None:
    """Its description already fills the app's panel at 80x24 (tests/tui/test_nothing_lost.py)."""
    text = " ".join(README.read_text(encoding="utf-8").split())
    assert "`backprop-tui plane NAME`" in text
    assert "from 0.619 to 0.640 after one update and 0.676 after all three" in text
    assert "(0.60 to 0.63 at the start)" in text


def test_xor_the_hidden_layer_makes_a_band() -> None:
    scenario = load("xor")
    start = plane_after(scenario, 0)
    wrong = [(output_at(start, p) > 0.5) != bool(t[0]) for p, t in zip(start.points, start.targets)]
    assert sum(wrong) == 3
    assert crossings_along(start, (-0.25, 1.25), (1.25, -0.25)) == 1  # one line
    trained = plane_after(scenario, 100)
    assert [output_at(trained, p) > 0.5 for p in trained.points] == [False, True, True, False]
    # from (0,1) to (1,0) across the band: above, below, above
    assert crossings_along(trained, (-0.25, 1.25), (1.25, -0.25)) == 2
    assert crossings_along(trained, (-0.25, -0.25), (1.25, 1.25)) == 0  # along the band


def test_lecture_the_whole_plane_rises() -> None:
    scenario = load("lecture")
    planes = [plane_after(scenario, k) for k in range(4)]
    output = [p.unit(2, 0).values for p in planes]
    assert output[0].min() > 0.5
    assert round(output[0].min(), 2) == 0.60 and round(output[0].max(), 2) == 0.63
    assert [round(output_at(p, (1.0, 0.5)), 3) for p in (planes[0], planes[1], planes[3])] == [0.619, 0.640, 0.676]
    assert np.all(output[3] > output[0])


def test_activations_step_units_are_two_valued_and_stay_on() -> None:
    step = variants("activations")["step"]
    for updates in (0, 200):
        plane = plane_after(step, updates)
        hidden = [u for u in plane.units if u.layer == 1]
        assert np.unique(hidden[0].values).tolist() == [0.0, 1.0]
        off = np.argwhere(hidden[0].values == 0.0)
        assert off[:, 0].max() < 3 and off[:, 1].max() < 3  # rows and columns nearest the lower left
        assert all(np.unique(u.values).tolist() == [1.0] for u in hidden[1:])
        assert all(output_at(plane, p) == 0.5 for p in plane.points)


@pytest.mark.parametrize("variant", ["sigmoid", "tanh", "relu"])
def test_activations_smooth_units_settle_near_the_diagonal(variant) -> None:
    plane = plane_after(variants("activations")[variant])
    output = plane.unit(2, 0).values
    xx, yy = np.meshgrid(plane.x, plane.y)
    assert abs(np.mean((xx + yy)[boundary_mask(output)])) < 0.1
    assert [output_at(plane, p) > 0.5 for p in plane.points] == [bool(t[0]) for t in plane.targets]
    assert all(np.unique(u.values).size > 2 for u in plane.units if u.layer == 1)


def test_local_minimum_one_line_against_the_band() -> None:
    found = variants("local-minimum")
    stuck = plane_after(found["plain-gd"], 3000)
    values = [output_at(stuck, p) for p in stuck.points]  # (0,0), (0,1), (1,0), (1,1)
    assert values[0] < 0.2 and values[2] > 0.8
    assert 0.45 < values[1] < 0.5 and 0.45 < values[3] < 0.5
    assert crossings_along(stuck, (-0.25, 1.25), (1.25, -0.25)) == 1
    solved = plane_after(found["momentum"], 300)
    assert [output_at(solved, p) > 0.5 for p in solved.points] == [False, True, True, False]
    assert crossings_along(solved, (-0.25, 1.25), (1.25, -0.25)) == 2


def test_sgd_variants_draw_the_same_boundary() -> None:
    planes = {name: plane_after(scenario) for name, scenario in variants("sgd").items()}
    sides = {name: p.unit(2, 0).values > 0.5 for name, p in planes.items()}
    for name in ("sgd-4", "sgd-1"):
        assert np.mean(sides[name] == sides["gd"]) >= 0.99
    for plane in planes.values():
        xx, yy = np.meshgrid(plane.x, plane.y)
        assert abs(np.mean((xx - 0.5 * yy - 0.1)[boundary_mask(plane.unit(2, 0).values)])) < 0.1
        assert [output_at(plane, p) > 0.5 for p in plane.points] == [bool(t[0]) for t in plane.targets]


def test_softmax_class_three_takes_the_lower_left() -> None:
    scenario = load("softmax")

    def classes_at_samples(updates: int) -> list[int]:
        plane = plane_after(scenario, updates)
        winner, _ = regions(plane.layer_values(2))
        return [int(winner[plane.nearest(tuple(p))]) for p in plane.points]

    truth = [int(np.argmax(t)) for t in scenario.y]
    start = classes_at_samples(0)
    assert start[:4] == truth[:4] and all(c != 2 for c in start[4:])
    assert classes_at_samples(20) == truth
    assert classes_at_samples(100) == truth
