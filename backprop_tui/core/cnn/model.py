"""Build a network from a scenario: He-initialised, seeded, generic or with the fused fast path.

Parameters are named after the scenario layer they belong to (`3.weight` for
`model.layer[3]`), so a checkpoint written by the fast network loads into the generic one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from backprop_tui.core.cnn.config import CnnScenario, LayerSpec, layer_output_shape
from backprop_tui.core.cnn.fast import ConvReluPool, ToCHWN, ToNCHW
from backprop_tui.core.cnn.layers import Conv2D, Dense, Dropout, Flatten, MaxPool2D, ReLU


@dataclass
class Network:
    """Layers in order, and every parameter and gradient by name (shared with the layers)."""

    layers: list[Any]
    params: dict[str, np.ndarray]
    grads: dict[str, np.ndarray]
    scenario: CnnScenario | None = None
    """What the layers were built from (None for a hand-assembled network: it has no twin)."""
    fused: bool = True
    _twins: list["Network"] = field(default_factory=list, repr=False)

    def twin(self) -> "Network":
        """A second network over the same parameter arrays, with its own gradients and buffers:
        a part of a batch runs in it while another part runs here (see parallel.py). Built once.

        Raises ValueError for a network not made by `build_network`.
        """
        if not self._twins:
            if self.scenario is None:
                raise ValueError("a network assembled by hand has no twin")
            self._twins.append(build_network(self.scenario, self.params, self.fused))
        return self._twins[0]

    def forward(self, x: np.ndarray, train: bool = False, rng: np.random.Generator | None = None) -> np.ndarray:
        """x: (N, C, H, W) float -> logits (N, classes)."""
        for layer in self.layers:
            x = layer.forward(x, train, rng)
        return x

    def backward(self, dlogits: np.ndarray) -> None:
        """Fill `grads` from d loss / d logits (after a training forward pass)."""
        grad: np.ndarray | None = dlogits
        for layer in reversed(self.layers):
            if grad is None:
                break
            grad = layer.backward(grad)

    def predict_proba(self, x: np.ndarray, batch_size: int = 250) -> np.ndarray:
        """Softmax probabilities, computed in batches to bound memory."""
        from backprop_tui.core.cnn.layers import softmax

        parts = [softmax(self.forward(x[i:i + batch_size])) for i in range(0, len(x), batch_size)]
        return np.concatenate(parts)


def param_shapes(scenario: CnnScenario) -> dict[str, tuple[int, ...]]:
    """The name and shape of every parameter, in layer order (weight, then bias)."""
    shapes: dict[str, tuple[int, ...]] = {}
    shape: tuple[int, ...] = scenario.input
    for index, layer in enumerate(scenario.layers, start=1):
        if layer.type == "conv2d":
            shapes[f"{index}.weight"] = (layer.filters, shape[0], layer.kernel, layer.kernel)
            shapes[f"{index}.bias"] = (layer.filters,)
        elif layer.type == "dense":
            shapes[f"{index}.weight"] = (shape[0], layer.units)
            shapes[f"{index}.bias"] = (layer.units,)
        shape = layer_output_shape(layer, shape)
    return shapes


def init_params(scenario: CnnScenario, dtype: Any = np.float32) -> dict[str, np.ndarray]:
    """He-normal weights and zero biases, drawn from the scenario's seed in layer order."""
    rng = np.random.default_rng(scenario.seed)
    params: dict[str, np.ndarray] = {}
    shape: tuple[int, ...] = scenario.input
    for index, layer in enumerate(scenario.layers, start=1):
        if layer.type == "conv2d":
            fan_in = shape[0] * layer.kernel * layer.kernel
            w_shape = (layer.filters, shape[0], layer.kernel, layer.kernel)
            params[f"{index}.weight"] = (rng.standard_normal(w_shape) * np.sqrt(2.0 / fan_in)).astype(dtype)
            params[f"{index}.bias"] = np.zeros(layer.filters, dtype)
        elif layer.type == "dense":
            fan_in = shape[0]
            params[f"{index}.weight"] = (rng.standard_normal((fan_in, layer.units)) * np.sqrt(2.0 / fan_in)).astype(dtype)
            params[f"{index}.bias"] = np.zeros(layer.units, dtype)
        shape = layer_output_shape(layer, shape)
    return params


def build_network(scenario: CnnScenario, params: dict[str, np.ndarray], fused: bool = True) -> Network:
    """Layers for `scenario` over `params`; `fused` replaces conv-relu-maxpool(2) by the fast block."""
    specs = scenario.layers
    layers: list[Any] = []
    grads: dict[str, np.ndarray] = {}
    shape: tuple[int, ...] = scenario.input
    in_chwn = False
    index = 0
    while index < len(specs):
        spec = specs[index]
        number = index + 1
        if fused and _fusable(specs, index, shape):
            if not in_chwn:
                layers.append(ToCHWN())
                in_chwn = True
            block = ConvReluPool(params[f"{number}.weight"], params[f"{number}.bias"], spec.padding, shape)  # type: ignore[arg-type]
            _register(block, number, grads)
            layers.append(block)
            for skipped in specs[index:index + 3]:
                shape = layer_output_shape(skipped, shape)
            index += 3
            continue
        if in_chwn:
            layers.append(ToNCHW())
            in_chwn = False
        layer = _generic(spec, number, params)
        _register(layer, number, grads)
        layers.append(layer)
        shape = layer_output_shape(spec, shape)
        index += 1
    if in_chwn:
        layers.append(ToNCHW())
    _first_skips_input_grad(layers)
    return Network(layers, params, grads, scenario, fused)


def _fusable(specs: tuple[LayerSpec, ...], index: int, shape: tuple[int, ...]) -> bool:
    window = specs[index:index + 3]
    if [s.type for s in window] != ["conv2d", "relu", "maxpool"]:
        return False
    conv, pool = window[0], window[2]
    if conv.stride != 1 or pool.size != 2:
        return False
    _, ho, wo = layer_output_shape(conv, shape)
    return ho % 2 == 0 and wo % 2 == 0


def _generic(spec: LayerSpec, number: int, params: dict[str, np.ndarray]) -> Any:
    if spec.type == "conv2d":
        return Conv2D(params[f"{number}.weight"], params[f"{number}.bias"], spec.stride, spec.padding)
    if spec.type == "dense":
        return Dense(params[f"{number}.weight"], params[f"{number}.bias"])
    if spec.type == "relu":
        return ReLU()
    if spec.type == "maxpool":
        return MaxPool2D(spec.size)
    if spec.type == "flatten":
        return Flatten()
    return Dropout(spec.rate)


def _register(layer: Any, number: int, grads: dict[str, np.ndarray]) -> None:
    for key, grad in layer.grads.items():
        grads[f"{number}.{key}"] = grad


def _first_skips_input_grad(layers: list[Any]) -> None:
    """The layer that first holds parameters needs no input gradient: nothing lies before it."""
    for layer in layers:
        if hasattr(layer, "need_input_grad"):
            layer.need_input_grad = False
            return
