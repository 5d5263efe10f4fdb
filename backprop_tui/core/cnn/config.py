"""CNN scenarios: TOML in, a validated `CnnScenario` out, with the dense scenarios' error style.

A CNN scenario is told apart from a dense one by its `[model]` table. Every problem is
collected with its key path (`model.layer[3].filters`), shapes are followed through the layers
so a mismatch is reported where it happens, and the same checks validate the JSON copy a
checkpoint carries.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from backprop_tui.core.cnn import limits
from backprop_tui.core import strict_json
from backprop_tui.core.vocab import LEGACY_SCHEDULE_NAMES, CnnOptimizerName, LayerType, ScheduleName
from backprop_tui.core.scenario import bundled
from backprop_tui.core.scenario.check import MISSING, Checker, join_path, type_name
from backprop_tui.core.scenario.toml_source import read_toml
from backprop_tui.i18n import DEFAULT, LANGUAGES, Message

TRANSLATED_KEYS = tuple(f"{key}_{language}" for language in LANGUAGES if language != DEFAULT
                        for key in ("title", "description"))
"""title_ko, description_ko: the title and description in each other interface language (as in a
stepping scenario)."""
INPUT_SHAPE = (1, 28, 28)
CLASSES = 10
LAYER_TYPES: tuple[str, ...] = tuple(LayerType)  # the words the stepper's scenarios share
OPTIMIZERS: tuple[str, ...] = tuple(CnnOptimizerName)
SCHEDULES: tuple[str, ...] = tuple(ScheduleName)


@dataclass(frozen=True)
class LayerSpec:
    """One `[[model.layer]]` entry; fields not used by its type keep their defaults."""

    type: str
    filters: int = 0
    kernel: int = 0
    stride: int = 1
    padding: int = 0
    size: int = 0
    units: int = 0
    rate: float = 0.0


@dataclass(frozen=True)
class TrainingSpec:
    """The `[training]` table."""

    optimizer: str = CnnOptimizerName.MOMENTUM
    learning_rate: float = 0.01
    momentum: float = 0.9
    betas: tuple[float, float] = (0.9, 0.999)
    epsilon: float = 1e-8
    weight_decay: float = 0.0
    batch_size: int = 64
    epochs: int = 10
    schedule: str = ScheduleName.CONSTANT
    step_epochs: int = 1
    gamma: float = 0.1
    min_learning_rate: float = 0.0


@dataclass(frozen=True)
class CnnScenario:
    """A whole CNN scenario."""

    title: str
    description: str
    seed: int
    input: tuple[int, int, int]
    layers: tuple[LayerSpec, ...]
    training: TrainingSpec = field(default_factory=TrainingSpec)
    titles: dict[str, str] = field(default_factory=dict, compare=False)
    """The title in other interface languages, by language ("ko" from the file's title_ko)."""
    descriptions: dict[str, str] = field(default_factory=dict, compare=False)
    """The description in other interface languages, by language."""

    def to_json(self) -> str:
        """The scenario as JSON (stored inside checkpoints; the translated titles as title_ko...)."""
        data = asdict(self)
        for key in ("title", "description"):
            data.update({f"{key}_{language}": text for language, text in data.pop(f"{key}s").items()})
        data["model"] = {"input": list(data.pop("input")), "layer": [_layer_dict(l) for l in self.layers]}
        data.pop("layers")
        data["training"]["betas"] = list(self.training.betas)
        return strict_json.dumps(data, sort_keys=True)

    def with_training(self, **changes: Any) -> "CnnScenario":
        """A copy with some training settings replaced (command-line overrides)."""
        return replace(self, training=replace(self.training, **changes))


_LAYER_KEYS = {
    "conv2d": ("filters", "kernel", "stride", "padding"),
    "relu": (),
    "maxpool": ("size",),
    "flatten": (),
    "dense": ("units",),
    "dropout": ("rate",),
}


def _layer_dict(layer: LayerSpec) -> dict[str, Any]:
    return {"type": layer.type, **{key: getattr(layer, key) for key in _LAYER_KEYS[layer.type]}}


def load_cnn_scenario(path_or_name: str | Path) -> CnnScenario:
    """Read, validate and return a CNN scenario from a file or a bundled name."""
    path = bundled.resolve(path_or_name)
    data = read_toml(path)
    return scenario_from_data(data, path.name)


def scenario_from_json(text: str, file: str) -> CnnScenario:
    """The scenario stored in a checkpoint, validated like a TOML file."""
    from backprop_tui.core.scenario.errors import Problem, ScenarioError

    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ScenarioError(file, [Problem("", Message("the stored scenario is not valid JSON: {error}",
                                                       error=error))]) from None
    return scenario_from_data(data, file)


def scenario_from_data(data: dict[str, Any], file: str) -> CnnScenario:
    """Validate a parsed document; raises ScenarioError listing every problem."""
    check = Checker()
    top = check.table(data, "", ("title", "description", *TRANSLATED_KEYS, "seed", "model", "training"))
    if "model" not in top:
        check.add("model", Message("required table is missing; a CNN scenario needs [model] with [[model.layer]] "
                                   "entries"))
    title = check.string(top, "title", "", "Untitled CNN")
    description = check.string(top, "description", "", "")
    translated = {key: check.string(top, key, "", "") for key in TRANSLATED_KEYS}
    seed = check.integer(top, "seed", "", 0, minimum=0, maximum=2**32 - 1)
    model = check.table(top.get("model", MISSING), "model", ("input", "layer"))
    input_shape = _input(check, model)
    layers = _layers(check, model, input_shape)
    training = _training(check, top.get("training", MISSING))
    if not check.problems:
        found = memory_problem(tuple(layers), input_shape, training.batch_size)
        if found is not None:
            path, message = found
            check.add(path, Message("{problem}; use fewer filters or units, or a smaller training.batch_size",
                                    problem=message))
    check.raise_if_any(file)
    titles = {key.removeprefix("title_"): text for key, text in translated.items() if key.startswith("title_") and text}
    descriptions = {key.removeprefix("description_"): text for key, text in translated.items()
                    if key.startswith("description_") and text}
    return CnnScenario(title, description, seed, input_shape, tuple(layers), training, titles, descriptions)


def _input(check: Checker, model: dict[str, Any]) -> tuple[int, int, int]:
    value = model.get("input", list(INPUT_SHAPE))
    if value != list(INPUT_SHAPE) or any(isinstance(v, bool) for v in value):
        check.add("model.input", Message("expected [1, 28, 28] (channels, height, width of a Fashion-MNIST image), "
                                         "got {found}", found=value if isinstance(value, list) else type_name(value)))
    return INPUT_SHAPE


def _layers(check: Checker, model: dict[str, Any], input_shape: tuple[int, int, int]) -> list[LayerSpec]:
    entries = check.tables(model.get("layer", MISSING), "model.layer")
    if "layer" in model and isinstance(model["layer"], list) and not model["layer"]:
        check.add("model.layer", Message("expected at least one layer"))
    if model and "layer" not in model:
        check.add("model.layer", Message("required key is missing; add [[model.layer]] entries"))
    layers: list[LayerSpec] = []
    shape: tuple[int, ...] | None = input_shape
    parameters = 0
    for index, entry in enumerate(entries, start=1):
        path = f"model.layer[{index}]"
        kind = check.choice(entry, "type", path, LAYER_TYPES)
        if kind is MISSING:
            shape = None
            continue
        check.table(entry, path, ("type", *_LAYER_KEYS[kind]))
        layer = _layer(check, entry, path, kind)
        if layer is None:
            shape = None
            continue
        layers.append(layer)
        if shape is not None:
            before = shape
            shape = _next_shape(check, path, layer, shape)
            if shape is not None and parameters <= limits.MAX_PARAMETERS:
                added = layer_parameters(layer, before)
                parameters += added
                if parameters > limits.MAX_PARAMETERS:
                    check.add(join_path(path, "filters" if layer.type == "conv2d" else "units"),
                              Message("{layer} on an input of {shape} adds {added} parameters, making {total} so "
                                      "far, more than this tool's limit of {limit}; use fewer filters or units (or "
                                      "pool before this layer)", layer=_describe(layer), shape=_dims(before),
                                      added=f"{added:,}", total=f"{parameters:,}",
                                      limit=f"{limits.MAX_PARAMETERS:,}"))
    if entries and layers and len(layers) == len(entries):
        last = layers[-1]
        if last.type != "dense" or last.units != CLASSES:
            check.add(f"model.layer[{len(entries)}]",
                      Message("the last layer must be a dense layer with {classes} units (one per class), got {layer}",
                              classes=CLASSES, layer=_describe(last)))
    return layers


def _layer(check: Checker, entry: dict[str, Any], path: str, kind: str) -> LayerSpec | None:
    before = len(check.problems)
    if kind == "conv2d":
        layer = LayerSpec(
            kind,
            filters=check.integer(entry, "filters", path, minimum=1, maximum=4096),
            kernel=check.integer(entry, "kernel", path, minimum=1, maximum=28),
            stride=check.integer(entry, "stride", path, 1, minimum=1, maximum=28),
            padding=check.integer(entry, "padding", path, 0, minimum=0, maximum=27),
        )
    elif kind == "maxpool":
        layer = LayerSpec(kind, size=check.integer(entry, "size", path, 2, minimum=1, maximum=28))
    elif kind == "dense":
        layer = LayerSpec(kind, units=check.integer(entry, "units", path, minimum=1, maximum=65536))
    elif kind == "dropout":
        layer = LayerSpec(kind, rate=check.number(entry, "rate", path, minimum=0.0, maximum=0.95))
    else:
        layer = LayerSpec(kind)
    return layer if len(check.problems) == before else None


def _describe(layer: LayerSpec) -> Message:
    if layer.type == "dense":
        return Message("dense with {units} units", units=layer.units)
    if layer.type == "conv2d":
        return Message("conv2d with {filters} filters of {kernel}", filters=layer.filters,
                       kernel=f"{layer.kernel}x{layer.kernel}")
    return Message("a {type} layer", type=layer.type)


def _dims(shape: tuple[int, ...]) -> str:
    return "x".join(str(n) for n in shape)


def layer_output_shape(layer: LayerSpec, shape: tuple[int, ...]) -> tuple[int, ...]:
    """Output shape (without batch) of a validated layer."""
    if layer.type == "conv2d":
        _, h, w = shape
        k, s, p = layer.kernel, layer.stride, layer.padding
        return (layer.filters, (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1)
    if layer.type == "maxpool":
        c, h, w = shape
        return (c, h // layer.size, w // layer.size)
    if layer.type == "flatten":
        return (shape[0] * shape[1] * shape[2],)
    if layer.type == "dense":
        return (layer.units,)
    return shape


def layer_parameters(layer: LayerSpec, shape: tuple[int, ...]) -> int:
    """Weights and biases of `layer` on an input of `shape`."""
    if layer.type == "conv2d":
        return layer.filters * (shape[0] * layer.kernel * layer.kernel + 1)
    if layer.type == "dense":
        return (shape[0] + 1) * layer.units
    return 0


def _layer_floats(layer: LayerSpec, shape: tuple[int, ...]) -> int:
    """Floats one image keeps for `layer`: its output, and for a convolution its im2col matrix."""
    out = layer_output_shape(layer, shape)
    floats = 1
    for n in out:
        floats *= n
    if layer.type == "conv2d":
        floats += shape[0] * layer.kernel * layer.kernel * out[1] * out[2]
    return floats


def batch_bytes(layers: tuple[LayerSpec, ...], input_shape: tuple[int, ...], batch_size: int) -> list[int]:
    """Estimated activation memory after each layer, cumulative: a training batch of
    `batch_size` (forward and backward) or an evaluation batch, whichever needs more."""
    images = max(2 * batch_size, limits.EVAL_BATCH)
    total, shape, result = 0, input_shape, []
    for layer in layers:
        total += _layer_floats(layer, shape) * images * limits.BYTES_PER_FLOAT
        shape = layer_output_shape(layer, shape)
        result.append(total)
    return result


def memory_problem(layers: tuple[LayerSpec, ...], input_shape: tuple[int, ...],
                   batch_size: int) -> tuple[str, Message] | None:
    """(key path of the layer that goes over, message) when a batch needs too much memory; the
    message is an i18n Message (English as a str, `translated()` in the interface language)."""
    sized = 0  # the last conv2d or dense layer: it sets the size of what follows it
    for index, total in enumerate(batch_bytes(layers, input_shape, batch_size), start=1):
        if layers[index - 1].type in ("conv2d", "dense"):
            sized = index
        if total > limits.MAX_BATCH_BYTES:
            blamed = sized or index
            key = {"conv2d": ".filters", "dense": ".units"}.get(layers[blamed - 1].type, "")
            if 2 * batch_size >= limits.EVAL_BATCH:
                message = Message("a training batch of {images} images would need about {size} of activations up "
                                  "to layer {layer}, more than this tool's limit of {limit}", images=batch_size,
                                  size=_gib(total), layer=index, limit=_gib(limits.MAX_BATCH_BYTES))
            else:
                message = Message("an evaluation batch of {images} images would need about {size} of activations "
                                  "up to layer {layer}, more than this tool's limit of {limit}",
                                  images=limits.EVAL_BATCH, size=_gib(total), layer=index,
                                  limit=_gib(limits.MAX_BATCH_BYTES))
            return (f"model.layer[{blamed}]{key}", message)
    return None


def _gib(size: int) -> str:
    return f"{size / 1024**3:.1f} GiB"


def _next_shape(check: Checker, path: str, layer: LayerSpec, shape: tuple[int, ...]) -> tuple[int, ...] | None:
    """The output shape of `layer` for input `shape` (without the batch), or None after a problem."""
    dims = "x".join(str(n) for n in shape)
    if layer.type == "conv2d":
        if len(shape) != 3:
            check.add(path, Message("conv2d needs an image-shaped input (channels x height x width), got a flat "
                                    "vector of {dims}", dims=dims))
            return None
        c, h, w = shape
        ho = (h + 2 * layer.padding - layer.kernel) // layer.stride + 1
        wo = (w + 2 * layer.padding - layer.kernel) // layer.stride + 1
        if ho < 1 or wo < 1:
            check.add(join_path(path, "kernel"), Message("kernel {kernel} is larger than the padded input {padded}",
                                                         kernel=layer.kernel,
                                                         padded=f"{h + 2 * layer.padding}x{w + 2 * layer.padding}"))
            return None
        if layer.padding >= layer.kernel:
            check.add(join_path(path, "padding"), Message("padding {padding} must be smaller than the kernel {kernel}",
                                                          padding=layer.padding, kernel=layer.kernel))
            return None
        return (layer.filters, ho, wo)
    if layer.type == "maxpool":
        if len(shape) != 3:
            check.add(path, Message("maxpool needs an image-shaped input, got a flat vector of {dims}", dims=dims))
            return None
        c, h, w = shape
        if h % layer.size or w % layer.size:
            check.add(join_path(path, "size"), Message("pool size {size} does not divide the input {shape}",
                                                       size=layer.size, shape=f"{h}x{w}"))
            return None
        return (c, h // layer.size, w // layer.size)
    if layer.type == "flatten":
        if len(shape) != 3:
            check.add(path, Message("flatten needs an image-shaped input; the input is already flat"))
            return None
        return (shape[0] * shape[1] * shape[2],)
    if layer.type == "dense":
        if len(shape) != 1:
            check.add(path, Message('dense needs a flat input, got {dims} (channels x height x width); add {flatten} '
                                    'before it', dims=dims, flatten='{ type = "flatten" }'))
            return None
        return (layer.units,)
    return shape


def _training(check: Checker, value: Any) -> TrainingSpec:
    keys = ("optimizer", "learning_rate", "momentum", "betas", "epsilon", "weight_decay", "batch_size",
            "epochs", "schedule", "step_epochs", "gamma", "min_learning_rate")
    t = check.table(value, "training", keys)
    d = TrainingSpec()
    path = "training"
    optimizer = check.choice(t, "optimizer", path, OPTIMIZERS, d.optimizer)
    lr = check.number(t, "learning_rate", path, d.learning_rate, above=0.0, maximum=limits.MAX_LEARNING_RATE)
    momentum = check.number(t, "momentum", path, d.momentum, minimum=0.0, maximum=limits.MAX_MOMENTUM)
    betas = d.betas
    if "betas" in t:
        vector = check.vector(t["betas"], "training.betas", 2)
        if vector is not None:
            if all(0.0 <= b < 1.0 for b in vector):
                betas = (float(vector[0]), float(vector[1]))
            else:
                check.add("training.betas", Message("expected two numbers from 0 up to (not including) 1, got {found}",
                                                    found=f"[{', '.join(f'{v:g}' for v in vector)}]"))
    epsilon = check.number(t, "epsilon", path, d.epsilon, above=0.0, maximum=1.0)
    weight_decay = check.number(t, "weight_decay", path, d.weight_decay, minimum=0.0, maximum=1.0)
    batch_size = check.integer(t, "batch_size", path, d.batch_size, minimum=1, maximum=limits.MAX_BATCH_SIZE)
    epochs = check.integer(t, "epochs", path, d.epochs, minimum=1, maximum=limits.MAX_EPOCHS)
    if isinstance(t.get("schedule"), str) and t["schedule"] in LEGACY_SCHEDULE_NAMES:
        # Files and checkpoints from before the rename say "step"; it means the same schedule.
        t = {**t, "schedule": str(LEGACY_SCHEDULE_NAMES[t["schedule"]])}
    schedule = check.choice(t, "schedule", path, SCHEDULES, d.schedule)
    step_epochs = check.integer(t, "step_epochs", path, d.step_epochs, minimum=1)
    gamma = check.number(t, "gamma", path, d.gamma, above=0.0, maximum=1.0)
    min_lr = check.number(t, "min_learning_rate", path, d.min_learning_rate, minimum=0.0)
    if lr is not MISSING and min_lr is not MISSING and min_lr > lr:
        check.add("training.min_learning_rate", Message("expected at most learning_rate ({rate}), got {found}",
                                                        rate=f"{lr:g}", found=f"{min_lr:g}"))
    return TrainingSpec(optimizer, lr, momentum, betas, epsilon, weight_decay, batch_size, epochs, schedule,
                        step_epochs, gamma, min_lr)
