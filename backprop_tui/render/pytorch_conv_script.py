"""A convolutional stepper scenario as a standalone PyTorch script that computes the same numbers.

Text generation only: this module never imports torch. The script builds the network from
`nn.Conv2d`, `nn.MaxPool2d`, `nn.Flatten` and `nn.Linear` holding the scenario's weights, with
the same activations, loss (same reduction), plain `torch.optim.SGD` (the stepper's convolutional
scenarios step with gd or sgd) and the same batches, in float64; the images are written in, so it
reads nothing. Its comments set PyTorch's layouts against the stepper's (core/dense/conv.py).
`--json` prints `{"iterations": [...]}` with the keys of `render.conv_trace.conv_iteration_json`
but `diverged_at_step`; `--gradients` prints each iteration's ∂E/∂θ and ∂E/∂b (before its update)
in the stepper's orientation, to set beside the stepper's backward pass.

Every string below that is no message (the script's code and comments) is listed in SCRIPT_TEXT,
which the catalogue scan takes as not translatable (tests/i18n/test_catalogue.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from string import Template

import numpy as np

from backprop_tui.core.cnn.data import CLASS_NAMES, PIXEL_MEAN, PIXEL_STD, to_input
from backprop_tui.core.scenario.conv_model import ConvLayer, ConvScenario, FlattenLayer, PoolLayer
from backprop_tui.core.vocab import ActivationName, OptimizerName
from backprop_tui.render.pytorch_script import (
    _LOGIT_LOSSES, _MODULES, _PLAIN, _STEP_CLASS, batches, loss_function, superscript,
)
from backprop_tui.render.script_text import (
    JSON_HELPERS, PRINT_LOSSES, comment_text, docstring_text, float_text, matrix_literal,
)


ROW_WRAP = 12
"""A matrix row of more numbers than this is written over several lines, WRAP_AT to a line, so a
784-input layer stays a page one can read (a whole image row of pixels stays on one line)."""
WRAP_AT = 7


@dataclass(frozen=True)
class ConvExport:
    """What the script is made from: the scenario with its images read in (x and y set), the
    iteration count, and the name the user gave (a bundled name or a path) for the comments.
    `image` is set for a checkpoint's test image (`export RUN.npz --image N`)."""

    scenario: ConvScenario
    iterations: int
    name: str
    image: int | None = None


def conv_script(export: ConvExport) -> str:
    """The full text of the PyTorch script for a convolutional stepper scenario.

    Raises:
        UserError: the mini-batch orders of `export.iterations` updates would need more than
            MAX_WRITTEN_INDICES sample numbers written into the script.
    """
    scenario = export.scenario
    assert scenario.x is not None and scenario.y is not None, "the images are read before the export"
    logits = (scenario.loss, scenario.layers[-1].activation) in _LOGIT_LOSSES
    flags = _FLAGS_IMAGE.substitute(image=export.image) if export.image is not None else ""
    export_command = _EXPORT_COMMAND.substitute(name=export.name, flags=flags, iterations=export.iterations)
    if export.image is not None:  # `trace` takes no checkpoint: the stepper shows its update
        json_note = _OPEN_NOTE.substitute(command=_OPEN_COMMAND.substitute(name=export.name, image=export.image))
    else:
        json_note = _TRACE_NOTE.substitute(
            command=_TRACE_COMMAND.substitute(name=export.name, iterations=export.iterations))
    values = {
        "title": docstring_text(scenario.title),
        "source": docstring_text(scenario.source.name if scenario.source else export.name),
        "export_command": docstring_text(export_command),
        "json_note": docstring_text(json_note),
        "iterations": str(export.iterations),
        "each": _ONE_LOSS if export.iterations == 1 else _EACH_LOSS.substitute(n=export.iterations),
        "images": _images(scenario),
        "y": matrix_literal(scenario.y, indent=4),
        "step_class": _STEP_CLASS if any(layer.activation == ActivationName.STEP for layer in scenario.layers) else "",
        "weights": _weights(export),
        "layer_definitions": _layer_definitions(scenario),
        "model": _model(scenario, logits),
        "layers": ", ".join(_MODULE_NAME.substitute(number=n) if _has_parameters(layer) else _NONE
                            for n, layer in enumerate(scenario.layers, start=1)),
        "loss": loss_function(scenario, logits),
        "optimizer": _optimizer(scenario),
        "batches": batches(export),
        "json_helpers": JSON_HELPERS,
        "print_losses": PRINT_LOSSES,
    }
    return _SCRIPT.substitute(values)


