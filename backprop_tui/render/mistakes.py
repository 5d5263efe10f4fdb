"""A diagnosed mistake in words, with the numbers it produces.

`sentence(diagnosis, step)` reads only the diagnosis's keys and numbers (core.dense.mistakes)
and spells them with render.notation: "your value is ∂E/∂ŷ itself: the sigmoid's derivative
σ′(z²) = 0.2358 is missing", "you added the gradient: the update subtracts it", "you used θ¹
where θ¹ᵀ belongs". The quiz and `grade` show the same sentences.
"""

from __future__ import annotations

from backprop_tui.core.dense import notation as n
from backprop_tui.core.dense.activations import ACTIVATIONS
from backprop_tui.core.dense.mistakes import Diagnosis, Mistake
from backprop_tui.core.dense.operation import OpKind
from backprop_tui.core.dense.steps import Step
from backprop_tui.core.vocab import ActivationName, Kind, Quantity, cell_name
from backprop_tui.render.notation import cell_symbol, number, sub, symbol

DIGITS = 4
"""Significant digits of the numbers a sentence quotes."""

_OWNER = {
    ActivationName.STEP: "the step function's",
    ActivationName.IDENTITY: "the identity's",
    ActivationName.SIGMOID: "the sigmoid's",
    ActivationName.TANH: "tanh's",
    ActivationName.RELU: "ReLU's",
    ActivationName.LEAKY_RELU: "the leaky ReLU's",
    ActivationName.SOFTMAX: "the softmax's",
}
"""Whose derivative, by activation, as a sentence says it."""


def sentence(diagnosis: Diagnosis, step: Step) -> str:
    """The mistake in words with the number it produces, e.g. "your value is ∂E/∂ŷ itself: the
    sigmoid's derivative σ′(z²) = 0.2358 is missing (δ²₁ = -0.3809 instead of -0.0898)".

    `step` is the step the diagnosis was asked about (it gives the result's shape, for naming
    cells as the tables show them). Where the mistake was made in an earlier result, the sentence
    says which one the value carries it from.
    """
    d = diagnosis
    text = _SAYS[d.mistake](d, _Names(d, step))
    if d.carried and not _local_details(d):
        text += f"; the mistake was made in {symbol(d.origin)} and carried on"
    return text


class _Names:
    """The symbols and numbers of one diagnosis, as a sentence quotes them."""

    def __init__(self, d: Diagnosis, step: Step) -> None:
        self.d = d
        self.shape = step.matrix(d.key).shape if step.has(d.key) else (d.cell[0] + 1, d.cell[1] + 1)
        producer = step.producer(d.key)
        self.function = producer.function if producer is not None else None

    def cell(self, key: Quantity, at: tuple[int, int] | None = None) -> str:
        """A cell as the chain rule writes it (z²₁, θ¹₁₂, σ′(z²)₁), or the bare symbol of a 1×1
        quantity; `used` cells in the shape of the used quantity."""
        d = self.d
        shape = d.used_shape if key == d.used and key != d.key and d.used_shape is not None else self.shape
        function = self.function if key == d.key else d.function
        if key.kind is Kind.FPRIME:
            name = symbol(key, function)
            return name if shape == (1, 1) else name + _index(cell_name(key, at or d.cell, shape).index)
        if shape == (1, 1):
            return symbol(key)
        return cell_symbol(cell_name(key, at if at is not None else d.cell, shape))

    @property
    def numbers(self) -> str:
        """(cell = what the mistake gives, instead of the right value)."""
        d = self.d
        return f"({self.cell(d.key)} = {num(d.value)} instead of {num(d.expected)})"


def _index(index: tuple[int, ...]) -> str:
    return "".join(sub(i + 1) for i in index) if max(index) < 9 else "[" + ",".join(str(i + 1) for i in index) + "]"


def num(value: float) -> str:
    """A number as a sentence quotes it."""
    return number(value, DIGITS)


def _local_details(d: Diagnosis) -> bool:
    return d.used is not None or d.factor is not None


def _sign(d: Diagnosis, names: _Names) -> str:
    if d.origin_kind is OpKind.DIFFERENCE:
        return (f"you computed {symbol(n.OUTPUT)} − {symbol(n.TARGET)} = {num(d.value)}: the step asks for "
                f"{symbol(n.RESIDUAL)} = {num(d.expected)}")
    if d.origin_kind in (OpKind.GD_UPDATE, OpKind.MOMENTUM_UPDATE):
        return f"you added the gradient: the update subtracts it {names.numbers}"
    return (f"the sign is flipped: the error enters as {symbol(n.OUTPUT)} − {symbol(n.TARGET)}, "
            f"not {symbol(n.RESIDUAL)} {names.numbers}")


