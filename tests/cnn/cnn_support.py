"""Helpers shared by the CNN tests: scenarios built in code, gradient and convolution oracles (the
synthetic IDX data sets are tests/support/fashion_data.py's)."""

from __future__ import annotations

import numpy as np

from backprop_tui.core.cnn.config import CnnScenario, LayerSpec, TrainingSpec

GOOD_LAYERS = """
[model]
input = [1, 28, 28]
[[model.layer]]
type = "conv2d"
filters = 4
kernel = 3
padding = 1
[[model.layer]]
type = "relu"
[[model.layer]]
type = "maxpool"
size = 2
[[model.layer]]
type = "flatten"
[[model.layer]]
type = "dense"
units = 10
"""
"""A small valid [model] in TOML, for loader and CLI tests."""

DEFAULT_LAYERS = (
    LayerSpec("conv2d", filters=16, kernel=3, padding=1),
    LayerSpec("relu"),
    LayerSpec("maxpool", size=2),
    LayerSpec("conv2d", filters=32, kernel=3, padding=1),
    LayerSpec("relu"),
    LayerSpec("maxpool", size=2),
    LayerSpec("flatten"),
    LayerSpec("dense", units=128),
    LayerSpec("relu"),
    LayerSpec("dense", units=10),
)


def make_scenario(layers: tuple[LayerSpec, ...] = DEFAULT_LAYERS, seed: int = 3, **training: object) -> CnnScenario:
    """A CnnScenario built in code (the loader is tested on its own)."""
    return CnnScenario("test", "", seed, (1, 28, 28), layers, TrainingSpec(**training))  # type: ignore[arg-type]


EPS = 1e-6


def numeric_grad(f, array: np.ndarray, max_entries: int = 400, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Central differences of scalar f() w.r.t. (a sample of) the entries of `array`."""
    flat = array.reshape(-1)
    rng = np.random.default_rng(seed)
    index = np.arange(flat.size) if flat.size <= max_entries else rng.choice(flat.size, max_entries, replace=False)
    grads = np.empty(len(index))
    for k, i in enumerate(index):
        old = flat[i]
        flat[i] = old + EPS
        plus = f()
        flat[i] = old - EPS
        minus = f()
        flat[i] = old
        grads[k] = (plus - minus) / (2 * EPS)
    return index, grads


def naive_conv(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int, padding: int) -> np.ndarray:
    """The definition, loop by loop: the oracle for the fast convolution."""
    n, c, h, width = x.shape
    cout, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    ho = (h + 2 * padding - kh) // stride + 1
    wo = (width + 2 * padding - kw) // stride + 1
    out = np.zeros((n, cout, ho, wo))
    for i in range(n):
        for o in range(cout):
            for y in range(ho):
                for z in range(wo):
                    patch = xp[i, :, y * stride:y * stride + kh, z * stride:z * stride + kw]
                    out[i, o, y, z] = (patch * w[o]).sum() + b[o]
    return out