def _has_parameters(layer: object) -> bool:
    return not isinstance(layer, (PoolLayer, FlattenLayer))


def _images(scenario: ConvScenario) -> str:
    """X: the scenario's numbers as written, or, for Fashion-MNIST images, their pixels (0 to 255,
    a picture one can see in the script) standardised in the script exactly as batch mode does."""
    notes = _sample_notes(scenario)
    pixels = _pixels(scenario.x) if scenario.fashion is not None else None
    if pixels is None:
        note = _INLINE_DATA if scenario.fashion is None else _FASHION_FLOATS.substitute(split=scenario.fashion.split)
        x = _tensor_literal(scenario.x, (_SAMPLE_AXIS, _CHANNEL_AXIS), notes)
        return _FLOAT_IMAGES.substitute(note=note, layout=_LAYOUT, x=x)
    return _PIXEL_IMAGES.substitute(
        split=scenario.fashion.split, layout=_LAYOUT, mean=float_text(PIXEL_MEAN), std=float_text(PIXEL_STD),
        scale=float_text(1.0 / (255.0 * PIXEL_STD)), shift=float_text(PIXEL_MEAN / PIXEL_STD),
        pixels=_tensor_literal(pixels, (_SAMPLE_AXIS, _CHANNEL_AXIS), notes))


def _pixels(x: np.ndarray) -> np.ndarray | None:
    """The uint8 pixels whose standardisation (core/cnn/data.py to_input) is exactly x, or None
    where x is not such an image (then the script holds x itself)."""
    if x.shape[1] != 1:
        return None
    pixels = np.rint((x + PIXEL_MEAN / PIXEL_STD) * (255.0 * PIXEL_STD))
    if pixels.min() < 0 or pixels.max() > 255:
        return None
    pixels = pixels.astype(np.uint8)
    if not np.array_equal(to_input(pixels[:, 0], np.float64), x):
        return None
    return pixels


def _sample_notes(scenario: ConvScenario) -> list[str]:
    """A comment for each sample: its number, and the data set's image and label where it has one."""
    if scenario.fashion is None:
        return [_NUMBERED.substitute(name=_SAMPLE_AXIS, number=n) for n in range(1, scenario.samples + 1)]
    return [_FASHION_SAMPLE.substitute(number=n, split=scenario.fashion.split, index=index, label=label,
                                       name=CLASS_NAMES[label])
            for n, (index, label) in enumerate(zip(scenario.fashion.indices, scenario.labels), start=1)]


def _tensor_literal(values: np.ndarray, names: tuple[str, ...], notes: list[str] | None = None,
                    indent: int = 4) -> str:
    """An array of 2 or more axes as nested Python lists: its last two axes one matrix_literal
    (one row per line), each outer one a bracket per line commented with its axis name and number
    (`names`, one per outer axis; `notes` in place of the first axis' comments)."""
    if values.ndim == 2:
        return _rows_literal(values, indent)
    pad = " " * indent
    parts = []
    for index, part in enumerate(values):
        note = notes[index] if notes else _NUMBERED.substitute(name=names[0], number=index + 1)
        inner = _tensor_literal(part, names[1:], None, indent + 4)
        parts.append(pad + inner.replace("[", "[" + _NOTE.substitute(note=comment_text(note)), 1) + ",")
    return "[\n" + "\n".join(parts) + "\n" + " " * (indent - 4) + "]"


def _rows_literal(values: np.ndarray, indent: int = 4) -> str:
    """A matrix as a list of lists, one row per line (matrix_literal), integers (pixels) as
    integers; a row of more than ROW_WRAP floats continues on further lines, WRAP_AT to a line."""
    if values.dtype.kind in "iu":
        width = max(len(str(int(v))) for v in values.ravel())
        pad = " " * indent
        rows = [pad + "[" + ", ".join(str(int(v)).rjust(width) for v in row) + "]," for row in values]
        return "[\n" + "\n".join(rows) + "\n" + " " * (indent - 4) + "]"
    if values.shape[1] <= ROW_WRAP:
        return matrix_literal(values, indent=indent)
    pad = " " * indent
    rows = []
    for row in values:
        texts = [float_text(v) for v in row]
        chunks = [", ".join(texts[i:i + WRAP_AT]) for i in range(0, len(texts), WRAP_AT)]
        rows.append(pad + "[" + (",\n" + pad + " ").join(chunks) + "],")
    return "[\n" + "\n".join(rows) + "\n" + " " * (indent - 4) + "]"


