"""The bundled fashion_conv on the real Fashion-MNIST test images (skipped where the data set is
missing, except in CI, as tests/cnn do)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from backprop_tui.core.cnn.data import CLASS_NAMES, load_dataset, search_places, to_input
from backprop_tui.core.conv.data import load_stepping_conv
from backprop_tui.core.dense import conv_run
from backprop_tui.core.dense.conv_steps import build_conv_steps
from backprop_tui.core.dense.gradcheck import Status
from backprop_tui.core.errors import UserError


@pytest.fixture(scope="module")
def real():
    try:
        return load_dataset(search_places())
    except UserError:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but the real Fashion-MNIST is unavailable")
        pytest.skip("real Fashion-MNIST not installed (sudo apt-get install dataset-fashion-mnist)")


def test_fashion_conv_steps_through_the_two_test_images_it_names(real):
    scenario = load_stepping_conv("fashion_conv")
    assert [CLASS_NAMES[label] for label in scenario.labels] == ["Ankle boot", "Pullover"]  # as its description says
    assert np.array_equal(scenario.x, to_input(real.test_images[[0, 1]], np.float64))
    assert scenario.y.argmax(axis=1).tolist() == [9, 2]
    it = conv_run.run(scenario, 1)[0]
    assert it.forward.patches[0].shape == (9, 2 * 28 * 28)
    steps = build_conv_steps(scenario, it)
    checks = [s.check for s in steps if s.check is not None]
    assert len(checks) == 10 and all(c.status in (Status.AGREES, Status.KINK) for c in checks)
