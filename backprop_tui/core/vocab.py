"""The names the whole product shares: activations, losses, the CNN's optimizers and schedules,
scenario kinds, phases, roles, moves, and the key of every quantity a step shows.

Enums keyed by the words a scenario file uses (they are `StrEnum`s, so a member equals its
file spelling). The dense engine, the CNN and the views import these instead of spelling the
words again; display symbols are made from them by `render`, never compared as text.

A `Quantity` (kind, layer, transposed) names a matrix of a step; its plain ASCII name
(`theta1`, `z2`, `dE_db1`, `theta1_T`, `b2_new` …) is what a user types, and
`parse_quantity`/`parse_cell` read it back. Layers count from 1 as in the lecture; cell indices
are 0-based inside and 1-based only in ASCII names and messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from backprop_tui.core.errors import UserError
from backprop_tui.i18n import Message, translated


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


class OptimizerName(StrEnum):
    """How the step-through engine updates (`[training] optimizer` of a dense scenario): plain
    gradient descent on all samples, on mini-batches, or mini-batches with the lecture's momentum."""

    GD = "gd"
    SGD = "sgd"
    MOMENTUM = "momentum"


class ScenarioKind(StrEnum):
    """What a scenario file describes: a network to step through, or a CNN to train in batch."""

    DENSE = "dense"
    CNN = "cnn"
    CONV = "conv"
    """A convolutional network to step through (`[network] input_shape`, typed `[[layer]]`s)."""


class LayerType(StrEnum):
    """The layer words of CNN scenarios, one vocabulary for batch mode (`[[model.layer]] type`)
    and the stepper (`[[layer]] type`; the stepper gives conv2d and dense layers their activation,
    so it takes no relu layer, and no dropout)."""

    CONV2D = "conv2d"
    RELU = "relu"
    MAXPOOL = "maxpool"
    FLATTEN = "flatten"
    DENSE = "dense"
    DROPOUT = "dropout"


STEPPED_LAYER_TYPES: tuple[str, ...] = (LayerType.CONV2D, LayerType.MAXPOOL, LayerType.FLATTEN, LayerType.DENSE)
"""The layer types a stepper scenario takes (a [[layer]] without type is dense)."""

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


# -- the stepper's vocabulary -------------------------------------------------------------------


class Phase(StrEnum):
    """The four phases of an iteration, in the order the lecture works them."""

    FORWARD = "forward"
    LOSS = "loss"
    BACKWARD = "backward"
    UPDATE = "update"

    @property
    def order(self) -> int:
        """0 for forward … 3 for update."""
        return list(Phase).index(self)


class Role(StrEnum):
    """What a step does with one of its matrices: reads it, or writes it (drawn bold)."""

    IN = "in"
    OUT = "out"


class Parameter(StrEnum):
    """Which trainable parameter of a layer a step (or the weight cursor) is about."""

    WEIGHTS = "weights"
    BIAS = "bias"


class Move(StrEnum):
    """The ways the learner moves through the steps (the app's keys name these)."""

    NEXT_STEP = "next_step"
    PREV_STEP = "prev_step"
    NEXT_PHASE = "next_phase"
    PREV_PHASE = "prev_phase"
    NEXT_ITERATION = "next_iteration"
    PREV_ITERATION = "prev_iteration"
    AHEAD = "ahead"
    BACK = "back"
    FIRST_STEP = "first_step"
    LAST_STEP = "last_step"


# -- quantities ---------------------------------------------------------------------------------


class Kind(StrEnum):
    """Which quantity a matrix holds. The value is the ASCII name with `{}` for the layer."""

    THETA = "theta{}"
    BIAS = "b{}"
    INPUT = "x"
    TARGET = "y"
    Z = "z{}"
    ACTIVATION = "a{}"
    """A hidden layer's output; the input layer's is INPUT (x), the last layer's OUTPUT (ŷ)."""
    OUTPUT = "yhat"
    RESIDUAL = "y_minus_yhat"
    LOSS = "E"
    DE_DYHAT = "dE_dyhat"
    DE_DA = "dE_da{}"
    FPRIME = "fprime{}"
    DELTA = "delta{}"
    DE_DTHETA = "dE_dtheta{}"
    DE_DB = "dE_db{}"
    LEARNING_RATE = "gamma"
    MOMENTUM = "mu"
    V_THETA = "v_theta{}"
    V_B = "v_b{}"
    V_THETA_NEW = "v_theta{}_new"
    V_B_NEW = "v_b{}_new"
    THETA_NEW = "theta{}_new"
    B_NEW = "b{}_new"
    PATCHES = "patches{}"
    """A convolution's patch matrix (im2col of its input): one column per output position."""
    DE_DPATCHES = "dE_dpatches{}"
    DE_DX = "dE_dx"
    """The gradient sent to the input image (a convolution at layer 1)."""

    @property
    def layered(self) -> bool:
        """Whether the quantity belongs to one layer (its ASCII name carries the layer number)."""
        return "{}" in self.value


_TRANSPOSED = "_T"
_NAME = re.compile(r"(?P<stem>[A-Za-z_]*?)(?P<layer>[0-9]*)(?P<new>_new)?")
_CELL = re.compile(r"(?P<name>[^\[\]]+?)\s*(?:\[\s*(?P<index>[^\]]*)\])?")
_BY_TEMPLATE = {kind.value: kind for kind in Kind}