def _weights(export: ConvExport) -> str:
    """Each conv2d layer's weight tensor and each dense layer's W = θᵀ, with their biases."""
    scenario, blocks = export.scenario, []
    for number, layer in enumerate(scenario.layers, start=1):
        if not _has_parameters(layer):
            continue
        if export.image is not None:
            drawn = _TRAINED.substitute(file=scenario.source.name if scenario.source else export.name)
        else:
            drawn = "" if layer.weights_given else _DRAWN.substitute(seed=scenario.seed)
        if isinstance(layer, ConvLayer):
            f, c, k, _k = layer.weights.shape
            blocks.append(_CONV_WEIGHT_NOTE.substitute(n=number, sup=superscript(number), f=f, c=c, k=k, drawn=drawn,
                                                       rows=c * k * k))
            blocks.append(_ASSIGN.substitute(name=_WEIGHT_NAME.substitute(number=number),
                                             value=_tensor_literal(layer.weights, (_FILTER_AXIS, _CHANNEL_AXIS))))
        else:
            inputs, units = layer.weights.shape
            blocks.append(_DENSE_WEIGHT_NOTE.substitute(n=number, sup=superscript(number), units=units, inputs=inputs,
                                                        drawn=drawn))
            blocks.append(_ASSIGN.substitute(name=_WEIGHT_NAME.substitute(number=number),
                                             value=_rows_literal(layer.weights.T)))
        bias = _NO_BIAS.substitute(number=number) if layer.bias is None else _ASSIGN.substitute(
            name=_BIAS_NAME.substitute(number=number), value=_LIST.substitute(
                values=", ".join(float_text(v) for v in layer.bias)))
        blocks.append(bias)
    return "\n".join(blocks)


def _layer_definitions(scenario: ConvScenario) -> str:
    """`layerN = conv2d(...)` or `linear(...)` for each layer with parameters."""
    lines = []
    for number, layer in enumerate(scenario.layers, start=1):
        if isinstance(layer, ConvLayer):
            lines.append(_CONV_DEFINITION.substitute(number=number, stride=layer.stride, padding=layer.padding))
        elif _has_parameters(layer):
            lines.append(_DENSE_DEFINITION.substitute(number=number))
    return "\n".join(lines)


def _model(scenario: ConvScenario, logits: bool) -> str:
    """The nn.Sequential's lines: one module per layer, an activation module after conv2d and dense."""
    lines = []
    last = len(scenario.layers)
    for number, layer in enumerate(scenario.layers, start=1):
        sup, before = superscript(number), (_X if number == 1 else _A.substitute(sup=superscript(number - 1)))
        if isinstance(layer, PoolLayer):
            lines.append(_line(_POOL_MODULE.substitute(size=layer.size),
                               _POOL_NOTE.substitute(sup=sup, before=before, size=layer.size)))
            continue
        if isinstance(layer, FlattenLayer):
            c, h, w = layer.input_shape
            lines.append(_line(_FLATTEN_MODULE, _FLATTEN_NOTE.substitute(sup=sup, before=before, c=c, h=h, w=w,
                                                                         units=layer.units)))
            continue
        bias = _PLUS_BIAS.substitute(sup=sup) if layer.bias is not None else ""
        note = (_CONV_NOTE if isinstance(layer, ConvLayer) else _DENSE_NOTE).substitute(sup=sup, before=before,
                                                                                       bias=bias)
        lines.append(_line(_MODULE_NAME.substitute(number=number), note))
        module, formula = _MODULES[ActivationName(layer.activation)]
        z = _Z.substitute(sup=sup)
        if number == last and logits:
            lines.append(_LOGITS_NOTE.substitute(formula=formula.format(z=z), z=z))
            continue
        output = _Y_HAT if number == last else _A.substitute(sup=sup)
        lines.append(_line(module, _ACTIVATION_NOTE.substitute(output=output, formula=formula.format(z=z))))
    return "\n".join(lines)


def _line(code: str, note: str) -> str:
    return _MODEL_LINE.substitute(code=(code + ",").ljust(28), note=note)


