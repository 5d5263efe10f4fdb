"""Helpers shared by the export tests: comparing a script's numbers with the trace's, extra scenarios
(running the CLI and synthetic Fashion-MNIST are tests/support's)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


REPO = Path(__file__).resolve().parents[2]
"""This checkout: subprocesses run from here so they import its backprop_tui."""
TOLERANCE = 1e-10
"""How close an exported script's numbers must be to backprop-tui's: absolute below 1, relative above."""


def assert_close(got: Any, want: Any, where: str) -> None:
    """Equal structure; numbers within TOLERANCE; "NaN"/"inf" spellings and None exactly."""
    if isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), where
        for index, (g, w) in enumerate(zip(got, want)):
            assert_close(g, w, f"{where}[{index}]")
    elif isinstance(want, float) and isinstance(got, float):
        assert abs(got - want) <= TOLERANCE * max(1.0, abs(want)), f"{where}: {got!r} != {want!r}"
    else:
        assert got == want, where


def assert_same_iterations(got: list[dict[str, Any]], want: list[dict[str, Any]], name: str) -> None:
    """The script's iteration records are the trace's, but for the step number of a divergence."""
    assert len(got) == len(want) > 0
    for mine, theirs in zip(got, want):
        where = f"{name} iteration {theirs['iteration']}"
        # The trace also numbers the step where an iteration diverged: PyTorch has no steps.
        assert set(mine) == set(theirs) - {"diverged_at_step"}, where
        for key in ("iteration", "batch", "diverged"):
            assert mine[key] == theirs[key], f"{where}: {key}"
        for key in ("loss", "weights", "biases"):
            assert_close(mine[key], theirs[key], f"{where}: {key}")


# Dense scenarios that use what the bundled ones do not: leaky_relu, relu, identity, mse,
# binary_cross_entropy, softmax without cross-entropy, step with momentum, a layer without bias,
# an untrained bias, random initial weights, and mini-batches that do not divide the samples.
EXTRA_SCENARIOS = {
    "leaky-mse": """
title = "leaky_relu hidden, identity output, mse, momentum on uneven mini-batches"
seed = 5
[network]
inputs = 2
loss = "mse"
[[layer]]
units = 3
activation = "leaky_relu"
weights = [[0.5, -0.6, 0.2], [-0.3, 0.8, -0.9]]
bias = [0.1, -0.2, 0.05]
train_bias = false
[[layer]]
units = 2
activation = "identity"
weights = [[0.4, -0.2], [0.3, 0.6], [-0.5, 0.1]]
bias = [0.0, 0.1]
[data]
inputs = [[0.5, -1.0], [1.0, 0.2], [-0.7, 0.4], [0.1, 0.9], [-1.0, -0.5]]
targets = [[0.2, -0.1], [0.5, 0.3], [-0.4, 0.2], [0.3, 0.6], [-0.2, -0.5]]
[training]
optimizer = "momentum"
learning_rate = 0.2
momentum = 0.8
batch_size = 2
iterations = 30
""",
    "relu-bce": """
title = "ReLU hidden (random init), sigmoid outputs, binary cross-entropy, SGD"
seed = 11
[network]
inputs = 3
loss = "binary_cross_entropy"
init = "he"
[[layer]]
units = 4
activation = "relu"
bias = [0.1, 0.1, 0.1, 0.1]
[[layer]]
units = 2
activation = "sigmoid"
[data]
inputs = [[0.2, 0.7, -0.4], [0.9, -0.3, 0.5], [-0.6, 0.1, 0.8], [0.4, 0.4, 0.4]]
targets = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]]
[training]
optimizer = "sgd"
learning_rate = 0.5
batch_size = 3
iterations = 30
""",
    "step-softmax-se": """
