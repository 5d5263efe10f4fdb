"""The names the whole product shares: activations, losses, optimizers and scenario kinds.

Enums keyed by the words a scenario file uses (they are `StrEnum`s, so a member equals its
file spelling). The dense engine, the CNN and the views import these instead of spelling the
words again; display symbols are made from them by `render`, never compared as text.
"""

from __future__ import annotations

from enum import StrEnum


class ActivationName(StrEnum):
    """The element-wise activations f of a dense layer (softmax acts per column)."""

    STEP = "step"
    IDENTITY = "identity"
    SIGMOID = "sigmoid"
    TANH = "tanh"
    RELU = "relu"
    LEAKY_RELU = "leaky_relu"
    SOFTMAX = "softmax"


class LossName(StrEnum):
    """The losses E(ŷ, y), each averaged over the batch as PyTorch's default reduction does."""

    SQUARED_ERROR = "squared_error"
    MSE = "mse"
    CROSS_ENTROPY = "cross_entropy"
    BINARY_CROSS_ENTROPY = "binary_cross_entropy"


class ScenarioKind(StrEnum):
    """What a scenario file describes: a network to step through, or a CNN to train in batch."""

    DENSE = "dense"
    CNN = "cnn"


ACTIVATION_NAMES: tuple[str, ...] = tuple(ActivationName)
LOSS_NAMES: tuple[str, ...] = tuple(LossName)


class CnnOptimizerName(StrEnum):
    """The update rules of batch mode's CNN (`[training] optimizer` of a CNN scenario)."""

    SGD = "sgd"
    MOMENTUM = "momentum"
    ADAM = "adam"


class ScheduleName(StrEnum):
    """How batch mode's learning rate changes over the epochs (`[training] schedule`).

    The decay by `gamma` every `step_epochs` epochs is "step_decay", not "step": "step" is the
    dense threshold activation (and the stepper's unit of motion). Files and checkpoints written
    before the rename say "step"; `LEGACY_SCHEDULE_NAMES` maps them.
    """

    CONSTANT = "constant"
    STEP_DECAY = "step_decay"
    COSINE = "cosine"


LEGACY_SCHEDULE_NAMES: dict[str, ScheduleName] = {"step": ScheduleName.STEP_DECAY}
"""Old spellings of schedule names, still read from scenario files and checkpoints."""