def _optimizer(scenario: ConvScenario) -> str:
    """torch.optim.SGD without momentum: the stepper updates every conv scenario by θ ← θ − γ·∇E."""
    t = scenario.training
    what = _GD if t.optimizer == OptimizerName.GD else _SGD
    return _PLAIN.substitute(rate=float_text(t.learning_rate), what=what)


# -- the script's text ----------------------------------------------------------------------------
# Templates use $name fields (string.Template), so the Python braces inside them stay as they are.

_NONE = "None"
_X = "x"
_Y_HAT = "ŷ"
_A = Template("a$sup")
_Z = Template("z$sup")
_NOTE = Template("  # $note")
_ASSIGN = Template("$name = $value")
_LIST = Template("[$values]")
_WEIGHT_NAME = Template("W$number")
_BIAS_NAME = Template("b$number")
_MODULE_NAME = Template("layer$number")
_NO_BIAS = Template("b$number = None  # layer $number has no bias")
_PLUS_BIAS = Template(" + b$sup")
_MODEL_LINE = Template("    $code# $note")
_NUMBERED = Template("$name $number")
_SAMPLE_AXIS = "sample"
_CHANNEL_AXIS = "channel"
_FILTER_AXIS = "filter"
_FASHION_SAMPLE = Template("sample $number: Fashion-MNIST $split image $index, label $label ($name)")
_FLAGS_IMAGE = Template(" --image $image")
_EXPORT_COMMAND = Template("backprop-tui export $name$flags --format pytorch --iterations $iterations")
_TRACE_COMMAND = Template("backprop-tui trace $name --iterations $iterations --format json")
_OPEN_COMMAND = Template("backprop-tui $name --image $image")
_TRACE_NOTE = Template('''the iterations as `$command`
                                       # lists them under "iterations" (all but diverged_at_step)''')
_OPEN_NOTE = Template('''the iterations, shaped as `trace --format json` lists them under
                                       # "iterations" (all but diverged_at_step); the stepper shows
                                       # the first: `$command`''')
_DRAWN = Template("\n# Drawn by backprop-tui from the scenario's seed, $seed.")
_TRAINED = Template("\n# Trained by backprop-tui's batch mode: the weights of $file.")
_ONE_LOSS = "the loss of its one iteration"
_EACH_LOSS = Template("the loss of each of the $n iterations")
_GD = "gradient descent"
_SGD = "stochastic gradient descent on mini-batches"
_CONV_DEFINITION = Template("layer$number = conv2d(W$number, b$number, stride=$stride, padding=$padding)")
_DENSE_DEFINITION = Template("layer$number = linear(W$number, b$number)")
_POOL_MODULE = Template("nn.MaxPool2d($size)")
_FLATTEN_MODULE = "nn.Flatten()"

_POOL_NOTE = Template("a$sup = maxpool($before): the maximum of each $size×$size window")
_FLATTEN_NOTE = Template("a$sup = flatten($before): $c×$h×$w → $units values per sample")
_CONV_NOTE = Template("z$sup = θ${sup}ᵀ·P$sup$bias, P$sup = im2col($before)")
_DENSE_NOTE = Template("z$sup = $before·W${sup}ᵀ$bias")
_ACTIVATION_NOTE = Template("$output = $formula")
_LOGITS_NOTE = Template("    # ŷ = $formula is applied inside the loss below, which takes the logits $z")

_INLINE_DATA = "the scenario's own numbers ([data] inputs)"
_FASHION_FLOATS = Template("Fashion-MNIST $split images, standardised as backprop-tui's batch mode trains on them")
_LAYOUT = '''# PyTorch takes a batch of images as samples × channels × height × width (m × C × H × W), the
# batch first. The stepper writes the same pixels as one matrix, C × (m·H·W): one row per
# channel, one column per pixel, sample by sample, each image row by row. Only the layout
# differs; the numbers are the scenario's.'''
_FLOAT_IMAGES = Template('''# The images: $note.
$layout
X = torch.tensor($x)''')
_PIXEL_IMAGES = Template('''# The images: real Fashion-MNIST $split images ([data] fashion_mnist), written in as the data
# set's pixels (0 = black to 255 = white), then standardised as backprop-tui's batch mode trains
# on them: x = (pixel/255 − mean)/std with mean $mean and std $std, computed as
# pixel·SCALE − SHIFT in float64, the operations backprop-tui does in the order it does them, so
# X holds the stepper's numbers bit for bit.
$layout
PIXELS = $pixels
SCALE = $scale  # 1/(255·std)
SHIFT = $shift  # mean/std
X = torch.tensor(PIXELS, dtype=torch.float64) * SCALE - SHIFT''')

