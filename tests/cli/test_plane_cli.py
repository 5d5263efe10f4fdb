"""`backprop-tui plane` as a user runs it: text, strict JSON, and one-paragraph errors with exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from backprop_tui.cli.main import main
from backprop_tui.core.dense.plane import plane_after
from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.core.scenario.load import load
from support.cli_run import run_cli, strict

ROOT = Path(__file__).resolve().parents[2]




def test_json_has_the_axes_the_grid_of_every_unit_and_the_data(capsys) -> None:
    code, out, _ = run_cli(capsys, "plane", "xor", "--format", "json", "--resolution", "9", "--iteration", "50")
    assert code == 0
    doc = strict(out)
    plane = plane_after(load(resolve("xor")), 50, resolution=9)
    assert doc["updates"] == 50
    assert doc["x"] == {"input": 1, "values": plane.x.tolist()}
    assert doc["y"] == {"input": 2, "values": plane.y.tolist()}
    assert [(u["name"], u["layer"], u["unit"], u["activation"]) for u in doc["units"]] == [
        ("a1[1]", 1, 1, "tanh"), ("a1[2]", 1, 2, "tanh"), ("yhat[1]", 2, 1, "sigmoid")]
    for unit, expected in zip(doc["units"], plane.units):
        assert np.array(unit["values"]).shape == (9, 9)
        np.testing.assert_array_equal(np.array(unit["values"]), expected.values)
    assert doc["points"] == [{"x": 0.0, "y": 0.0, "target": [0.0]}, {"x": 0.0, "y": 1.0, "target": [1.0]},
                             {"x": 1.0, "y": 0.0, "target": [1.0]}, {"x": 1.0, "y": 1.0, "target": [0.0]}]
    assert doc["held"] == {}


def test_json_of_a_diverged_run_is_still_strict() -> None:
    """With an absurd learning rate the weights overflow: the grid holds NaN, the JSON stays strict."""
    from backprop_tui.render.plane import plane_json

    scenario = load(resolve("solar")).with_training(learning_rate=1e300)  # an identity output: unbounded
    plane = plane_after(scenario, 3, resolution=5)
    assert not all(np.all(np.isfinite(unit.values)) for unit in plane.units)
    text = plane_json(plane, "t", "solar.toml", None)
    strict(text)
    assert "\"NaN\"" in text  # as core.strict_json writes a non-finite number: a string, not a bare token


def test_more_than_two_inputs_name_the_held_ones(capsys) -> None:
    code, out, _ = run_cli(capsys, "plane", "solar", "--inputs", "3,5", "--format", "json", "--resolution", "5")
    assert code == 0
    doc = strict(out)
    scenario = load(resolve("solar"))
    assert (doc["x"]["input"], doc["y"]["input"]) == (3, 5)
    assert doc["held"] == pytest.approx({f"x{i + 1}": scenario.x[:, i].mean() for i in (0, 1, 3)})
    code, out, _ = run_cli(capsys, "plane", "solar", "--inputs", "3,5")
    assert "the other inputs held at their mean over the data: x1 = 0.45, x2 = 0.46, x4 = 0.2867" in out
    assert "across: x3, up: x5; x1, x2, x4 at their mean" in out


def test_text_draws_the_output_with_its_points_boundary_and_every_unit(capsys) -> None:
    code, out, _ = run_cli(capsys, "plane", "xor")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "XOR: a hidden layer makes it separable"
    assert lines[1] == "yhat[1] over the plane, after 200 updates (the weights iteration 201 computes with)"
    picture = [line for line in lines if "|" in line][:20]
    assert len(picture) == 20
    drawn = "".join(picture)
    assert drawn.count("0") >= 2 and drawn.count("1") >= 2  # the four samples, labelled by their target
    assert "#" in drawn  # the boundary ŷ = 0.5
    assert "boundary yhat = 0.5" in out or "boundary ŷ = 0.5" in out
    names = next(line for line in lines if line.startswith("a1[1]"))
    assert names.split() == ["a1[1]", "a1[2]", "yhat[1]"]


def test_the_unit_flag_draws_that_unit_large(capsys) -> None:
    code, out, _ = run_cli(capsys, "plane", "xor", "--unit", "1,2", "--iteration", "0")
    assert code == 0
    assert out.splitlines()[1] == "a1[2] over the plane, after 0 updates (the weights iteration 1 computes with)"
    assert "boundary" not in out  # a hidden unit has no boundary
    assert "scale (diverging): -1 [" in out  # tanh: signed


def test_softmax_draws_regions_labelled_by_class(capsys) -> None:
    code, out, _ = run_cli(capsys, "plane", "softmax")
    assert code == 0
    assert "the most likely class over the plane (layer 2, softmax)" in out
    picture = "".join(line for line in out.splitlines() if "|" in line)
    assert {"a", "b", "c"} <= set(picture) and {"1", "2", "3"} <= set(picture)


@pytest.mark.parametrize(("args", "message"), [
    (("learning-rate",), "learning-rate.toml: the input plane needs a network with at least two inputs; this one has 1"),
    (("xor", "--unit", "3,1"), "xor.toml: --unit 3,1: the network has no such unit (layer 1: units 1 to 2, layer 2: units 1 to 1)"),
    (("xor", "--inputs", "1,3"), "xor.toml: --inputs 1,3: input 3 does not exist: the network has inputs 1 to 2"),
    (("xor", "--inputs", "2,2"), "xor.toml: --inputs 2,2: the plane needs two different inputs, got input 2 twice"),
    (("fashion_cnn",), "a CNN scenario is trained, not stepped through"),
    (("activations", "--variant", "stepp"), 'did you mean "step"?'),
])
def test_bad_choices_are_one_message_and_exit_2(capsys, args, message) -> None:
    code, out, err = run_cli(capsys, "plane", *args)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err
    assert err.count("\n") == 1


def test_bad_flag_syntax_is_argparse_exit_2(capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["plane", "xor", "--unit", "x"])
    assert stop.value.code == 2
    assert "expected two whole numbers from 1 separated by a comma" in capsys.readouterr().err


def test_ascii_terminal_and_no_colour_pipe() -> None:
    env = dict(os.environ, NO_COLOR="1", PYTHONIOENCODING="ascii", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "backprop_tui", "plane", "softmax"], capture_output=True,
                          env=env, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode("ascii")  # raises if anything but ASCII came out
    assert "\x1b[" not in text
    assert "Every unit" in text


def test_a_colour_terminal_gets_half_blocks_a_pipe_ascii(monkeypatch) -> None:
    import io

    from rich.console import Console

    from backprop_tui.cli.plane import in_colour
    from backprop_tui.render.plane import plane_text

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert in_colour(Console(force_terminal=True, color_system="truecolor"))
    assert not in_colour(Console(file=io.StringIO()))  # a pipe: no colour system
    assert not in_colour(Console(force_terminal=True, color_system="truecolor", no_color=True))
    plane = plane_after(load(resolve("xor")))
    drawn = plane_text(plane, "XOR", plane.unit(2, 0), colour=True).plain
    assert drawn.count("▀") > 48 * 20 - 4 and "━━ boundary" in drawn
    assert "▀" not in plane_text(plane, "XOR", plane.unit(2, 0)).plain
