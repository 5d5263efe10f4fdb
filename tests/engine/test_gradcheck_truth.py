"""The gradient check says what is true: a kink is a kink, a difference with no digits left is
said to have none, and nothing agrees or disagrees by rounding (issue 8, section 3)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from rich.console import Console

from backprop_tui.cli.main import main
from backprop_tui.core.dense.chain import drilldown
from backprop_tui.core.dense.gradcheck import relative_error
from backprop_tui.core.dense.run import run
from backprop_tui.core.dense.steps import build_steps
from backprop_tui.core.scenario.load import load, loads
from backprop_tui.render.step import check_table
from backprop_tui.tui.widgets.chain_panel import chain_group


def network(layers: list[tuple[str, list[list[float]]]], x: list[float], y: list[float], loss: str = "squared_error") -> str:
    """A scenario without biases, one sample."""
    tables = "".join(f'[[layer]]\nunits = {len(w[0])}\nactivation = "{act}"\nweights = {w}\n' for act, w in layers)
    return (f'[network]\ninputs = {len(x)}\nloss = "{loss}"\n{tables}'
            f"[data]\ninputs = [{x}]\ntargets = [{y}]\n"
            f'[training]\noptimizer = "gd"\nlearning_rate = 0.1\niterations = 1\n')


def trace(tmp_path: Path, capsys, text: str, *extra: str) -> str:
    path = tmp_path / "net.toml"
    path.write_text(text, encoding="utf-8")
    code = main(["trace", str(path), "--iterations", "1", *extra])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def plain(text: str) -> str:
    """Rich wraps long titles: compare without line breaks."""
    return " ".join(text.split())


@pytest.mark.parametrize("activation,convention", [("relu", "ReLU′(0) = 0"), ("leaky_relu", "LReLU′(0) = 0.01")])
def test_a_unit_at_its_kink_is_called_not_differentiable(tmp_path, capsys, activation, convention):
    # Weight 0, input 1: z = 0, where the convention f′(0) is used and one-sided differences differ.
    out = plain(trace(tmp_path, capsys, network([(activation, [[0.0]])], [1.0], [1.0])))
    assert f"z = 0: not differentiable, the convention {convention} is used" in out
    assert "DISAGREES" not in out


def test_a_step_unit_at_its_jump_is_called_not_differentiable(tmp_path, capsys):
    out = plain(trace(tmp_path, capsys, network([("step", [[0.0]]), ("identity", [[2.0]])], [1.0], [0.0])))
    assert "z = 0: not differentiable, the convention step′(0) = 0 is used" in out
    assert "DISAGREES" not in out


def test_a_kink_closer_than_the_step_is_not_called_a_disagreement(tmp_path, capsys):
    # z = 1e-8: differentiable, but x ± h straddles the kink, so central differences cannot check it.
    out = plain(trace(tmp_path, capsys, network([("relu", [[1e-8]])], [1.0], [1.0])))
    assert "not smooth within the finite-difference step" in out
    assert "DISAGREES" not in out


def test_a_gradient_below_the_rounding_of_the_loss_has_no_precision(tmp_path, capsys):
    # σ(−40) with target 1: δ = −σ′(−40)·(1 − ŷ) ≈ −4e-18, while E = 0.5 rounds at 1e-17.
    out = plain(trace(tmp_path, capsys, network([("sigmoid", [[-40.0]])], [1.0], [1.0])))
    assert "finite differences have no precision at this magnitude" in out
    assert "(agrees)" not in out and "DISAGREES" not in out


def test_the_too_large_learning_rate_never_cries_wolf():
    # From about iteration 90 the loss is 1e5 and more and layer 1's gradients are tiny beside it;
    # from about 100, z² is so large that x ± 1e-6 is x itself. Until E overflows (iteration 301).
    scenario = load("learning-rate", "too-large")
    shown: dict[int, str] = {}
    counts: set[int] = set()
    for it in run(scenario, 300)[79:]:
        checks = [s.check for s in build_steps(scenario, it) if s.check is not None]
        counts.add(len(checks))
        shown[it.number] = plain(render(*(check_table(check) for check in checks)))
    assert not [n for n, text in shown.items() if "DISAGREES" in text or "✗" in text]
    assert counts == {7}                                     # huge but finite: every backward step is checked
    no_precision = [n for n, text in shown.items() if "finite differences have no precision at this magnitude" in text]
    assert 120 in no_precision and min(no_precision) <= 100


def test_a_relative_error_below_1e_10_is_shown_as_its_value():
    assert relative_error(1.0, 1.0 + 1e-12) == pytest.approx(1e-12, rel=1e-3)
    assert relative_error(1e-20, 2e-20) == pytest.approx(0.5)
    assert relative_error(0.0, 0.0) == 0.0
    scenario = load("lecture")
    steps = build_steps(scenario, run(scenario, 1)[0])
    checks = [step.check for step in steps if step.check is not None]
    text = render(*(check_table(check, limit=100) for check in checks))
    differing = [e for check in checks for e in check.entries if e.analytic != e.numeric]
    assert any(e.relative_error < 1e-10 for e in differing)    # the lecture has some: 2.1e-10 and below
    for entry in differing:
        assert entry.relative_error > 0 and f"{entry.relative_error:.1e}" in text


def test_trace_json_of_an_overflowing_check_is_strict(tmp_path, capsys):
    text = network([("step", [[1.0]]), ("identity", [[1e200]])], [1.0], [0.0])
    out = trace(tmp_path, capsys, text, "--format", "json")

    def no_constants(name: str) -> float:
        raise AssertionError(f"not strict JSON: {name}")

    document = json.loads(out, parse_constant=no_constants)
    checks = [s["gradient_check"] for s in document["steps"] if "gradient_check" in s]
    assert checks and any(c["max_relative_error"] == "inf" for c in checks)
    assert all("no precision" in c["verdict"] for c in checks if c["max_relative_error"] == "inf")


def test_the_chain_rule_panel_says_what_the_check_found():
    scenario = loads(network([("relu", [[0.0]])], [1.0], [1.0]))
    it = run(scenario, 1)[0]
    text = plain(render(chain_group(drilldown(scenario, it, 1, 0, 0), 4)))
    assert "z = 0: not differentiable, the convention ReLU′(0) = 0 is used" in text
    assert "DISAGREES" not in text

    scenario = loads(network([("step", [[1.0]]), ("identity", [[1e200]])], [1.0], [0.0]))
    text = plain(render(chain_group(drilldown(scenario, run(scenario, 1)[0], 2, 0, 0), 4)))
    assert "the loss overflows" in text and "DISAGREES" not in text


def render(*renderables) -> str:
    console = Console(width=300, record=True)
    for renderable in renderables:
        console.print(renderable)
    return console.export_text()


def test_the_lecture_checks_agree_with_digits_to_spare():
    scenario = load("lecture")
    for it in run(scenario, 3):
        for step in build_steps(scenario, it):
            if step.check is not None:
                assert step.check.agrees and step.check.max_relative_error < 1e-7
                assert all(math.isfinite(e.numeric) for e in step.check.entries)
