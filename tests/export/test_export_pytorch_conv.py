"""The exported PyTorch script of a convolutional stepper scenario computes the stepper's numbers.

For conv, fashion_conv (on the real Fashion-MNIST test images it names) and extra scenarios that
use what those two do not (export_support.EXTRA_CONV_SCENARIOS), the script run with --json lists
the iterations `trace --format json` lists (batch, loss, θ and b of every layer in the stepper's
orientation) within 1e-10, and run with --gradients gives the stepper's ∂E/∂θ and ∂E/∂b of every
layer in every iteration, the first (the backward pass the stepper shows) included. Convolutional
scenarios have no [[variant]] tables, so there are no variants to compare.

PyTorch is not a dependency: without it these tests skip locally and fail in CI, and so does
the real data set fashion_conv reads.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from backprop_tui.cli.main import main
from backprop_tui.core.cnn.data import load_dataset, search_places
from backprop_tui.core.conv.checkpoint import checkpoint_scenario
from backprop_tui.core.conv.data import load_stepping_conv
from backprop_tui.core.dense import conv_run
from backprop_tui.core.errors import UserError
from backprop_tui.core.scenario.bundled import bundled_dir, bundled_names
from backprop_tui.core.scenario.kind import file_kind
from backprop_tui.core.vocab import ActivationName, LossName, ScenarioKind
from backprop_tui.render.conv_trace import conv_iteration_json

from export_support import EXTRA_CONV_SCENARIOS, REPO, assert_close, assert_same_iterations
from support.cli_run import run_cli
from support.fashion_data import train_small_checkpoint

ITERATIONS = 30
"""Iterations compared per scenario (fewer where the scenario itself runs fewer)."""
REAL_DATA = "fashion_conv"
"""The bundled scenario that reads the real Fashion-MNIST test images."""


def _conv_bundled() -> list[str]:
    return [name for name in bundled_names() if file_kind(bundled_dir() / f"{name}.toml") is ScenarioKind.CONV]


CASES = _conv_bundled() + [f"extra:{name}" for name in EXTRA_CONV_SCENARIOS]

RUN_EACH = """
import contextlib, io, json, runpy, sys
results = {}
for path in sys.argv[1:]:
    for flag in ("--json", "--gradients"):
        sys.argv = [path, flag]
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            runpy.run_path(path, run_name="__main__")
        results[path + flag] = json.loads(out.getvalue())
json.dump(results, sys.stdout)
"""


def _in_ci() -> bool:
    """CI set, as tests/conftest.py's in_ci reads it (a conftest is no module to import from)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _real_data_here() -> bool:
    try:
        load_dataset(search_places())
    except UserError:
        return False
    return True


@pytest.fixture(scope="module")
def real_data() -> None:
    """The real Fashion-MNIST, which fashion_conv names: skipped where it is missing, but CI
    installs it (.ci/run), so there a missing data set fails."""
    if not _real_data_here():
        if _in_ci():
            pytest.fail("CI is set but the real Fashion-MNIST is not installed; .ci/run installs dataset-fashion-mnist")
        pytest.skip("the real Fashion-MNIST is not installed (sudo apt-get install dataset-fashion-mnist)")


def _scenario_arg(case: str, folder: Path) -> str:
    if case.startswith("extra:"):
        path = folder / f"{case[len('extra:'):]}.toml"
        path.write_text(EXTRA_CONV_SCENARIOS[case[len("extra:"):]], encoding="utf-8")
        return str(path)
    return case


@pytest.fixture(scope="module")
def runs(torch, tmp_path_factory) -> dict[str, dict[str, Any]]:
    """For every case: the script's iterations and gradients, the trace's iterations, and the
    stepper's own iterations (conv_run, whose backward pass the stepper shows)."""
    folder = tmp_path_factory.mktemp("conv-exports")
    cases = [case for case in CASES if case != REAL_DATA or _real_data_here()]
    scripts, found = {}, {}
    for case in cases:
        arg = _scenario_arg(case, folder)
        scenario = load_stepping_conv(arg)
        count = min(ITERATIONS, scenario.training.iterations)
        script, trace = folder / f"{case.replace(':', '_')}.py", folder / f"{case.replace(':', '_')}.json"
        assert main(["export", arg, "--iterations", str(count), "-o", str(script)]) == 0
        assert main(["trace", arg, "--iterations", str(count), "--format", "json", "-o", str(trace)]) == 0
        scripts[case] = script
        found[case] = {"trace": json.loads(trace.read_text(encoding="utf-8"))["iterations"],
                       "stepper": conv_run.run(scenario, count)}
    result = subprocess.run([sys.executable, "-c", RUN_EACH, *map(str, scripts.values())],
                            capture_output=True, text=True, cwd=folder, timeout=600)
    assert result.returncode == 0, result.stderr
    outputs = json.loads(result.stdout)
    for case, script in scripts.items():
        found[case]["iterations"] = outputs[f"{script}--json"]["iterations"]
        found[case]["gradients"] = outputs[f"{script}--gradients"]["gradients"]
    return found


