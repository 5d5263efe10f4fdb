"""Which operand cells, with which numbers and which arithmetic, make one result cell of a step.

One generic function for every kind of operation: `explain(step, key, cell)` reads the step's
own operation and matrices and returns data (the terms, each a tuple of keyed operand cells
with their values, and the rule that combines them), never text. `recompute` applies the rule,
so the explanation can be checked against the value the step shows; the chain-rule drill-down,
the renderer's highlighting and the quiz read the same data.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from backprop_tui.core.dense import conv
from backprop_tui.core.dense.activations import ACTIVATIONS
from backprop_tui.core.dense.losses import LOSSES
from backprop_tui.core.dense.operation import OpKind, Operation
from backprop_tui.core.dense.steps import Step
from backprop_tui.core.vocab import LossName, Quantity

_PER_CELL_LOSSES = frozenset({LossName.MSE, LossName.BINARY_CROSS_ENTROPY})
"""Losses averaged over every cell (m·outputs) rather than over the m samples (PyTorch's reductions)."""


class Rule(StrEnum):
    """How an explanation's terms combine into the result cell (`divisor` divides at the end)."""

    SUM = "sum"
    """Σ over the terms of the product of each term's cells (one term: just that product)."""
    DIFFERENCE = "difference"
    """(product of the first term) − (product of the second term)."""
    MOMENTUM = "momentum"
    """p + (μ·v − γ·g): the first term's cell, plus the second's product minus the third's."""
    FUNCTION = "function"
    """The operation's function of the cells, in term order: f(z), f′(z, a), ∂E/∂ŷ(ŷ, y), or
    softmax of a whole column, read at the result's row (`position`)."""
    SOFTMAX_JACOBIAN = "softmax_jacobian"
    """aᵢ·(gᵢ − Σₖ aₖ·gₖ) over a column of (aₖ, gₖ) terms, i = `position`."""
    LOSS = "loss"
    """Σ over the terms of the loss of one (ŷ, y) cell pair."""
    MAX = "max"
    """The largest of the terms' cells (max pooling's window)."""
    ROUTE = "route"
    """Max pooling backward: the last term's cell (the window's δ) where the window's first maximum
    among the other terms is the term at `position`, else 0."""


@dataclass(frozen=True)
class Operand:
    """One cell of an operand (or of the result): its key, 0-based (row, column), and value."""

    key: Quantity
    cell: tuple[int, int]
    value: float


@dataclass(frozen=True)
class Term:
    """Cells that enter the result together (a product, or a pair a function takes)."""

    cells: tuple[Operand, ...]
    sample: int | None = None
    """The sample (column of the batch) the term belongs to, where the terms run over samples."""


@dataclass(frozen=True)
class Explanation:
    """What makes `result`: the operation, its terms, and the rule that combines them."""

    operation: Operation
    result: Operand
    """The result cell and the value the step shows there."""
    rule: Rule
    terms: tuple[Term, ...]
    divisor: float = 1.0
    position: int = 0
    """For a rule over a whole column (softmax), which row of it the result is."""


def explain(step: Step, key: Quantity, cell: tuple[int, int]) -> Explanation:
    """The terms and rule that make cell (row, column), 0-based, of the result `key` of `step`.

    Raises KeyError when no operation of the step writes `key`, IndexError when the cell lies
    outside the result.
    """
    op = step.producer(key)
    if op is None:
        raise KeyError(f"step {step.index + 1} does not compute {key.ascii}")
    shown = step.matrix(key).values
    i, j = cell
    if not (0 <= i < shown.shape[0] and 0 <= j < shown.shape[1]):
        raise IndexError(f"{key.ascii} is {shown.shape[0]}×{shown.shape[1]}; no cell ({i + 1}, {j + 1})")
    result = Operand(key, (i, j), float(shown[i, j]))
    at = _Cells(step)
    rule, terms, divisor, position = _TERMS[op.kind](op, key, i, j, at)
    return Explanation(op, result, rule, tuple(terms), divisor, position)


def recompute(explanation: Explanation) -> float:
    """The result cell's value from the explanation alone: its rule applied to its terms."""
    e = explanation
    products = [_product(t) for t in e.terms]
    with np.errstate(all="ignore"):
        if e.rule is Rule.SUM and not products:
            return 0.0  # a tap on the zero padding, or a pixel no patch covers
        if e.rule is Rule.MAX:
            return float(max(products))
        if e.rule is Rule.ROUTE:
            window = products[:-1]
            return float(products[-1]) if int(np.argmax(window)) == e.position else 0.0
        if e.rule is Rule.SUM:
            total = products[0]
            for value in products[1:]:
                total = total + value
            return float(total / e.divisor) if e.divisor != 1.0 else float(total)
        if e.rule is Rule.DIFFERENCE:
            value = products[0] - products[1]
            return float(value / e.divisor) if e.divisor != 1.0 else float(value)
        if e.rule is Rule.MOMENTUM:
            return float(products[0] + (products[1] - products[2]))
        if e.rule is Rule.SOFTMAX_JACOBIAN:
            a = np.array([t.cells[0].value for t in e.terms])
            g = np.array([t.cells[1].value for t in e.terms])
            return float(a[e.position] * (g[e.position] - np.sum(a * g)))
        if e.rule is Rule.LOSS:
            return _loss_value(e)
        return _function(e)


def _loss_value(e: Explanation) -> float:
    """E from its terms: per cell from (ŷ, y), or from (z, y) where the loss reads the logits,
    per column for log-softmax (it needs the whole column), per cell for log-sigmoid."""
    loss = LOSSES[e.operation.function]
    total = 0.0
    if len(e.operation.operands) == 2:
        for t in e.terms:
            total = total + loss.value(_cell(t.cells[0]), _cell(t.cells[1]))
        return float(total / e.divisor)
    logits = loss.logits
    if ACTIVATIONS[logits.activation].derivative is None:  # softmax: one column per sample
        for sample in sorted({t.sample for t in e.terms}):
            column = [t for t in e.terms if t.sample == sample]
            z = np.array([[t.cells[2].value] for t in column])
            y = np.array([[t.cells[1].value] for t in column])
            total = total + logits.value(z, y)
    else:
        for t in e.terms:
            total = total + logits.value(_cell(t.cells[2]), _cell(t.cells[1]))
    return float(total / e.divisor)


def _function(e: Explanation) -> float:
    op = e.operation
    cells = [c.value for t in e.terms for c in t.cells]
    if op.kind is OpKind.ACTIVATION:
        column = np.array(cells, dtype=np.float64)[:, None]
        return float(ACTIVATIONS[op.function].f(column)[e.position, 0])
    if op.kind is OpKind.DERIVATIVE:
        z, a = (np.array([[v]]) for v in cells)
        return float(ACTIVATIONS[op.function].derivative(z, a)[0, 0])
    if op.kind is OpKind.LOSS_GRADIENT:
        yhat, y = (np.array([[v]]) for v in cells)
        return float(LOSSES[op.function].gradient(yhat, y)[0, 0] / e.divisor)
    raise ValueError(f"no function rule for {op.kind}")


def _product(term: Term) -> float:
    value = term.cells[0].value
    for c in term.cells[1:]:
        value = value * c.value
    return value


def _cell(operand: Operand) -> np.ndarray:
    return np.array([[operand.value]], dtype=np.float64)


class _Cells:
    """Operand cells of one step, looked up by key."""

    def __init__(self, step: Step) -> None:
        self.step = step

    def __call__(self, key: Quantity, i: int, j: int) -> Operand:
        return Operand(key, (i, j), float(self.step.matrix(key).values[i, j]))

    def shape(self, key: Quantity) -> tuple[int, int]:
        return self.step.matrix(key).shape


# Each returns (rule, terms, divisor, position) for result cell (i, j) of `key`.

def _transpose(op: Operation, key: Quantity, i: int, j: int, at: _Cells):
    return Rule.SUM, [Term((at(op.operands[0], j, i),))], 1.0, 0


def _matmul(op: Operation, key: Quantity, i: int, j: int, at: _Cells):
    left, right = op.operands[:2]
    samples = op.kind is OpKind.OUTER_SUM  # the inner index runs over the batch
    terms = [Term((at(left, i, k), at(right, k, j)), k if samples else None) for k in range(at.shape(left)[1])]
    if len(op.operands) > 2:
        terms.append(Term((at(op.operands[2], i, 0),)))
    return Rule.SUM, terms, 1.0, 0


def _elementwise_product(op: Operation, key: Quantity, i: int, j: int, at: _Cells):
    return Rule.SUM, [Term(tuple(at(k, i, j) for k in op.operands))], 1.0, 0


def _difference(op: Operation, key: Quantity, i: int, j: int, at: _Cells):
    divisor = 1.0
    if op.kind is OpKind.SOFTMAX_CE_DELTA:
        divisor = float(op.samples)
    elif op.kind is OpKind.SIGMOID_BCE_DELTA:
        divisor = float(op.samples * at.shape(op.operands[0])[0])
    return Rule.DIFFERENCE, [Term((at(op.operands[0], i, j),)), Term((at(op.operands[1], i, j),))], divisor, 0


def _activation(op: Operation, key: Quantity, i: int, j: int, at: _Cells):
    (z,) = op.operands
    if ACTIVATIONS[op.function].derivative is None:  # softmax: every unit of the column
        return Rule.FUNCTION, [Term((at(z, k, j),), j) for k in range(at.shape(z)[0])], 1.0, i
    return Rule.FUNCTION, [Term((at(z, i, j),))], 1.0, 0


def _derivative(op: Operation, key: Quantity, i: int, j: int, at: _Cells):
    return Rule.FUNCTION, [Term(tuple(at(k, i, j) for k in op.operands))], 1.0, 0


def _softmax_backward(op: Operation, key: Quantity, i: int, j: int, at: _Cells):
    g, a = op.operands
    return Rule.SOFTMAX_JACOBIAN, [Term((at(a, k, j), at(g, k, j)), j) for k in range(at.shape(a)[0])], 1.0, i


def _loss_divisor(op: Operation, outputs: int) -> float:
    return float(op.samples * outputs) if op.function in _PER_CELL_LOSSES else float(op.samples)


def _loss(op: Operation, key: Quantity, i: int, j: int, at: _Cells):
    yhat, y = op.operands[:2]
    rows, cols = at.shape(yhat)
    # A third operand is the output layer's z: the loss is then computed from it (losses.FromLogits)
    terms = [Term(tuple(at(q, k, s) for q in op.operands), s) for s in range(cols) for k in range(rows)]
    return Rule.LOSS, terms, _loss_divisor(op, rows), 0


def _loss_gradient(op: Operation, key: Quantity, i: int, j: int, at: _Cells):
    yhat, y = op.operands
    return Rule.FUNCTION, [Term((at(yhat, i, j), at(y, i, j)))], _loss_divisor(op, at.shape(yhat)[0]), 0


def _batch_sum(op: Operation, key: Quantity, i: int, j: int, at: _Cells):
    (delta,) = op.operands
    per_sample = op.image is None  # a convolution's bias sums over positions (and samples) instead
    return Rule.SUM, [Term((at(delta, i, s),), s if per_sample else None) for s in range(at.shape(delta)[1])], 1.0, 0


def _pixels(op: Operation) -> int:
    c, h, w = op.image
    return h * w


def _im2col(op: Operation, key: Quantity, i: int, j: int, at: _Cells):
    """P[i, j] is one pixel of the input (or the padding's 0): tap i of the patch at column j."""
    source = conv.patch_sources(op.image, op.kernel, op.stride, op.padding)
    positions, hw = source.shape[1], _pixels(op)
    sample, position = divmod(j, positions)
    flat = int(source[i, position])
    if flat < 0:
        return Rule.SUM, [], 1.0, 0
    channel, pixel = divmod(flat, hw)
    return Rule.SUM, [Term((at(op.operands[0], channel, sample * hw + pixel),))], 1.0, 0


def _col2im(op: Operation, key: Quantity, i: int, j: int, at: _Cells):
    """∂E/∂a[i, j] sums the patch-matrix cells copied from that pixel (overlaps add up)."""
    source = conv.patch_sources(op.image, op.kernel, op.stride, op.padding)
    positions, hw = source.shape[1], _pixels(op)
    sample, pixel = divmod(j, hw)
    rows, cols = np.nonzero(source == i * hw + pixel)
    return Rule.SUM, [Term((at(op.operands[0], int(r), sample * positions + int(c)),)) for r, c in zip(rows, cols)], 1.0, 0


def _pool_window(op: Operation, j: int) -> tuple[int, np.ndarray]:
    """(q, columns): the pooled column q whose window holds input column j, and that window's input
    columns in row-major order."""
    c, h, w = op.image
    k = op.pool
    sample, pixel = divmod(j, h * w)
    y, x = divmod(pixel, w)
    q = sample * (h // k) * (w // k) + (y // k) * (w // k) + x // k
    windows = conv.window_columns(op.samples, h, w, k)
    return q, windows[0, q]


def _maxpool(op: Operation, key: Quantity, i: int, j: int, at: _Cells):
    c, h, w = op.image
    columns = conv.window_columns(op.samples, h, w, op.pool)[0, j]
    return Rule.MAX, [Term((at(op.operands[0], i, int(col)),)) for col in columns], 1.0, 0


def _maxpool_backward(op: Operation, key: Quantity, i: int, j: int, at: _Cells):
    up, a = op.operands
    q, columns = _pool_window(op, j)
    terms = [Term((at(a, i, int(col)),)) for col in columns] + [Term((at(up, i, q),))]
    return Rule.ROUTE, terms, 1.0, int(np.nonzero(columns == j)[0][0])


def _flatten(op: Operation, key: Quantity, i: int, j: int, at: _Cells):
    channel, pixel = divmod(i, _pixels(op))
    return Rule.SUM, [Term((at(op.operands[0], channel, j * _pixels(op) + pixel),))], 1.0, 0


def _unflatten(op: Operation, key: Quantity, i: int, j: int, at: _Cells):
    sample, pixel = divmod(j, _pixels(op))
    return Rule.SUM, [Term((at(op.operands[0], i * _pixels(op) + pixel, sample),))], 1.0, 0


def _gd(op: Operation, key: Quantity, i: int, j: int, at: _Cells):
    p, grad, rate = op.operands
    return Rule.DIFFERENCE, [Term((at(p, i, j),)), Term((at(rate, 0, 0), at(grad, i, j)))], 1.0, 0


def _momentum(op: Operation, key: Quantity, i: int, j: int, at: _Cells):
    p, grad, rate, mu, v = op.operands
    velocity, step = Term((at(mu, 0, 0), at(v, i, j))), Term((at(rate, 0, 0), at(grad, i, j)))
    if key == op.results[0]:
        return Rule.DIFFERENCE, [velocity, step], 1.0, 0
    return Rule.MOMENTUM, [Term((at(p, i, j),)), velocity, step], 1.0, 0


_TERMS = {
    OpKind.TRANSPOSE: _transpose,
    OpKind.MATMUL: _matmul,
    OpKind.OUTER_SUM: _matmul,
    OpKind.HADAMARD: _elementwise_product,
    OpKind.DIFFERENCE: _difference,
    OpKind.SOFTMAX_CE_DELTA: _difference,
    OpKind.SIGMOID_BCE_DELTA: _difference,
    OpKind.ACTIVATION: _activation,
    OpKind.DERIVATIVE: _derivative,
    OpKind.SOFTMAX_BACKWARD: _softmax_backward,
    OpKind.LOSS: _loss,
    OpKind.LOSS_GRADIENT: _loss_gradient,
    OpKind.BATCH_SUM: _batch_sum,
    OpKind.GD_UPDATE: _gd,
    OpKind.MOMENTUM_UPDATE: _momentum,
    OpKind.IM2COL: _im2col,
    OpKind.COL2IM: _col2im,
    OpKind.MAXPOOL: _maxpool,
    OpKind.MAXPOOL_BACKWARD: _maxpool_backward,
    OpKind.FLATTEN: _flatten,
    OpKind.UNFLATTEN: _unflatten,
}
