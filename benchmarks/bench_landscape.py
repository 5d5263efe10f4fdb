"""Time a 60×60 loss landscape of each bundled stepping scenario.

Three figures per scenario (medians of --repeats runs):
- grid: E on all the data at the 3,600 grid points, in one batched NumPy pass (`evaluate_grid`);
- loop: the same 3,600 values one `network.loss_of` call at a time (the reference it replaces);
- paths: each variant's run by the lean trajectory path (`core.dense.trajectory`) against the
  same runs one `run.step` at a time (the reference it replaces, equal to it to 1e-12);
- whole: everything `backprop-tui landscape` computes: each variant's run, the plane, the grid
  (goal: under 1 s for every bundled scenario, `local-minimum`'s 2 × 3000 updates the longest).

    python benchmarks/bench_landscape.py
    python benchmarks/bench_landscape.py --resolution 100 --repeats 5

Exits 1 when a grid takes 1 s or more.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

from backprop_tui.core.dense import network, run
from backprop_tui.core.dense.compare import default_iterations, variant_scenarios
from backprop_tui.core.dense.trajectory import trajectory
from backprop_tui.core.dense.landscape import evaluate_grid, extent, landscape, make_plane, trace_paths, unflatten_stack
from backprop_tui.core.dense.network import Params
from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.core.scenario.load import load

SCENARIOS = ("lecture", "xor", "activations", "learning-rate", "local-minimum", "sgd", "solar", "softmax")
LIMIT_SECONDS = 1.0


def median_seconds(work: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def loop_grid(scenario, points: np.ndarray) -> np.ndarray:
    """The reference: one engine call per point."""
    weights, biases = unflatten_stack(scenario, points)
    activations = run.activations_of(scenario)
    x, y = scenario.x.T, scenario.y.T
    values = np.empty(len(points))
    with np.errstate(all="ignore"):
        for g in range(len(points)):
            params = Params(tuple(w[g] for w in weights), tuple(None if b is None else b[g] for b in biases))
            values[g] = network.loss_of(scenario.loss, activations, params, x, y)
    return values


def engine_paths(scenario) -> None:
    """The reference for the paths: every variant's updates through `run.step`."""
    for _, _, variant in variant_scenarios(scenario):
        state = run.initial_state(variant)
        for _ in range(default_iterations(scenario)):
            state = run.step(variant, state).after


def lean_paths(scenario) -> None:
    for _, _, variant in variant_scenarios(scenario):
        trajectory(variant, default_iterations(scenario))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--resolution", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    n = args.resolution
    print(f"{'scenario':<14} {'grid':>9} {'loop':>9} {'speed-up':>9} {'paths':>9} {'run.step':>9} "
          f"{'speed-up':>9} {'whole':>9}   ({n}x{n} = {n * n} points)")
    slowest, slowest_whole = 0.0, 0.0
    for name in SCENARIOS:
        scenario = load(resolve(name))
        paths = trace_paths(scenario)
        plane = make_plane(scenario, paths, None)
        u, v = extent(plane, paths)
        grid = median_seconds(lambda: evaluate_grid(scenario, plane, u, v, n), args.repeats)
        uu, vv = np.meshgrid(np.linspace(*u, n), np.linspace(*v, n))
        points = plane.lift(uu.ravel(), vv.ravel())
        loop = median_seconds(lambda: loop_grid(scenario, points), 1)
        lean = median_seconds(lambda: lean_paths(scenario), args.repeats)
        engine = median_seconds(lambda: engine_paths(scenario), 1)
        whole = median_seconds(lambda: landscape(scenario, resolution=n), args.repeats)
        slowest, slowest_whole = max(slowest, grid), max(slowest_whole, whole)
        print(f"{name:<14} {grid * 1000:>7.1f}ms {loop * 1000:>7.0f}ms {loop / grid:>8.0f}x {lean:>8.2f}s "
              f"{engine:>8.2f}s {engine / lean:>8.1f}x {whole:>8.2f}s")
    print(f"slowest grid: {slowest * 1000:.1f} ms (limit {LIMIT_SECONDS:g} s); "
          f"slowest whole landscape: {slowest_whole:.2f} s (goal: under {LIMIT_SECONDS:g} s)")
    return 0 if slowest < LIMIT_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