def _run_of(case: str, runs: dict[str, dict[str, Any]], request: pytest.FixtureRequest) -> dict[str, Any]:
    if case == REAL_DATA:
        request.getfixturevalue("real_data")
    return runs[case]


@pytest.mark.parametrize("case", CASES)
def test_the_script_lists_the_trace_s_iterations(case, runs, request) -> None:
    run = _run_of(case, runs, request)
    assert_same_iterations(run["iterations"], run["trace"], case)


@pytest.mark.parametrize("case", CASES)
def test_the_script_s_gradients_are_the_stepper_s_backward_pass(case, runs, request) -> None:
    run = _run_of(case, runs, request)
    stepper, gradients = run["stepper"], run["gradients"]
    assert [g["iteration"] for g in gradients] == [it.number for it in stepper]
    for mine, theirs in zip(gradients, stepper):
        where = f"{case} iteration {theirs.number}"
        assert_close(mine["loss"], float(theirs.loss), f"{where}: loss")
        want_w = [None if g is None else g.tolist() for g in theirs.backward.grad_w]
        want_b = [None if g is None else g.tolist() for g in theirs.backward.grad_b]
        assert_close(mine["weights"], want_w, f"{where}: ∂E/∂θ")
        assert_close(mine["biases"], want_b, f"{where}: ∂E/∂b")
    if "step" not in case:  # step′ = 0: nothing reaches the filters below a step layer, in both
        first = stepper[0].backward.grad_w
        assert any(g is not None and np.any(g != 0) for g in first[:-1]), "a backward pass that reaches the filters"


def test_a_tied_pool_window_sends_delta_to_its_first_maximum_in_both(runs) -> None:
    """relu-softmax-se's first map has windows [[0, 1], [1, 0]] of two equal positive maxima: the
    stepper's tie rule (the first in row-major order takes δ) is PyTorch's, or the filter
    gradients above (compared to 1e-10) would differ."""
    it = runs["extra:relu-softmax-se"]["stepper"][0]
    a1 = it.forward.a[1].reshape(2, 4, 4)[0]
    assert a1[0, 1] == a1[1, 0] > 0 and a1[0, 0] == a1[1, 1] == 0
    routed = it.backward.grad_in[1].reshape(2, 4, 4)[0]
    assert routed[0, 1] != 0 and routed[1, 0] == 0


def test_the_cases_use_every_activation_and_loss_and_layer_option(tmp_path) -> None:
    used_activations, used_losses, strides, paddings, biases = set(), set(), set(), set(), set()
    for case in CASES:
        if case == REAL_DATA:
            continue  # its layers are in the file; its images need the data set
        from backprop_tui.core.scenario.conv_load import load_conv
        from backprop_tui.core.scenario.conv_model import ConvLayer

        scenario = load_conv(_scenario_arg(case, tmp_path))
        used_activations |= {layer.activation for layer in scenario.layers}
        used_losses.add(scenario.loss)
        for layer in scenario.layers:
            if isinstance(layer, ConvLayer):
                strides.add(layer.stride)
                paddings.add(layer.padding)
                biases.add(layer.bias is not None)
    assert set(ActivationName) <= used_activations and used_losses == set(LossName)
    assert strides == {1, 2} and paddings == {0, 1} and biases == {True, False}


def test_the_script_runs_as_a_file_and_prints_each_iteration_s_loss(torch, tmp_path) -> None:
    script, trace = tmp_path / "conv.py", tmp_path / "conv.json"
    assert main(["export", "conv", "-o", str(script)]) == 0
    assert main(["trace", "conv", "--format", "json", "-o", str(trace)]) == 0
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    iterations = json.loads(trace.read_text(encoding="utf-8"))["iterations"]
    assert len(iterations) == 3
    assert result.stdout.splitlines() == [f"iteration {it['iteration']}: loss {it['loss']:.12g}" for it in iterations]




@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory) -> Path:
    """A checkpoint of batch mode, trained one epoch on a small synthetic data set (whose folder
    it records, so `--image` reads its test images from there)."""
    return train_small_checkpoint(tmp_path_factory.mktemp("checkpoint"))[0]


