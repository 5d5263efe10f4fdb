"""Synthetic Fashion-MNIST for the tests (the four IDX files, learnable), and the small CNN that the
checkpoint tests train on it for one epoch.

tests/ is on sys.path (pytest puts the root conftest's folder there), so every test folder imports
this as `support.fashion_data`.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from backprop_tui.cli.main import main
from backprop_tui.core.cnn.idx import encode_idx


def write_idx(path: Path | str, array: np.ndarray, compress: bool | None = None) -> None:
    """Write `array` as an IDX file (core/cnn/idx.encode_idx), gzipped when `compress` is true or
    the name ends in .gz: the product only reads IDX files, so the tests write their own."""
    path = Path(path)
    data = encode_idx(array)
    if compress if compress is not None else path.suffix == ".gz":
        data = gzip.compress(data, compresslevel=6, mtime=0)
    path.write_bytes(data)


def fashion_like(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`n` learnable images in Fashion-MNIST's format, uint8 (n × 28 × 28), and their labels (n):
    class k is a bright bar at its own place (rows for k < 5, columns for the others), plus noise."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n).astype(np.uint8)
    images = rng.integers(0, 60, (n, 28, 28)).astype(np.uint8)
    for k in range(10):
        chosen = labels == k
        if k < 5:
            images[chosen, 3 + 5 * k:6 + 5 * k, 4:24] = 220
        else:
            images[chosen, 4:24, 3 + 5 * (k - 5):6 + 5 * (k - 5)] = 220
    return images, labels


def write_fashion_like(folder: Path, n_train: int = 300, n_test: int = 100, gz: bool = True, seed: int = 0) -> Path:
    """The four IDX files of a synthetic data set in `folder` (made if need be), gzipped unless
    `gz` is False: the training images drawn with `seed`, the test images with seed + 1."""
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".gz" if gz else ""
    for split, n, drawn_with in (("train", n_train, seed), ("t10k", n_test, seed + 1)):
        images, labels = fashion_like(n, drawn_with)
        write_idx(folder / f"{split}-images-idx3-ubyte{suffix}", images)
        write_idx(folder / f"{split}-labels-idx1-ubyte{suffix}", labels)
    return folder


SMALL_CNN = """title = "small"
seed = 2
[model]
input = [1, 28, 28]
[[model.layer]]
type = "conv2d"
filters = 3
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
type = "dropout"
rate = 0.2
[[model.layer]]
type = "dense"
units = 10
[training]
batch_size = 50
epochs = 1
learning_rate = 0.05
"""
"""A small CNN scenario (conv, relu, maxpool, flatten, dropout, dense) that trains in seconds."""


def train_small_checkpoint(root: Path) -> tuple[Path, Path]:
    """Train SMALL_CNN for one epoch on 200 synthetic images written under `root`: (the checkpoint,
    the data's folder, which the checkpoint records, so `--image` reads its test images there)."""
    data = write_fashion_like(root / "data", n_train=200, n_test=20)
    scenario = root / "small.toml"
    scenario.write_text(SMALL_CNN, encoding="utf-8")
    checkpoint = root / "small.npz"
    assert main(["train", str(scenario), "--data-dir", str(data), "--no-verify", "--checkpoint", str(checkpoint)]) == 0
    return checkpoint, data
