"""The exported CNN script: the scenario's network and hyperparameters, trained in PyTorch.

Its random draws are PyTorch's, so its losses are not backprop-tui's; what decides how it
learns is checked against backprop-tui's own code: the layers' shapes, the learning rate of
every schedule, every optimizer's update (with weight decay), the data it reads. And it trains:
a few hundred images, in a subprocess, from the data folder written in at export time.

PyTorch is not a dependency: without it these tests skip locally and fail in CI.
"""

from __future__ import annotations

import re
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from backprop_tui.cli.main import main
from backprop_tui.core.cnn.config import load_cnn_scenario
from backprop_tui.core.cnn.data import Place, load_dataset
from backprop_tui.core.cnn.model import param_shapes
from backprop_tui.core.cnn.optim import Optimizer, learning_rate
from backprop_tui.core.vocab import ScheduleName

from support.fashion_data import write_fashion_like

EPOCH_LINE = re.compile(r"epoch (\d+)/(\d+): train loss ([\d.]+), test loss ([\d.]+), test accuracy ([\d.]+)%")

SMALL_CNN = """
title = "small"
seed = 4
[model]
input = [1, 28, 28]
[[model.layer]]
type = "conv2d"
filters = 3
kernel = 5
stride = 2
padding = 2
[[model.layer]]
type = "relu"
[[model.layer]]
type = "maxpool"
size = 2
[[model.layer]]
type = "flatten"
[[model.layer]]
type = "dropout"
rate = 0.25
[[model.layer]]
type = "dense"
units = 10
[training]
"""


def _export(tmp_path: Path, scenario: str, name: str = "script.py") -> Path:
    script = tmp_path / name
    assert main(["export", scenario, "-o", str(script)]) == 0
    return script


def _module(script: Path) -> dict[str, Any]:
    """The script's functions and constants, without running its main()."""
    return runpy.run_path(str(script), run_name="exported_script")


def _scenario_file(tmp_path: Path, training: str) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(SMALL_CNN + training, encoding="utf-8")
    return path


def test_the_script_trains_a_few_hundred_images_from_the_folder_found_at_export(
    torch, tmp_path, monkeypatch
) -> None:
    folder = write_fashion_like(tmp_path / "fmnist", n_train=400, n_test=200)
    monkeypatch.setenv("FASHION_MNIST_DIR", str(folder))
    script = _export(tmp_path, "fashion_cnn")
    monkeypatch.delenv("FASHION_MNIST_DIR")
    result = subprocess.run([sys.executable, str(script), "--limit", "300", "--epochs", "2"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"300 training images, 200 test images from {folder.resolve()}"
    epochs = [EPOCH_LINE.fullmatch(line) for line in lines[1:]]
    assert len(epochs) == 2 and all(epochs), result.stdout
    train_losses = [float(m.group(3)) for m in epochs]
    accuracies = [float(m.group(5)) for m in epochs]
    assert [m.group(1) for m in epochs] == ["1", "2"] and {m.group(2) for m in epochs} == {"2"}
    assert train_losses[1] < train_losses[0] < 2.5  # from about ln 10 = 2.3 down
    assert accuracies[1] >= 90.0  # bars at one place per class: chance would be 10%


def test_the_script_builds_the_scenario_s_layers(torch, tmp_path) -> None:
    for number, scenario in enumerate(("fashion_cnn", str(_scenario_file(tmp_path, "")))):
        model = _module(_export(tmp_path, scenario, f"script{number}.py"))["build_model"]()
        expected = param_shapes(load_cnn_scenario(scenario))
        # backprop-tui stores a dense weight inputs × units; nn.Linear out × in.
        got = [tuple(p.shape) for p in model.parameters()]
        want = [shape[::-1] if name.endswith("weight") and len(shape) == 2 else shape
                for name, shape in expected.items()]
        assert got == want
        for module in model:
            if isinstance(module, (torch.nn.Conv2d, torch.nn.Linear)):
                assert float(module.bias.detach().abs().max()) == 0.0  # zero biases, as backprop-tui
                fan_in = module.weight[0].numel()
                assert float(module.weight.detach().std()) == pytest.approx((2.0 / fan_in) ** 0.5, rel=0.35)
        dropout = [m for m in model if isinstance(m, torch.nn.Dropout)]
        assert [m.p for m in dropout] == ([0.25] if scenario != "fashion_cnn" else [])


@pytest.mark.parametrize("schedule", [s.value for s in ScheduleName])
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_the_script_s_learning_rate_and_update_are_backprop_tui_s(torch, tmp_path, optimizer, schedule) -> None:
    path = _scenario_file(tmp_path, f"""optimizer = "{optimizer}"
learning_rate = 0.05
momentum = 0.8
weight_decay = 0.01
epochs = 3
schedule = "{schedule}"
gamma = 0.5
min_learning_rate = 0.001
""")
    spec = load_cnn_scenario(path).training
    script = _module(_export(tmp_path, str(path)))
    batches = 4
    rates = [learning_rate(spec, epoch + b / batches) for epoch in range(3) for b in range(batches)]
    assert [script["learning_rate"](epoch + b / batches, 3) for epoch in range(3) for b in range(batches)] == rates
    assert len(set(rates)) == (1 if schedule == "constant" else 3 if schedule == ScheduleName.STEP_DECAY else len(rates))

    rng = np.random.default_rng(0)
    start = {"w": rng.standard_normal((3, 4)), "b": rng.standard_normal(4)}
    grads = [{name: rng.standard_normal(value.shape) for name, value in start.items()} for _ in rates]
    ours = {name: value.copy() for name, value in start.items()}
    reference = Optimizer(spec, ours)
    tensors = [torch.tensor(start[name], requires_grad=True) for name in ("w", "b")]
    theirs = script["make_optimizer"](tensors)
    for rate, grad in zip(rates, grads):
        reference.step(grad, rate)
        for group in theirs.param_groups:
            group["lr"] = rate
        for tensor, name in zip(tensors, ("w", "b")):
            tensor.grad = torch.tensor(grad[name])
        theirs.step()
    for tensor, name in zip(tensors, ("w", "b")):
        np.testing.assert_allclose(tensor.detach().numpy(), ours[name], rtol=1e-12, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("layout", ["gz", "plain", "torchvision"])
def test_the_script_reads_the_files_backprop_tui_reads(torch, tmp_path, layout) -> None:
    root = tmp_path / "data"
    folder = root / "FashionMNIST" / "raw" if layout == "torchvision" else root
    write_fashion_like(folder, n_train=30, n_test=20, gz=layout != "plain")
    data = _module(_export(tmp_path, "fashion_cnn"))["load_data"](str(root))
    reference = load_dataset([Place("test", folder)], verify=False)
    for key, array in (("train_images", reference.train_images), ("train_labels", reference.train_labels),
                       ("test_images", reference.test_images), ("test_labels", reference.test_labels)):
        np.testing.assert_array_equal(data[key].numpy(), array, err_msg=key)


def test_the_script_s_own_bad_input_is_one_message_and_exit_2(torch, tmp_path) -> None:
    script = _export(tmp_path, "fashion_cnn")
    missing = tmp_path / "nowhere"
    result = subprocess.run([sys.executable, str(script), "--data-dir", str(missing)],
                            capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: --data-dir {missing}: no such folder"
