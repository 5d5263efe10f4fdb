"""Scenario files for the TUI tests, written to temporary folders the way a learner would save them."""

from __future__ import annotations

from pathlib import Path

import pytest

from backprop_tui.core.scenario.bundled import resolve

DIVERGING = """\
title = "Diverging: a learning rate far too large"
seed = 0

[network]
inputs = 2
loss = "squared_error"

[[layer]]
units = 2
activation = "identity"
weights = [[0.5, -0.3], [0.2, 0.8]]

[[layer]]
units = 1
activation = "identity"
weights = [[0.7], [0.4]]

[data]
inputs  = [[1.0, 2.0], [2.0, 1.0]]
targets = [[3.0], [1.0]]

[training]
optimizer = "gd"
learning_rate = 1e6
batch_size = 2
iterations = 5
"""


@pytest.fixture
def lecture_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled lecture scenario."""
    path = tmp_path / "lecture.toml"
    path.write_text(resolve("lecture").read_text(encoding="utf-8"), encoding="utf-8")
    return path


@pytest.fixture
def diverging(tmp_path: Path) -> Path:
    path = tmp_path / "diverging.toml"
    path.write_text(DIVERGING, encoding="utf-8")
    return path
