"""Turn a convolutional stepper scenario (TOML) into a validated ConvScenario, every problem at once.

The format is the dense one with `[network] input_shape = [C, H, W]` instead of `inputs`, and
typed layers in the same `[[layer]]` list (a layer without `type` is dense):

    [[layer]]  type = "conv2d", filters, kernel, stride = 1, padding = 0, activation = "relu",
               weights (filters × channels × kernel × kernel; omitted: drawn from `init`), bias
    [[layer]]  type = "maxpool", size = 2
    [[layer]]  type = "flatten"
    [[layer]]  units, activation, weights, bias      (type = "dense" may be written)

Data: `[data] inputs` (one channels × height × width array per sample) and `targets`, or
`[data] fashion_mnist = { split = "test", indices = [42, 7] }` (the data set's own image numbers,
from 0, with their labels as one-hot targets); the images themselves are read by
`core.conv.data`, which may import batch mode's loader (this package may not).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.core.scenario.check import MISSING, Checker, join_path, type_name
from backprop_tui.core.scenario.conv_model import (
    AnyLayer, ConvLayer, ConvScenario, FashionData, FlattenLayer, PoolLayer, Shape3,
)
from backprop_tui.core.scenario.load import (
    INITS, TRANSLATED_KEYS, _batch_fits, _init, _loss_fits_output, _training, translations,
)
from backprop_tui.core.scenario.model import UNTITLED, Layer, Training
from backprop_tui.core.scenario.quiz_table import quiz_settings
from backprop_tui.core.scenario.toml_source import parse_toml_text, read_toml
from backprop_tui.core.vocab import ACTIVATION_NAMES, LOSS_NAMES, STEPPED_LAYER_TYPES, LayerType, OptimizerName
from backprop_tui.i18n import N_, Message

TOP_KEYS = ("title", "description", *TRANSLATED_KEYS, "seed", "network", "layer", "data", "training", "quiz")
NETWORK_KEYS = ("input_shape", "loss", "init")
LAYER_TYPES = STEPPED_LAYER_TYPES
"""Batch mode's layer words (vocab.LayerType) that the stepper steps through."""
LAYER_KEYS = {
    LayerType.CONV2D: ("type", "filters", "kernel", "stride", "padding", "activation", "weights", "bias", "init"),
    LayerType.MAXPOOL: ("type", "size"),
    LayerType.FLATTEN: ("type",),
    LayerType.DENSE: ("type", "units", "activation", "weights", "bias", "init"),
}
DATA_KEYS = ("inputs", "targets", "fashion_mnist")
TRAINING_KEYS = ("optimizer", "learning_rate", "batch_size", "iterations")
STEP_OPTIMIZERS = (OptimizerName.GD.value, OptimizerName.SGD.value)
MAX_SIDE = 64
"""The largest image side the stepper takes (28 for Fashion-MNIST): every pixel is a cell to step."""
MAX_CHANNELS = 64
MAX_UNITS = 4096
CLASSES = 10
MAX_PATCH_CELLS = 4_000_000
"""The most values a convolution's patch matrix may hold (28×28 with 16 channels and 3×3
kernels on 8 images is 903,168)."""
SPLITS = ("train", "test")
SPLIT_SIZES = {"train": 60_000, "test": 10_000}


def load_conv(name_or_path: str | Path) -> ConvScenario:
    """Load a convolutional scenario by path or bundled name (images of `fashion_mnist` not read).

    Raises ScenarioError listing every problem with its key path.
    """
    path = resolve(name_or_path)
    return replace(from_conv_document(read_toml(path), path.name), source=path)


def loads_conv(text: str, file: str = "<text>") -> ConvScenario:
    """Load a convolutional scenario from TOML text (tests)."""
    return from_conv_document(parse_toml_text(text, file), file)


def from_conv_document(doc: dict[str, Any], file: str) -> ConvScenario:
    """Validate a parsed document; raises ScenarioError listing every problem."""
    c = Checker()
    scenario = _scenario(c, doc)
    c.raise_if_any(file)
    assert scenario is not None
    return scenario


