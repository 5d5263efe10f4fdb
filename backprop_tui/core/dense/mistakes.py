"""Which known mistake a wrong number is: each recognised by recomputing the steps under it.

Learners' questions show the same few mistakes again and again (issue 11): the activation's
derivative forgotten, a sign flipped, a transpose missing or extra, the learning rate forgotten,
the new weights used where the old belong, the batch's 1/m forgotten (or applied twice), the
½ of the squared error left out, momentum's velocity forgotten, a neighbouring layer's value.

Nothing here is a hard-coded number. Each mistake is an alteration of one kind of operation
(`operation.OpKind`): `diagnose` replays the iteration's operations from its inputs, with the
mistake made where it can be made (at the asked step alone, at one earlier step and carried on,
or everywhere), and compares the asked cell with the given number. Two mistakes read a cell
instead of recomputing one: a transposed cell ([j, i] for [i, j]) and the same quantity of the
neighbouring layer. When two mistakes give the same number, the one earlier in `PRIORITY` is
named (the more likely one; tests/core/test_mistakes.py pins the choices).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from backprop_tui.core.dense import notation as n
from backprop_tui.core.dense.activations import ACTIVATIONS, sigmoid, softmax, softmax_backward
from backprop_tui.core.dense.losses import LOSSES
from backprop_tui.core.dense.operation import OpKind, Operation
from backprop_tui.core.dense.replay import Values, evaluate, replay, shown_values
from backprop_tui.core.dense.steps import Step
from backprop_tui.core.vocab import Kind, LossName, Phase, Quantity


class Mistake(StrEnum):
    """The mistakes recognised; each value is the code the quiz and `grade` write in JSON."""

    MISSING_ACTIVATION_DERIVATIVE = "missing_activation_derivative"
    DERIVATIVE_OF_ACTIVATION_VALUE = "derivative_of_activation_value"
    SIGN_FLIPPED = "sign_flipped"
    TRANSPOSE = "transpose"
    MISSING_LEARNING_RATE = "missing_learning_rate"
    UPDATED_WEIGHTS_USED = "updated_weights_used"
    MISSING_BATCH_AVERAGE = "missing_batch_average"
    MISSING_HALF = "missing_half"
    MOMENTUM_VELOCITY_FORGOTTEN = "momentum_velocity_forgotten"
    WRONG_LAYER = "wrong_layer"


PRIORITY: tuple[Mistake, ...] = (
    Mistake.SIGN_FLIPPED,
    Mistake.MISSING_ACTIVATION_DERIVATIVE,
    Mistake.DERIVATIVE_OF_ACTIVATION_VALUE,
    Mistake.MISSING_LEARNING_RATE,
    Mistake.MOMENTUM_VELOCITY_FORGOTTEN,
    Mistake.MISSING_BATCH_AVERAGE,
    Mistake.MISSING_HALF,
    Mistake.TRANSPOSE,
    Mistake.UPDATED_WEIGHTS_USED,
    Mistake.WRONG_LAYER,
)
"""The order in which mistakes are tried: where two give the same number, the earlier is named.

