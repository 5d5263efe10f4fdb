"""A dense scenario as a standalone PyTorch script that computes the same numbers.

Text generation only: this module never imports torch (the product does not depend on it).
The script builds the network from `nn.Linear` layers holding the scenario's weights (as
W = θᵀ), the same activations, the same loss with the same reduction, `torch.optim.SGD` with
the momentum mapped exactly, and the same batches in the same order, all in float64. Run with
`--json`, it prints `{"iterations": [...]}` whose records have the keys of
`render.export.iteration_json` except `diverged_at_step` (a step number of backprop-tui's own
walk, which a PyTorch run has no steps to count).
"""

from __future__ import annotations

from dataclasses import dataclass
from string import Template
from typing import Protocol

import numpy as np

from backprop_tui.core.dense.activations import LEAKY_SLOPE
from backprop_tui.core.dense.optimizers import batch_indices, batch_size
from backprop_tui.core.errors import UserError
from backprop_tui.i18n import _
from backprop_tui.core.scenario.conv_model import ConvScenario
from backprop_tui.core.scenario.model import Scenario
from backprop_tui.core.vocab import ActivationName, LossName, OptimizerName
from backprop_tui.render.script_text import JSON_HELPERS, PRINT_LOSSES, docstring_text, float_text, matrix_literal

MAX_WRITTEN_INDICES = 200_000
"""Mini-batch orders are written into the script; beyond this many sample numbers it stops
being a readable script, so the export asks for fewer iterations instead."""

SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")

_MODULES = {
    ActivationName.STEP: ("Step()", "step({z})"),
    ActivationName.IDENTITY: ("nn.Identity()", "{z}"),
    ActivationName.SIGMOID: ("nn.Sigmoid()", "σ({z})"),
    ActivationName.TANH: ("nn.Tanh()", "tanh({z})"),
    ActivationName.RELU: ("nn.ReLU()", "ReLU({z})"),
    ActivationName.LEAKY_RELU: (f"nn.LeakyReLU({LEAKY_SLOPE!r})", "LReLU({z})"),
    ActivationName.SOFTMAX: ("nn.Softmax(dim=1)", "softmax({z})"),
}
"""Each activation as a PyTorch module, and how the comment beside it reads."""

_LOGIT_LOSSES = {
    (LossName.CROSS_ENTROPY, ActivationName.SOFTMAX),
    (LossName.BINARY_CROSS_ENTROPY, ActivationName.SIGMOID),
}
"""(loss, output activation) pairs whose PyTorch loss takes the logits z and applies the output
activation itself, as backprop-tui computes these losses from z."""


@dataclass(frozen=True)
class DenseExport:
    """What the script is made from: the scenario (variant applied), the iteration count, and
    the command a reader can run to see the same numbers in backprop-tui."""

    scenario: Scenario
    iterations: int
    name: str
    """The scenario as the user named it (a bundled name or a path), for the comments."""


class ScriptExport(Protocol):
    """What `batches` reads of an export, dense (DenseExport) or convolutional (ConvExport)."""

    scenario: Scenario | ConvScenario
    iterations: int
    name: str


def dense_script(export: DenseExport) -> str:
    """The full text of the PyTorch script for a dense scenario.

    Raises:
        UserError: the mini-batch orders of `export.iterations` updates would need more than
            MAX_WRITTEN_INDICES sample numbers written into the script.
    """
    scenario = export.scenario
    logits = _loss_takes_logits(scenario)
    variant = f" --variant {scenario.variant}" if scenario.variant else ""
    trace = f"backprop-tui trace {export.name}{variant} --iterations {export.iterations} --format json"
    values = {
        "title": docstring_text(scenario.title),
        "source": docstring_text(scenario.source.name if scenario.source else export.name),
        "variant": docstring_text(f" (variant {scenario.variant})" if scenario.variant else ""),
        "export_command": docstring_text(f"backprop-tui export {export.name}{variant} --format pytorch "
                                         f"--iterations {export.iterations}"),
        "trace_command": docstring_text(trace),
        "iterations": str(export.iterations),
        "x": matrix_literal(scenario.x, indent=4),
        "y": matrix_literal(scenario.y, indent=4),
        "step_class": _STEP_CLASS if _uses_step(scenario) else "",
        "weights": _weights(scenario),
        "model": _model(scenario, logits),
        "loss": loss_function(scenario, logits),
        "optimizer": _optimizer(scenario),
        "batches": batches(export),
        "json_helpers": JSON_HELPERS,
        "print_losses": PRINT_LOSSES,
    }
    return _SCRIPT.substitute(values)


def _loss_takes_logits(scenario: Scenario) -> bool:
    return (scenario.loss, scenario.layers[-1].activation) in _LOGIT_LOSSES


