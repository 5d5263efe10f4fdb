"""Time a 60×60 loss landscape of each bundled stepping scenario.

Three figures per scenario (medians of --repeats runs):
- grid: E on all the data at the 3,600 grid points, in one batched NumPy pass (`evaluate_grid`);
- loop: the same 3,600 values one `network.loss_of` call at a time (the reference it replaces);
- whole: everything `backprop-tui landscape` computes: each variant's run (the engine's own
  updates, one at a time, as the stepper makes them), the plane, the grid.

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--resolution", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    n = args.resolution
    print(f"{'scenario':<14} {'grid':>9} {'loop':>9} {'speed-up':>9} {'whole':>9}   ({n}x{n} = {n * n} points)")
    slowest = 0.0
    for name in SCENARIOS:
        scenario = load(resolve(name))
        paths = trace_paths(scenario)
        plane = make_plane(scenario, paths, None)
        u, v = extent(plane, paths)
        grid = median_seconds(lambda: evaluate_grid(scenario, plane, u, v, n), args.repeats)
        uu, vv = np.meshgrid(np.linspace(*u, n), np.linspace(*v, n))
        points = plane.lift(uu.ravel(), vv.ravel())
        loop = median_seconds(lambda: loop_grid(scenario, points), 1)
        whole = median_seconds(lambda: landscape(scenario, resolution=n), 1)
        slowest = max(slowest, grid)
        print(f"{name:<14} {grid * 1000:>7.1f}ms {loop * 1000:>7.0f}ms {loop / grid:>8.0f}x {whole:>8.2f}s")
    print(f"slowest grid: {slowest * 1000:.1f} ms (limit {LIMIT_SECONDS:g} s)")
    return 0 if slowest < LIMIT_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
