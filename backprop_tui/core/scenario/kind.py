"""The one place that decides what kind of scenario a parsed TOML document describes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from backprop_tui.core.scenario.toml_source import read_toml
from backprop_tui.core.vocab import LayerType, ScenarioKind


def is_conv_document(document: Any) -> bool:
    """Whether a parsed TOML document is a convolutional stepper scenario: `[network] input_shape`,
    or a `[[layer]]` whose type is a convolution, pooling or flatten."""
    if not isinstance(document, dict):
        return False
    network = document.get("network")
    if isinstance(network, dict) and "input_shape" in network:
        return True
    layers = document.get("layer")
    return isinstance(layers, list) and any(
        isinstance(t, dict) and t.get("type") in (LayerType.CONV2D, LayerType.MAXPOOL, LayerType.FLATTEN)
        for t in layers)


def scenario_kind(document: Any) -> ScenarioKind:
    """`ScenarioKind.CNN` for a document with a `[model]` table, `ScenarioKind.CONV` for a
    convolutional network to step through (`[network] input_shape`, or a conv2d, maxpool or
    flatten `[[layer]]`), else `ScenarioKind.DENSE`.

    The dense loader reports everything else that is wrong with a document, so any other
    document (even an invalid one) is dense here.
    """
    if isinstance(document, dict) and "model" in document:
        return ScenarioKind.CNN
    return ScenarioKind.CONV if is_conv_document(document) else ScenarioKind.DENSE


def file_kind(path: Path) -> ScenarioKind:
    """The kind of the scenario in a TOML file.

    Raises:
        ScenarioError: the file cannot be read or is not TOML (with its line and column).
    """
    return scenario_kind(read_toml(path))
