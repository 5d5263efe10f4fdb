"""End to end on the real Fashion-MNIST: 2 epochs on the first 6,000 training images, evaluated
on all 10,000 test images, must reach 80% (a reference implementation measured 82.5%).

Runs in CI, which installs the Debian package; skipped only when the data is absent and CI is
not "true" (see the `real_data` fixture).
"""

from __future__ import annotations

import pytest

from backprop_tui.core.cnn.config import load_cnn_scenario
from backprop_tui.core.cnn.model import build_network, init_params
from backprop_tui.core.cnn.optim import Optimizer
from backprop_tui.render.cnn_report import confusion_matrix
from backprop_tui.core.cnn.train import TrainState, evaluate, train


@pytest.mark.slow
def test_two_epochs_on_6000_real_images(real_data) -> None:
    scenario = load_cnn_scenario("fashion_cnn").with_training(epochs=2)
    params = init_params(scenario)
    network = build_network(scenario, params)
    state = TrainState(limit=6000)
    finished = train(network, Optimizer(scenario.training, params), scenario,
                     real_data.train_images[:6000], real_data.train_labels[:6000],
                     real_data.test_images, real_data.test_labels, state)
    assert finished
    result = evaluate(network, real_data.test_images, real_data.test_labels)
    assert len(result.predictions) == 10000
    print(f"test accuracy after 2 epochs on 6,000 images: {result.accuracy:.2%}")
    assert result.accuracy >= 0.80
    assert state.history[-1]["test_accuracy"] == result.accuracy
    confusion = confusion_matrix(result.labels, result.predictions)
    assert confusion.sum() == 10000 and (confusion.sum(axis=1) == 1000).all()