title = "step hidden units under momentum; a softmax output trained on squared error"
seed = 2
[network]
inputs = 2
loss = "squared_error"
[[layer]]
units = 3
activation = "step"
weights = [[0.4, -0.3, 0.2], [0.1, 0.5, -0.6]]
bias = [0.05, -0.1, 0.2]
[[layer]]
units = 3
activation = "softmax"
weights = [[0.3, -0.2, 0.1], [0.2, 0.4, -0.3], [-0.1, 0.2, 0.5]]
bias = [0.0, 0.0, 0.0]
[data]
inputs = [[1.0, 0.2], [-0.5, 0.9], [0.3, -0.8], [-0.9, -0.1]]
targets = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
[training]
optimizer = "momentum"
learning_rate = 0.7
momentum = 0.9
batch_size = 4
iterations = 30
""",
}


# Convolutional stepper scenarios that use what conv and fashion_conv do not: several channels,
# two convolutions, stride and padding, a convolution without bias, drawn weights, every
# activation and loss, max-pool windows with ties (step and ReLU outputs), and uneven mini-batches.
EXTRA_CONV_SCENARIOS = {
    "strided-bce": """
title = "two convolutions (padding 1, then stride 2), tanh, sigmoid, leaky_relu; BCE on uneven mini-batches"
seed = 3
[network]
input_shape = [2, 8, 8]
loss = "binary_cross_entropy"
init = "he"
[[layer]]
type = "conv2d"
filters = 3
kernel = 3
padding = 1
activation = "tanh"
[[layer]]
type = "maxpool"
size = 2
[[layer]]
type = "conv2d"
filters = 2
kernel = 2
stride = 2
activation = "sigmoid"
bias = [0.1, -0.1]
[[layer]]
type = "flatten"
[[layer]]
units = 4
activation = "leaky_relu"
bias = [0.0, 0.1, -0.1, 0.05]
[[layer]]
units = 2
activation = "sigmoid"
bias = [0.0, 0.0]
[data]
inputs = [
  [[[0.1, 0.5, -0.3, 0.8, 0.0, 0.2, -0.6, 0.4], [0.3, -0.2, 0.7, 0.1, -0.5, 0.9, 0.0, -0.1],
    [-0.4, 0.6, 0.2, -0.8, 0.3, 0.1, 0.5, 0.7], [0.9, 0.0, -0.1, 0.4, 0.6, -0.3, 0.2, 0.8],
    [0.2, -0.7, 0.5, 0.3, -0.2, 0.4, 0.1, -0.9], [0.6, 0.1, 0.8, -0.4, 0.7, 0.0, -0.5, 0.3],
    [-0.1, 0.3, 0.0, 0.9, -0.6, 0.2, 0.4, 0.1], [0.5, -0.8, 0.4, 0.2, 0.1, -0.3, 0.6, 0.0]],
   [[0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7], [0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0],
    [-0.1, -0.2, -0.3, -0.4, 0.4, 0.3, 0.2, 0.1], [0.1, 0.1, 0.1, 0.1, -0.1, -0.1, -0.1, -0.1],
    [0.5, 0.0, 0.5, 0.0, 0.5, 0.0, 0.5, 0.0], [0.0, 0.5, 0.0, 0.5, 0.0, 0.5, 0.0, 0.5],
    [0.9, -0.9, 0.8, -0.8, 0.7, -0.7, 0.6, -0.6], [0.2, 0.4, 0.6, 0.8, 0.6, 0.4, 0.2, 0.0]]],
  [[[0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
    [0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1], [0.0, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, 0.0],
    [0.4, 0.4, -0.4, -0.4, 0.4, 0.4, -0.4, -0.4], [0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.9, 0.1],
    [-0.2, 0.2, -0.2, 0.2, -0.2, 0.2, -0.2, 0.2], [0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0, -0.1]],
   [[0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5], [0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2],
    [0.0, 0.3, 0.6, 0.9, 0.6, 0.3, 0.0, -0.3], [0.7, 0.1, -0.2, 0.4, 0.8, -0.6, 0.3, 0.5],
    [-0.3, 0.0, 0.3, 0.6, 0.9, 0.6, 0.3, 0.0], [0.1, -0.1, 0.1, -0.1, 0.1, -0.1, 0.1, -0.1],
    [0.4, 0.8, 0.2, 0.6, 0.0, 0.4, 0.8, 0.2], [-0.5, -0.4, -0.3, -0.2, -0.1, 0.0, 0.1, 0.2]]],
  [[[0.8, 0.6, 0.4, 0.2, 0.0, -0.2, -0.4, -0.6], [0.1, 0.0, 0.1, 0.0, 0.1, 0.0, 0.1, 0.0],
    [0.5, 0.5, 0.5, 0.5, -0.5, -0.5, -0.5, -0.5], [0.2, 0.7, 0.3, 0.8, 0.4, 0.9, 0.5, 0.1],
    [-0.6, 0.6, -0.6, 0.6, -0.6, 0.6, -0.6, 0.6], [0.3, 0.2, 0.1, 0.0, 0.1, 0.2, 0.3, 0.4],
    [0.0, 0.0, 0.9, 0.9, 0.0, 0.0, 0.9, 0.9], [0.4, -0.2, 0.4, -0.2, 0.4, -0.2, 0.4, -0.2]],
   [[0.6, 0.0, -0.6, 0.0, 0.6, 0.0, -0.6, 0.0], [0.1, 0.3, 0.5, 0.7, 0.9, 0.7, 0.5, 0.3],
    [0.2, 0.2, 0.8, 0.8, 0.2, 0.2, 0.8, 0.8], [-0.4, 0.4, -0.4, 0.4, -0.4, 0.4, -0.4, 0.4],
    [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2], [0.0, 0.1, 0.0, 0.1, 0.0, 0.1, 0.0, 0.1],
    [0.3, -0.3, 0.6, -0.6, 0.3, -0.3, 0.6, -0.6], [0.5, 0.5, 0.0, 0.0, 0.5, 0.5, 0.0, 0.0]]],
]
targets = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
[training]
optimizer = "sgd"
learning_rate = 0.5
batch_size = 2
iterations = 8
""",
    "step-ties-mse": """
title = "step feature maps (max-pool windows full of ties), an identity output, mse"
[network]
input_shape = [1, 5, 5]
loss = "mse"
[[layer]]
type = "conv2d"
filters = 2
kernel = 2
activation = "step"
weights = [[[[0.5, -0.5], [0.25, 0.0]]], [[[-0.5, 0.5], [0.0, 0.25]]]]
bias = [0.0, -0.1]
[[layer]]
type = "maxpool"
size = 2
[[layer]]
type = "flatten"
[[layer]]
units = 3
activation = "identity"
weights = [[0.1, -0.2, 0.3], [0.2, 0.1, -0.1], [-0.3, 0.2, 0.1], [0.1, 0.1, 0.1],
           [0.0, -0.1, 0.2], [0.2, 0.2, -0.2], [-0.1, 0.3, 0.0], [0.3, -0.1, 0.1]]
bias = [0.1, 0.0, -0.1]
[data]
inputs = [[[[1, 0, 2, 0, 1], [0, 1, 0, 2, 0], [2, 0, 1, 0, 2], [0, 2, 0, 1, 0], [1, 0, 2, 0, 1]]],
          [[[0, 1, 1, 0, 0], [1, 0, 0, 1, 1], [0, 0, 1, 1, 0], [1, 1, 0, 0, 1], [0, 1, 0, 1, 0]]]]
targets = [[0.5, -0.5, 1.0], [-1.0, 0.0, 0.5]]
[training]
optimizer = "gd"
learning_rate = 0.3
iterations = 6
""",
    "relu-softmax-se": """
title = "ReLU maps with tied pool windows, no conv bias; a softmax output trained on squared error"
[network]
input_shape = [1, 4, 4]
loss = "squared_error"
[[layer]]
type = "conv2d"
filters = 2
kernel = 3
padding = 1
activation = "relu"
weights = [[[[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]]], [[[0.1, 0.2, 0.1], [0.2, 0.4, 0.2], [0.1, 0.2, 0.1]]]]
[[layer]]
type = "maxpool"
size = 2
[[layer]]
type = "flatten"
[[layer]]
units = 3
activation = "softmax"
weights = [[0.2, -0.1, 0.0], [0.1, 0.3, -0.2], [-0.2, 0.1, 0.2], [0.0, 0.2, 0.1],
           [0.3, -0.3, 0.1], [0.1, 0.0, -0.1], [-0.1, 0.2, 0.3], [0.2, 0.1, -0.3]]
bias = [0.0, 0.1, -0.1]
[data]
inputs = [[[[0, 0, 0, 0], [0, 1, 1, 0], [0, 1, 1, 0], [0, 0, 0, 0]]]]
targets = [[0.0, 1.0, 0.0]]
[training]
optimizer = "gd"
learning_rate = 0.8
iterations = 10
""",
}