def _scenario(c: Checker, doc: dict[str, Any]) -> ConvScenario | None:
    c.table(doc, "", TOP_KEYS)
    title = c.string(doc, "title", "", UNTITLED)
    description = c.string(doc, "description", "", "")
    translated = {key: c.string(doc, key, "", "") for key in TRANSLATED_KEYS}
    seed = c.integer(doc, "seed", "", 0, minimum=0)
    network = c.table(c.get(doc, "network", ""), "network", NETWORK_KEYS)
    shape = _input_shape(c, network) if isinstance(doc.get("network"), dict) else None
    loss = c.choice(network, "loss", "network", LOSS_NAMES, "cross_entropy")
    init = c.choice(network, "init", "network", INITS, "xavier")
    rng = np.random.default_rng(seed if seed is not MISSING else 0)

    tables = c.tables(c.get(doc, "layer", ""), "layer")
    if "layer" in doc and isinstance(doc["layer"], list) and not doc["layer"]:
        c.add("layer", Message("expected at least one [[layer]]"))
    layers: list[AnyLayer | None] = []
    current: Shape3 | int | None = shape  # (C, H, W) while the data is images, units after flatten
    output: str | None = None
    outputs: int | None = None
    for index, table in enumerate(tables, start=1):
        path = f"layer[{index}]"
        last = index == len(tables)
        layer, current = _layer(c, table, path, current, init, rng, last)
        layers.append(layer)
        if isinstance(layer, Layer):
            outputs, output = layer.units, layer.activation
    if tables and layers and layers[-1] is not None and not isinstance(layers[-1], Layer):
        c.add(f"layer[{len(tables)}]", Message("the last layer must be dense (units and an activation): the loss "
                                                "compares its outputs with the targets"))
        outputs = None

    training = _conv_training(c, c.table(doc.get("training", MISSING), "training", TRAINING_KEYS))
    x, y, fashion = _data(c, c.table(c.get(doc, "data", ""), "data", DATA_KEYS), shape, outputs)
    samples = x.shape[0] if x is not None else len(fashion.indices) if fashion is not None else None
    _batch_fits(c, doc.get("training", {}), "training", samples)
    _loss_fits_output(c, loss, output, "network.loss", y)
    if samples:
        _patches_fit(c, layers, samples)
    quiz = quiz_settings(c, doc.get("quiz", MISSING))
    if c.problems or None in layers or shape is None or training is None or (x is None and fashion is None) \
            or quiz is None:
        return None
    titles, descriptions = translations(translated)
    return ConvScenario(title, description, seed, shape, loss, tuple(layers), x, y, training, init, fashion, quiz=quiz,
                        titles=titles, descriptions=descriptions)


def _patches_fit(c: Checker, layers: list[AnyLayer | None], samples: int) -> None:
    """Each convolution's patch matrix, (C·k·k) × (m·Ho·Wo), is a matrix every step shows and the
    checks differentiate through: refuse one too large to step through (a typo, not a lesson)."""
    for index, layer in enumerate(layers, start=1):
        if not isinstance(layer, ConvLayer):
            continue
        c_in, k = layer.input_shape[0], layer.kernel
        _, ho, wo = layer.output_shape
        cells = c_in * k * k * ho * wo * samples
        if cells > MAX_PATCH_CELLS:
            c.add(f"layer[{index}]", Message("its patch matrix would hold {cells} values ({rows} × {columns}), more "
                                             "than the stepper steps through (at most {limit}); use fewer samples, "
                                             "channels or a smaller kernel or image", cells=f"{cells:,}",
                                             rows=c_in * k * k, columns=ho * wo * samples, limit=f"{MAX_PATCH_CELLS:,}"))


