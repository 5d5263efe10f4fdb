"""A convolutional network to step through, as validated frozen dataclasses (arrays are float64).

Its layers use batch mode's layer words (core/cnn/config.py: conv2d, maxpool, flatten, dense);
a `[[layer]]` without `type` is dense, as in every dense scenario. Images are (C, H, W) per
sample: channels, height, width.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from backprop_tui.core.scenario.model import Layer, QuizSettings, Training

Shape3 = tuple[int, int, int]


@dataclass(frozen=True)
class ConvLayer:
    """conv2d: `filters` square `kernel`×`kernel` filters over every input channel, with stride and
    zero padding; weights are filters × channels × kernel × kernel (PyTorch's and batch mode's
    layout); the output is filters × Ho × Wo, Ho = (H + 2·padding − kernel)//stride + 1."""

    filters: int
    kernel: int
    stride: int
    padding: int
    activation: str
    weights: np.ndarray
    bias: np.ndarray | None
    input_shape: Shape3
    output_shape: Shape3
    weights_given: bool = True

    @property
    def theta(self) -> np.ndarray:
        """The filters as the lecture's θ: (C·k·k) × F, one column per filter (inputs × units)."""
        return self.weights.reshape(self.filters, -1).T


@dataclass(frozen=True)
class PoolLayer:
    """maxpool: the maximum of each non-overlapping `size`×`size` window, channel by channel."""

    size: int
    input_shape: Shape3
    output_shape: Shape3
    activation: str = "maxpool"
    """The layer's function, as a trace's header names it (pooling has no activation)."""


@dataclass(frozen=True)
class FlattenLayer:
    """flatten: C × H × W to one column of C·H·W values in channel, row, column order."""

    input_shape: Shape3
    activation: str = "flatten"

    @property
    def units(self) -> int:
        """C·H·W, the values per sample after flattening."""
        c, h, w = self.input_shape
        return c * h * w


AnyLayer = ConvLayer | PoolLayer | FlattenLayer | Layer


@dataclass(frozen=True)
class FashionData:
    """`[data] fashion_mnist = { split, indices }`: real images, 0-based indices into the split."""

    split: str
    indices: tuple[int, ...]


@dataclass(frozen=True)
class ConvScenario:
    """A whole convolutional scenario. `x` is m × C × H × W, `y` m × outputs (one-hot for the
    data set's images); with `fashion` set and the images not yet read, x and y are None."""

    title: str
    description: str
    seed: int
    input_shape: Shape3
    loss: str
    layers: tuple[AnyLayer, ...]
    x: np.ndarray | None
    y: np.ndarray | None
    training: Training
    init: str = "xavier"
    fashion: FashionData | None = None
    labels: tuple[int, ...] = ()
    """The data set's labels of the images (empty for inline data)."""
    source: Path | None = None
    variants: tuple = field(default=(), repr=False)
    """Convolutional scenarios have no variants; kept so views that list them see none."""
    variant: str | None = None
    quiz: QuizSettings = field(default_factory=QuizSettings)
    """The `[quiz]` table, as in dense scenarios."""
    titles: dict[str, str] = field(default_factory=dict, compare=False)
    """The title in other interface languages, by language ("ko" from the file's title_ko), as in dense scenarios."""
    descriptions: dict[str, str] = field(default_factory=dict, compare=False)
    """The description in other interface languages, by language (description_ko)."""

    @property
    def samples(self) -> int:
        """How many samples the data holds (the image numbers named, before they are read)."""
        return int(self.x.shape[0]) if self.x is not None else len(self.fashion.indices) if self.fashion else 0

    @property
    def sizes(self) -> tuple[str, ...]:
        """Each layer's output shape as text, the input first: ("1×6×6", "2×4×4", …, "3")."""
        shapes = ["×".join(map(str, self.input_shape))]
        for layer in self.layers:
            if isinstance(layer, (ConvLayer, PoolLayer)):
                shapes.append("×".join(map(str, layer.output_shape)))
            else:
                shapes.append(str(layer.units))
        return tuple(shapes)
