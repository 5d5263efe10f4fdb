"""Scenarios to test the step model on: every bundled one and variant, plus a few written
here for what the bundled ones lack (each loss, softmax without cross-entropy, three layers,
momentum on biases, a run that overflows, a convolution with two channels, padding and a batch).
Convolutional scenarios (bundled ones with inline data, and written ones) step like dense ones."""

from __future__ import annotations

from backprop_tui.core.dense import conv_run
from backprop_tui.core.dense.conv_steps import build_conv_steps
from backprop_tui.core.dense.run import run
from backprop_tui.core.dense.steps import Step, build_steps
from backprop_tui.core.scenario.bundled import bundled_dir, bundled_names
from backprop_tui.core.scenario.conv_load import load_conv, loads_conv
from backprop_tui.core.scenario.conv_model import ConvScenario
from backprop_tui.core.scenario.kind import scenario_kind
from backprop_tui.core.scenario.load import load, loads
from backprop_tui.core.scenario.model import Scenario
from backprop_tui.core.scenario.toml_source import read_toml
from backprop_tui.core.vocab import ScenarioKind

ITERATIONS = 3


def _written(loss: str, hidden: str, output: str, optimizer: str = "gd", batch: int = 3, rate: float = 0.3,
             layers: int = 2) -> str:
    targets = {"cross_entropy": "[[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]",
               "binary_cross_entropy": "[[0.9, 0.2], [0.1, 0.7], [0.6, 0.4]]"}.get(loss, "[[0.5, -0.2], [0.1, 0.8], [-0.4, 0.3]]")
    middle = ('[[layer]]\nunits = 3\nactivation = "tanh"\nweights = [[0.2, -0.4, 0.1], [0.5, 0.3, -0.2], [-0.1, 0.6, 0.4]]\n'
              'bias = [0.05, -0.05, 0.1]\n') if layers == 3 else ""
    return f"""title = "{loss} with {hidden} and {output}"
seed = 3
[network]
inputs = 2
loss = "{loss}"
[[layer]]
units = 3
activation = "{hidden}"
weights = [[0.4, -0.7, 0.2], [0.3, 0.5, -0.6]]
bias = [0.1, -0.2, 0.3]
{middle}[[layer]]
units = 2
activation = "{output}"
weights = [[0.3, -0.5], [0.8, 0.1], [-0.2, 0.6]]
bias = [0.0, 0.1]
[data]
inputs = [[1.0, 0.5], [-0.5, 2.0], [0.3, -1.2]]
targets = {targets}
[training]
optimizer = "{optimizer}"
learning_rate = {rate}
batch_size = {batch}
momentum = 0.8
iterations = 5
"""


WRITTEN = {
    "mse-relu-identity": _written("mse", "relu", "identity"),
    "bce-leaky-sigmoid": _written("binary_cross_entropy", "leaky_relu", "sigmoid"),
    "softmax-squared": _written("squared_error", "sigmoid", "softmax"),
    "softmax-ce-three-layers": _written("cross_entropy", "relu", "softmax", layers=3),
    "momentum-minibatch": _written("squared_error", "tanh", "identity", optimizer="momentum", batch=2),
    "diverging": _written("squared_error", "identity", "identity", rate=1e6),
    # ŷ = σ(800) rounds to 1: δ is shown from z, not as ∂E/∂ŷ ⊙ σ′(z) (both out of float64's range)
    "bce-saturated": """title = "saturated sigmoid with binary cross-entropy"
[network]
inputs = 1
loss = "binary_cross_entropy"
[[layer]]
units = 1
activation = "sigmoid"
weights = [[800.0]]
bias = [0.0]
[data]
inputs = [[1.0]]
targets = [[0.0]]
[training]
learning_rate = 0.001
iterations = 2
""",
}

DIVERGING = """
[network]
inputs = 1
[[layer]]
units = 1
activation = "identity"
weights = [[1.0]]
[data]
inputs = [[3.0], [-2.0]]
targets = [[1.0], [2.0]]
[training]
learning_rate = 100000.0
iterations = 70
"""
"""One weight and a learning rate of 10⁵: the loss is inf, then NaN, within its 70 iterations (the
CLI's diverged and strict-JSON tests run it)."""