def _uses_step(scenario: Scenario) -> bool:
    return any(layer.activation == ActivationName.STEP for layer in scenario.layers)


def superscript(number: int) -> str:
    """`number` in superscript digits (a layer's index, as in a¹, θ²)."""
    return str(number).translate(SUPERSCRIPTS)


def _weights(scenario: Scenario) -> str:
    """W = θᵀ and b of every layer as Python lists, each with its shape in a comment."""
    blocks = []
    for number, layer in enumerate(scenario.layers, start=1):
        inputs, units = layer.weights.shape
        drawn = "" if layer.weights_given else f", drawn by backprop-tui ({scenario.init} init, seed {scenario.seed})"
        blocks.append(f"# W{superscript(number)} = θ{superscript(number)}ᵀ: {_count(units, 'unit')} × {_count(inputs, 'input')}{drawn}")
        blocks.append(f"W{number} = {matrix_literal(layer.weights.T, indent=4)}")
        if layer.bias is None:
            blocks.append(f"b{number} = None  # layer {number} has no bias")
        else:
            fixed = "" if layer.train_bias else "  # train_bias = false: b stays as written"
            blocks.append(f"b{number} = {_vector_literal(layer.bias)}{fixed}")
    return "\n".join(blocks)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _vector_literal(values: np.ndarray) -> str:
    return "[" + ", ".join(float_text(v) for v in values) + "]"


def _model(scenario: Scenario, logits: bool) -> str:
    """The nn.Sequential: one linear(...) and one activation module per layer."""
    lines = []
    last = len(scenario.layers)
    for number, layer in enumerate(scenario.layers, start=1):
        previous = "x" if number == 1 else f"a{superscript(number - 1)}"
        z = f"z{superscript(number)}"
        bias = f" + b{superscript(number)}" if layer.bias is not None else ""
        train = ", train_bias=False" if layer.bias is not None and not layer.train_bias else ""
        call = f"linear(W{number}, b{number}{train}),"
        lines.append(f"    {call:<36}# {z} = {previous}·W{superscript(number)}ᵀ{bias}")
        module, formula = _MODULES[ActivationName(layer.activation)]
        output = "ŷ" if number == last else f"a{superscript(number)}"
        if number == last and logits:
            lines.append(f"    # ŷ = {formula.format(z=z)} is applied inside the loss below, which takes the logits {z}")
            continue
        lines.append(f"    {module + ',':<36}# {output} = {formula.format(z=z)}")
    return "\n".join(lines)


def loss_function(scenario: Scenario | ConvScenario, logits: bool) -> str:
    """The script's `loss(output, y)` for the scenario's loss, with the same reduction as the
    stepper's (the dense and the convolutional exports share it); `logits`: whether `output` is
    the last layer's z (the cross-entropies take logits, as PyTorch's own losses do)."""
    loss = LossName(scenario.loss)
    if loss is LossName.SQUARED_ERROR:
        return _SQUARED_ERROR
    if loss is LossName.MSE:
        return _MSE
    # The loader accepts cross_entropy only after softmax and binary_cross_entropy only after
    # sigmoid, so these two always take the logits.
    assert logits, "cross_entropy and binary_cross_entropy follow softmax and sigmoid outputs"
    return _CROSS_ENTROPY if loss is LossName.CROSS_ENTROPY else _BCE


def _optimizer(scenario: Scenario) -> str:
    t = scenario.training
    rate = float_text(t.learning_rate)
    if t.optimizer == OptimizerName.MOMENTUM:
        return _MOMENTUM.substitute(rate=rate, momentum=float_text(t.momentum))
    what = "gradient descent" if t.optimizer == OptimizerName.GD else "stochastic gradient descent on mini-batches"
    return _PLAIN.substitute(rate=rate, what=what)


