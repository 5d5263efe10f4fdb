"""`backprop-tui landscape` as a user runs it: text (with and without colour), strict JSON, images,
and clear errors for bad planes, bad variants and a missing matplotlib."""

from __future__ import annotations

import builtins
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from backprop_tui.cli.main import main
from backprop_tui.core.dense.landscape import landscape
from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.core.scenario.load import load
from backprop_tui.render.landscape import RAMP, map_text
from support.cli_run import run_cli, strict as strict_json

ROOT = Path(__file__).resolve().parents[2]




def test_json_has_the_grid_the_plane_and_every_path(capsys) -> None:
    code, out, _ = run_cli(capsys, "landscape", "learning-rate", "--format", "json", "--resolution", "12")
    assert code == 0
    doc = strict_json(out)  # the too-large path's E reaches 1e306: still strict JSON
    assert doc["plane"]["kind"] == "weights"
    assert len(doc["grid"]["x"]) == len(doc["grid"]["y"]) == 12
    assert np.array(doc["grid"]["E"]).shape == (12, 12)
    names = [p["name"] for p in doc["paths"]]
    assert names == ["too-small", "right", "too-large"]
    too_large = doc["paths"][2]
    assert too_large["leaves_at"] is not None and too_large["diverged_at"] is not None
    assert doc["paths"][0]["points"][0] == {"iteration": 0, "x": pytest.approx(doc["paths"][1]["points"][0]["x"]),
                                            "y": pytest.approx(doc["paths"][1]["points"][0]["y"]),
                                            "E": pytest.approx(0.2015, abs=1e-4)}
    assert len(doc["parameters"]) == len(doc["plane"]["origin"]) == 10
    assert {c["through"] for c in doc["cuts"]} == set(names)


def test_json_point_is_the_plane_definition(capsys) -> None:
    code, out, _ = run_cli(capsys, "landscape", "lecture", "--format", "json", "--plane", "pca", "--resolution", "9")
    assert code == 0
    doc = strict_json(out)
    scape = landscape(load(resolve("lecture")), "pca", resolution=9)
    origin, directions = np.array(doc["plane"]["origin"]), np.array(doc["plane"]["directions"])
    point = doc["paths"][0]["points"][-1]
    lifted = origin + point["x"] * directions[0] + point["y"] * directions[1]
    assert np.allclose(scape.plane.lift(np.array([point["x"]]), np.array([point["y"]]))[0], lifted)
    assert doc["plane"]["x"] == "PC1" and "cuts" not in doc


def test_variant_flag_chooses_paths_and_rejects_unknown_names(capsys) -> None:
    code, out, _ = run_cli(capsys, "landscape", "learning-rate", "--format", "json", "--variant", "right",
                           "--variant", "too-small", "--iterations", "5", "--resolution", "8")
    assert code == 0 and [p["name"] for p in strict_json(out)["paths"]] == ["too-small", "right"]
    code, _, err = run_cli(capsys, "landscape", "learning-rate", "--variant", "huge")
    assert code == 2 and "'huge'" in err and "too-large" in err and "Traceback" not in err


@pytest.mark.parametrize("plane", ["theta9[1,1],theta1[1,1]", "theta1[1,1]", "x,y"])
def test_bad_plane_is_one_message_and_exit_2(capsys, plane: str) -> None:
    code, out, err = run_cli(capsys, "landscape", "lecture", "--plane", plane)
    assert code == 2 and out == "" and err.startswith("error: ") and "Traceback" not in err


def test_text_without_colour_keeps_the_ramp_and_the_paths_apart() -> None:
    env = dict(os.environ, NO_COLOR="1", PYTHONIOENCODING="ascii", COLUMNS="120")
    result = subprocess.run([sys.executable, "-m", "backprop_tui", "landscape", "learning-rate", "--iterations", "60"],
                            capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stdout
    assert result.stdout.isascii()
    for digit in "23":  # the right and the too-large paths, each with its own digit
        assert digit in result.stdout
    assert "!" in result.stdout and "S" in result.stdout
    assert "scale of E" in result.stdout and "too-large" in result.stdout


def test_map_bands_follow_e() -> None:
    scape = landscape(load(resolve("lecture")), iterations=1, resolution=10)
    text = map_text(scape, 10, 10).plain.split("\n")
    grid = scape.grid.values[::-1]  # row 0 of the map is the top, the largest y
    low, high = np.unravel_index(np.argmin(grid), grid.shape), np.unravel_index(np.argmax(grid), grid.shape)
    marks = {row for row in range(10) for col in range(10) if text[row][col] not in RAMP}
    if low[0] not in marks:
        assert text[low[0]][low[1]] == RAMP[0]
    if high[0] not in marks:
        assert text[high[0]][high[1]] == RAMP[-1]


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml")])
def test_image_for_slides(capsys, tmp_path: Path, suffix: str, magic: bytes) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / f"slide{suffix}"
    code, _, err = run_cli(capsys, "landscape", "local-minimum", "--iterations", "200", "-o", str(target))
    assert code == 0 and "wrote" in err
    assert target.read_bytes().startswith(magic)


def test_image_without_matplotlib_names_the_extra(capsys, tmp_path: Path, monkeypatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "matplotlib" else real(name, *a))
    target = tmp_path / "x.png"
    code, _, err = run_cli(capsys, "landscape", "lecture", "-o", str(target))
    assert code == 2 and "backprop-tui[plot]" in err and "matplotlib" in err
    assert not target.exists()


def test_image_renderer_without_matplotlib_raises_the_named_error(monkeypatch) -> None:
    from backprop_tui.render.landscape import PlotExtraMissing, landscape_image

    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    scape = landscape(load(resolve("lecture")), iterations=1, resolution=5)
    with pytest.raises(PlotExtraMissing, match=r"backprop-tui\[plot\]"):
        landscape_image(scape, "png")
