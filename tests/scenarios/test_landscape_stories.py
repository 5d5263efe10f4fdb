"""The bundled scenarios tell their stories on the landscape, as their descriptions say."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_tui.core.dense import run
from backprop_tui.core.dense.landscape import PCA, gradient_cut, landscape
from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.core.scenario.load import load


@pytest.mark.parametrize("name", ["lecture", "learning-rate", "local-minimum", "sgd"])
def test_description_says_what_to_look_for_in_the_landscape(name: str) -> None:
    description = load(resolve(name)).description
    assert f"backprop-tui landscape {name}" in description and "L in the app" in description or name == "sgd"
    assert "landscape" in description


def test_learning_rate_story() -> None:
    scape = landscape(load(resolve("learning-rate")))
    assert scape.plane.axes == ("b2[1]", "theta2[2,1]")
    by_name = {p.name: i for i, p in enumerate(scape.paths)}
    assert scape.leaves_at(by_name["too-large"]) == 22
    too_large = load(resolve("learning-rate"), "too-large")
    iterations = run.run(too_large, 73)
    for k in range(0, 73, 6):  # "lowest about half a step along it"
        assert 0.35 <= gradient_cut(too_large, iterations[k].before.params).lowest_s <= 0.65
    right = load(resolve("learning-rate"), "right")
    cut = gradient_cut(right, run.initial_state(right).params)
    assert cut.lowest_s > 1.0 and cut.after < cut.before
    pca = landscape(load(resolve("learning-rate")), PCA)
    finite = pca.grid.values[np.isfinite(pca.grid.values)]
    from backprop_tui.render.landscape import band_edges, bands
    edges, _ = band_edges(pca.grid.values)
    assert bands(np.array([pca.paths[by_name["right"]].losses[-1]]), edges)[0] == 0  # the lowest band
    assert finite.size


def test_local_minimum_story() -> None:
    scape = landscape(load(resolve("local-minimum")))
    assert scape.plane.axes == ("theta2[1,1]", "theta2[2,1]")
    gd, momentum = scape.paths
    assert round(float(momentum.losses[-1]), 4) == 0.0002 and round(float(gd.losses[-1]), 3) == 0.068
    travelled = [float(np.abs(c[-1] - c[0]).sum()) for c in scape.coords]
    assert travelled[1] > 2 * travelled[0]  # momentum rolls on more than twice as far
    gd_3000, momentum_300 = (float(np.abs(c[k] - c[0]).sum()) for c, k in zip(scape.coords, (3000, 300)))
    assert gd_3000 < momentum_300


def test_sgd_story() -> None:
    scape = landscape(load(resolve("sgd")), PCA)
    final = [float(p.losses[-1]) for p in scape.paths]
    assert all(abs(e - 0.003) < 0.0005 for e in final)
    wiggle = [float(np.abs(np.diff(c, 2, axis=0)).sum()) for c in scape.coords]  # second differences: zigzags
    assert wiggle[0] < wiggle[1] < wiggle[2]


def test_lecture_story() -> None:
    scenario = load(resolve("lecture"))
    scape = landscape(scenario)
    assert scape.plane.axes == ("theta2[3,1]", "theta2[2,1]")
    assert np.all(np.diff(scape.paths[0].losses) < 0)
    cut = gradient_cut(scenario, run.initial_state(scenario).params)
    assert cut.after < cut.before and cut.lowest_s > 1.0