def _input_shape(c: Checker, network: dict[str, Any]) -> Shape3 | None:
    value = c.get(network, "input_shape", "network")
    if value is MISSING:
        return None
    ok = (isinstance(value, list) and len(value) == 3
          and all(isinstance(v, int) and not isinstance(v, bool) for v in value))
    if not ok:
        c.add("network.input_shape", Message("expected [channels, height, width], three whole numbers such as "
                                             "[1, 6, 6], got {found}",
                                             found=type_name(value) if not isinstance(value, list) else value))
        return None
    channels, height, width = value
    if not (1 <= channels <= MAX_CHANNELS) or not (1 <= height <= MAX_SIDE) or not (1 <= width <= MAX_SIDE):
        c.add("network.input_shape", Message("expected 1 to {channels} channels and sides of 1 to {side} pixels, "
                                             "got {found}", channels=MAX_CHANNELS, side=MAX_SIDE, found=value))
        return None
    return (channels, height, width)


def _dims(shape: Shape3 | int) -> str:
    """An image's shape (2×4×4) or a flat layer's size ("8 values", a message of its own)."""
    if isinstance(shape, tuple):
        return "×".join(map(str, shape))
    return Message("1 value") if shape == 1 else Message("{count} values", count=shape)


def _layer(c: Checker, table: dict[str, Any], path: str, current: Shape3 | int | None, default_init: str,
           rng: np.random.Generator, last: bool) -> tuple[AnyLayer | None, Shape3 | int | None]:
    """The layer (None if anything is wrong) and the shape it outputs (None if unknown)."""
    if table.get("type") in (LayerType.RELU, LayerType.DROPOUT):  # batch mode's words the stepper folds away
        c.add(join_path(path, "type"), Message('"{type}" is a layer of batch mode; here a conv2d or dense layer '
                                               'carries its activation (activation = "relu"), and there is no dropout',
                                               type=table["type"]))
        return None, None
    kind = c.choice(table, "type", path, LAYER_TYPES, LayerType.DENSE)
    if kind is MISSING:
        return None, None
    c.table(table, path, LAYER_KEYS[kind])
    if kind == LayerType.CONV2D:
        return _conv(c, table, path, current, default_init, rng, last)
    if kind == LayerType.MAXPOOL:
        return _pool(c, table, path, current)
    if kind == LayerType.FLATTEN:
        if isinstance(current, int):
            c.add(join_path(path, "type"), Message("flatten expects images (after conv2d or maxpool), but its input is "
                                                   "already flat ({size})", size=_dims(current)))
            return None, None
        return (FlattenLayer(current), current[0] * current[1] * current[2]) if current else (None, None)
    return _dense(c, table, path, current, default_init, rng, last)


