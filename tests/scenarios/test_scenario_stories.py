"""Each bundled scenario validates and does what its description promises."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from backprop_tui.core.dense.compare import compare
from backprop_tui.core.dense.run import losses, run
from backprop_tui.core.scenario.bundled import bundled_dir, resolve
from backprop_tui.core.scenario.load import apply_variant, load

MINE = ["activations", "learning-rate", "local-minimum", "sgd", "softmax", "solar"]
ROOT = Path(__file__).resolve().parents[2]


def curves(name: str) -> dict[str, np.ndarray]:
    return {curve.name: curve.losses for curve in compare(load(name)).curves}


@pytest.mark.parametrize("name", MINE)
def test_validates_and_describes_what_to_look_for(name):
    scenario = load(name)
    assert len(scenario.description.split()) > 40
    for variant in scenario.variants:
        assert variant.description, variant.name
        apply_variant(scenario, variant.name)


def test_underscore_names_resolve_to_hyphenated_files():
    assert resolve("learning_rate") == bundled_dir() / "learning-rate.toml"
    assert resolve("local_minimum") == bundled_dir() / "local-minimum.toml"


def test_activations_step_cannot_learn_the_others_can():
    c = curves("activations")
    assert list(c) == ["step", "sigmoid", "tanh", "relu"]
    assert np.ptp(c["step"]) == 0.0 and c["step"][0] == 0.125
    for name in ("sigmoid", "tanh", "relu"):
        assert c[name][-1] < 0.1 * c[name][0], name
    # The gradient reaching θ¹ through step units is exactly zero, and θ² gets none either.
    iteration = run(load("activations", "step"), 1)[0]
    assert all(not np.any(g) for g in iteration.backward.grad_w)
    assert np.array_equal(iteration.after.params.weights[0], iteration.before.params.weights[0])


def test_learning_rate_small_crawls_right_falls_large_diverges():
    comparison = compare(load("learning-rate"))
    c = {curve.name: curve for curve in comparison.curves}
    small, right, large = c["too-small"], c["right"], c["too-large"]
    assert small.diverged_at is None and right.diverged_at is None
    assert small.final > 0.4 * small.at(0)           # crawls: not even 60 % lower after 300 updates
    assert right.final < 0.01 * right.at(0)          # two orders of magnitude
    assert large.diverged_at is not None and large.diverged_at <= load("learning-rate").training.iterations
    assert not np.isfinite(large.final)
    # It oscillates before it blows up: the loss goes up and down while still small.
    early = np.diff(large.losses[:80])
    assert (early > 0).any() and (early < 0).any() and large.losses[:80].max() < 10


def test_local_minimum_momentum_escapes_plain_gd_stalls():
    c = curves("local-minimum")
    assert c["plain-gd"][-1] > 0.06                  # stuck near 0.0625
    assert c["momentum"][-1] < 0.001
    assert c["momentum"][-1] < c["plain-gd"][-1] / 100
    # GD's last thousand updates barely move it: a plateau, not progress.
    assert c["plain-gd"][-1000] - c["plain-gd"][-1] < 0.01


def total_variation(curve: np.ndarray) -> float:
    return float(np.abs(np.diff(np.diff(curve))).sum())


def sign_changes(curve: np.ndarray) -> int:
    d = np.sign(np.diff(curve))
    return int((d[1:] != d[:-1]).sum())


def test_sgd_is_noisier_than_full_batch_gd():
    c = curves("sgd")
    assert np.all(np.diff(c["gd"]) <= 0)             # full batch: never goes up
    assert sign_changes(c["gd"]) == 0
    assert sign_changes(c["sgd-4"]) > 20 and sign_changes(c["sgd-1"]) > 20
    assert total_variation(c["sgd-1"]) > total_variation(c["sgd-4"]) > 3 * total_variation(c["gd"])
    for name in c:                                   # ...and all of them still learn
        assert c[name][-1] < 0.05 * c[name][0], name
    assert load("sgd", "sgd-1").training.batch_size == 1
    assert load("sgd", "sgd-4").training.batch_size == 4


def test_softmax_output_delta_is_prediction_minus_target_over_m():
    scenario = load("softmax")
    assert scenario.loss == "cross_entropy" and scenario.layers[-1].activation == "softmax"
    assert scenario.y.shape[1] == 3 and np.allclose(scenario.y.sum(axis=1), 1)
    for iteration in run(scenario, 3):
        yhat, y = iteration.forward.a[-1], iteration.y
        assert np.allclose(iteration.backward.delta[-1], (yhat - y) / y.shape[1])
    curve = losses(scenario, scenario.training.iterations + 1)
    assert curve[-1] < 0.02 < 1.0 < curve[0]


def test_solar_learns_and_is_marked_synthetic():
    scenario = load("solar")
    assert scenario.inputs == 5 and scenario.layers[-1].units == 1
    assert "SYNTHETIC" in scenario.description
    curve = losses(scenario, scenario.training.iterations + 1)
    baseline = 0.5 * scenario.y.var()                 # always predicting the mean
    assert curve[-1] < 0.01 * curve[0] and curve[-1] < 0.1 * baseline


def test_solar_file_is_what_its_generator_writes():
    # PYTHONPATH: the generator loads its draft with this checkout's package, whichever one the
    # environment has installed (a worktree shares the main checkout's venv)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "scenarios/tools/make_solar.py", "--check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
