"""Open batch mode's trained network in the stepper: one test image, float64, the checkpoint untouched.

Batch mode writes ReLU as a layer of its own; the stepper gives each conv2d and dense layer its
activation, so a relu right after one becomes that layer's activation, and the last dense layer's
softmax (batch mode folds it into the loss) becomes the output activation. Dropout is the identity
outside training and is left out. The update shown is one plain gradient-descent step with the
run's learning rate on this image alone; nothing is written back.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from backprop_tui.core.cnn.checkpoint import Checkpoint, load_checkpoint
from backprop_tui.core.cnn.config import CnnScenario
from backprop_tui.core.cnn.data import CLASS_NAMES, Place, load_dataset, places_to_load, to_input
from backprop_tui.core.errors import UserError
from backprop_tui.core.scenario.conv_model import (
    AnyLayer, ConvLayer, ConvScenario, FashionData, FlattenLayer, PoolLayer,
)
from backprop_tui.core.scenario.model import Layer, Training
from backprop_tui.core.vocab import ActivationName, LayerType, LossName, OptimizerName
from backprop_tui.i18n import Message, _


def stepper_layers(scenario: CnnScenario, params: dict[str, np.ndarray], file: str) -> tuple[AnyLayer, ...]:
    """Batch mode's layers and parameters as the stepper's, in float64.

    Raises UserError for what the stepper cannot step: a relu that does not follow a conv2d or
    dense layer, or a pool that does not divide its input (batch mode crops the rest).
    """
    layers: list[AnyLayer] = []
    shape: tuple[int, int, int] | int = scenario.input
    for number, spec in enumerate(scenario.layers, start=1):
        where = f"{file}: model.layer[{number}]"  # a file and a key path: the same in every language
        if spec.type == LayerType.CONV2D:
            c, h, w = shape
            weights = np.asarray(params[f"{number}.weight"], dtype=np.float64)
            out = (spec.filters, (h + 2 * spec.padding - spec.kernel) // spec.stride + 1,
                   (w + 2 * spec.padding - spec.kernel) // spec.stride + 1)
            layers.append(ConvLayer(spec.filters, spec.kernel, spec.stride, spec.padding, ActivationName.IDENTITY,
                                    weights, np.asarray(params[f"{number}.bias"], dtype=np.float64), shape, out))
            shape = out
        elif spec.type == LayerType.RELU:
            last = layers[-1] if layers else None
            if not isinstance(last, (ConvLayer, Layer)) or last.activation != ActivationName.IDENTITY:
                raise UserError(Message("{where}: a relu that does not follow a conv2d or dense layer cannot be "
                                        "stepped through (the stepper gives each of those layers its activation)",
                                        where=where))
            layers[-1] = _with_activation(last, ActivationName.RELU)
        elif spec.type == LayerType.MAXPOOL:
            c, h, w = shape
            if h % spec.size or w % spec.size:
                raise UserError(Message("{where}: a {pool} pool on {maps} maps drops the last rows or columns; the "
                                        "stepper steps only pools that divide their input", where=where,
                                        pool=f"{spec.size}×{spec.size}", maps=f"{h}×{w}"))
            layers.append(PoolLayer(spec.size, shape, (c, h // spec.size, w // spec.size)))
            shape = (c, h // spec.size, w // spec.size)
        elif spec.type == LayerType.FLATTEN:
            layers.append(FlattenLayer(shape))
            shape = int(np.prod(shape))
        elif spec.type == LayerType.DENSE:
            weights = np.asarray(params[f"{number}.weight"], dtype=np.float64)
            layers.append(Layer(spec.units, ActivationName.IDENTITY, weights,
                                np.asarray(params[f"{number}.bias"], dtype=np.float64)))
            shape = spec.units
        # dropout: the identity outside training
    layers[-1] = _with_activation(layers[-1], ActivationName.SOFTMAX)
    return tuple(layers)


def _with_activation(layer: ConvLayer | Layer, activation: str) -> ConvLayer | Layer:
    from dataclasses import replace

    return replace(layer, activation=activation)


def _test_set(run: Checkpoint, places: list[Place] | None) -> tuple[np.ndarray, np.ndarray]:
    """The test images and labels: from the folder the run trained on when it is still there
    (checked by content against the checkpoint's record), else found as batch mode finds them."""
    if places is None and run.data is not None and Path(run.data.folder).is_dir():
        data = load_dataset([Place(_("the run's data"), Path(run.data.folder))], verify=False)
        differing = data.record().differing(run.data)
        if differing:
            raise UserError(Message("{folder}: {files} differ from the data the run trained on; pass the folder it "
                                    "trained on with $FASHION_MNIST_DIR", folder=run.data.folder,
                                    files=", ".join(differing)))
    else:
        data = load_dataset(places if places is not None else places_to_load())
    return data.test_images, data.test_labels


def checkpoint_scenario(path: str | Path, image: int, places: list[Place] | None = None) -> ConvScenario:
    """A convolutional stepper scenario of the checkpoint's network on test image `image` (0-based,
    the number `predict` and the training screen show). The checkpoint is only read.

    Raises UserError for a bad checkpoint, missing data, an image number outside the test set, or
    a network the stepper cannot step (see stepper_layers).
    """
    path = Path(path)
    run = load_checkpoint(path)
    images, labels = _test_set(run, places)
    if not 0 <= image < len(images):
        raise UserError(Message("--image {image}: the test set has images 0 to {last}", image=image,
                                last=len(images) - 1))
    layers = stepper_layers(run.scenario, run.params, path.name)
    label = int(labels[image])
    x = to_input(images[image:image + 1], np.float64)
    y = np.eye(len(CLASS_NAMES))[[label]]
    rate = float(run.scenario.training.learning_rate)
    # the scenario's own title and description are Messages, said in the interface language where
    # they are drawn (render.describe), so K switches them as it does every other text on screen
    description = Message("The network trained by batch mode ({done} of {epochs} epochs) on test image {image} "
                          "(labelled {label}): its forward pass, its loss, one backward pass and one gradient-descent "
                          "update with the run's learning rate {rate}, in float64. {file} is only read; nothing is "
                          "written back.", done=run.state.epoch, epochs=run.scenario.training.epochs, image=image,
                          label=CLASS_NAMES[label], rate=f"{rate:g}", file=path.name)
    title = Message("{file}: test image {image} ({label})", file=path.name, image=image, label=CLASS_NAMES[label])
    return ConvScenario(
        title=title, description=description,
        seed=run.scenario.seed, input_shape=tuple(run.scenario.input), loss=LossName.CROSS_ENTROPY,
        layers=layers, x=x, y=y, training=Training(OptimizerName.GD, rate, 1, 0.9, 1),
        fashion=FashionData("test", (image,)), labels=(label,), source=path)
