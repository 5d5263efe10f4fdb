"""The JSON trace of a convolutional scenario: the dense trace's steps (render.export.step_json,
operations with their geometry) with the scenario and iterations summarised for conv layers."""

from __future__ import annotations

from typing import Any

from backprop_tui.core import strict_json
from backprop_tui.core.dense.conv_run import ConvIteration
from backprop_tui.core.dense.steps import Step, first_divergent_step
from backprop_tui.core.scenario.conv_model import ConvLayer, ConvScenario, FlattenLayer, PoolLayer
from backprop_tui.render.export import TRACE_FORMAT_VERSION, _finite_or_text, _nested, step_json, steps_by_iteration


def layer_json(layer) -> dict[str, Any]:
    """One layer in batch mode's words (type, filters, kernel, stride, padding, size, units)."""
    if isinstance(layer, ConvLayer):
        return {"type": "conv2d", "filters": layer.filters, "kernel": layer.kernel, "stride": layer.stride,
                "padding": layer.padding, "activation": layer.activation, "weights": layer.weights.tolist(),
                "bias": None if layer.bias is None else layer.bias.tolist(),
                "input_shape": list(layer.input_shape), "output_shape": list(layer.output_shape)}
    if isinstance(layer, PoolLayer):
        return {"type": "maxpool", "size": layer.size, "input_shape": list(layer.input_shape),
                "output_shape": list(layer.output_shape)}
    if isinstance(layer, FlattenLayer):
        return {"type": "flatten", "input_shape": list(layer.input_shape), "units": layer.units}
    return {"type": "dense", "units": layer.units, "activation": layer.activation, "weights": layer.weights.tolist(),
            "bias": None if layer.bias is None else layer.bias.tolist()}


def conv_scenario_summary(scenario: ConvScenario) -> dict[str, Any]:
    """The scenario as JSON-friendly data (the trace's "scenario")."""
    t = scenario.training
    data: dict[str, Any] = {"inputs": scenario.x.tolist(), "targets": scenario.y.tolist()}
    if scenario.fashion is not None:
        data["fashion_mnist"] = {"split": scenario.fashion.split, "indices": list(scenario.fashion.indices),
                                 "labels": list(scenario.labels)}
    return {
        "title": scenario.title, "description": scenario.description,
        "file": scenario.source.name if scenario.source else None, "variant": None, "seed": scenario.seed,
        "input_shape": list(scenario.input_shape), "loss": scenario.loss,
        "layers": [layer_json(layer) for layer in scenario.layers], "data": data,
        "training": {"optimizer": t.optimizer, "learning_rate": t.learning_rate, "batch_size": t.batch_size,
                     "iterations": t.iterations},
    }


def conv_iteration_json(it: ConvIteration, steps: list[Step]) -> dict[str, Any]:
    """One iteration's summary: batch, loss, divergence, parameters after (null for pool/flatten)."""
    first_bad = first_divergent_step(steps)
    return {
        "iteration": it.number, "batch": [int(i) + 1 for i in it.batch], "loss": _finite_or_text(it.loss),
        "diverged": it.diverged or first_bad is not None,
        "diverged_at_step": None if first_bad is None else first_bad.index + 1,
        "weights": [None if w is None else _nested(w) for w in it.after.params.weights],
        "biases": [None if b is None else _nested(b) for b in it.after.params.biases],
    }


def conv_to_json(scenario: ConvScenario, iterations: list[ConvIteration], steps: list[Step]) -> str:
    """The whole trace as strict JSON (docs/trace-format.md; θ of a conv2d layer is its filters as columns)."""
    by_iteration = steps_by_iteration(steps)
    document = {
        "format_version": TRACE_FORMAT_VERSION,
        "scenario": conv_scenario_summary(scenario),
        "steps": [step_json(s) for s in steps],
        "iterations": [conv_iteration_json(it, by_iteration.get(it.number, [])) for it in iterations],
    }
    return strict_json.dumps(document, indent=1)
