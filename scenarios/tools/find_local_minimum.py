"""Search XOR initialisations where plain GD stalls and momentum escapes (for local-minimum.toml).

Run from the repository root: `python scenarios/tools/find_local_minimum.py [seeds]`.
Each candidate draws a 2-2-1 sigmoid network's weights and biases uniformly from [-SCALE, SCALE]
(rounded to 3 decimals, exactly as they are then written in the scenario), trains it on XOR
with plain GD and with momentum at the same learning rate, and is printed when GD is still
stuck above STUCK after GD_LONG updates while momentum is below SOLVED after ITERATIONS.
"""

from __future__ import annotations

import sys

import numpy as np

from backprop_tui.core.dense.run import losses
from backprop_tui.core.scenario.load import loads

SCALE = 2.0
ITERATIONS = 1000
GD_LONG = 4000
STUCK = 0.05
SOLVED = 0.01

TEMPLATE = """
title = "search"
seed = 0
[network]
inputs = 2
loss = "squared_error"
[[layer]]
units = 2
activation = "sigmoid"
weights = {w1}
bias = {b1}
[[layer]]
units = 1
activation = "sigmoid"
weights = {w2}
bias = {b2}
[data]
inputs = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
targets = [[0.0], [1.0], [1.0], [0.0]]
[training]
optimizer = "{optimizer}"
learning_rate = {rate}
momentum = 0.9
batch_size = 4
iterations = 1
"""


def candidate(seed: int) -> dict[str, str]:
    """Weights and biases for one seed, as TOML array text rounded to 3 decimals."""
    rng = np.random.default_rng(seed)
    draw = lambda *shape: np.round(rng.uniform(-SCALE, SCALE, size=shape), 3).tolist()  # noqa: E731
    return {"w1": str(draw(2, 2)), "b1": str(draw(2)), "w2": str(draw(2, 1)), "b2": str(draw(1))}


def final_losses(parts: dict[str, str], rate: float) -> tuple[float, float]:
    """(GD loss after GD_LONG updates, momentum loss after ITERATIONS updates)."""
    gd = loads(TEMPLATE.format(optimizer="gd", rate=rate, **parts))
    mom = loads(TEMPLATE.format(optimizer="momentum", rate=rate, **parts))
    return float(losses(gd, GD_LONG + 1)[-1]), float(losses(mom, ITERATIONS + 1)[-1])


def main() -> None:
    seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rate = float(sys.argv[2]) if len(sys.argv) > 2 else 0.5
    for seed in range(seeds):
        parts = candidate(seed)
        gd, mom = final_losses(parts, rate)
        if gd > STUCK and mom < SOLVED:
            print(f"seed {seed}: GD {gd:.4f} after {GD_LONG}, momentum {mom:.5f} after {ITERATIONS}: {parts}")


if __name__ == "__main__":
    main()
