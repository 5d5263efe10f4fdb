"""Read the real Fashion-MNIST images a convolutional scenario names (`[data] fashion_mnist`).

The data set is found the way batch mode finds it (core.cnn.data: --data-dir, $FASHION_MNIST_DIR,
the cache, Debian's folder …) and the pixels are standardised as batch mode trains on them, in
float64. A missing data set is batch mode's message: where it looked and how to fetch it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from backprop_tui.core.cnn.data import CLASS_NAMES, Place, load_dataset, places_to_load, to_input
from backprop_tui.core.errors import UserError
from backprop_tui.i18n import Message
from backprop_tui.core.scenario.conv_load import load_conv
from backprop_tui.core.scenario.conv_model import ConvScenario


def with_images(scenario: ConvScenario, places: list[Place] | None = None) -> ConvScenario:
    """The scenario with its Fashion-MNIST images (1 × 28 × 28, standardised) and one-hot labels
    read in; a scenario with inline data is returned as it is.

    Raises UserError naming the scenario file, where the data was looked for and how to get it.
    """
    if scenario.fashion is None or scenario.x is not None:
        return scenario
    try:
        dataset = load_dataset(places if places is not None else places_to_load())
    except UserError as error:
        file = scenario.source.name if scenario.source else Message("scenario")
        problem = error.args[0] if len(error.args) == 1 and isinstance(error.args[0], Message) else str(error)
        raise UserError(Message("{file}: data.fashion_mnist: {problem}", file=file, problem=problem)) from None
    images, labels = ((dataset.test_images, dataset.test_labels) if scenario.fashion.split == "test"
                      else (dataset.train_images, dataset.train_labels))
    chosen = np.array(scenario.fashion.indices)
    x = to_input(images[chosen], np.float64)
    y = np.eye(len(CLASS_NAMES))[labels[chosen]]
    return replace(scenario, x=x, y=y, labels=tuple(int(v) for v in labels[chosen]))


def load_stepping_conv(name_or_path: str | Path, places: list[Place] | None = None) -> ConvScenario:
    """Load a convolutional scenario and the images it names (see `with_images`)."""
    return with_images(load_conv(name_or_path), places)