CONV_WRITTEN = {"conv-padded-batch": """title = "two channels, padding, a batch of two"
seed = 2
[network]
input_shape = [2, 4, 4]
loss = "cross_entropy"
[[layer]]
type = "conv2d"
filters = 2
kernel = 3
stride = 1
padding = 1
activation = "tanh"
weights = [[[[0.68, -0.2, 0.09], [-0.01, 0.3, -0.18], [-0.08, 0.12, 0.05]], [[-0.43, 0.45, -0.65], [-0.6, -0.64, 0.48], [-0.18, -0.49, -0.57]]], [[[0.21, -0.53, -0.64], [0.31, -0.6, -0.16], [0.0, -0.22, -0.03]], [[0.67, -0.26, -0.63], [-0.92, -0.1, -0.18], [0.13, -0.23, -0.24]]]]
bias = [0.1, -0.1]
[[layer]]
type = "maxpool"
size = 2
[[layer]]
type = "flatten"
[[layer]]
units = 2
activation = "softmax"
weights = [[-0.36, -0.26], [0.08, -0.19], [0.05, 0.95], [0.24, -0.79], [0.87, 0.17], [-0.47, 0.45], [0.01, -0.31], [-0.32, -0.5]]
bias = [0.0, 0.05]
[data]
inputs = [[[[-0.8, -1.32, -0.25, 0.42], [1.14, 0.11, -0.55, -0.78], [0.75, 1.63, 0.27, -1.23], [-0.96, 1.6, 0.2, -1.73]], [[-0.08, -1.16, -0.63, -0.49], [-0.71, 0.55, -0.06, -0.59], [0.41, 0.83, -1.64, -0.26], [-0.98, -0.17, -1.29, 0.02]]], [[[-0.04, -0.3, -1.05, -0.4], [-1.09, -1.36, 0.22, -1.11], [1.17, 0.72, -2.0, 0.27], [-1.1, 0.03, 0.04, -1.99]], [[-0.23, -0.26, 0.96, -1.18], [0.74, -1.1, -0.33, -0.84], [1.45, 0.57, 2.43, 0.64], [0.84, 0.84, -0.61, -0.07]]]]
targets = [[1.0, 0.0], [0.0, 1.0]]
[training]
optimizer = "gd"
learning_rate = 0.1
iterations = 3
"""}
"""Convolutional scenarios written here (steps, explanations and replays run over them too; the
mistakes and answers tests, written for dense networks, read WRITTEN and bundled_cases)."""


def _steps_kind(name: str) -> ScenarioKind | None:
    """DENSE or CONV for a bundled scenario to step through on its own (a convolutional one that
    reads the real data set is left out: not every machine has it), else None."""
    document = read_toml(bundled_dir() / f"{name}.toml")
    kind = scenario_kind(document)
    if kind is ScenarioKind.CONV and "fashion_mnist" in document.get("data", {}):
        return None
    return kind if kind in (ScenarioKind.DENSE, ScenarioKind.CONV) else None


def bundled_cases() -> list[tuple[str, str | None]]:
    """(name, variant) of every bundled dense scenario and each of its variants."""
    names = [n for n in bundled_names() if _steps_kind(n) is ScenarioKind.DENSE]
    return [(n, None) for n in names] + [(n, v.name) for n in names for v in load(n).variants]


def conv_cases() -> list[str]:
    """The bundled convolutional scenarios with inline data, then the written ones."""
    return [n for n in bundled_names() if _steps_kind(n) is ScenarioKind.CONV] + list(CONV_WRITTEN)


def all_cases() -> list[str]:
    """Ids of every case: 'name' or 'name:variant' for bundled ones, then the written ones, then
    the convolutional ones."""
    return [f"{n}:{v}" if v else n for n, v in bundled_cases()] + list(WRITTEN) + conv_cases()


def scenario(case: str) -> Scenario | ConvScenario:
    if case in WRITTEN:
        return loads(WRITTEN[case])
    if case in CONV_WRITTEN:
        return loads_conv(CONV_WRITTEN[case])
    name, _, variant = case.partition(":")
    if _steps_kind(name) is ScenarioKind.CONV:
        return load_conv(name)
    return load(name, variant or None)


def steps_of(case: str, iterations: int = ITERATIONS) -> list[Step]:
    """Every step of the first `iterations` iterations (more for the overflowing case)."""
    s = scenario(case)
    count = 5 if case == "diverging" else iterations
    if isinstance(s, ConvScenario):
        return [step for it in conv_run.run(s, count) for step in build_conv_steps(s, it, checks=False)]
    return [step for it in run(s, count) for step in build_steps(s, it, checks=False)]