The batch's 1/m comes before the ½ (with m = 2 both double ∂E/∂ŷ): the issue's sources name the
forgotten 1/m among the most frequent mistakes, and a sheet that kept the ½ in E shows it.
A wrong layer comes last: any number can equal some neighbouring cell by chance.
"""


@dataclass(frozen=True)
class Tolerance:
    """When a typed number counts as the value: within `relative` of it or within `absolute`,
    whichever is looser (issue 11's default: 1% or 0.005)."""

    relative: float = 0.01
    absolute: float = 0.005

    def accepts(self, given: float, expected: float) -> bool:
        """Whether `given` counts as `expected`; a non-finite value accepts only itself (NaN nothing)."""
        if not (math.isfinite(given) and math.isfinite(expected)):
            return given == expected
        return abs(given - expected) <= max(self.absolute, self.relative * abs(expected))


@dataclass(frozen=True)
class Diagnosis:
    """A wrong number named as a mistake, with the numbers a sentence about it needs (keys, not text).

    `origin` is the result of the operation where the mistake was made: the asked `key` itself,
    or an earlier result whose wrong value the asked one carries on.
    """

    mistake: Mistake
    value: float
    """What the mistake gives at the asked cell."""
    key: Quantity
    cell: tuple[int, int]
    """0-based (row, column) of the asked cell."""
    expected: float
    origin: Quantity
    origin_kind: OpKind
    samples: int = 1
    """m, the columns of the batch."""
    used: Quantity | None = None
    """What was used in the mistake's place: θ¹ for θ¹ᵀ, θ² new for θ², a² for z², δ¹ for δ²."""
    used_shape: tuple[int, int] | None = None
    """The shape of `used` (a neighbouring layer's quantity may differ from the asked one's)."""
    used_cell: tuple[int, int] | None = None
    """The cell of `used` that was read, where it is not the asked cell (a transposed cell)."""
    used_value: float | None = None
    instead: Quantity | None = None
    """What belongs where `used` was used."""
    instead_value: float | None = None
    factor: Quantity | None = None
    """The factor left out or wrongly scaled: f′(z²), γ, v, or None where a number says it."""
    factor_value: float | None = None
    """The factor's value at the cell (f′, γ, μ·v), or the scale of the mistake: m, 1/m, 2."""
    function: str | None = None
    """The activation whose derivative is concerned, by its file name."""

    @property
    def carried(self) -> bool:
        """True when the mistake was made in an earlier result and the asked one carries it."""
        return self.origin != self.key


def diagnose(steps: Sequence[Step], index: int, key: Quantity, cell: tuple[int, int],
             given: float, tolerance: Tolerance = Tolerance()) -> Diagnosis | None:
    """The known mistake that gives `given` at `cell` of `key`, or None.

    steps: one iteration's steps in order (Stepper.steps_of(i)); index: the step asked; key/cell:
    the asked result cell (0-based, as explain() takes it). None when `given` is right (within
    `tolerance`), or matches no known mistake. Each mistake is found by recomputing the steps'
    operations under that mistake (never by hard-coded numbers); a mistake that gives the right
    value here (γ = 1, a zero velocity, m = 1) is not named. Raises KeyError when steps[index]
    does not compute `key`, IndexError when the cell lies outside it.
    """
    step = steps[index]
    if step.producer(key) is None:
        raise KeyError(f"step {index + 1} does not compute {key.ascii}")
    shown = step.matrix(key).values
    i, j = cell
    if not (0 <= i < shown.shape[0] and 0 <= j < shown.shape[1]):
        raise IndexError(f"{key.ascii} is {shown.shape[0]}×{shown.shape[1]}; no cell ({i + 1}, {j + 1})")
    expected = float(shown[i, j])
    if tolerance.accepts(given, expected) or not math.isfinite(given):
        return None
    context = _Context(steps, index, key, cell, expected)
    with np.errstate(all="ignore"):  # a mistake may overflow where the right numbers do not
        for mistake in PRIORITY:
            for diagnosis in _CANDIDATES[mistake](context):
                if tolerance.accepts(given, diagnosis.value) and not tolerance.accepts(diagnosis.value, expected):
                    return diagnosis
    return None


def mistaken_value(steps: Sequence[Step], index: int, key: Quantity, cell: tuple[int, int],
                   mistake: Mistake) -> float | None:
    """The first number `mistake` gives at the cell (as `diagnose` tries them), or None where it
    cannot be made here or gives the right value. For building exercises with a known mistake."""
    step = steps[index]
    expected = float(step.matrix(key).values[cell])
    context = _Context(steps, index, key, cell, expected)
    exact = Tolerance(0.0, 0.0)
    with np.errstate(all="ignore"):
        return next((d.value for d in _CANDIDATES[mistake](context) if not exact.accepts(d.value, expected)), None)


# -- the asked cell and the replays ---------------------------------------------------------------


class _Context:
    """One asked cell: the steps, the values they show, and the constants the mistakes need."""

    def __init__(self, steps: Sequence[Step], index: int, key: Quantity, cell: tuple[int, int],
                 expected: float) -> None:
        self.steps, self.index, self.key, self.cell, self.expected = steps, index, key, cell, expected
        self.shown = shown_values(steps)
        self.samples = int(self.shown[n.TARGET].shape[1]) if n.TARGET in self.shown else 1
        self.layers = max((s.layer or 0) for s in steps)

    def sites(self) -> list[tuple[int, int]]:
        """(step, operation) positions of every operation up to the asked step, in order."""
        return [(s, k) for s in range(self.index + 1) for k in range(len(self.steps[s].operations))]

    def diagnosis(self, mistake: Mistake, value: float, origin: Quantity, origin_kind: OpKind,
                  **details: object) -> Diagnosis:
        return Diagnosis(mistake, value, self.key, self.cell, self.expected, origin, origin_kind,
                         self.samples, **details)  # type: ignore[arg-type]


Alteration = Callable[[Operation, Step, Values, _Context], tuple[np.ndarray, ...] | None]
"""An operation's results under a mistake, from the (replayed) values; None where the mistake
cannot be made in this operation."""


def _replay(context: _Context, alteration: Alteration, at: frozenset[tuple[int, int]]) -> Values:
    """The values of the iteration's steps up to the asked one, with `alteration` made at the
    (step, operation) positions `at` and every other operation done right on what came before."""
    def altered(s: int, k: int, op: Operation, step: Step, values: Values) -> tuple[np.ndarray, ...] | None:
        return alteration(op, step, values, context) if (s, k) in at else None

    return replay(context.steps, context.index, context.shown, altered)


def _replayed(mistake: Mistake, alteration: Alteration, context: _Context,
              details: Callable[[Operation, Step, _Context], dict[str, object]] | None = None
              ) -> Iterator[Diagnosis]:
    """Diagnoses from replays: the mistake made at the asked step alone, at each earlier place it
    can be made alone (nearest first), then at every place it can be made."""
    possible = [(s, k) for s, k in context.sites()
                if alteration(context.steps[s].operations[k], context.steps[s], context.shown, context) is not None]
    if not possible:
        return
    variants = [frozenset({site}) for site in reversed(possible)]
    if len(possible) > 1:
        variants.append(frozenset(possible))
    i, j = context.cell
    for at in variants:
        values = _replay(context, alteration, at)
        result = values.get(context.key)
        if result is None or result.shape != context.shown[context.key].shape:
            continue
        s, k = max(at)
        op = context.steps[s].operations[k]
        origin = context.key if context.key in op.results else op.result
        # an earlier step's cells need not line up with the asked one: its details stay unnamed
        extra = details(op, context.steps[s], context) if details is not None and s == context.index else {}
        yield context.diagnosis(mistake, float(result[i, j]), origin, op.kind, **extra)


# -- the mistakes ---------------------------------------------------------------------------------

_OUTPUT_DELTAS = (OpKind.SOFTMAX_CE_DELTA, OpKind.SIGMOID_BCE_DELTA)
_UPDATES = (OpKind.GD_UPDATE, OpKind.MOMENTUM_UPDATE)


def _at_output(op: Operation) -> bool:
    """An operation that takes ∂E/∂ŷ itself (the output layer's δ)."""
    return bool(op.operands) and op.operands[0].kind is Kind.DE_DYHAT


def _update(op: Operation, values: Values, gradient: np.ndarray, rate: float | None = None,
            momentum: bool = True) -> tuple[np.ndarray, ...]:
    """An update's results from a (mistaken) gradient, learning rate or velocity."""
    p, _, rate_key = op.operands[:3]
    gamma = values[rate_key][0, 0] if rate is None else rate
    if op.kind is OpKind.GD_UPDATE:
        return (values[p] - gamma * gradient,)
    mu, velocity = values[op.operands[3]][0, 0], values[op.operands[4]]
    new_velocity = (mu * velocity if momentum else 0.0) - gamma * gradient
    return (new_velocity, values[p] + new_velocity)


def _sign_flipped(op: Operation, step: Step, values: Values, context: _Context) -> tuple[np.ndarray, ...] | None:
    if op.kind is OpKind.DIFFERENCE:  # ŷ − y where y − ŷ is asked
        return tuple(-r for r in evaluate(op, values))
    if op.kind in (OpKind.LOSS_GRADIENT, *_OUTPUT_DELTAS) or (
            op.kind in (OpKind.HADAMARD, OpKind.SOFTMAX_BACKWARD) and _at_output(op)):
        return tuple(-r for r in evaluate(op, values))  # the error taken as y − ŷ
    if op.kind in _UPDATES:  # the update adds the gradient
        return _update(op, values, -values[op.operands[1]])
    return None


def _missing_activation_derivative(op: Operation, step: Step, values: Values, context: _Context
                                   ) -> tuple[np.ndarray, ...] | None:
    if op.kind is OpKind.HADAMARD and op.operands[1].kind is Kind.FPRIME:
        return (values[op.operands[0]],)  # δ = ∂E/∂a
    if op.kind is OpKind.SOFTMAX_BACKWARD:
        return (values[op.operands[0]],)
    if op.kind in _OUTPUT_DELTAS:
        return (_output_gradient(op, values),)
    return None


def _output_gradient(op: Operation, values: Values) -> np.ndarray:
    """∂E/∂ŷ of a softmax/cross-entropy or sigmoid/binary-cross-entropy output, from ŷ and y."""
    loss = LossName.CROSS_ENTROPY if op.kind is OpKind.SOFTMAX_CE_DELTA else LossName.BINARY_CROSS_ENTROPY
    yhat, y = (values[key] for key in op.operands)
    with np.errstate(all="ignore"):
        return LOSSES[loss].gradient(yhat, y)


def _derivative_of_activation_value(op: Operation, step: Step, values: Values, context: _Context
                                    ) -> tuple[np.ndarray, ...] | None:
    with np.errstate(all="ignore"):
        if op.kind is OpKind.DERIVATIVE:  # f′ evaluated at a = f(z) instead of z
            act = ACTIVATIONS[op.function]
            a = values[op.operands[1]]
            return (act.derivative(a, act.f(a)),)
        if op.kind is OpKind.SOFTMAX_BACKWARD:
            g, a = (values[key] for key in op.operands)
            return (softmax_backward(softmax(a), g),)
        if op.kind is OpKind.SIGMOID_BCE_DELTA:
            yhat = values[op.operands[0]]
            return (_output_gradient(op, values) * sigmoid(yhat) * sigmoid(-yhat),)
        if op.kind is OpKind.SOFTMAX_CE_DELTA:
            return (softmax_backward(softmax(values[op.operands[0]]), _output_gradient(op, values)),)
    return None


def _transposed_side(op: Operation, values: Values) -> int | None:
    """Which operand of a product can be used the other way round (0 left, 1 right): a square
    one, whose transpose fits the same product (any other would not multiply); None if neither."""
    for side in (0, 1):
        shape = values[op.operands[side]].shape
        if shape[0] == shape[1] > 1:
            return side
    return None


def _transpose(op: Operation, step: Step, values: Values, context: _Context) -> tuple[np.ndarray, ...] | None:
    if op.kind not in (OpKind.MATMUL, OpKind.OUTER_SUM):
        return None
    side = _transposed_side(op, values)
    if side is None:
        return None
    pair = [values[op.operands[0]], values[op.operands[1]]]
    pair[side] = pair[side].T
    product = pair[0] @ pair[1]
    return (product + values[op.operands[2]] if len(op.operands) > 2 else product,)


def _transposed_operand(op: Operation, step: Step, context: _Context) -> dict[str, object]:
    used = op.operands[_transposed_side(op, context.shown) or 0]
    return {"used": used.transpose(), "instead": used}


def _missing_learning_rate(op: Operation, step: Step, values: Values, context: _Context
                           ) -> tuple[np.ndarray, ...] | None:
    if op.kind in _UPDATES:
        return _update(op, values, values[op.operands[1]], rate=1.0)
    return None


def _updated_weights_used(op: Operation, step: Step, values: Values, context: _Context
                          ) -> tuple[np.ndarray, ...] | None:
    if step.phase is not Phase.BACKWARD or op.kind is not OpKind.MATMUL:
        return None
    theta = op.operands[0]
    if theta.kind is not Kind.THETA or theta.transposed or n.new(theta) not in context.shown:
        return None
    return (context.shown[n.new(theta)] @ values[op.operands[1]],)


def _batch_average(op: Operation, step: Step, values: Values, context: _Context) -> tuple[np.ndarray, ...] | None:
    m = context.samples
    if m == 1:
        return None
    if op.kind in (OpKind.LOSS, OpKind.LOSS_GRADIENT, *_OUTPUT_DELTAS):  # a sum where the mean belongs
        return tuple(r * m for r in evaluate(op, values))
    if op.kind in (OpKind.OUTER_SUM, OpKind.BATCH_SUM):  # a mean where the sum belongs (δ holds the 1/m)
        return tuple(r / m for r in evaluate(op, values))
    return None


def _batch_scale(op: Operation, step: Step, context: _Context) -> dict[str, object]:
    m = context.samples
    return {"factor_value": float(1.0 / m if op.kind in (OpKind.OUTER_SUM, OpKind.BATCH_SUM) else m)}


def _missing_half(op: Operation, step: Step, values: Values, context: _Context) -> tuple[np.ndarray, ...] | None:
    if op.kind in (OpKind.LOSS, OpKind.LOSS_GRADIENT) and op.function == LossName.SQUARED_ERROR:
        return tuple(2.0 * r for r in evaluate(op, values))
    return None


def _velocity_forgotten(op: Operation, step: Step, values: Values, context: _Context
                        ) -> tuple[np.ndarray, ...] | None:
    if op.kind is OpKind.MOMENTUM_UPDATE:
        return _update(op, values, values[op.operands[1]], momentum=False)
    return None


def _cell_value(context: _Context, key: Quantity) -> float:
    return float(context.shown[key][context.cell])


def _candidates(mistake: Mistake, alteration: Alteration,
                details: Callable[[Operation, Step, _Context], dict[str, object]] | None = None
                ) -> Callable[[_Context], Iterator[Diagnosis]]:
    return lambda context: _replayed(mistake, alteration, context, details)


def _activation_details(op: Operation, step: Step, context: _Context) -> dict[str, object]:
    derivative = next((o for o in step.operations if o.kind is OpKind.DERIVATIVE), None)
    if derivative is None:
        used = op.operands[0] if op.kind is OpKind.SOFTMAX_BACKWARD else n.partial(n.OUTPUT)
        return {"used": used, "function": _output_activation(op, context)}
    fp = derivative.result
    return {"used": op.operands[0], "factor": fp, "factor_value": _cell_value(context, fp),
            "function": derivative.function}


def _output_activation(op: Operation, context: _Context) -> str | None:
    """The activation of the output an output δ operation reads (ŷ is its first operand, or the
    second of the softmax Jacobian)."""
    output = op.operands[1] if op.kind is OpKind.SOFTMAX_BACKWARD else op.operands[0]
    activation = next((o for s in context.steps for o in s.operations
                       if o.kind is OpKind.ACTIVATION and o.result == output), None)
    return activation.function if activation is not None else None


def _value_details(op: Operation, step: Step, context: _Context) -> dict[str, object]:
    derivative = next((o for o in step.operations if o.kind is OpKind.DERIVATIVE), None)
    if derivative is None:
        return {"function": _output_activation(op, context)}
    z, a = derivative.operands
    values = dict(context.shown)
    results = _derivative_of_activation_value(derivative, step, values, context)
    return {"used": a, "used_value": _cell_value(context, a), "instead": z, "instead_value": _cell_value(context, z),
            "factor": derivative.result, "factor_value": float(results[0][context.cell]) if results else None,
            "function": derivative.function}


def _rate_details(op: Operation, step: Step, context: _Context) -> dict[str, object]:
    rate = op.operands[2]
    return {"factor": rate, "factor_value": float(context.shown[rate][0, 0])}


def _velocity_details(op: Operation, step: Step, context: _Context) -> dict[str, object]:
    mu, velocity = op.operands[3], op.operands[4]
    return {"factor": velocity,
            "factor_value": float(context.shown[mu][0, 0] * context.shown[velocity][context.cell])}


def _new_weights_details(op: Operation, step: Step, context: _Context) -> dict[str, object]:
    theta = op.operands[0]
    return {"used": n.new(theta), "instead": theta}


def _transposed_cell(context: _Context) -> Iterator[Diagnosis]:
    """The asked quantity read with row and column swapped: [j, i] where [i, j] belongs."""
    i, j = context.cell
    shown = context.shown[context.key]
    if i != j and j < shown.shape[0] and i < shown.shape[1]:
        op = context.steps[context.index].producer(context.key)
        yield context.diagnosis(Mistake.TRANSPOSE, float(shown[j, i]), context.key, op.kind,
                                used=context.key, used_cell=(j, i), used_value=float(shown[j, i]),
                                instead=context.key)


def _transposes(context: _Context) -> Iterator[Diagnosis]:
    yield from _replayed(Mistake.TRANSPOSE, _transpose, context, _transposed_operand)
    yield from _transposed_cell(context)


def _neighbour(key: Quantity, layer: int, last: int) -> Quantity | None:
    """The same quantity of `layer` (0 is the input), or None where there is none."""
    if not 0 <= layer <= last:
        return None
    if key.kind in (Kind.INPUT, Kind.ACTIVATION, Kind.OUTPUT):
        return n.activation(layer, last)
    if key.kind in (Kind.DE_DA, Kind.DE_DYHAT):
        return n.partial(n.activation(layer, last)) if layer >= 1 else None
    if key.kind.layered and layer >= 1:
        return Quantity(key.kind, layer, key.transposed)
    return None


def _layer_of(key: Quantity, last: int) -> int | None:
    if key.kind in (Kind.OUTPUT, Kind.DE_DYHAT):
        return last
    if key.kind is Kind.INPUT:
        return 0
    return key.layer


def _function_of(context: _Context, key: Quantity) -> str | None:
    """The activation of the derivative operation that computes `key` (for f′ of another layer)."""
    op = next((o for s in context.steps for o in s.operations if key in o.results), None)
    return op.function if op is not None and op.kind is OpKind.DERIVATIVE else None


def _wrong_layer(context: _Context) -> Iterator[Diagnosis]:
    """The same quantity of the layer after, then of the layer before, at the same cell."""
    layer = _layer_of(context.key, context.layers)
    if layer is None:
        return
    op = context.steps[context.index].producer(context.key)
    for other in (layer + 1, layer - 1):
        key = _neighbour(context.key, other, context.layers)
        values = context.shown.get(key) if key is not None else None
        i, j = context.cell
        if values is not None and i < values.shape[0] and j < values.shape[1]:
            yield context.diagnosis(Mistake.WRONG_LAYER, float(values[i, j]), context.key, op.kind,
                                    used=key, used_shape=(int(values.shape[0]), int(values.shape[1])),
                                    used_value=float(values[i, j]), instead=context.key,
                                    function=_function_of(context, key))


_CANDIDATES: dict[Mistake, Callable[[_Context], Iterator[Diagnosis]]] = {
    Mistake.SIGN_FLIPPED: _candidates(Mistake.SIGN_FLIPPED, _sign_flipped),
    Mistake.MISSING_ACTIVATION_DERIVATIVE: _candidates(Mistake.MISSING_ACTIVATION_DERIVATIVE,
                                                       _missing_activation_derivative, _activation_details),
    Mistake.DERIVATIVE_OF_ACTIVATION_VALUE: _candidates(Mistake.DERIVATIVE_OF_ACTIVATION_VALUE,
                                                        _derivative_of_activation_value, _value_details),
    Mistake.TRANSPOSE: _transposes,
    Mistake.MISSING_LEARNING_RATE: _candidates(Mistake.MISSING_LEARNING_RATE, _missing_learning_rate, _rate_details),
    Mistake.UPDATED_WEIGHTS_USED: _candidates(Mistake.UPDATED_WEIGHTS_USED, _updated_weights_used,
                                              _new_weights_details),
    Mistake.MISSING_BATCH_AVERAGE: _candidates(Mistake.MISSING_BATCH_AVERAGE, _batch_average, _batch_scale),
    Mistake.MISSING_HALF: _candidates(Mistake.MISSING_HALF, _missing_half),
    Mistake.MOMENTUM_VELOCITY_FORGOTTEN: _candidates(Mistake.MOMENTUM_VELOCITY_FORGOTTEN, _velocity_forgotten,
                                                     _velocity_details),
    Mistake.WRONG_LAYER: _wrong_layer,
}
assert set(_CANDIDATES) == set(Mistake) == set(PRIORITY), "every mistake is tried, once"
