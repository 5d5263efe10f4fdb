"""Turn a dense-network scenario (TOML) into a validated Scenario, reporting every problem at once.

Loading never executes anything and raises nothing but ScenarioError.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from backprop_tui.i18n import LANGUAGES, Message
from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.core.scenario.check import MISSING, Checker, join_path
from backprop_tui.core.scenario.kind import is_conv_document
from backprop_tui.core.scenario.errors import Problem, ScenarioError, suggestion
from backprop_tui.core.scenario.quiz_table import quiz_settings
from backprop_tui.core.scenario.model import INITS, OPTIMIZERS, UNTITLED, Layer, Scenario, Training, Variant
from backprop_tui.core.scenario.toml_source import parse_toml_text, read_toml
from backprop_tui.core.vocab import ACTIVATION_NAMES, LOSS_NAMES

TRANSLATED_KEYS = tuple(f"{key}_{language}" for language in LANGUAGES if language != "en"
                        for key in ("title", "description"))
"""title_ko, description_ko: the title and description in each other interface language."""
TOP_KEYS = ("title", "description", *TRANSLATED_KEYS, "seed", "network", "layer", "data", "training", "variant",
            "quiz")
NETWORK_KEYS = ("inputs", "loss", "init")
LAYER_KEYS = ("units", "activation", "weights", "bias", "train_bias", "init")
DATA_KEYS = ("inputs", "targets")
TRAINING_KEYS = ("optimizer", "learning_rate", "batch_size", "momentum", "iterations")
VARIANT_TRANSLATED_KEYS = tuple(f"description_{language}" for language in LANGUAGES if language != "en")
"""description_ko: a variant's description in each other interface language (variants have no title)."""
VARIANT_KEYS = ("name", "description", *VARIANT_TRANSLATED_KEYS, "training", "activations", "seed")
MAX_UNITS = 4096
MAX_ITERATIONS = 1_000_000


def load(name_or_path: str | Path, variant: str | None = None) -> Scenario:
    """Load a scenario by path or bundled name, optionally with one of its variants applied."""
    path = resolve(name_or_path)
    scenario = from_document(read_toml(path), path.name, source=path)
    return apply_variant(scenario, variant) if variant is not None else scenario


def loads(text: str, file: str = "<text>") -> Scenario:
    """Load a scenario from TOML text (used by tests and the in-app editor)."""
    return from_document(parse_toml_text(text, file), file)


CONV_ELSEWHERE = Message("is a convolutional scenario (network.input_shape, typed [[layer]]s): open, trace, "
                         "explain and validate step through it; this command takes dense scenarios only")
"""The one message for a convolutional scenario handed to a command written for dense networks."""


def from_document(document: dict[str, Any], file: str, source: Path | None = None) -> Scenario:
    """Validate a parsed TOML document; raises ScenarioError listing every problem (a
    convolutional scenario, which core.scenario.conv_load reads, is one problem: CONV_ELSEWHERE)."""
    if is_conv_document(document):
        raise ScenarioError(file, [Problem("", CONV_ELSEWHERE)])
    checker = Checker()
    scenario = _scenario(checker, document)
    checker.raise_if_any(file)
    assert scenario is not None
    return replace(scenario, source=source)


def apply_variant(scenario: Scenario, name: str) -> Scenario:
    """The scenario with the named variant's overrides applied (random weights re-drawn for its seed)."""
    scenario = scenario.base or scenario  # variants apply to the base, never on top of each other
    names = [variant.name for variant in scenario.variants]
    if name not in names:
        file = scenario.source.name if scenario.source else "scenario"
        hint = suggestion(name, names)
        listed = ", ".join(names) if names else Message("none")
        raise ScenarioError(file, [Problem("variant", Message('no variant named "{name}"{hint}; variants: {listed}',
                                                              name=name, hint=hint, listed=listed))])
    variant = scenario.variants[names.index(name)]
    layers = scenario.layers
    if variant.activations is not None:
        layers = tuple(replace(layer, activation=act) for layer, act in zip(layers, variant.activations))
    if variant.seed is not None and variant.seed != scenario.seed:
        rng = np.random.default_rng(variant.seed)
        fan_in = scenario.sizes[:-1]
        layers = tuple(
            layer if layer.weights_given else replace(layer, weights=_init(scenario.init, fan_in[i], layer.units, rng))
            for i, layer in enumerate(layers)
        )
    training = replace(scenario.training, **variant.training)
    seed = variant.seed if variant.seed is not None else scenario.seed
    return replace(scenario, layers=layers, training=training, seed=seed, variant=name, base=scenario)


# -- validation ---------------------------------------------------------------------------------