def _missing_derivative(d: Diagnosis, names: _Names) -> str:
    owner = _OWNER.get(d.function, "the activation's") if d.function else "the activation's"
    if d.used is None:
        return f"the activation's derivative is missing {names.numbers}"
    if d.factor is None:
        return (f"your value is {symbol(d.used)} itself: {owner} derivative (its Jacobian) is missing "
                f"{names.numbers}")
    return (f"your value is {symbol(d.used)} itself: {owner} derivative {names.cell(d.factor)} = "
            f"{num(d.factor_value)} is missing {names.numbers}")


def _derivative_at(function: str | None, key: Quantity, names: _Names) -> str:
    """f′ written at any quantity, at the asked cell: σ′(a²) as well as σ′(z²)₁₂."""
    f = ACTIVATIONS[function].symbol if function else "f"
    at = "" if names.shape == (1, 1) else _index(cell_name(key, names.d.cell, names.shape).index)
    return f"{f}′({symbol(key)}){at}"


def _derivative_of_value(d: Diagnosis, names: _Names) -> str:
    if d.used is None or d.instead is None:
        return (f"you applied the activation's derivative to {symbol(n.OUTPUT)} instead of to the weighted sum "
                f"{names.numbers}")
    return (f"you applied the derivative to {names.cell(d.used)} = {num(d.used_value)} instead of "
            f"{names.cell(d.instead)} = {num(d.instead_value)}: {_derivative_at(d.function, d.used, names)} = "
            f"{num(d.factor_value)} where {_derivative_at(d.function, d.instead, names)} belongs {names.numbers}")


def _transpose(d: Diagnosis, names: _Names) -> str:
    if d.used_cell is not None:
        return (f"you gave {names.cell(d.key, d.used_cell)} = {num(d.value)}, the cell with row and column "
                f"swapped: {names.cell(d.key)} = {num(d.expected)} belongs")
    if d.used is not None and d.instead is not None:
        return f"you used {symbol(d.used)} where {symbol(d.instead)} belongs {names.numbers}"
    return f"a matrix was used the wrong way round (transposed) {names.numbers}"


def _learning_rate(d: Diagnosis, names: _Names) -> str:
    rate = f" {symbol(d.factor)} = {num(d.factor_value)}" if d.factor is not None else ""
    return f"you subtracted the whole gradient: the update scales it by the learning rate{rate} first {names.numbers}"


def _updated_weights(d: Diagnosis, names: _Names) -> str:
    if d.used is not None and d.instead is not None:
        return (f"you used {symbol(d.used)} where {symbol(d.instead)} belongs: the backward pass uses the weights "
                f"of the forward pass, before the update {names.numbers}")
    return (f"the backward pass used the already-updated weights where the weights of the forward pass belong "
            f"{names.numbers}")


def _batch_average(d: Diagnosis, names: _Names) -> str:
    m = d.samples
    if d.factor_value is not None and d.factor_value < 1:
        return (f"you divided by m = {m} again: δ already holds the batch's 1/m, so this sums over the "
                f"samples {names.numbers}")
    return (f"you summed over the batch where the mean belongs: your value is m = {m} times the right one "
            f"{names.numbers}")


def _half(d: Diagnosis, names: _Names) -> str:
    return f"you left out the ½ of the squared error ½·(y − ŷ)²: your value is twice the right one {names.numbers}"


def _velocity(d: Diagnosis, names: _Names) -> str:
    if d.factor is not None and d.factor_value is not None:
        carry = f"{symbol(n.MOMENTUM)}·{names.cell(d.factor)} = {num(d.factor_value)}"
        return (f"you used plain gradient descent: with momentum the step also carries the velocity, "
                f"{carry} {names.numbers}")
    return f"you used plain gradient descent: with momentum the step also carries the velocity {names.numbers}"


def _wrong_layer(d: Diagnosis, names: _Names) -> str:
    if d.used is None:
        return f"your value belongs to the neighbouring layer {names.numbers}"
    return (f"you used {names.cell(d.used)} = {num(d.value)}, the same quantity of the neighbouring layer: "
            f"{names.cell(d.key)} = {num(d.expected)} belongs")


_SAYS = {
    Mistake.SIGN_FLIPPED: _sign,
    Mistake.MISSING_ACTIVATION_DERIVATIVE: _missing_derivative,
    Mistake.DERIVATIVE_OF_ACTIVATION_VALUE: _derivative_of_value,
    Mistake.TRANSPOSE: _transpose,
    Mistake.MISSING_LEARNING_RATE: _learning_rate,
    Mistake.UPDATED_WEIGHTS_USED: _updated_weights,
    Mistake.MISSING_BATCH_AVERAGE: _batch_average,
    Mistake.MISSING_HALF: _half,
    Mistake.MOMENTUM_VELOCITY_FORGOTTEN: _velocity,
    Mistake.WRONG_LAYER: _wrong_layer,
}
assert set(_SAYS) == set(Mistake), "every mistake has its sentence"
