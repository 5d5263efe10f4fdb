"""`trace` (text, markdown, JSON with operations) and `explain` on convolutional scenarios."""

from __future__ import annotations

import json

import numpy as np

from backprop_tui.cli.main import main
from support.cli_run import run_cli, strict




def test_trace_json_carries_the_operations_and_a_reader_can_recompute_the_convolution(capsys):
    code, out, err = run_cli(capsys, "trace", "conv", "--iterations", "1", "--format", "json")
    assert (code, err) == (0, "")
    doc = strict(out)
    assert doc["scenario"]["input_shape"] == [1, 6, 6]
    assert [layer["type"] for layer in doc["scenario"]["layers"]] == ["conv2d", "maxpool", "flatten", "dense"]
    first = doc["steps"][0]
    assert first["operations"] == [{"kind": "im2col", "operands": ["x"], "results": ["patches1"],
                                    "constants": {"samples": 1, "image": [1, 6, 6], "kernel": 3, "stride": 1,
                                                  "padding": 0}}]
    values = {m["key"]["ascii"]: np.array(m["values"]) for m in doc["steps"][1]["matrices"]}
    # plain NumPy: z = θᵀ·P + b, and P's column 1 is the top-left 3×3 patch of x
    assert np.allclose(values["theta1_T"] @ values["patches1"] + values["b1"], values["z1"], rtol=1e-12, atol=0)
    x = np.array(first["matrices"][0]["values"]).reshape(6, 6)
    assert np.array_equal(values["patches1"][:, 0], x[:3, :3].ravel())
    kinds = [op["kind"] for step in doc["steps"] for op in step["operations"]]
    for kind in ("im2col", "maxpool", "flatten", "unflatten", "maxpool_backward", "col2im"):
        assert kind in kinds
    assert all("gradient_check" in s for s in doc["steps"] if s["phase"] == "backward")
    assert doc["iterations"][0]["weights"][1] is None  # the pool layer has none


def test_trace_text_and_markdown(capsys, tmp_path):
    code, out, err = run_cli(capsys, "trace", "conv", "--iterations", "1")
    assert (code, err) == (0, "")
    assert "Layer 1: im2col, the patches as columns" in out and "P¹ 9×16" in out
    assert "Layer 2: max pooling sends δ to the winners" in out
    code, out, err = run_cli(capsys, "trace", "conv", "--iterations", "1", "--format", "markdown")
    assert code == 0 and "P¹ = im2col(x)" in out  # the board's handout (tests/handout/test_conv_board.py)
    assert "∂E/∂a¹ (map 1) = route(∂E/∂a²[1, :], argmax(a¹[1, :]))" in out


def test_explain_a_convolution_cell_is_one_patch_dot_one_filter(capsys):
    code, out, err = run_cli(capsys, "explain", "conv", "z1[1,1]")
    assert (code, err) == (0, "")
    assert out.startswith("z¹₁₁ = θ¹ᵀ₁₁·P¹₁₁ + θ¹ᵀ₁₂·P¹₂₁ + … + θ¹ᵀ₁₉·P¹₉₁ + b¹₁ = ")
    assert out.rstrip().endswith("= -3.5   (a sum of 9 products; the first two and the last shown)")
    code, out, _ = run_cli(capsys, "explain", "conv", "dE_da1[1,1]")
    assert code == 0 and "the window's maximum is a¹₁₂ = 0.5" in out
    code, out, _ = run_cli(capsys, "explain", "conv", "dE_dtheta1[1,1]", "--format", "json")
    doc = strict(out)
    assert doc["operation"]["kind"] == "matmul" and len(doc["terms"]) == 16
    assert doc["recomputed"] == doc["result"]["value"]


def test_a_variant_of_a_conv_scenario_is_refused_in_one_line(capsys):
    code, _, err = run_cli(capsys, "trace", "conv", "--variant", "fast")
    assert code == 2 and err.startswith('error: --variant fast: conv.toml has no variant "fast"')


def test_a_tap_on_the_padding_says_so(capsys, tmp_path):
    from support.dense_cases import CONV_WRITTEN

    path = tmp_path / "padded.toml"
    path.write_text(CONV_WRITTEN["conv-padded-batch"], encoding="utf-8")
    code, out, err = run_cli(capsys, "explain", str(path), "patches1[1,1]")
    assert (code, err) == (0, "") and out == "P¹₁₁ = (zero padding) = 0\n"
    code, out, _ = run_cli(capsys, "explain", str(path), "patches1[5,1]")  # the centre tap: x itself
    assert code == 0 and out.startswith("P¹₅₁ = x₁₁ = ")