def _scenario(c: Checker, doc: dict[str, Any]) -> Scenario | None:
    c.table(doc, "", TOP_KEYS)
    title = c.string(doc, "title", "", UNTITLED)
    description = c.string(doc, "description", "", "")
    translated = {key: c.string(doc, key, "", "") for key in TRANSLATED_KEYS}
    seed = c.integer(doc, "seed", "", 0, minimum=0)
    network = c.table(c.get(doc, "network", ""), "network", NETWORK_KEYS)
    has_network = isinstance(doc.get("network"), dict)
    inputs = c.integer(network, "inputs", "network", minimum=1, maximum=MAX_UNITS) if has_network else MISSING
    loss = c.choice(network, "loss", "network", LOSS_NAMES, "squared_error")
    init = c.choice(network, "init", "network", INITS, "xavier")
    rng = np.random.default_rng(seed if seed is not MISSING else 0)

    layer_tables = c.tables(c.get(doc, "layer", ""), "layer")
    if "layer" in doc and isinstance(doc["layer"], list) and not doc["layer"]:
        c.add("layer", Message("expected at least one [[layer]]"))
    layers = []
    fan_in = inputs if inputs is not MISSING else None
    output: str | None = None  # the output layer's units and activation, known even if its weights are bad,
    outputs: int | None = None  # so that a ragged matrix does not hide a problem that depends on them
    for index, table in enumerate(layer_tables, start=1):
        layer, outputs, output = _layer(c, table, f"layer[{index}]", fan_in, init, rng, last=index == len(layer_tables))
        layers.append(layer)
        fan_in = outputs

    training = _training(c, c.table(doc.get("training", MISSING), "training", TRAINING_KEYS), "training", Training())
    x, y = _data(c, c.table(c.get(doc, "data", ""), "data", DATA_KEYS), inputs, outputs)
    samples = x.shape[0] if x is not None else None
    _batch_fits(c, doc.get("training", {}), "training", samples)
    _loss_fits_output(c, loss, output, "network.loss", y)
    variants = _variants(c, doc.get("variant", MISSING), training, len(layers), loss, samples)
    quiz = quiz_settings(c, doc.get("quiz", MISSING))

    if c.problems or None in layers or x is None or y is None or training is None or quiz is None:
        return None
    return Scenario(
        title=title, description=description, seed=seed, inputs=inputs, loss=loss,
        layers=tuple(layers), x=x, y=y, training=training, init=init, variants=variants, quiz=quiz,
        titles=translations(translated)[0], descriptions=translations(translated)[1],
    )


def translations(translated: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The titles and descriptions by language ({"ko": …}) from the values of TRANSLATED_KEYS
    (title_ko, description_ko); an empty one is left out, so the file's own is shown."""
    titles = {key[len("title_"):]: text for key, text in translated.items() if key.startswith("title_") and text}
    descriptions = {key[len("description_"):]: text for key, text in translated.items()
                    if key.startswith("description_") and text}
    return titles, descriptions


def _layer(
    c: Checker, table: dict[str, Any], path: str, fan_in: int | None, default_init: str,
    rng: np.random.Generator, last: bool,
) -> tuple[Layer | None, int | None, str | None]:
    """The layer (None if anything is wrong), with its units and activation where those are valid."""
    c.table(table, path, LAYER_KEYS)
    units = c.integer(table, "units", path, minimum=1, maximum=MAX_UNITS)
    activation = c.choice(table, "activation", path, ACTIVATION_NAMES, "sigmoid")
    init = c.choice(table, "init", path, INITS, default_init)
    train_bias = c.boolean(table, "train_bias", path, True)
    if activation == "softmax" and not last:
        c.add(join_path(path, "activation"), Message("softmax is only supported on the output layer"))
    known = (None if units is MISSING else units, None if activation is MISSING else activation)
    if units is MISSING or fan_in is None:
        return None, *known
    if "weights" in table:
        weights = c.matrix(table["weights"], join_path(path, "weights"), (fan_in, units))
        given = True
    else:
        weights = _init(init if init is not MISSING else "xavier", fan_in, units, rng)
        given = False
    bias = c.vector(table["bias"], join_path(path, "bias"), units) if "bias" in table else None
    if weights is None or activation is MISSING or train_bias is MISSING or ("bias" in table and bias is None):
        return None, *known
    return Layer(units, activation, weights, bias, train_bias, given), *known


def _init(init: str, fan_in: int, units: int, rng: np.random.Generator) -> np.ndarray:
    """Random initial θ (fan_in × units): He normal, Xavier/Glorot uniform, or PyTorch's uniform."""
    if init == "he":
        return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, units))
    if init == "xavier":
        limit = np.sqrt(6.0 / (fan_in + units))
    else:
        limit = 1.0 / np.sqrt(fan_in)
    return rng.uniform(-limit, limit, size=(fan_in, units))


def _training(c: Checker, table: dict[str, Any], path: str, base: Training) -> Training | None:
    optimizer = c.choice(table, "optimizer", path, OPTIMIZERS, base.optimizer)
    learning_rate = c.number(table, "learning_rate", path, base.learning_rate, above=0.0)
    batch_size = c.integer(table, "batch_size", path, base.batch_size, minimum=1)
    momentum = c.number(table, "momentum", path, base.momentum, minimum=0.0, maximum=1.0)
    iterations = c.integer(table, "iterations", path, base.iterations, minimum=1, maximum=MAX_ITERATIONS)
    values = (optimizer, learning_rate, batch_size, momentum, iterations)
    if MISSING in values:
        return None
    return Training(*values)


