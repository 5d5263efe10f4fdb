"""A diagnosed mistake in words, with the numbers it produces.

`sentence(diagnosis, step)` reads only the diagnosis's keys and numbers (core.dense.mistakes)
and spells them with render.notation: "your value is ∂E/∂ŷ itself: the sigmoid's derivative
σ′(z²) = 0.2358 is missing", "you added the gradient: the update subtracts it", "you used θ¹
where θ¹ᵀ belongs". The quiz and `grade` show the same sentences.
"""

from __future__ import annotations

from dataclasses import dataclass

from backprop_tui.core.dense import notation as n
from backprop_tui.core.dense.activations import ACTIVATIONS
from backprop_tui.core.dense.mistakes import Diagnosis, Mistake
from backprop_tui.core.dense.operation import OpKind
from backprop_tui.core.dense.steps import Step
from backprop_tui.core.vocab import ActivationName, Kind, Quantity, cell_name
from backprop_tui.i18n import N_, _
from backprop_tui.render.notation import cell_symbol, number, sub, symbol

DIGITS = 4
"""Significant digits of the numbers a sentence quotes."""

_OWNER = {
    ActivationName.STEP: N_("the step function's derivative"),
    ActivationName.IDENTITY: N_("the identity's derivative"),
    ActivationName.SIGMOID: N_("the sigmoid's derivative"),
    ActivationName.TANH: N_("tanh's derivative"),
    ActivationName.RELU: N_("ReLU's derivative"),
    ActivationName.LEAKY_RELU: N_("the leaky ReLU's derivative"),
    ActivationName.SOFTMAX: N_("the softmax's derivative"),
}
"""Whose derivative, by activation, as a sentence says it (translated where drawn)."""
_ANY_OWNER = N_("the activation's derivative")


def sentence(diagnosis: Diagnosis, step: Step) -> str:
    """The mistake in words with the number it produces, e.g. "your value is ∂E/∂ŷ itself: the
    sigmoid's derivative σ′(z²) = 0.2358 is missing (δ²₁ = -0.3809 instead of -0.0898)".

    `step` is the step the diagnosis was asked about (it gives the result's shape, for naming
    cells as the tables show them). Where the mistake was made in an earlier result, the sentence
    says which one the value carries it from.
    """
    return Said.of(diagnosis, step).text()


@dataclass(frozen=True)
class Said:
    """What a sentence needs of a diagnosis and its step (the result's shape, the function that
    produced it), kept so the sentence can be said again in another language after the step is
    gone (the app's K switches the language of a quiz's answers too)."""

    diagnosis: Diagnosis
    shape: tuple[int, int]
    function: str | None

    @staticmethod
    def of(diagnosis: Diagnosis, step: Step) -> Said:
        """The diagnosis with what `step` (the one it was asked about) tells of its result."""
        d = diagnosis
        shape = step.matrix(d.key).shape if step.has(d.key) else (d.cell[0] + 1, d.cell[1] + 1)
        producer = step.producer(d.key)
        return Said(d, (int(shape[0]), int(shape[1])), producer.function if producer is not None else None)

    def text(self) -> str:
        """The sentence in the current language."""
        return _text(self.diagnosis, _Names(self.diagnosis, self.shape, self.function))


def _text(d: Diagnosis, names: _Names) -> str:
    text = _SAYS[d.mistake](d, names)
    if d.carried and not _local_details(d):
        text = _("{sentence}; the mistake was made in {origin} and carried on").format(
            sentence=text, origin=symbol(d.origin))
    return text


class _Names:
    """The symbols and numbers of one diagnosis, as a sentence quotes them."""

    def __init__(self, d: Diagnosis, shape: tuple[int, int], function: str | None) -> None:
        self.d = d
        self.shape = shape
        self.function = function

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
        return _("({cell} = {value} instead of {expected})").format(
            cell=self.cell(d.key), value=num(d.value), expected=num(d.expected))


def _index(index: tuple[int, ...]) -> str:
    return "".join(sub(i + 1) for i in index) if max(index) < 9 else "[" + ",".join(str(i + 1) for i in index) + "]"


def num(value: float) -> str:
    """A number as a sentence quotes it."""
    return number(value, DIGITS)


def _local_details(d: Diagnosis) -> bool:
    return d.used is not None or d.factor is not None


def _sign(d: Diagnosis, names: _Names) -> str:
    if d.origin_kind is OpKind.DIFFERENCE:
        return _("you computed {output} − {target} = {value}: the step asks for {residual} = {expected}").format(
            output=symbol(n.OUTPUT), target=symbol(n.TARGET), value=num(d.value), residual=symbol(n.RESIDUAL),
            expected=num(d.expected))
    if d.origin_kind in (OpKind.GD_UPDATE, OpKind.MOMENTUM_UPDATE):
        return _("you added the gradient: the update subtracts it {numbers}").format(numbers=names.numbers)
    return _("the sign is flipped: the error enters as {output} − {target}, not {residual} {numbers}").format(
        output=symbol(n.OUTPUT), target=symbol(n.TARGET), residual=symbol(n.RESIDUAL), numbers=names.numbers)


