"""`backprop-tui CHECKPOINT.npz --image N`: batch mode's trained network in the stepper, on one test
image, in float64, with the checkpoint left as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from backprop_tui.cli.main import main
from backprop_tui.core.cnn.checkpoint import load_checkpoint
from backprop_tui.core.cnn.data import Place, load_dataset, to_input
from backprop_tui.core.cnn.layers import softmax
from backprop_tui.core.cnn.model import build_network
from backprop_tui.core.conv.checkpoint import checkpoint_scenario
from backprop_tui.core.dense import conv_run
from backprop_tui.core.dense.conv_steps import build_conv_steps
from backprop_tui.core.dense.gradcheck import Status
from backprop_tui.core.vocab import Phase

from support.fashion_data import train_small_checkpoint


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> tuple[Path, Path]:
    """A checkpoint trained one epoch on a small synthetic data set, and that data's folder."""
    return train_small_checkpoint(tmp_path_factory.mktemp("ckpt"))


def test_the_stepper_s_forward_pass_is_batch_mode_s_in_float64(trained):
    checkpoint, data = trained
    before = hashlib.sha256(checkpoint.read_bytes()).hexdigest()
    scenario = checkpoint_scenario(checkpoint, 7)
    run = load_checkpoint(checkpoint)
    images = load_dataset([Place("test", data)], verify=False)
    x = to_input(images.test_images[7:8], np.float64)
    network = build_network(run.scenario, {k: v.astype(np.float64) for k, v in run.params.items()})
    want = softmax(network.forward(x, train=False))
    it = conv_run.run(scenario, 1)[0]
    assert np.allclose(it.forward.a[-1].T, want, rtol=1e-12, atol=1e-15)
    assert scenario.labels == (int(images.test_labels[7]),) and scenario.x.dtype == np.float64
    assert [type(layer).__name__ for layer in scenario.layers] == ["ConvLayer", "PoolLayer", "FlattenLayer", "Layer"]
    assert scenario.layers[0].activation == "relu" and scenario.layers[-1].activation == "softmax"
    steps = build_conv_steps(scenario, it)
    for step in steps:
        if step.phase is Phase.BACKWARD:
            assert step.check.status in (Status.AGREES, Status.KINK), (step.index, step.check.verdict)
    assert hashlib.sha256(checkpoint.read_bytes()).hexdigest() == before  # only read


def test_an_image_outside_the_test_set_and_a_scenario_are_refused(trained, capsys):
    checkpoint, _ = trained
    assert main([str(checkpoint), "--image", "20"]) == 2
    assert capsys.readouterr().err.startswith("error: --image 20: the test set has images 0 to 19")
    assert main(["conv", "--image", "1"]) == 2
    assert "conv is not a checkpoint" in capsys.readouterr().err


async def test_the_app_opens_on_the_checkpoint_and_steps_through(trained):
    from backprop_tui.tui.app import BackpropApp
    from backprop_tui.tui.screens.stepper import StepperScreen

    checkpoint, _ = trained
    app = BackpropApp(checkpoint, image=3)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, StepperScreen)
        assert screen.stepper.scenario.title.startswith("small.npz: test image 3")
        for _ in range(len(screen.stepper.steps)):
            screen.action_move("next_step")
            await pilot.pause()
        assert screen.stepper.position.iteration == 1