_CONV_WEIGHT_NOTE = Template('''\
# Layer $n, conv2d: W$sup is nn.Conv2d's weight, filters × channels × kernel × kernel
# (out × in × kh × kw) = $f × $c × $k × $k, the layout of a scenario's `weights`.$drawn
# The stepper's θ$sup is the same numbers with each filter flattened to a column ($rows × $f):
# θ$sup = W$sup.reshape($f, $rows)ᵀ.''')

_DENSE_WEIGHT_NOTE = Template('''\
# Layer $n, dense: W$sup = θ${sup}ᵀ, $units units × $inputs inputs.$drawn''')

_SCRIPT = Template('''\
#!/usr/bin/env python3
"""$title -- in PyTorch, number for number.

Written by `$export_command`
from $source.

It needs nothing but PyTorch: the images and the weights are written in. Everything is float64,
as in backprop-tui's stepper, so it prints the losses and weights that the stepper computes (to
about 1e-12):

    python this_script.py              # $each
    python this_script.py --json       # $json_note
    python this_script.py --gradients  # each iteration's ∂E/∂θ and ∂E/∂b, before its update, in
                                       # the stepper's orientation (its backward pass)
"""

import argparse
import json
import math

import torch
from torch import nn

torch.set_default_dtype(torch.float64)  # backprop-tui's stepper computes in float64 too

ITERATIONS = $iterations

$images
# The targets, one row per sample.
Y = torch.tensor($y)

# The weights, and how PyTorch's layouts meet the stepper's.
#
# Convolution. The stepper computes a conv2d layer as one matrix product, z = θᵀ·P + b: im2col
# copies every k×k patch (of every channel) into a column of the patch matrix P, taps in the
# order channel, row, column, so P is (C·k·k) × positions; θ holds one filter per column,
# (C·k·k) × filters. nn.Conv2d keeps its weight as filters × channels × k × k (out × in × kh × kw)
# and slides each filter over the image itself, with no patch matrix; the sums are the same
# (a cross-correlation in both, zero padding in both). θᵀ is W.reshape(filters, C·k·k): each
# filter flattened to one row, in the same channel, row, column order as P's rows. So W is
# written below as the scenario gives it, and θ = W.reshape(filters, -1)ᵀ is only a way of
# reading it: a reshape, no numbers move.
#
# Flatten. nn.Flatten makes each sample's C × H × W maps one row of C·H·W values, channel by
# channel, each map row by row: the stepper's flatten order, which makes them one column.
#
# Dense. The stepper stores θ as inputs × units and computes z = θᵀ·a + b with one sample per
# column; nn.Linear stores its weight W the other way round, units × inputs, and computes
# z = x·Wᵀ + b with one sample per row. Take W = θᵀ: x·Wᵀ = x·θ = (θᵀ·xᵀ)ᵀ, the stepper's product,
# transposed only because PyTorch puts the samples in rows.
#
# Why no transpose is left in the code: every W below already is the stepper's θᵀ (a reshape of
# the filters for conv2d, θ transposed once, here, for dense), and samples as rows instead of
# columns transpose both sides of every product at once. Only --json and --gradients turn them
# back, to print θ as the stepper does: W.reshape(filters, -1).T for conv2d, W.T for dense.

$weights


def conv2d(weight, bias, stride, padding):
    """An nn.Conv2d holding `weight` (filters × channels × k × k) and `bias` (filters; None: none)."""
    filters, channels, kernel = len(weight), len(weight[0]), len(weight[0][0])
    layer = nn.Conv2d(channels, filters, kernel, stride=stride, padding=padding, bias=bias is not None)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(weight))
        if bias is not None:
            layer.bias.copy_(torch.tensor(bias))
    return layer


def linear(weight, bias):
    """An nn.Linear holding `weight` (units × inputs) and `bias` (units; None: no bias)."""
    layer = nn.Linear(len(weight[0]), len(weight), bias=bias is not None)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(weight))
        if bias is not None:
            layer.bias.copy_(torch.tensor(bias))
    return layer
$step_class

$layer_definitions
# Max pooling: nn.MaxPool2d(size) takes non-overlapping size × size windows (its stride is the
# size), as the stepper does. On a tie it keeps the first maximum in row-major order, and so does
# the stepper, so the backward pass sends δ to the same cell (the winner) and 0 to the others.
model = nn.Sequential(
$model
)
# One entry per [[layer]] of the scenario, in its order: the module holding that layer's θ and b,
# None for maxpool and flatten (they have none), as the trace lists weights and biases.
LAYERS = [$layers]
trained = list(model.parameters())


$loss


$optimizer


$batches


def theta(module, weight):
    """A weight tensor of `module` (or its gradient) as the stepper's θ: inputs × units."""
    if isinstance(module, nn.Conv2d):
        return weight.reshape(module.out_channels, -1).T  # (C·k·k) × filters: one filter per column
    return weight.T


$json_helpers


def per_layer(read):
    """read(module) for every layer with parameters, None for the others, in the scenario's order."""
    return [None if module is None else read(module) for module in LAYERS]


def train():
    """Run the updates: (iteration records shaped like backprop-tui's JSON trace, gradient records)."""
    records, gradients = [], []
    for number in range(1, ITERATIONS + 1):
        rows = batch(number - 1)
        output = model(X[rows])
        loss = loss_fn(output, Y[rows])  # E on the batch, before the update
        optimizer.zero_grad()
        loss.backward()
        with torch.no_grad():
            gradients.append({
                "iteration": number,
                "loss": number_or_text(loss.item()),
                "weights": per_layer(lambda m: nested(theta(m, m.weight.grad))),  # ∂E/∂θ, as θ
                "biases": per_layer(lambda m: None if m.bias is None else nested(m.bias.grad)),  # ∂E/∂b
            })
        optimizer.step()
        with torch.no_grad():
            watched = [loss, output, *(p.grad for p in trained), *trained]
            diverged = not all(bool(torch.isfinite(t).all()) for t in watched)
            records.append({
                "iteration": number,
                "batch": [i + 1 for i in rows],  # 1-based, as backprop-tui numbers samples
                "loss": number_or_text(loss.item()),
                "diverged": diverged,  # an inf or NaN anywhere in this update
                "weights": per_layer(lambda m: nested(theta(m, m.weight))),  # θ after the update
                "biases": per_layer(lambda m: None if m.bias is None else nested(m.bias)),
            })
    return records, gradients


def main():
    parser = argparse.ArgumentParser(description="Train the network and print the loss of each iteration.")
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--json", action="store_true",
                       help="print the iterations as JSON, as backprop-tui's trace --format json does")
    shown.add_argument("--gradients", action="store_true",
                       help="print each iteration's ∂E/∂θ and ∂E/∂b (before its update) as JSON")
    args = parser.parse_args()
    records, gradients = train()
    if args.json or args.gradients:
        document = {"iterations": records} if args.json else {"gradients": gradients}
        print(json.dumps(document, indent=1, allow_nan=False))
        return
$print_losses
''')

