"""A walked trace as JSON, the export of `trace --format json` (the markdown and LaTeX handouts
are render/handout*.py).

The JSON's layout is documented in docs/trace-format.md; change TRACE_FORMAT_VERSION with it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from backprop_tui.core.dense.operation import Operation
from backprop_tui.core.dense.run import Iteration
from backprop_tui.core.dense.steps import Matrix, Step, first_divergent_step
from backprop_tui.core.scenario.model import Scenario
from backprop_tui.core import strict_json
from backprop_tui.core.vocab import Quantity
from backprop_tui.render.describe import equation, equation_latex, matrix_symbol, notes, title
from backprop_tui.render.notation import symbol
from backprop_tui.render.step import check_symbol

TRACE_FORMAT_VERSION = 1
"""The version of the JSON trace's layout (docs/trace-format.md), written as "format_version"."""


def scenario_summary(scenario: Scenario) -> dict[str, Any]:
    """The scenario as JSON-friendly data (what the JSON export calls "scenario")."""
    t = scenario.training
    return {
        "title": scenario.title,
        "description": scenario.description,
        "file": scenario.source.name if scenario.source else None,
        "variant": scenario.variant,
        "seed": scenario.seed,
        "inputs": scenario.inputs,
        "loss": scenario.loss,
        "layers": [
            {"units": layer.units, "activation": layer.activation, "weights": layer.weights.tolist(),
             "bias": None if layer.bias is None else layer.bias.tolist(), "train_bias": layer.train_bias}
            for layer in scenario.layers
        ],
        "data": {"inputs": scenario.x.tolist(), "targets": scenario.y.tolist()},
        "training": {"optimizer": t.optimizer, "learning_rate": t.learning_rate, "batch_size": t.batch_size,
                     "momentum": t.momentum, "iterations": t.iterations},
    }


def _finite_or_text(value: float) -> float | str:
    """JSON has no inf or NaN: spell them as strings (`core.strict_json` says how)."""
    return float(value) if np.isfinite(value) else strict_json.non_finite_text(value)


def _nested(values: np.ndarray) -> Any:
    if np.all(np.isfinite(values)):
        return values.tolist()
    return [[_finite_or_text(v) for v in row] for row in np.atleast_2d(values)] if values.ndim == 2 else [_finite_or_text(v) for v in values]


def key_json(key: Quantity) -> dict[str, Any]:
    """A quantity's key: which quantity, its layer (1-based, null for x, y, ŷ, E …), whether
    transposed, and the ASCII name a user types (theta1_T)."""
    return {"quantity": key.kind.value.replace("{}", ""), "layer": key.layer, "transposed": key.transposed,
            "ascii": key.ascii}


def matrix_json(step: Step, m: Matrix) -> dict[str, Any]:
    """A step's matrix: its symbol, key, shape, role, whether it is shown, and its values (inf and
    NaN as text), as docs/trace-format.md lists them."""
    return {"name": matrix_symbol(step, m.key), "key": key_json(m.key), "shape": list(m.shape), "role": str(m.role),
            "shown": m.shown, "transpose_of": None if m.transpose_of is None else symbol(m.transpose_of),
            "values": _nested(m.values)}


def operation_json(op: Operation) -> dict[str, Any]:
    """An operation by ASCII names, with only the constants its kind uses."""
    constants = {"function": op.function, "learning_rate": op.learning_rate, "momentum": op.momentum,
                 "samples": op.samples, "image": None if op.image is None else list(op.image), "kernel": op.kernel,
                 "stride": op.stride, "padding": op.padding, "pool": op.pool}
    return {"kind": str(op.kind), "operands": [k.ascii for k in op.operands], "results": [k.ascii for k in op.results],
            "constants": {name: _finite_or_text(value) if isinstance(value, float) else value
                          for name, value in constants.items() if value is not None}}


def step_json(step: Step) -> dict[str, Any]:
    """One step as the JSON trace writes it (docs/trace-format.md): where it stands in the walk,
    its title and equation, its operations, its matrices, its notes and its gradient check."""
    data: dict[str, Any] = {
        "iteration": step.iteration, "index": step.index, "phase": str(step.phase), "layer": step.layer,
        "parameter": None if step.parameter is None else str(step.parameter),
        "title": title(step), "equation": equation(step), "latex": equation_latex(step),
        "operations": [operation_json(op) for op in step.operations],
        "matrices": [matrix_json(step, m) for m in step.matrices],
        "notes": notes(step),
    }
    if step.check is not None:
        data["gradient_check"] = {
            "name": check_symbol(step.check), "key": step.check.name,
            "max_relative_error": _finite_or_text(step.check.max_relative_error),
            "status": step.check.status.value, "verdict": step.check.verdict,
            "entries": [{"index": [i + 1 for i in e.index], "analytic": _finite_or_text(e.analytic),
                         "numeric": _finite_or_text(e.numeric), "relative_error": _finite_or_text(e.relative_error),
                         "status": e.status.value}
                        for e in step.check.entries],
        }
    return data


def iteration_json(it: Iteration, steps: list[Step]) -> dict[str, Any]:
    """One iteration's summary; `steps` are that iteration's steps."""
    first_bad = first_divergent_step(steps)
    return {
        "iteration": it.number,
        "batch": [int(i) + 1 for i in it.batch],
        "loss": _finite_or_text(it.loss),
        "diverged": it.diverged or first_bad is not None,
        "diverged_at_step": None if first_bad is None else first_bad.index + 1,
        "weights": [_nested(w) for w in it.after.params.weights],
        "biases": [None if b is None else _nested(b) for b in it.after.params.biases],
    }


def steps_by_iteration(steps: list[Step]) -> dict[int, list[Step]]:
    """Steps grouped by their iteration number, in order."""
    grouped: dict[int, list[Step]] = {}
    for step in steps:
        grouped.setdefault(step.iteration, []).append(step)
    return grouped


def to_json(scenario: Scenario, iterations: list[Iteration], steps: list[Step]) -> str:
    """`trace --format json`: the scenario and every iteration with its steps, as strict JSON
    (docs/trace-format.md, version TRACE_FORMAT_VERSION)."""
    by_iteration = steps_by_iteration(steps)
    document = {
        "format_version": TRACE_FORMAT_VERSION,
        "scenario": scenario_summary(scenario),
        "steps": [step_json(s) for s in steps],
        "iterations": [iteration_json(it, by_iteration.get(it.number, [])) for it in iterations],
    }
    return strict_json.dumps(document, indent=1)  # inf and NaN anywhere (gradient checks too) spelt out