def batches(export: ScriptExport) -> str:
    """`batch(iteration)` for either script: the whole data in order, or each epoch's shuffled
    order written out (backprop-tui's NumPy draws, core/dense/optimizers.py batch_indices, which
    PyTorch cannot repeat).

    Raises UserError when the orders would be more than MAX_WRITTEN_INDICES sample numbers.
    """
    scenario = export.scenario
    samples = scenario.samples
    size = batch_size(scenario.training, samples)
    if size >= samples:
        return _FULL_BATCH.substitute(samples="the sample" if samples == 1 else f"all {samples} samples")
    per_epoch = -(-samples // size)
    epochs = -(-export.iterations // per_epoch)
    if epochs * samples > MAX_WRITTEN_INDICES:
        # the script's own text is code and stays English; this message is the CLI's, so translated
        raise UserError(_(
            "--iterations {iterations}: {file} draws a new order of its {samples} samples for each of {epochs} "
            "epochs, {indices} sample numbers to write into the script (at most {limit}); export at most {most} "
            "iterations").format(iterations=export.iterations,
                                 file=scenario.source.name if scenario.source else export.name, samples=samples,
                                 epochs=epochs, indices=f"{epochs * samples:,}", limit=f"{MAX_WRITTEN_INDICES:,}",
                                 most=f"{MAX_WRITTEN_INDICES // samples * per_epoch:,}"))
    orders = []
    for epoch in range(epochs):
        # batch_indices slices one permutation per epoch; its first batch's start is position 0.
        order = np.concatenate([batch_indices(scenario.training, samples, scenario.seed, epoch * per_epoch + k)
                                for k in range(per_epoch)])
        orders.append("    [" + ", ".join(str(int(i)) for i in order) + "],")
    return _MINI_BATCH.substitute(
        size=size, samples=samples, per_epoch=per_epoch, seed=scenario.seed, orders="\n".join(orders),
        updates="update" if per_epoch == 1 else f"{per_epoch} updates",
    )


# -- the script's text ----------------------------------------------------------------------------
# Templates use $name fields (string.Template), so the Python braces inside them stay as they are.

_STEP_CLASS = '''

class StepFunction(torch.autograd.Function):
    """step(z) = 1 where z ≥ 0, else 0, with the derivative backprop-tui uses: 0 everywhere.

    (z >= 0).double() alone would give the same forward values, but autograd would cut the graph
    there and the layers before it would get no gradient at all; backprop-tui gives them a zero
    gradient (δ = ∂E/∂a ⊙ step′(z) with step′ = 0), and so does this backward: the same numbers,
    down to an inf or NaN arriving from above turning into NaN, as it does in backprop-tui.
    """

    @staticmethod
    def forward(ctx, z):
        return (z >= 0).to(z.dtype)

    @staticmethod
    def backward(ctx, grad_a):
        return grad_a * torch.zeros_like(grad_a)


class Step(nn.Module):
    """The step activation as a module, for nn.Sequential."""

    def forward(self, z):
        return StepFunction.apply(z)
'''

_SQUARED_ERROR = '''\
def loss_fn(output, y):
    """squared_error: E = (1/m)·Σ ½·Σₖ(yₖ − ŷₖ)², half the squared error of each sample, averaged
    over the m samples of the batch (so ∂E/∂ŷ = (ŷ − y)/m). PyTorch has no loss with this
    reduction: MSELoss with reduction="sum", halved and divided by m, is exactly it."""
    return nn.functional.mse_loss(output, y, reduction="sum") / (2 * len(y))'''

_MSE = '''\
# mse: E = (1/(m·k))·ΣΣ(y − ŷ)², the mean over the m samples and k outputs: nn.MSELoss's default
# reduction="mean" (so ∂E/∂ŷ = 2(ŷ − y)/(m·k)).
loss_fn = nn.MSELoss()'''

_CROSS_ENTROPY = '''\
# cross_entropy: E = −(1/m)·Σ Σₖ yₖ·log ŷₖ with ŷ = softmax(z). nn.CrossEntropyLoss takes the
# logits z (the model above stops before the softmax), applies log-softmax itself and, for targets
# given as probabilities (one-hot rows here), averages over the m samples: backprop-tui's loss
# with backprop-tui's reduction. Its gradient is ∂E/∂z = (ŷ − y)/m, as in backprop-tui.
loss_fn = nn.CrossEntropyLoss()'''

_BCE = '''\
# binary_cross_entropy: E = −(1/(m·k))·ΣΣ[y·log ŷ + (1 − y)·log(1 − ŷ)] with ŷ = σ(z).
# nn.BCEWithLogitsLoss takes the logits z (the model above stops before the sigmoid), applies
# the sigmoid inside the log in a way that never overflows, and averages over the m samples and
# k outputs (reduction="mean"): backprop-tui's loss with backprop-tui's reduction. Its gradient
# is ∂E/∂z = (ŷ − y)/(m·k), as in backprop-tui.
loss_fn = nn.BCEWithLogitsLoss()'''

_PLAIN = Template('''\
# Plain $what: θ ← θ − γ·∇E with γ = $rate, which is torch.optim.SGD without momentum.
optimizer = torch.optim.SGD(trained, lr=$rate)''')

_MOMENTUM = Template('''\
# Momentum, exactly as the lecture and backprop-tui write it: v ← μ·v − γ·∇E, then θ ← θ + v,
# with v = 0 at the start. torch.optim.SGD(momentum=μ) writes it differently: it keeps a buffer
# b ← μ·b + ∇E and steps θ ← θ − γ·b. The two are one run when v = −γ·b: true at the start
# (both 0), and kept by every update, since −γ·(μ·b + ∇E) = μ·(−γ·b) − γ·∇E. That needs γ to stay
# the same from one update to the next (it does here; a learning-rate schedule would break it)
# and PyTorch's defaults dampening=0, nesterov=False. So: lr=γ, momentum=μ, nothing else.
optimizer = torch.optim.SGD(trained, lr=$rate, momentum=$momentum)''')

_FULL_BATCH = Template('''\
def batch(iteration):
    """The sample numbers (0-based) of update `iteration` (0-based): $samples in the
    data's order, every time (a full batch)."""
    return list(range(len(X)))''')

_MINI_BATCH = Template('''\
# Mini-batches of $size of the $samples samples: each epoch ($updates) goes through one shuffled
# order of all the samples, $size at a time. backprop-tui draws each epoch's order from NumPy's
# random generator seeded with (seed $seed, epoch); the orders are written out here (0-based
# sample numbers, one line per epoch) so this script needs nothing but PyTorch.
BATCH_SIZE = $size
EPOCH_ORDERS = [
$orders
]


def batch(iteration):
    """The sample numbers (0-based) of update `iteration` (0-based)."""
    epoch, position = divmod(iteration, $per_epoch)
    return EPOCH_ORDERS[epoch][position * BATCH_SIZE:(position + 1) * BATCH_SIZE]''')

_SCRIPT = Template('''\
#!/usr/bin/env python3
"""$title -- in PyTorch, number for number.

Written by `$export_command`
from $source$variant.

It needs nothing but PyTorch. Everything is float64, as in backprop-tui, so it prints the losses
and weights that backprop-tui computes (to about 1e-12):

    python this_script.py          # the loss of each of the $iterations iterations
    python this_script.py --json   # the iterations as `$trace_command`
                                   # lists them under "iterations" (all but diverged_at_step)
"""

import argparse
import json
import math

import torch
from torch import nn

torch.set_default_dtype(torch.float64)  # backprop-tui computes in float64 too

ITERATIONS = $iterations

# The data, one row per sample: PyTorch puts the batch first, where the lecture writes each
# sample as a column. Only the layout differs; the numbers are the scenario's.
X = torch.tensor($x)
Y = torch.tensor($y)

# The weights. The lecture stores θ as inputs × units and computes z = θᵀ·a + b with one sample
# per column. nn.Linear stores its weight W the other way round, out × in (units × inputs), and
# computes z = x·Wᵀ + b with one sample per row. Take W = θᵀ and the two are the same product,
# transposed: x·Wᵀ = x·θ = (θᵀ·xᵀ)ᵀ. So the θᵀ the lecture writes is exactly the W nn.Linear
# holds, and no transpose is left in the code: each W below is the scenario's θ, transposed.
$weights


def linear(weight, bias, train_bias=True):
    """An nn.Linear holding `weight` (units × inputs) and `bias` (units; None: no bias)."""
    layer = nn.Linear(len(weight[0]), len(weight), bias=bias is not None)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(weight))
        if bias is not None:
            layer.bias.copy_(torch.tensor(bias))
            layer.bias.requires_grad_(train_bias)  # an untrained bias gets no gradient, no update
    return layer
$step_class

model = nn.Sequential(
$model
)
linears = [module for module in model if isinstance(module, nn.Linear)]
trained = [p for p in model.parameters() if p.requires_grad]


$loss


$optimizer


$batches


def forward(x):
    """Every module's output in turn (z¹, a¹, z², ...); the last one is what the loss takes."""
    values = [x]
    for module in model:
        values.append(module(values[-1]))
    return values


$json_helpers


def train():
    """Run the updates; one record per iteration, shaped like backprop-tui's JSON trace."""
    records = []
    for number in range(1, ITERATIONS + 1):
        rows = batch(number - 1)
        values = forward(X[rows])
        loss = loss_fn(values[-1], Y[rows])  # E on the batch, before the update
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            watched = [loss, *values, *(p.grad for p in trained if p.grad is not None), *trained]
            diverged = not all(bool(torch.isfinite(t).all()) for t in watched)
            records.append({
                "iteration": number,
                "batch": [i + 1 for i in rows],  # 1-based, as backprop-tui numbers samples
                "loss": number_or_text(loss.item()),
                "diverged": diverged,  # an inf or NaN anywhere in this update
                "weights": [nested(layer.weight.T) for layer in linears],  # θ = Wᵀ: inputs × units
                "biases": [None if layer.bias is None else nested(layer.bias) for layer in linears],
            })
    return records


def main():
    parser = argparse.ArgumentParser(description="Train the network and print the loss of each iteration.")
    parser.add_argument("--json", action="store_true",
                        help="print the iterations as JSON, as backprop-tui's trace --format json does")
    args = parser.parse_args()
    records = train()
    if args.json:
        print(json.dumps({"iterations": records}, indent=1, allow_nan=False))
        return
$print_losses
''')
