"""A large dense scenario (784-128-10 by default) written as TOML, as a learner's file would be.

Used by the responsiveness test and by benchmarks/bench_step.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def _matrix(values: np.ndarray) -> str:
    return "[" + ",\n  ".join("[" + ", ".join(f"{v:.6f}" for v in row) + "]" for row in values) + "]"


def write_dense_scenario(path: Path, sizes: tuple[int, ...] = (784, 128, 10), samples: int = 4, seed: int = 0) -> Path:
    """Random weights (He-scaled), random inputs in [0, 1) and one-hot targets; ReLU then softmax."""
    rng = np.random.default_rng(seed)
    layers = []
    for index, (fan_in, units) in enumerate(zip(sizes[:-1], sizes[1:])):
        last = index == len(sizes) - 2
        weights = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, units))
        layers.append(f'[[layer]]\nunits = {units}\nactivation = "{"softmax" if last else "relu"}"\n'
                      f"weights = {_matrix(weights)}\nbias = [{', '.join(['0.0'] * units)}]\n")
    x = rng.random((samples, sizes[0]))
    y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], samples)]
    text = (f'title = "Dense {"-".join(map(str, sizes))}: random weights"\nseed = {seed}\n\n'
            f'[network]\ninputs = {sizes[0]}\nloss = "cross_entropy"\n\n' + "\n".join(layers)
            + f"\n[data]\ninputs = {_matrix(x)}\ntargets = {_matrix(y)}\n\n"
            f'[training]\noptimizer = "momentum"\nlearning_rate = 0.05\nbatch_size = {samples}\niterations = 5\n')
    path.write_text(text, encoding="utf-8")
    return path
