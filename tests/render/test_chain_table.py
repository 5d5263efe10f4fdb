"""The chain rule as a table: symbols above values, negatives in parentheses, each product, the sum
over paths and samples beside the analytic and numeric values."""

from __future__ import annotations

import io
import re

from rich.console import Console

from backprop_tui.core.dense.chain import drilldown
from backprop_tui.core.dense.run import run
from backprop_tui.core.scenario.load import load
from backprop_tui.core.vocab import Parameter
from backprop_tui.render.chain_table import chain_sums, chain_table, value_text

from support.dense_cases import scenario


def text(*renderables) -> str:
    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    for renderable in renderables:
        console.print(renderable)
    return console.export_text()


def test_one_path_symbols_above_values() -> None:
    s = load("lecture")
    drill = drilldown(s, run(s, 1)[0], 2, 0, 0, Parameter.WEIGHTS)
    lines = [line.rstrip() for line in text(chain_table(drill), chain_sums(drill)).splitlines()]
    assert re.fullmatch(r" *∂E/∂ŷ₁ +∂ŷ₁/∂z²₁ +∂z²₁/∂θ²₁₁", lines[0])
    assert re.fullmatch(r" *\(-0\.3809\) +0\.2358 +0\.7941 += -0\.071331", lines[1])
    assert lines[2] == "Σ over paths = -0.071331   analytic -0.071331   numeric (central diff.) -0.071331"


def test_samples_and_paths_are_labelled_and_summed() -> None:
    s = scenario("softmax-ce-three-layers")  # 3 samples, and paths through two later layers
    drill = drilldown(s, run(s, 1)[0], 1, 0, 0, Parameter.WEIGHTS)
    out = text(chain_table(drill, limit=100), chain_sums(drill))
    assert "sample 1 · path 1" in out and "sample 3 · path 2" in out
    assert "Σ over paths and samples = " in out
    products = [float(v) for v in re.findall(r"= +(-?[\d.e-]+) *$", out, re.M)]
    assert len(products) == len(drill.terms)
    assert abs(sum(products) - drill.path_sum) < 1e-5


def test_a_long_table_says_how_many_terms_it_leaves_out() -> None:
    s = scenario("softmax-ce-three-layers")
    drill = drilldown(s, run(s, 1)[0], 1, 0, 0, Parameter.WEIGHTS)
    assert f"… {len(drill.terms) - 6} more terms" in text(chain_table(drill))


def test_negatives_in_parentheses() -> None:
    assert value_text(-0.381) == "(-0.381)" and value_text(0.236) == "0.236" and value_text(0.0) == "0"
