"""The JSON trace says what each step did: keys, operations, a format version; a reader can
recompute a whole iteration from it with plain NumPy, without the product's code."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from backprop_tui.cli.main import main
from backprop_tui.core.dense.run import run
from backprop_tui.core.dense.steps import build_steps
from backprop_tui.core.vocab import parse_quantity
from backprop_tui.render.export import TRACE_FORMAT_VERSION, to_json

from support.dense_cases import scenario

ROOT = Path(__file__).resolve().parents[2]


def trace(capsys, *args: str) -> dict:
    assert main(["trace", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def strict(text: str) -> dict:
    def refuse(token: str) -> None:
        raise AssertionError(f"not strict JSON: {token}")
    return json.loads(text, parse_constant=refuse)


def test_every_matrix_has_its_key_and_every_step_its_operations(capsys) -> None:
    doc = trace(capsys, "xor", "--iterations", "1")
    assert doc["format_version"] == TRACE_FORMAT_VERSION
    for step in doc["steps"]:
        keys = set()
        for m in step["matrices"]:
            key = m["key"]
            q = parse_quantity(key["ascii"])
            assert (q.layer, q.transposed) == (key["layer"], key["transposed"])
            assert key["quantity"] == q.kind.value.replace("{}", "")
            keys.add(key["ascii"])
        assert step["operations"]
        for op in step["operations"]:
            assert set(op) == {"kind", "operands", "results", "constants"}
            assert set(op["operands"]) <= keys and set(op["results"]) <= keys
    kinds = {op["kind"] for s in doc["steps"] for op in s["operations"]}
    assert {"transpose", "matmul", "activation", "loss", "outer_sum", "batch_sum", "momentum_update"} <= kinds
    update = next(op for s in doc["steps"] for op in s["operations"] if op["kind"] == "momentum_update")
    assert update["constants"] == {"learning_rate": 0.5, "momentum": 0.9}


def test_the_transpose_note_gives_the_real_reason(capsys) -> None:
    """Issue 8 §6: a square θ (xor's 2×2 θ¹) can multiply x; θ is transposed because it is
    stored inputs × units, as in the lecture."""
    doc = trace(capsys, "xor", "--iterations", "1")
    note = doc["steps"][0]["notes"][0]
    assert "cannot multiply" not in note
    assert note.startswith("θ¹ is stored 2×2, inputs × units as in the lecture")
    assert "z¹ = θ¹ᵀ·x + b¹" in note


def test_the_format_is_documented_with_its_version_and_linked_from_the_readme() -> None:
    doc = (ROOT / "docs" / "trace-format.md").read_text(encoding="utf-8")
    assert re.search(rf"format_version.*\b{TRACE_FORMAT_VERSION}\b", doc)
    assert "docs/trace-format.md" in (ROOT / "README.md").read_text(encoding="utf-8")
    from backprop_tui.core.dense.operation import OpKind
    from backprop_tui.core.vocab import Kind
    for kind in OpKind:
        assert f"`{kind.value}`" in doc, kind
    for kind in Kind:
        assert f"`{kind.value.replace('{}', '')}`" in doc, kind


def test_an_overflowing_trace_stays_strict_json() -> None:
    s = scenario("diverging")
    iterations = run(s, 5)
    steps = [step for it in iterations for step in build_steps(s, it, checks=False)]
    doc = strict(to_json(s, iterations, steps))
    assert any(isinstance(v, str) for st in doc["steps"] for m in st["matrices"] for row in m["values"] for v in row)


# -- a reader's recomputation: plain NumPy over the JSON, none of the product's code ------------

def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def apply(op: dict, env: dict) -> list[np.ndarray]:
    """The results of one operation, as the trace format document defines it."""
    a = [env[name] for name in op["operands"]]
    c = op["constants"]
    kind = op["kind"]
    if kind == "transpose":
        return [a[0].T]
    if kind in ("matmul", "outer_sum"):
        out = a[0] @ a[1]
        return [out + a[2] if len(a) > 2 else out]
    if kind == "activation":
        assert c["function"] == "sigmoid"
        return [sigmoid(a[0])]
    if kind == "derivative":
        assert c["function"] == "sigmoid"
        return [a[1] * (1.0 - a[1])]
    if kind == "hadamard":
        return [a[0] * a[1]]
    if kind == "difference":
        return [a[0] - a[1]]
    if kind == "loss":
        assert c["function"] == "squared_error"
        return [np.array([[np.sum(0.5 * (a[1] - a[0]) ** 2) / c["samples"]]])]
    if kind == "loss_gradient":
        assert c["function"] == "squared_error"
        return [(a[0] - a[1]) / c["samples"]]
    if kind == "batch_sum":
        return [a[0].sum(axis=1, keepdims=True)]
    if kind == "gd_update":
        return [a[0] - c["learning_rate"] * a[1]]
    raise AssertionError(f"the lecture has no {kind} step")


def test_a_lecture_iteration_recomputed_from_the_json_alone_matches_every_value(capsys) -> None:
    doc = trace(capsys, "lecture", "--iterations", "2")
    steps = [s for s in doc["steps"] if s["iteration"] == 2]  # from the first update's weights on
    produced = {r for s in steps for op in s["operations"] for r in op["results"]}
    env: dict[str, np.ndarray] = {}
    for s in steps:  # what no step computes is given: θ before the update, x, y, γ
        for m in s["matrices"]:
            if m["key"]["ascii"] not in produced:
                env.setdefault(m["key"]["ascii"], np.array(m["values"], dtype=float))
    assert set(env) == {"theta1", "theta2", "x", "y", "gamma"}
    np.testing.assert_array_equal(env["theta1"], doc["iterations"][0]["weights"][0])
    compared = 0
    for s in steps:
        for op in s["operations"]:
            env.update(zip(op["results"], apply(op, env)))
        for m in s["matrices"]:
            np.testing.assert_allclose(env[m["key"]["ascii"]], m["values"], rtol=1e-12, atol=1e-15,
                                       err_msg=f"step {s['index'] + 1}: {m['name']}")
            compared += np.size(m["values"])
    assert compared > 50
    np.testing.assert_allclose(env["theta1_new"], doc["iterations"][1]["weights"][0], rtol=1e-12)
    np.testing.assert_allclose(env["theta2_new"], doc["iterations"][1]["weights"][1], rtol=1e-12)
    assert math.isclose(env["E"][0, 0], doc["iterations"][1]["loss"], rel_tol=1e-12)