def test_a_checkpoint_s_test_image_exports_the_stepper_s_update(torch, checkpoint, tmp_path) -> None:
    script = tmp_path / "image7.py"
    before = checkpoint.read_bytes()
    assert main(["export", str(checkpoint), "--image", "7", "-o", str(script)]) == 0
    assert checkpoint.read_bytes() == before
    text = script.read_text(encoding="utf-8")  # the image as its pixels, standardised in the script
    assert "PIXELS = [" in text and "X = torch.tensor(PIXELS, dtype=torch.float64) * SCALE - SHIFT" in text
    result = subprocess.run([sys.executable, "-c", RUN_EACH, str(script)], capture_output=True, text=True,
                            cwd=tmp_path, timeout=600)
    assert result.returncode == 0, result.stderr
    outputs = json.loads(result.stdout)
    it = conv_run.run(checkpoint_scenario(checkpoint, 7), 1)[0]
    assert_same_iterations(outputs[f"{script}--json"]["iterations"], [conv_iteration_json(it, [])], "image 7")
    gradients = outputs[f"{script}--gradients"]["gradients"]
    assert len(gradients) == 1
    assert_close(gradients[0]["weights"], [None if g is None else g.tolist() for g in it.backward.grad_w], "∂E/∂θ")
    assert_close(gradients[0]["biases"], [None if g is None else g.tolist() for g in it.backward.grad_b], "∂E/∂b")


def test_the_script_is_python_that_reads_nothing_and_explains_the_layouts(capsys) -> None:
    code, text, err = run_cli(capsys, "export", "conv")
    assert code == 0 and err == ""
    compile(text, "conv.py", "exec")
    assert "open(" not in text and "import numpy" not in text  # the images and weights are written in
    for said in ("nn.Conv2d keeps its weight as filters × channels × k × k (out × in × kh × kw)",
                 "θ¹ = W¹.reshape(2, 9)ᵀ", "nn.Flatten makes each sample's C × H × W maps one row",
                 "Why no transpose is left in the code", "nn.MaxPool2d(2),", "nn.Linear stores its weight W",
                 "# ŷ = softmax(z⁴) is applied inside the loss below", "nn.CrossEntropyLoss()",
                 "optimizer = torch.optim.SGD(trained, lr=0.1)"):
        assert said in text, said


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["fashion_cnn", "--image", "3"], "--image 3: fashion_cnn.toml is not a checkpoint"),
        (["conv", "--image", "0"], "--image 0: conv.toml is not a checkpoint"),
        (["conv", "--variant", "x"], '--variant x: conv.toml has no variant "x"'),
        (["conv", "--data-dir", "/tmp"], "--data-dir /tmp: conv.toml has its images in the file ([data] inputs)"),
        (["fashion_conv", "--data-dir", "/no/such/folder"], "--data-dir /no/such/folder: no such folder"),
        (["README.md"], "README.md: line 3, column 7: not valid TOML"),
    ],
)
def test_bad_input_is_one_message_and_exit_2(capsys, args, message) -> None:
    if args[0] == "README.md":
        args = [str(REPO / "README.md")]
    code, out, err = run_cli(capsys, "export", *args)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_checkpoint_s_bad_flags_and_image_are_one_message_and_exit_2(capsys, checkpoint) -> None:
    for args, message in ((["--image", "20"], "--image 20: the test set has images 0 to 19"),
                          (["--image", "1", "--variant", "v"], "--variant v: a checkpoint has no [[variant]] tables")):
        code, out, err = run_cli(capsys, "export", str(checkpoint), *args)
        assert code == 2 and out == "" and message in err and "Traceback" not in err


def test_too_many_mini_batch_orders_to_write_is_refused_naming_the_flag(capsys, tmp_path) -> None:
    path = Path(_scenario_arg("extra:strided-bce", tmp_path))
    code, out, err = run_cli(capsys, "export", str(path), "--iterations", "200000")
    assert code == 2 and out == ""
    assert err.strip() == ("error: --iterations 200000: strided-bce.toml draws a new order of its 3 samples for each "
                           "of 100000 epochs, 300,000 sample numbers to write into the script (at most 200,000); "
                           "export at most 133,332 iterations")


def test_the_docs_example_shows_conv_s_losses(capsys) -> None:
    docs = (REPO / "docs" / "pytorch.md").read_text(encoding="utf-8")
    section = docs.split("## The convolutional scenarios", 1)[1].split("\n## ", 1)[0]
    shown = [line.strip() for line in section.splitlines() if re.match(r"\s*iteration \d+: loss ", line)]
    code, out, _ = run_cli(capsys, "trace", "conv", "--format", "json")
    assert code == 0
    iterations = json.loads(out)["iterations"]
    assert shown == [f"iteration {it['iteration']}: loss {it['loss']:.12g}" for it in iterations]
