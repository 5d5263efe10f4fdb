"""`backprop-tui explain SCENARIO CELL`: the worked line without a screen, in text and strict JSON,
for every kind of step; bad cells are one paragraph and exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from backprop_tui.cli.main import main
from backprop_tui.core.dense.operation import OpKind
from backprop_tui.core.vocab import cell_name

from support.dense_cases import WRITTEN, all_cases, steps_of
from support.cli_run import run_cli, strict




def one_cell_of_each_kind() -> list[tuple[str, str, OpKind]]:
    """(case, CELL, kind): for every kind of operation, a result cell of a case that has it."""
    found: dict[OpKind, tuple[str, str]] = {}
    for case in all_cases():
        for step in steps_of(case, 1):
            for op in step.operations:
                if op.kind not in found:
                    key = op.result
                    found[op.kind] = (case, cell_name(key, (0, 0), step.matrix(key).shape).ascii)
    return [(case, cell, kind) for kind, (case, cell) in found.items()]


def scenario_arg(case: str, tmp_path) -> list[str]:
    if case in WRITTEN:
        path = tmp_path / "case.toml"
        path.write_text(WRITTEN[case], encoding="utf-8")
        return [str(path)]
    name, _, variant = case.partition(":")
    return [name, "--variant", variant] if variant else [name]


def test_the_lecture_s_numbers(capsys) -> None:
    assert run_cli(capsys, "explain", "lecture", "z1[2]") == (
        0, "z¹₂ = θ¹ᵀ₂₁·x₁ + θ¹ᵀ₂₂·x₂ = 1.1·1.0 + 0.7·0.5 = 1.45\n", "")
    assert run_cli(capsys, "explain", "lecture", "theta2_new[1,1]")[1] == (
        "θ²₁₁ ← θ²₁₁ − γ·∂E/∂θ²₁₁ = 0.2 − 0.5·(-0.07133) = 0.2357\n")
    code, out, _ = run_cli(capsys, "explain", "lecture", "delta1[3]")
    assert code == 0 and out.startswith("δ¹₃ = ∂E/∂a¹₃·σ′(z¹₃) = ")


def test_a_name_without_a_cell_explains_every_cell(capsys) -> None:
    code, out, _ = run_cli(capsys, "explain", "lecture", "a1")
    assert code == 0 and [line.split(" = ")[0] for line in out.splitlines()] == ["a¹₁", "a¹₂", "a¹₃"]
    doc = strict(run_cli(capsys, "explain", "lecture", "a1", "--format", "json")[1])
    assert [c["result"]["cell"] for c in doc["cells"]] == ["a1[1]", "a1[2]", "a1[3]"]
    doc = strict(run_cli(capsys, "explain", "lecture", "E", "--format", "json")[1])  # 1×1: one document
    assert doc["operation"]["kind"] == "loss" and doc["result"]["cell"] == "E"


@pytest.mark.parametrize("case,cell,kind", one_cell_of_each_kind(), ids=lambda v: str(v))
def test_every_kind_of_step_in_text_and_json(capsys, tmp_path, case: str, cell: str, kind: OpKind) -> None:
    args = scenario_arg(case, tmp_path)
    code, text, err = run_cli(capsys, "explain", *args, cell)
    assert (code, err) == (0, "") and text.count("\n") == 1 and (" = " in text or " ← " in text)
    code, out, err = run_cli(capsys, "explain", *args, cell, "--format", "json")
    assert (code, err) == (0, "")
    doc = strict(out)
    assert doc["operation"]["kind"] == kind.value
    assert doc["line"] == text.strip()
    assert doc["result"]["cell"] == cell or doc["result"]["quantity"] == cell.split("[")[0]
    assert doc["terms"] and all({"quantity", "cell", "index", "value"} <= set(c) for t in doc["terms"] for c in t["cells"])
    if isinstance(doc["result"]["value"], float):
        assert doc["recomputed"] == pytest.approx(doc["result"]["value"], rel=1e-9, abs=1e-15)


def test_json_gives_each_term_s_operand_cells_and_values(capsys) -> None:
    code, out, _ = run_cli(capsys, "explain", "lecture", "z1[2]", "--format", "json")
    doc = strict(out)
    assert doc["operation"] == {"kind": "matmul", "operands": ["theta1_T", "x"], "results": ["z1"]}
    assert [[(c["cell"], c["value"]) for c in t["cells"]] for t in doc["terms"]] == [
        [("theta1_T[2,1]", 1.1), ("x[1]", 1.0)], [("theta1_T[2,2]", 0.7), ("x[2]", 0.5)]]
    assert doc["result"]["cell"] == "z1[2]" and doc["result"]["value"] == pytest.approx(1.45)


def test_a_later_iteration_and_a_variant(capsys) -> None:
    first = run_cli(capsys, "explain", "xor", "theta1_new[1,1]")[1]
    third = run_cli(capsys, "explain", "xor", "theta1_new[1,1]", "--iteration", "3")[1]
    assert first != third
    code, out, err = run_cli(capsys, "explain", "learning-rate", "theta1_new[1,1]", "--variant", "too-large")
    assert code == 0 and "← " in out


def test_the_json_of_a_diverged_step_is_strict(capsys, tmp_path) -> None:
    path = tmp_path / "diverging.toml"
    path.write_text(WRITTEN["diverging"], encoding="utf-8")
    for iteration in ("4", "5"):
        code, out, _ = run_cli(capsys, "explain", str(path), "z2", "--iteration", iteration, "--format", "json")
        assert code == 0
        strict(out)


@pytest.mark.parametrize("cell,says", [
    ("zz1[2]", "is not the name of a quantity"),
    ("z1[7]", "the cell is outside it"),
    ("z1[0]", "count from 1"),
    ("x[1]", "no step computes x"),
    ("a2[1]", "the output layer's activation is yhat"),
    ("z9[1]", "no step computes z9"),
    ("theta1[1,2", "is not the name of a quantity"),
])
def test_a_bad_cell_is_one_paragraph_with_the_accepted_names(capsys, cell: str, says: str) -> None:
    code, out, err = run_cli(capsys, "explain", "lecture", cell)
    assert code == 2 and out == ""
    assert err.startswith("error: lecture.toml: CELL ") and says in err
    assert err.count("\n") == 1 and "Traceback" not in err
    if "outside" not in says:
        assert "z1, a1" in err and "theta2_new" in err


def test_ascii_output_gets_ascii_names() -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    result = subprocess.run([sys.executable, "-m", "backprop_tui", "explain", "lecture", "z1[2]"],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "z1[2] = theta1_T[2,1]*x[1] + theta1_T[2,2]*x[2] = 1.1*1.0 + 0.7*0.5 = 1.45\n"