SCRIPT_TEXT: frozenset[str] = frozenset(
    value.template if isinstance(value, Template) else value for value in (
        _NONE, _X, _Y_HAT, _A, _Z, _NOTE, _ASSIGN, _LIST, _WEIGHT_NAME, _BIAS_NAME, _MODULE_NAME,
        _NO_BIAS, _PLUS_BIAS, _MODEL_LINE, _NUMBERED, _SAMPLE_AXIS, _CHANNEL_AXIS, _FILTER_AXIS,
        _FASHION_SAMPLE, _FLAGS_IMAGE, _EXPORT_COMMAND, _TRACE_COMMAND, _OPEN_COMMAND, _TRACE_NOTE,
        _OPEN_NOTE, _DRAWN, _TRAINED, _ONE_LOSS, _EACH_LOSS, _GD,
        _SGD, _CONV_DEFINITION, _DENSE_DEFINITION, _POOL_MODULE, _FLATTEN_MODULE, _POOL_NOTE, _FLATTEN_NOTE,
        _CONV_NOTE, _DENSE_NOTE, _ACTIVATION_NOTE, _LOGITS_NOTE, _INLINE_DATA, _FASHION_FLOATS, _LAYOUT,
        _FLOAT_IMAGES, _PIXEL_IMAGES, _CONV_WEIGHT_NOTE, _DENSE_WEIGHT_NOTE, _SCRIPT,
    ))
"""The script's code and comments written by this module: code, not interface text, so the catalogue
scan (tests/i18n/test_catalogue.py) takes them as not translatable."""