class QuantityNameError(UserError, ValueError):
    """A typed quantity name (or cell) that names nothing: the message says what is accepted.

    Made with a Message; as text (str) it is that message in the interface language, since every
    caller shows it to the user (explain, grade, the handout's flags)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return translated(self.message)


@dataclass(frozen=True)
class Quantity:
    """The key of a matrix a step shows: which quantity, of which layer (1-based), transposed or not.

    Two matrices are the same quantity exactly when their keys are equal; display symbols are
    made from keys by `render.notation`, ASCII names by `ascii`.
    """

    kind: Kind
    layer: int | None = None
    transposed: bool = False

    def __post_init__(self) -> None:
        if self.kind.layered != (self.layer is not None):
            raise ValueError(f"{self.kind.name} {'needs' if self.kind.layered else 'has no'} layer, got {self.layer}")
        if self.layer is not None and self.layer < 1:
            raise ValueError(f"layers count from 1, got {self.layer}")

    @property
    def ascii(self) -> str:
        """The plain name a user types: theta1, theta1_T, z2, dE_db1, v_theta1_new, yhat, E."""
        name = self.kind.value.format(self.layer) if self.kind.layered else self.kind.value
        return name + (_TRANSPOSED if self.transposed else "")

    def transpose(self) -> "Quantity":
        """The same quantity, transposed (or back)."""
        return Quantity(self.kind, self.layer, not self.transposed)

    @property
    def stored(self) -> "Quantity":
        """The quantity as stored, untransposed."""
        return Quantity(self.kind, self.layer) if self.transposed else self

    def __str__(self) -> str:
        return self.ascii


def parse_quantity(text: str) -> Quantity:
    """The Quantity an ASCII name (`theta1`, `delta2_T`, `yhat`, `b1_new` …) names.

    Raises QuantityNameError, whose message names the text and the accepted forms.
    """
    name = text.strip()
    transposed = name.endswith(_TRANSPOSED)
    if transposed:
        name = name[: -len(_TRANSPOSED)]
    match = _NAME.fullmatch(name)
    if match is None or not name:
        raise QuantityNameError(_name_message(text))
    stem, digits, new = match["stem"], match["layer"], match["new"] or ""
    kind = _BY_TEMPLATE.get(stem + ("{}" if digits else "") + new)
    if kind is None:
        raise QuantityNameError(_name_message(text))
    layer = int(digits) if digits else None
    if layer is not None and layer < 1:
        raise QuantityNameError(Message("{text}: layers count from 1 (layer 1 is the first hidden layer; the "
                                        "input is x)", text=repr(text)))
    return Quantity(kind, layer, transposed)


@dataclass(frozen=True)
class Cell:
    """One cell of a quantity, or the whole of it: `index` is 0-based, () for the whole matrix.

    One index names a unit of a column vector (z1[2]); two name a row and a column (theta1[2,3]).
    """

    key: Quantity
    index: tuple[int, ...] = ()

    @property
    def ascii(self) -> str:
        """The typed form: z1[2], theta1[2,3] (1-based), or just the name for the whole matrix."""
        if not self.index:
            return self.key.ascii
        return f"{self.key.ascii}[{','.join(str(i + 1) for i in self.index)}]"

    def at(self, shape: tuple[int, int]) -> tuple[int, int]:
        """(row, column), 0-based, in a matrix of `shape`: one index only for a column vector.

        Raises QuantityNameError when the index does not fit the shape.
        """
        rows, cols = shape
        if len(self.index) == 1 and cols == 1:
            row, col = self.index[0], 0
        elif len(self.index) == 2:
            row, col = self.index
        else:
            slots = dict(cell=repr(self.ascii), name=self.key.ascii, rows=rows, cols=cols)
            raise QuantityNameError(
                Message("{cell}: {name} is {rows}×{cols}, so a cell is {name}[i] with i from 1 to {rows}", **slots)
                if cols == 1 else
                Message("{cell}: {name} is {rows}×{cols}, so a cell is {name}[i,j] with i from 1 to {rows} and j "
                        "from 1 to {cols}", **slots))
        if not (0 <= row < rows and 0 <= col < cols):
            raise QuantityNameError(Message("{cell}: {name} is {rows}×{cols}; the cell is outside it (indices count "
                                            "from 1)", cell=repr(self.ascii), name=self.key.ascii, rows=rows,
                                            cols=cols))
        return row, col


def cell_name(key: Quantity, cell: tuple[int, int], shape: tuple[int, int]) -> Cell:
    """The Cell a user would type for (row, column) of a matrix of `shape`: one index in a column vector."""
    row, col = cell
    return Cell(key, (row,) if shape[1] == 1 else (row, col))


def parse_cell(text: str) -> Cell:
    """A quantity with an optional 1-based cell: `z1`, `z1[2]`, `theta1[2,3]` → a 0-based Cell.

    Raises QuantityNameError with a message naming the text.
    """
    match = _CELL.fullmatch(text.strip())
    if match is None:
        raise QuantityNameError(_name_message(text))
    key = parse_quantity(match["name"])
    raw = match["index"]
    if raw is None:
        return Cell(key)
    parts = [part.strip() for part in raw.split(",")]
    if not 1 <= len(parts) <= 2 or not all(part.isdigit() for part in parts):
        raise QuantityNameError(Message("{text}: a cell is one or two whole numbers from 1 in brackets, such as "
                                        "z1[2] or theta1[2,3]", text=repr(text)))
    index = tuple(int(part) - 1 for part in parts)
    if min(index) < 0:
        raise QuantityNameError(Message("{text}: cells count from 1, as in the tables on screen", text=repr(text)))
    return Cell(key, index)


def _name_message(text: str) -> Message:
    examples = ", ".join(kind.value.format(1) for kind in Kind)
    return Message("{text} is not the name of a quantity. Names are {examples} (any layer number from 1 where one "
                   "is shown; add _T for a transpose, e.g. theta1_T), optionally with a cell counted from 1: z1[2] in "
                   "a column vector, theta1[2,3] in a matrix.", text=repr(text), examples=examples)