def _conv(c: Checker, table: dict[str, Any], path: str, current: Shape3 | int | None, default_init: str,
          rng: np.random.Generator, last: bool) -> tuple[ConvLayer | None, Shape3 | None]:
    filters = c.integer(table, "filters", path, minimum=1, maximum=MAX_CHANNELS)
    kernel = c.integer(table, "kernel", path, minimum=1, maximum=MAX_SIDE)
    stride = c.integer(table, "stride", path, 1, minimum=1, maximum=MAX_SIDE)
    padding = c.integer(table, "padding", path, 0, minimum=0, maximum=MAX_SIDE)
    activation = c.choice(table, "activation", path, ACTIVATION_NAMES, "relu")
    init = c.choice(table, "init", path, INITS, default_init)
    if activation == "softmax":
        c.add(join_path(path, "activation"), Message("softmax is only supported on the output layer, which is dense"))
        activation = MISSING
    if last:
        return None, None  # the "last layer must be dense" problem says it
    if isinstance(current, int):
        c.add(join_path(path, "type"), Message("conv2d expects images (channels × height × width), but its input is "
                                               "flat ({size}); put convolutions before flatten", size=_dims(current)))
        return None, None
    if MISSING in (filters, kernel, stride, padding) or current is None:
        return None, None
    channels, height, width = current
    if kernel > min(height, width) + 2 * padding:
        template = N_("a {kernel}×{kernel} kernel is larger than its input of {shape} with padding {padding}; use "
                      "a smaller kernel or more padding") if padding else N_(
                      "a {kernel}×{kernel} kernel is larger than its input of {shape}; use a smaller kernel or more "
                      "padding")
        c.add(join_path(path, "kernel"), Message(template, kernel=kernel, shape=_dims(current), padding=padding))
        return None, None
    out = (filters, (height + 2 * padding - kernel) // stride + 1, (width + 2 * padding - kernel) // stride + 1)
    if "weights" in table:
        weights = _tensor(c, table["weights"], join_path(path, "weights"), (filters, channels, kernel, kernel))
        given = True
    else:
        theta = _init(init if init is not MISSING else "xavier", channels * kernel * kernel, filters, rng)
        weights, given = theta.T.reshape(filters, channels, kernel, kernel).copy(), False
    bias = c.vector(table["bias"], join_path(path, "bias"), filters) if "bias" in table else None
    if weights is None or activation is MISSING or ("bias" in table and bias is None):
        return None, out
    return ConvLayer(filters, kernel, stride, padding, activation, weights, bias, current, out, given), out


def _pool(c: Checker, table: dict[str, Any], path: str,
          current: Shape3 | int | None) -> tuple[PoolLayer | None, Shape3 | None]:
    size = c.integer(table, "size", path, 2, minimum=1, maximum=MAX_SIDE)
    if isinstance(current, int):
        c.add(join_path(path, "type"), Message("maxpool expects images (channels × height × width), but its input is "
                                               "flat ({size}); pool before flatten", size=_dims(current)))
        return None, None
    if size is MISSING or current is None:
        return None, None
    channels, height, width = current
    if height % size or width % size:
        c.add(join_path(path, "size"), Message("a {size}×{size} pool does not divide its input of {shape}: height and "
                                               "width must be multiples of {size}", size=size, shape=_dims(current)))
        return None, None
    out = (channels, height // size, width // size)
    return PoolLayer(size, current, out), out


def _dense(c: Checker, table: dict[str, Any], path: str, current: Shape3 | int | None, default_init: str,
           rng: np.random.Generator, last: bool) -> tuple[Layer | None, int | None]:
    units = c.integer(table, "units", path, minimum=1, maximum=MAX_UNITS)
    activation = c.choice(table, "activation", path, ACTIVATION_NAMES, "sigmoid")
    init = c.choice(table, "init", path, INITS, default_init)
    if activation == "softmax" and not last:
        c.add(join_path(path, "activation"), Message("softmax is only supported on the output layer"))
    if isinstance(current, tuple):
        c.add(path, Message('a dense layer after images ({shape}) needs a [[layer]] type = "flatten" before it, to '
                            'make the feature maps one column', shape=_dims(current)))
        return None, None if units is MISSING else units
    if units is MISSING or current is None:
        return None, None if units is MISSING else units
    if "weights" in table:
        weights = c.matrix(table["weights"], join_path(path, "weights"), (current, units))
        given = True
    else:
        weights, given = _init(init if init is not MISSING else "xavier", current, units, rng), False
    bias = c.vector(table["bias"], join_path(path, "bias"), units) if "bias" in table else None
    if weights is None or activation is MISSING or ("bias" in table and bias is None):
        return None, units
    return Layer(units, activation, weights, bias, True, given), units


def _tensor(c: Checker, value: Any, path: str, shape: tuple[int, ...]) -> np.ndarray | None:
    """A nested array of finite numbers of exactly `shape`, as float64."""
    wanted = " × ".join(map(str, shape))
    try:
        array = np.array(value, dtype=np.float64)
    except (ValueError, TypeError):
        c.add(path, Message("expected a {shape} nested array of numbers, got a ragged or non-numeric array",
                            shape=wanted))
        return None
    if not isinstance(value, list) or array.shape != shape or _has_bool(value):
        got = " × ".join(map(str, array.shape)) if isinstance(value, list) else type_name(value)
        c.add(path, Message("expected a {shape} nested array of numbers, got {found}", shape=wanted, found=got))
        return None
    if not np.all(np.isfinite(array)):
        c.add(path, Message("expected finite numbers only"))
        return None
    return array


def _has_bool(value: Any) -> bool:
    if isinstance(value, list):
        return any(_has_bool(v) for v in value)
    return isinstance(value, bool) or not isinstance(value, (int, float))


def _conv_training(c: Checker, table: dict[str, Any]) -> Training | None:
    training = _training(c, table, "training", Training())
    if training is not None and training.optimizer not in STEP_OPTIMIZERS:
        first, second = STEP_OPTIMIZERS
        c.add("training.optimizer", Message('a convolutional scenario steps with {first} or {second}, got "{found}"',
                                            first=first, second=second, found=training.optimizer))
        return None
    return training


def _data(c: Checker, table: dict[str, Any], shape: Shape3 | None,
          outputs: int | None) -> tuple[np.ndarray | None, np.ndarray | None, FashionData | None]:
    if not table:
        return None, None, None
    if "fashion_mnist" in table:
        for key in ("inputs", "targets"):
            if key in table:
                c.add(join_path("data", key), Message("give either fashion_mnist or inputs and targets, not both"))
        return None, None, _fashion(c, table["fashion_mnist"], shape, outputs)
    for key in ("inputs", "targets"):
        if key not in table:
            c.add(join_path("data", key), Message("required key is missing (or give fashion_mnist = { split, indices })"))
    if "inputs" not in table or "targets" not in table or shape is None:
        return None, None, None
    x = _samples(c, table["inputs"], shape)
    y = c.matrix(table["targets"], "data.targets")
    if y is not None and outputs is not None and y.shape[1] != outputs:
        c.add("data.targets", Message("expected {count} value per sample (the last layer's units), got {found}",
                                      count=outputs, found=y.shape[1]) if outputs == 1 else
              Message("expected {count} values per sample (the last layer's units), got {found}", count=outputs,
                      found=y.shape[1]))
        y = None
    if x is not None and y is not None and x.shape[0] != y.shape[0]:
        c.add("data.targets", Message("expected one row per input sample ({samples}), got {found} row",
                                      samples=x.shape[0], found=y.shape[0]) if y.shape[0] == 1 else
              Message("expected one row per input sample ({samples}), got {found} rows", samples=x.shape[0],
                      found=y.shape[0]))
        return None, None, None
    return x, y, None


def _samples(c: Checker, value: Any, shape: Shape3) -> np.ndarray | None:
    if not isinstance(value, list) or not value:
        c.add("data.inputs", Message("expected an array of samples, each {shape} (channels × height × width), got "
                                     "{found}", shape=_dims(shape),
                                     found=type_name(value) if not isinstance(value, list) else Message("an empty array")))
        return None
    samples = [_tensor(c, sample, f"data.inputs[{i}]", shape) for i, sample in enumerate(value, start=1)]
    return None if any(s is None for s in samples) else np.stack(samples)


def _fashion(c: Checker, value: Any, shape: Shape3 | None, outputs: int | None) -> FashionData | None:
    path = "data.fashion_mnist"
    table = c.table(value, path, ("split", "indices"))
    if not isinstance(value, dict):
        return None
    split = c.choice(table, "split", path, SPLITS, "test")
    indices = c.get(table, "indices", path)
    if shape is not None and shape != (1, 28, 28):
        c.add("network.input_shape", Message("Fashion-MNIST images are [1, 28, 28], got {found}", found=list(shape)))
    if outputs is not None and outputs != CLASSES:
        c.add("data.fashion_mnist", Message("Fashion-MNIST has {classes} classes, so the last layer needs {classes} "
                                            "units, got {found}", classes=CLASSES, found=outputs))
    if indices is MISSING or split is MISSING:
        return None
    ok = isinstance(indices, list) and indices and all(isinstance(i, int) and not isinstance(i, bool) for i in indices)
    if not ok:
        c.add(join_path(path, "indices"), Message("expected an array of image numbers such as [42, 7], got {found}",
                                                  found=type_name(indices)))
        return None
    size = SPLIT_SIZES[split]
    for i, index in enumerate(indices, start=1):
        if not 0 <= index < size:
            c.add(f"{path}.indices[{i}]", Message("expected an image number from 0 to {last} (the {split} split), got "
                                                  "{found}", last=size - 1, split=split, found=index))
            return None
    return FashionData(split, tuple(indices))
