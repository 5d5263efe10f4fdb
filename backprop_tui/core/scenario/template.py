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
from backprop_tui.i18n import N_, Message, _

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
    """Refuse impossible options with a message naming the flag, the reason and the fix (in the
    interface language: `new` runs after the language is chosen)."""
    if len(sizes) < 2:
        raise UserError(Message("--layers: expected at least two sizes (inputs and outputs), got {found}",
                                found=len(sizes)).translated())
    flag = f"--layers {','.join(map(str, sizes))}"
    if any(size < 1 for size in sizes):
        raise UserError(Message("{flag}: expected sizes of at least 1", flag=flag).translated())
    for index, size in enumerate(sizes):
        if size > MAX_SIZE:  # more than 64: always a plural
            template = N_TOO_MANY_INPUTS if index == 0 else N_TOO_MANY_UNITS
            raise UserError(Message(template, flag=flag, count=size, limit=MAX_SIZE).translated())
    if activation not in ACTIVATION_NAMES:
        raise UserError(Message('--activation: expected one of {choices}, got "{found}"{hint}',
                                choices=", ".join(ACTIVATION_NAMES), found=activation,
                                hint=suggestion(activation, ACTIVATION_NAMES)).translated())
    if activation == "softmax" and len(sizes) > 2:
        raise UserError(_("--activation: softmax is only for the output layer; use --loss cross_entropy for a "
                          "softmax output"))
    if loss not in LOSS_NAMES:
        raise UserError(Message('--loss: expected one of {choices}, got "{found}"{hint}', choices=", ".join(LOSS_NAMES),
                                found=loss, hint=suggestion(loss, LOSS_NAMES)).translated())
    if loss == "cross_entropy" and sizes[-1] < 2:
        raise UserError(_("--loss cross_entropy: expected at least 2 output units (one per class)"))


N_TOO_MANY_INPUTS = N_(
    "{flag}: {count} inputs are more than new writes (at most {limit} per layer), so that every weight fits in the "
    "file as a number to read and edit. For a bigger network, write a smaller one, then raise network.inputs or a "
    "layer's units in the file (up to 4096) and delete the weights lines that no longer fit: the loader draws those "
    "weights from the seed.")
N_TOO_MANY_UNITS = N_(
    "{flag}: a layer of {count} units is more than new writes (at most {limit} per layer), so that every weight fits "
    "in the file as a number to read and edit. For a bigger network, write a smaller one, then raise network.inputs "
    "or a layer's units in the file (up to 4096) and delete the weights lines that no longer fit: the loader draws "
    "those weights from the seed.")


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
    sizes: list[int], activation: str = "sigmoid", loss: str = "squared_error", seed: int = 0, title: str | None = None
) -> str:
    """A complete scenario: `sizes` = units per layer, inputs first (2,3,1 is the lecture's).

    Its comments and description are in the interface language (the keys and values are the
    format's own); `title` defaults to "My scenario" in that language."""
    title = _("My scenario") if title is None else title
    check_options(sizes, activation, loss)
    rng = np.random.default_rng(seed)
    out_act = output_activation(loss, activation)
    lines = [
        f'title = "{title}"',
        'description = """',
        _("A {sizes} network written by `backprop-tui new` (seed {seed}).").format(
            sizes="-".join(map(str, sizes)), seed=seed),
        _("Say here what a learner should look for."),
        '"""',
        f"seed = {seed}                     " + _("# also orders the mini-batches of sgd and momentum"),
        "",
        "[network]",
        f"inputs = {sizes[0]}                   " + _("# values per sample (the input layer's units)"),
        f'loss = "{loss}"',
        _("# loss: one of {names}").format(names=", ".join(LOSS_NAMES)),
    ]
    for index, (fan_in, units) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        last = index == len(sizes) - 1
        act = out_act if last else activation
        limit = np.sqrt(6.0 / (fan_in + units))  # Xavier/Glorot uniform, as the loader's default init
        weights = np.round(rng.uniform(-limit, limit, size=(fan_in, units)), 3)
        lines += [
            "",
            "[[layer]]                    " + (_("# layer {index} (output)") if last else _("# layer {index}")).format(
                index=index),
            f"units = {units}",
            f'activation = "{act}"',
            _("# {theta}: {rows}×{cols} (inputs × units); the forward pass computes z = θᵀ·a + b").format(
                theta="θ" + str(index).translate(SUPERSCRIPTS), rows=fan_in, cols=units),
            f"weights = {_matrix(weights, ' ' * 11)}",
            f"bias = [{', '.join(['0.0'] * units)}]",
            _("# bias: delete it for a layer without one; add train_bias = false to keep it fixed"),
        ]
    x = np.round(rng.uniform(-1.0, 1.0, size=(SAMPLES, sizes[0])), 2)
    y = _targets(rng, loss, sizes[-1], out_act)
    lines += [
        "",
        "[data]",
        _("# one row per sample; replace these made-up numbers with your own"),
        f"inputs  = {_matrix(x, ' ' * 11)}",
        f"targets = {_matrix(y, ' ' * 11)}",
        "",
        "[training]",
        'optimizer = "gd"             ' + _("# gd (all samples), sgd (mini-batches) or momentum"),
        "learning_rate = 0.5          " + _("# γ in θ ← θ − γ·∂E/∂θ"),
        f"batch_size = {SAMPLES}               " + _("# samples per update for sgd and momentum"),
        "momentum = 0.9               " + _("# μ, used by momentum only"),
        "iterations = 100             " + _("# updates run by default (trace, compare)"),
        "",
        _("# Variants are compared side by side with `backprop-tui compare FILE`:"),
        "# [[variant]]",
        '# name = "faster"',
        "# [variant.training]",
        "# learning_rate = 2.0",
        "",
    ]
    text = "\n".join(lines)
    loads(text, "new scenario")  # the promise: valid as written
    return text
