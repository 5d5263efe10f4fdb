"""`backprop-tui compare`: exit codes, table contents, JSON shape, divergence reporting."""

from __future__ import annotations

import json

import numpy as np

from backprop_tui.cli.main import main
from backprop_tui.core.dense.compare import compare, default_points, plot_points
from backprop_tui.core.scenario.load import load
from backprop_tui.core.strict_json import loads_strict
from support.cli_run import run_cli



def test_default_points_spread_over_the_run_and_include_the_last():
    assert default_points(300) == [0, 1, 10, 100, 150, 300]
    assert default_points(3) == [0, 1, 3]
    assert default_points(1) == [0, 1]


def test_compare_curves_and_divergence():
    comparison = compare(load("learning-rate"), 320)
    assert [c.name for c in comparison.curves] == ["too-small", "right", "too-large"]
    assert all(len(c.losses) == 321 for c in comparison.curves)
    large = comparison.curves[2]
    k = large.diverged_at
    assert np.isfinite(large.losses[k - 1]) and not np.isfinite(large.losses[k])
    xs, ys = plot_points(large, cap=10.0)
    assert len(xs) == k and max(ys) == 10.0


def test_compare_without_variants_compares_the_base():
    comparison = compare(load("lecture"))
    assert [c.name for c in comparison.curves] == ["base"]
    assert comparison.iterations == 3
    assert abs(comparison.curves[0].at(0) - 0.0725) < 1e-3


def test_text_table_and_plot(capsys):
    code, out, err = run_cli(capsys, "compare", "learning-rate", "--at", "0,10,320")
    assert code == 0, err
    lines = out.splitlines()
    header = next(line for line in lines if line.lstrip().startswith("iteration"))
    assert header.split() == ["iteration", "too-small", "right", "too-large"]
    row = next(line for line in lines if line.split()[:1] == ["320"])
    assert row.split()[-1] == "nan"
    assert "too-large: E is inf/NaN from iteration 302 (after 301 updates)" in out
    assert "legend:" in out and "too-large (E is inf/NaN from iteration 302 (after 301 updates))" in out
    assert "\x1b[" not in out                        # plain text, no colour codes
    assert "┤" in out                                 # the plot's axis


def test_json_shape(capsys):
    code, out, _ = run_cli(capsys, "compare", "learning_rate", "--iterations", "320", "--at", "1,10,320",
                           "--format", "json")
    assert code == 0
    data = loads_strict(out)                          # strict JSON: no bare NaN or Infinity
    assert data["iterations"] == 320 and data["at"] == [1, 10, 320]
    names = [v["name"] for v in data["variants"]]
    assert names == ["too-small", "right", "too-large"]
    for variant in data["variants"]:
        assert set(variant) == {"name", "description", "losses", "final", "diverged_at", "curve"}
        assert len(variant["losses"]) == 3 and len(variant["curve"]) == 321
    large = data["variants"][2]
    # a diverged loss is spelt out as every JSON output of the product spells it: "NaN", "inf"
    assert large["diverged_at"] == 301 and large["final"] == "NaN" and large["losses"][2] == "NaN"
    assert data["variants"][1]["final"] < 0.001


def test_at_beyond_the_run_extends_it_unless_iterations_is_given(capsys):
    code, out, _ = run_cli(capsys, "compare", "lecture", "--at", "5", "--format", "json")
    assert code == 0 and json.loads(out)["iterations"] == 5
    code, _, err = run_cli(capsys, "compare", "lecture", "--iterations", "2", "--at", "5")
    assert code == 2 and "--at" in err and "Traceback" not in err


def test_user_errors_exit_2_without_traceback(capsys):
    code, _, err = run_cli(capsys, "compare", "no-such-scenario")
    assert code == 2 and "no such file or bundled scenario" in err
    code, _, err = run_cli(capsys, "compare", "fashion_cnn")
    assert code == 2 and "CNN" in err


def test_a_scenario_with_a_variant_applied_is_compared_from_its_base():
    comparison = compare(load("sgd", "sgd-1"), 20)
    assert [c.name for c in comparison.curves] == ["gd", "sgd-4", "sgd-1"]
    assert np.array_equal(comparison.curves[0].losses, compare(load("sgd"), 20).curves[0].losses)


def write(tmp_path, name, layer, data):
    path = tmp_path / name
    path.write_text(f"[network]\ninputs = 1\n[[layer]]\nunits = 1\n{layer}\n[data]\n{data}\n"
                    "[training]\niterations = 3\n", encoding="utf-8")
    return str(path)


def test_a_loss_that_is_never_finite_is_reported_not_plotted(tmp_path, capsys):
    path = write(tmp_path, "inf.toml", 'activation = "identity"\nweights = [[1e200]]',
                 "inputs = [[1e200]]\ntargets = [[0.0]]")
    code, out, err = run_cli(capsys, "compare", path)
    assert code == 0, err
    assert "base: E is inf/NaN from iteration 1 (before any update)" in out and "nothing to plot" in out


def test_a_flat_curve_is_plotted_on_a_linear_axis(tmp_path, capsys):
    path = write(tmp_path, "flat.toml", 'activation = "step"\nweights = [[1.0]]',
                 "inputs = [[1.0]]\ntargets = [[0.0]]")
    code, out, _ = run_cli(capsys, "compare", path)
    assert code == 0 and "log scale" not in out and "┤" in out


def test_long_runs_are_thinned_for_plotting_but_keep_their_ends():
    comparison = compare(load("lecture"), 1000)
    xs, ys = plot_points(comparison.curves[0], max_points=30)
    assert len(xs) <= 31 and xs[0] == 0 and xs[-1] == 1000
    assert ys[-1] == comparison.curves[0].final


def test_one_update_is_singular(capsys):
    code, out, _ = run_cli(capsys, "compare", "lecture", "--iterations", "1")
    assert code == 0 and "1 update per variant" in out