def _data(
    c: Checker, table: dict[str, Any], inputs: Any, outputs: int | None
) -> tuple[np.ndarray | None, np.ndarray | None]:
    if not any(problem.path == "data" for problem in c.problems):  # [data] present, keys may be missing
        for key in DATA_KEYS:
            if key not in table:
                c.add(join_path("data", key), Message("required key is missing"))
    if not table:
        return None, None
    x = c.matrix(c.get(table, "inputs", "data"), "data.inputs") if "inputs" in table else None
    y = c.matrix(c.get(table, "targets", "data"), "data.targets") if "targets" in table else None
    if x is not None and inputs is not MISSING and x.shape[1] != inputs:
        c.add("data.inputs", Message("expected {count} value per sample (network.inputs), got {found}", count=inputs,
                                     found=x.shape[1]) if inputs == 1 else
              Message("expected {count} values per sample (network.inputs), got {found}", count=inputs, found=x.shape[1]))
        x = None
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
        return None, None
    return x, y


def _batch_fits(c: Checker, table: Any, path: str, samples: int | None) -> None:
    """A batch_size given explicitly must not exceed the number of samples."""
    size = table.get("batch_size") if isinstance(table, dict) else None
    if samples is not None and isinstance(size, int) and not isinstance(size, bool) and size > samples:
        c.add(f"{path}.batch_size", Message("expected at most {samples} (the number of samples), got {found}",
                                            samples=samples, found=size))


def _loss_fits_output(c: Checker, loss: Any, output: str | None, path: str, y: np.ndarray | None) -> None:
    """The loss needs a matching output activation (and, below, matching targets)."""
    if output is None or loss is MISSING:
        return
    if loss == "cross_entropy" and output != "softmax":
        c.add(path, Message('cross_entropy expects a softmax output layer, got "{output}" '
                            '(use binary_cross_entropy for sigmoid outputs)', output=output))
    if loss == "binary_cross_entropy" and output != "sigmoid":
        c.add(path, Message('binary_cross_entropy expects a sigmoid output layer, got "{output}"', output=output))
    if y is None:
        return
    if loss in ("cross_entropy", "binary_cross_entropy") and (np.any(y < 0) or np.any(y > 1)):
        c.add("data.targets", Message("{loss} expects targets between 0 and 1", loss=loss))
    if loss == "cross_entropy" and not np.allclose(y.sum(axis=1), 1.0):
        c.add("data.targets", Message("cross_entropy expects each target row to sum to 1 (one-hot or probabilities)"))


def _variants(
    c: Checker, value: Any, base: Training | None, n_layers: int, loss: Any, samples: int | None
) -> tuple[Variant, ...]:
    variants = []
    seen: set[str] = set()
    for index, table in enumerate(c.tables(value, "variant"), start=1):
        path = f"variant[{index}]"
        c.table(table, path, VARIANT_KEYS)
        name = c.string(table, "name", path)
        if name is not MISSING and name in seen:
            c.add(join_path(path, "name"), Message('"{name}" is used by an earlier variant; names must be unique', name=name))
        seen.add(name)
        description = c.string(table, "description", path, "")
        translated = {key: c.string(table, key, path, "") for key in VARIANT_TRANSLATED_KEYS}
        overrides = c.table(table.get("training", MISSING), join_path(path, "training"), TRAINING_KEYS)
        if base is not None:
            _training(c, overrides, join_path(path, "training"), base)
        _batch_fits(c, overrides, join_path(path, "training"), samples)
        activations = None
        if "activations" in table:
            activations = _activation_list(c, table["activations"], join_path(path, "activations"), n_layers)
            if activations:
                _loss_fits_output(c, loss, activations[-1], join_path(path, "activations"), None)
        seed = c.integer(table, "seed", path, None, minimum=0)
        if MISSING not in (name, description, seed):
            variants.append(Variant(name, description, dict(overrides), activations, seed,
                                    descriptions=translations(translated)[1]))
    return tuple(variants)


def _activation_list(c: Checker, value: Any, path: str, n_layers: int) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        c.add(path, Message("expected an array of activation names, one per layer"))
        return None
    if len(value) != n_layers:
        c.add(path, Message("expected {count} activation name (one per layer), got {found}", count=n_layers,
                            found=len(value)) if n_layers == 1 else
              Message("expected {count} activation names (one per layer), got {found}", count=n_layers, found=len(value)))
        return None
    ok = True
    for index, name in enumerate(value, start=1):
        if name not in ACTIVATION_NAMES:
            c.add(f"{path}[{index}]", Message('expected one of {choices}, got "{found}"{hint}', choices=", ".join(ACTIVATION_NAMES),
                                              found=name, hint=suggestion(name, ACTIVATION_NAMES)))
            ok = False
    if ok and "softmax" in value[:-1]:
        c.add(path, Message("softmax is only supported on the output layer"))
        ok = False
    return tuple(value) if ok else None

