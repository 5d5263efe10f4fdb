"""The validated scenario as plain frozen dataclasses; arrays are float64 and never mutated."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from backprop_tui.core.vocab import OptimizerName, Phase
from backprop_tui.i18n import N_

UNTITLED = N_("Untitled scenario")
"""The title of a file that has none (translated where a title is shown, render.describe.scenario_title)."""

OPTIMIZERS: tuple[str, ...] = tuple(OptimizerName)
INITS = ("he", "xavier", "uniform")


@dataclass(frozen=True)
class Layer:
    """One dense layer: z = θᵀ·a + b, a' = f(z); θ is (inputs × units) as in the lecture."""

    units: int
    activation: str
    weights: np.ndarray
    bias: np.ndarray | None
    train_bias: bool = True
    weights_given: bool = True
    """False where the weights came from random init rather than the file."""


@dataclass(frozen=True)
class Training:
    optimizer: str = "gd"
    learning_rate: float = 0.1
    batch_size: int = 1
    momentum: float = 0.9
    iterations: int = 1


@dataclass(frozen=True)
class QuizSettings:
    """The scenario's `[quiz]` table: which phases the quiz asks, how many cells of each asked
    matrix, and how close a typed answer must be (the looser of `relative` and `absolute`)."""

    ask: tuple[Phase, ...] = tuple(Phase)
    cells: int | None = None
    """Cells asked per matrix, drawn with the scenario's seed; None asks every cell."""
    relative: float = 0.01
    """Right when |given − expected| ≤ relative·|expected| ..."""
    absolute: float = 0.005
    """... or when |given − expected| ≤ absolute (whichever is looser)."""


@dataclass(frozen=True)
class Variant:
    """A named override of the base scenario: training keys, activations or the init seed."""

    name: str
    description: str = ""
    training: dict = field(default_factory=dict)
    activations: tuple[str, ...] | None = None
    seed: int | None = None
    descriptions: dict[str, str] = field(default_factory=dict, compare=False)
    """The description in other interface languages, by language ("ko" from the table's
    description_ko), as a scenario's own; an empty one is left out, so `description` is shown."""


@dataclass(frozen=True)
class Scenario:
    title: str
    description: str
    seed: int
    inputs: int
    loss: str
    layers: tuple[Layer, ...]
    x: np.ndarray
    """Data inputs, one row per sample (m × inputs)."""
    y: np.ndarray
    """Targets, one row per sample (m × outputs)."""
    training: Training
    init: str = "xavier"
    variants: tuple[Variant, ...] = ()
    variant: str | None = None
    """The name of the variant applied, if any."""
    base: "Scenario | None" = field(default=None, repr=False, compare=False)
    """The scenario before `variant` was applied (variants apply to it, never stack)."""
    source: Path | None = None
    quiz: QuizSettings = QuizSettings()
    """What the app's quiz mode asks (the `[quiz]` table, or its defaults)."""
    titles: dict[str, str] = field(default_factory=dict, compare=False)
    """The title in other interface languages, by language ("ko" from the file's title_ko)."""
    descriptions: dict[str, str] = field(default_factory=dict, compare=False)
    """The description in other interface languages, by language (description_ko)."""

    @property
    def samples(self) -> int:
        return int(self.x.shape[0])

    @property
    def sizes(self) -> tuple[int, ...]:
        """Units per layer, inputs first: (2, 3, 1) for the lecture."""
        return (self.inputs, *(layer.units for layer in self.layers))

    def with_training(self, **changes: object) -> "Scenario":
        return replace(self, training=replace(self.training, **changes))
