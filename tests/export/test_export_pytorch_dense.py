"""The exported PyTorch script computes backprop-tui's numbers, number for number.

For every bundled dense scenario and every one of its variants (and for extra scenarios that
use the activations, losses and options the bundled ones do not), the script, run with --json,
lists the iterations `trace --format json` lists: the same batches, and the loss, weights and
biases within 1e-10. The scripts run in one subprocess (PyTorch's import costs seconds; each
script is run as `python FILE.py --json` would run it, through runpy), and the lecture's also
as a plain `python FILE.py`.

PyTorch is not a dependency: without it these tests skip locally and fail in CI.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from backprop_tui.cli.main import main
from backprop_tui.core.scenario.bundled import bundled_dir, bundled_names
from backprop_tui.core.scenario.kind import file_kind
from backprop_tui.core.scenario.load import load
from backprop_tui.core.vocab import ActivationName, LossName, ScenarioKind

from export_support import EXTRA_SCENARIOS, assert_same_iterations

ITERATIONS = 30
"""Iterations compared per scenario (fewer where the scenario itself runs fewer)."""


def _dense_bundled() -> list[str]:
    return [name for name in bundled_names() if file_kind(bundled_dir() / f"{name}.toml") is ScenarioKind.DENSE]


def _cases() -> list[tuple[str, str | None]]:
    cases: list[tuple[str, str | None]] = []
    for name in _dense_bundled():
        cases += [(name, None)] + [(name, variant.name) for variant in load(name).variants]
    return cases + [(f"extra:{name}", None) for name in EXTRA_SCENARIOS]


CASES = _cases()

RUN_EACH = """
import contextlib, io, json, runpy, sys
results = {}
for path in sys.argv[1:]:
    sys.argv = [path, "--json"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        runpy.run_path(path, run_name="__main__")
    results[path] = json.loads(out.getvalue())
json.dump(results, sys.stdout)
"""


def _case_id(case: tuple[str, str | None]) -> str:
    return case[0] if case[1] is None else f"{case[0]}@{case[1]}"


def _scenario_arg(case: tuple[str, str | None], folder: Path) -> list[str]:
    name, variant = case
    if name.startswith("extra:"):
        path = folder / f"{name[len('extra:'):]}.toml"
        path.write_text(EXTRA_SCENARIOS[name[len("extra:"):]], encoding="utf-8")
        name = str(path)
    return [name] + (["--variant", variant] if variant else [])


def _count(args: list[str]) -> int:
    variant = args[2] if len(args) > 2 else None
    return min(ITERATIONS, load(args[0], variant).training.iterations)


@pytest.fixture(scope="module")
def runs(torch, tmp_path_factory) -> dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """For every case: (the script's iterations, the trace's iterations)."""
    folder = tmp_path_factory.mktemp("exports")
    scripts, traces = {}, {}
    for case in CASES:
        args = _scenario_arg(case, folder)
        key, count = _case_id(case), str(_count(args))
        script, trace = folder / f"{key.replace(':', '_')}.py", folder / f"{key}.json"
        assert main(["export", *args, "--iterations", count, "-o", str(script)]) == 0
        assert main(["trace", *args, "--iterations", count, "--format", "json", "-o", str(trace)]) == 0
        scripts[key] = script
        traces[key] = json.loads(trace.read_text(encoding="utf-8"))["iterations"]
    result = subprocess.run([sys.executable, "-c", RUN_EACH, *map(str, scripts.values())],
                            capture_output=True, text=True, cwd=folder, timeout=600)
    assert result.returncode == 0, result.stderr
    outputs = json.loads(result.stdout)
    return {key: (outputs[str(path)]["iterations"], traces[key]) for key, path in scripts.items()}


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_the_script_lists_the_trace_s_iterations(case, runs) -> None:
    assert_same_iterations(*runs[_case_id(case)], _case_id(case))


def test_the_cases_use_every_activation_and_loss(tmp_path) -> None:
    used_activations, used_losses = set(), set()
    for case in CASES:
        args = _scenario_arg(case, tmp_path)
        scenario = load(args[0], args[2] if len(args) > 2 else None)
        used_activations |= {layer.activation for layer in scenario.layers}
        used_losses.add(scenario.loss)
    assert used_activations == set(ActivationName) and used_losses == set(LossName)


def test_the_script_runs_as_a_file_and_prints_each_iteration_s_loss(torch, tmp_path) -> None:
    script, trace = tmp_path / "lecture.py", tmp_path / "lecture.json"
    assert main(["export", "lecture", "-o", str(script)]) == 0
    assert main(["trace", "lecture", "--format", "json", "-o", str(trace)]) == 0
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    iterations = json.loads(trace.read_text(encoding="utf-8"))["iterations"]
    assert iterations[0]["loss"] == pytest.approx(0.0725, abs=5e-5)  # the lecture's E = ½(1 − 0.619)²
    assert result.stdout.splitlines() == [f"iteration {it['iteration']}: loss {it['loss']:.12g}" for it in iterations]