def _missing_derivative(d: Diagnosis, names: _Names) -> str:
    owner = _(_OWNER.get(d.function, _ANY_OWNER) if d.function else _ANY_OWNER)
    if d.used is None:
        return _("the activation's derivative is missing {numbers}").format(numbers=names.numbers)
    if d.factor is None:
        return _("your value is {used} itself: {derivative} (its Jacobian) is missing {numbers}").format(
            used=symbol(d.used), derivative=owner, numbers=names.numbers)
    return _("your value is {used} itself: {derivative} {factor} = {factor_value} is missing {numbers}").format(
        used=symbol(d.used), derivative=owner, factor=names.cell(d.factor), factor_value=num(d.factor_value),
        numbers=names.numbers)


def _derivative_at(function: str | None, key: Quantity, names: _Names) -> str:
    """f′ written at any quantity, at the asked cell: σ′(a²) as well as σ′(z²)₁₂."""
    f = ACTIVATIONS[function].symbol if function else "f"
    at = "" if names.shape == (1, 1) else _index(cell_name(key, names.d.cell, names.shape).index)
    return f"{f}′({symbol(key)}){at}"


def _derivative_of_value(d: Diagnosis, names: _Names) -> str:
    if d.used is None or d.instead is None:
        return _("you applied the activation's derivative to {output} instead of to the weighted sum "
                 "{numbers}").format(output=symbol(n.OUTPUT), numbers=names.numbers)
    return _("you applied the derivative to {used} = {used_value} instead of {instead} = {instead_value}: "
             "{wrong} = {factor_value} where {right} belongs {numbers}").format(
        used=names.cell(d.used), used_value=num(d.used_value), instead=names.cell(d.instead),
        instead_value=num(d.instead_value), wrong=_derivative_at(d.function, d.used, names),
        factor_value=num(d.factor_value), right=_derivative_at(d.function, d.instead, names), numbers=names.numbers)


def _transpose(d: Diagnosis, names: _Names) -> str:
    if d.used_cell is not None:
        return _("you gave {given} = {value}, the cell with row and column swapped: {cell} = {expected} "
                 "belongs").format(given=names.cell(d.key, d.used_cell), value=num(d.value), cell=names.cell(d.key),
                                   expected=num(d.expected))
    if d.used is not None and d.instead is not None:
        return _("you used {used} where {instead} belongs {numbers}").format(
            used=symbol(d.used), instead=symbol(d.instead), numbers=names.numbers)
    return _("a matrix was used the wrong way round (transposed) {numbers}").format(numbers=names.numbers)


def _learning_rate(d: Diagnosis, names: _Names) -> str:
    if d.factor is None:
        return _("you subtracted the whole gradient: the update scales it by the learning rate first "
                 "{numbers}").format(numbers=names.numbers)
    return _("you subtracted the whole gradient: the update scales it by the learning rate {rate} = {rate_value} "
             "first {numbers}").format(rate=symbol(d.factor), rate_value=num(d.factor_value), numbers=names.numbers)


def _updated_weights(d: Diagnosis, names: _Names) -> str:
    if d.used is not None and d.instead is not None:
        return _("you used {used} where {instead} belongs: the backward pass uses the weights of the forward "
                 "pass, before the update {numbers}").format(used=symbol(d.used), instead=symbol(d.instead),
                                                             numbers=names.numbers)
    return _("the backward pass used the already-updated weights where the weights of the forward pass belong "
             "{numbers}").format(numbers=names.numbers)


def _batch_average(d: Diagnosis, names: _Names) -> str:
    m = d.samples
    if d.factor_value is not None and d.factor_value < 1:
        return _("you divided by m = {m} again: δ already holds the batch's 1/m, so this sums over the "
                 "samples {numbers}").format(m=m, numbers=names.numbers)
    return _("you summed over the batch where the mean belongs: your value is m = {m} times the right one "
             "{numbers}").format(m=m, numbers=names.numbers)


def _half(d: Diagnosis, names: _Names) -> str:
    return _("you left out the ½ of the squared error ½·(y − ŷ)²: your value is twice the right one "
             "{numbers}").format(numbers=names.numbers)


def _velocity(d: Diagnosis, names: _Names) -> str:
    if d.factor is not None and d.factor_value is not None:
        carry = f"{symbol(n.MOMENTUM)}·{names.cell(d.factor)} = {num(d.factor_value)}"
        return _("you used plain gradient descent: with momentum the step also carries the velocity, "
                 "{carry} {numbers}").format(carry=carry, numbers=names.numbers)
    return _("you used plain gradient descent: with momentum the step also carries the velocity "
             "{numbers}").format(numbers=names.numbers)


def _wrong_layer(d: Diagnosis, names: _Names) -> str:
    if d.used is None:
        return _("your value belongs to the neighbouring layer {numbers}").format(numbers=names.numbers)
    return _("you used {used} = {value}, the same quantity of the neighbouring layer: {cell} = {expected} "
             "belongs").format(used=names.cell(d.used), value=num(d.value), cell=names.cell(d.key),
                               expected=num(d.expected))


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
