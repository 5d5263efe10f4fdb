"""The text of a new, commented scenario file (`backprop-tui new`), valid as written.

Weights are explicit (drawn from the seed, rounded to 3 decimals) so the file is the whole
story: a learner can read, step and edit every number without knowing how init works.
"""

from __future__ import annotations

import numpy as np

from backprop_tui.core.errors import UserError
from backprop_tui.core.scenario.errors import suggestion
from backprop_tui.core.scenario.load import loads
from backprop_tui.core.vocab import ACTIVATION_NAMES, LOSS_NAMES
from backprop_tui.core.wording import count

SAMPLES = 4

MAX_SIZE = 64
"""The most inputs or units per layer `new` writes: every weight is written out as a number to
read and edit, and a 64x64 matrix is already a page of them. The loader allows more (up to 4096)."""


def output_activation(loss: str, activation: str) -> str:
    """The output layer's activation: what the loss requires, else the hidden layers' choice."""
    if loss == "cross_entropy":
        return "softmax"
    if loss == "binary_cross_entropy":
        return "sigmoid"
    return activation


def check_options(sizes: list[int], activation: str, loss: str) -> None:
    """Refuse impossible options with a message naming the flag, the reason and the fix."""
    if len(sizes) < 2:
        raise UserError(f"--layers: expected at least two sizes (inputs and outputs), got {len(sizes)}")
    flag = f"--layers {','.join(map(str, sizes))}"
    if any(size < 1 for size in sizes):
        raise UserError(f"{flag}: expected sizes of at least 1")
    for index, size in enumerate(sizes):
        if size > MAX_SIZE:
            what = f"{count(size, 'input')} are" if index == 0 else f"a layer of {count(size, 'unit')} is"
            raise UserError(
                f"{flag}: {what} more than new writes (at most {MAX_SIZE} per layer), so that every weight "
                "fits in the file as a number to read and edit. For a bigger network, write a smaller one, "
                "then raise network.inputs or a layer's units in the file (up to 4096) and delete the weights "
                "lines that no longer fit: the loader draws those weights from the seed."
            )
    if activation not in ACTIVATION_NAMES:
        raise UserError(f'--activation: expected one of {", ".join(ACTIVATION_NAMES)}, '
                        f'got "{activation}"{suggestion(activation, ACTIVATION_NAMES)}')
    if activation == "softmax" and len(sizes) > 2:
        raise UserError("--activation: softmax is only for the output layer; use --loss cross_entropy for a softmax output")
    if loss not in LOSS_NAMES:
        raise UserError(f'--loss: expected one of {", ".join(LOSS_NAMES)}, got "{loss}"{suggestion(loss, LOSS_NAMES)}')
    if loss == "cross_entropy" and sizes[-1] < 2:
        raise UserError("--loss cross_entropy: expected at least 2 output units (one per class)")


SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _number(value: float) -> str:
    """The shortest text that reads back as `value` (already rounded), never "-0.0"."""
    return repr(float(value) + 0.0)


def _matrix(values: np.ndarray, indent: str) -> str:
    """A TOML array of rows, columns aligned, continuation rows indented under the first."""
    cells = [[_number(v) for v in row] for row in values]
    width = max(len(cell) for row in cells for cell in row)
    rows = ["[" + ", ".join(cell.rjust(width) for cell in row) + "]" for row in cells]
    return "[" + f",\n{indent}".join(rows) + "]"


def _targets(rng: np.random.Generator, loss: str, outputs: int, activation: str) -> np.ndarray:
    """Targets the output can reach: one-hot classes, 0/1 labels, or values in its range."""
    if loss == "cross_entropy":
        return np.eye(outputs)[np.arange(SAMPLES) % outputs]
    if loss == "binary_cross_entropy" or activation in ("sigmoid", "step", "relu"):
        return (rng.uniform(size=(SAMPLES, outputs)) > 0.5).astype(float)
    return np.round(rng.uniform(-1.0, 1.0, size=(SAMPLES, outputs)), 2)


def scenario_text(
    sizes: list[int], activation: str = "sigmoid", loss: str = "squared_error", seed: int = 0, title: str = "My scenario"
) -> str:
    """A complete scenario: `sizes` = units per layer, inputs first (2,3,1 is the lecture's)."""
    check_options(sizes, activation, loss)
    rng = np.random.default_rng(seed)
    out_act = output_activation(loss, activation)
    lines = [
        f'title = "{title}"',
        'description = """',
        f"A {'-'.join(map(str, sizes))} network written by `backprop-tui new` (seed {seed}).",
        "Say here what a learner should look for.",
        '"""',
        f"seed = {seed}                     # also orders the mini-batches of sgd and momentum",
        "",
        "[network]",
        f"inputs = {sizes[0]}                   # values per sample (the input layer's units)",
        f'loss = "{loss}"',
        f'# loss: one of {", ".join(LOSS_NAMES)}',
    ]
    for index, (fan_in, units) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        last = index == len(sizes) - 1
        act = out_act if last else activation
        limit = np.sqrt(6.0 / (fan_in + units))  # Xavier/Glorot uniform, as the loader's default init
        weights = np.round(rng.uniform(-limit, limit, size=(fan_in, units)), 3)
        lines += [
            "",
            f"[[layer]]                    # layer {index}{' (output)' if last else ''}",
            f"units = {units}",
            f'activation = "{act}"',
            f"# θ{str(index).translate(SUPERSCRIPTS)}: {fan_in}×{units} (inputs × units); the forward pass computes z = θᵀ·a + b",
            f"weights = {_matrix(weights, ' ' * 11)}",
            f"bias = [{', '.join(['0.0'] * units)}]",
            "# bias: delete it for a layer without one; add train_bias = false to keep it fixed",
        ]
    x = np.round(rng.uniform(-1.0, 1.0, size=(SAMPLES, sizes[0])), 2)
    y = _targets(rng, loss, sizes[-1], out_act)
    lines += [
        "",
        "[data]",
        "# one row per sample; replace these made-up numbers with your own",
        f"inputs  = {_matrix(x, ' ' * 11)}",
        f"targets = {_matrix(y, ' ' * 11)}",
        "",
        "[training]",
        'optimizer = "gd"             # gd (all samples), sgd (mini-batches) or momentum',
        "learning_rate = 0.5          # γ in θ ← θ − γ·∂E/∂θ",
        f"batch_size = {SAMPLES}               # samples per update for sgd and momentum",
        "momentum = 0.9               # μ, used by momentum only",
        "iterations = 100             # updates run by default (trace, compare)",
        "",
        "# Variants are compared side by side with `backprop-tui compare FILE`:",
        "# [[variant]]",
        '# name = "faster"',
        "# [variant.training]",
        "# learning_rate = 2.0",
        "",
    ]
    text = "\n".join(lines)
    loads(text, "new scenario")  # the promise: valid as written
    return text
