"""The stepper's memory (walk/history.py): states kept, iterations rebuilt bit for bit, and a
long walk on a 784-128-10 network in bounded memory."""

from __future__ import annotations

import importlib.util
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from backprop_tui.core.dense import run
from backprop_tui.core.scenario.load import load
from backprop_tui.walk import history as history_module
from backprop_tui.walk import stepper as stepper_module
from backprop_tui.walk.history import IterationHistory

ROOT = Path(__file__).resolve().parents[2]


def _big_scenario(tmp_path: Path):
    spec = importlib.util.spec_from_file_location("big_scenario", ROOT / "tests" / "tui" / "big_scenario.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return load(module.write_dense_scenario(tmp_path / "big.toml"))


def _same(a, b) -> None:
    assert a.number == b.number and a.loss == b.loss
    np.testing.assert_array_equal(a.batch, b.batch)
    for x, y in zip((*a.before.params.weights, *a.after.params.weights), (*b.before.params.weights,
                                                                          *b.after.params.weights)):
        np.testing.assert_array_equal(x, y)
    for x, y in zip(a.backward.grad_w, b.backward.grad_w):
        np.testing.assert_array_equal(x, y)


def test_iterations_not_kept_are_rebuilt_bit_for_bit(monkeypatch) -> None:
    monkeypatch.setattr(history_module, "STATE_BUDGET_PER_ITERATION", 1)  # keep a state every MAX_EVERY
    monkeypatch.setattr(history_module, "ITERATION_BUDGET", 0)  # keep only MIN_KEPT whole iterations
    scenario = load("xor")
    expected = run.run(scenario, 70)
    walked = IterationHistory(scenario)
    walked.extend_to(69)
    assert walked.every == history_module.MAX_EVERY
    assert len(walked) == 70 and walked.losses == [it.loss for it in expected]
    for index in (0, 1, 31, 32, 33, 50, 69, 5):
        _same(walked[index], expected[index])
    assert [it.number for it in walked[60:63]] == [61, 62, 63]
    with pytest.raises(IndexError):
        walked[70]


def test_small_networks_keep_every_state() -> None:
    walked = IterationHistory(load("xor"))
    walked.extend_to(9)
    assert walked.every == 1


def test_a_long_walk_on_784_128_10_stays_small(tmp_path: Path) -> None:
    """Before: every iteration kept (about 4 MB each here), 300 iterations took over 1 GB."""
    scenario = _big_scenario(tmp_path)
    tracemalloc.start()
    try:
        walked = IterationHistory(scenario)
        walked.extend_to(299)
        size, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert walked.every > 1
    assert size < 120_000_000, f"{size / 1e6:.0f} MB for 300 iterations"
    _same(run.step(scenario, walked[150].after), walked[151])  # rebuilt from a kept state, exactly


def test_the_stepper_keeps_a_bounded_number_of_big_steps(tmp_path: Path) -> None:
    """Steps of a 784-128-10 iteration hold about 6.6 MB: only as many as fit in the budget stay."""
    scenario = _big_scenario(tmp_path)
    walker = stepper_module.Stepper(scenario)
    original = walker.steps_of(0)
    for iteration in range(1, 30):
        walker.steps_of(iteration)
    kept = [i for i in range(30) if walker.is_cached(i)]
    assert 4 <= len(kept) < 20 and kept[-1] == 29 and 0 not in kept
    again = walker.steps_of(0)  # rebuilt from the kept state: the same numbers
    assert again is not original
    for a, b in zip(original, again):
        for m, n in zip(a.matrices, b.matrices):
            np.testing.assert_array_equal(m.values, n.values)
