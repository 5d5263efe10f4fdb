"""Dense scenarios to test the step model on: every bundled one and variant, plus a few written
here for what the bundled ones lack (each loss, softmax without cross-entropy, three layers,
momentum on biases, a run that overflows)."""

from __future__ import annotations

from backprop_tui.core.dense.run import run
from backprop_tui.core.dense.steps import Step, build_steps
from backprop_tui.core.scenario.bundled import bundled_dir, bundled_names
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


def bundled_cases() -> list[tuple[str, str | None]]:
    """(name, variant) of every bundled dense scenario and each of its variants."""
    names = [n for n in bundled_names() if scenario_kind(read_toml(bundled_dir() / f"{n}.toml")) is ScenarioKind.DENSE]
    return [(n, None) for n in names] + [(n, v.name) for n in names for v in load(n).variants]


def all_cases() -> list[str]:
    """Ids of every case: 'name' or 'name:variant' for bundled ones, then the written ones."""
    return [f"{n}:{v}" if v else n for n, v in bundled_cases()] + list(WRITTEN)


def scenario(case: str) -> Scenario:
    if case in WRITTEN:
        return loads(WRITTEN[case])
    name, _, variant = case.partition(":")
    return load(name, variant or None)


def steps_of(case: str, iterations: int = ITERATIONS) -> list[Step]:
    """Every step of the first `iterations` iterations (more for the overflowing case)."""
    s = scenario(case)
    count = 5 if case == "diverging" else iterations
    return [step for it in run(s, count) for step in build_steps(s, it, checks=False)]
