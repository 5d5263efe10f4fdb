"""An iteration's operations done again from their operands: the same numbers, or with a change.

`evaluate` computes one operation's results from the values of its operands, as the engine does
(operation.py documents each kind); `replay` runs the steps' operations in order from the values
the steps show, so a change made to one operation (a mistake, in core.dense.mistakes) is carried
into everything computed after it. tests/core/test_replay.py checks that a replay without change
gives every value the steps show.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from backprop_tui.core.dense import conv
from backprop_tui.core.dense.activations import ACTIVATIONS, softmax_backward
from backprop_tui.core.dense.losses import LOSSES
from backprop_tui.core.dense.operation import OpKind, Operation
from backprop_tui.core.dense.steps import Step
from backprop_tui.core.vocab import Quantity

Values = dict[Quantity, np.ndarray]
"""Matrices by key (vectors as columns, scalars 1×1)."""

Change = Callable[[int, int, Operation, Step, Values], "tuple[np.ndarray, ...] | None"]
"""(step index, operation index, operation, step, values so far) → results to use instead, or None
to compute the operation as usual."""


def shown_values(steps: Sequence[Step]) -> Values:
    """Every matrix the steps show, by key (the first where several steps show the same key)."""
    values: Values = {}
    for step in steps:
        for matrix in step.matrices:
            values.setdefault(matrix.key, matrix.values)
    return values


def evaluate(op: Operation, values: Values) -> tuple[np.ndarray, ...]:
    """The results of `op` (in `op.results` order) from the values of its operands, as the
    engine computes them (operation.py documents each kind's operands)."""
    v = [values[key] for key in op.operands]
    with np.errstate(all="ignore"):
        kind = op.kind
        if kind is OpKind.TRANSPOSE:
            return (v[0].T,)
        if kind in (OpKind.MATMUL, OpKind.OUTER_SUM):
            product = v[0] @ v[1]
            return (product + v[2] if len(v) > 2 else product,)
        if kind is OpKind.ACTIVATION:
            return (ACTIVATIONS[op.function].f(v[0]),)
        if kind is OpKind.DERIVATIVE:
            return (ACTIVATIONS[op.function].derivative(v[0], v[1]),)
        if kind is OpKind.HADAMARD:
            return (v[0] * v[1],)
        if kind is OpKind.SOFTMAX_BACKWARD:
            return (softmax_backward(v[1], v[0]),)
        if kind is OpKind.SOFTMAX_CE_DELTA:
            return ((v[0] - v[1]) / op.samples,)
        if kind is OpKind.SIGMOID_BCE_DELTA:
            return ((v[0] - v[1]) / v[0].size,)
        if kind is OpKind.DIFFERENCE:
            return (v[0] - v[1],)
        if kind is OpKind.LOSS:
            loss = LOSSES[op.function]
            value = loss.logits.value(v[2], v[1]) if len(v) > 2 and loss.logits else loss.value(v[0], v[1])
            return (np.array([[value]]),)
        if kind is OpKind.LOSS_GRADIENT:
            return (LOSSES[op.function].gradient(v[0], v[1]),)
        if kind is OpKind.BATCH_SUM:
            return (v[0].sum(axis=1, keepdims=True),)
        if kind is OpKind.GD_UPDATE:
            p, grad, rate = v
            return (p - rate[0, 0] * grad,)
        if kind is OpKind.MOMENTUM_UPDATE:
            p, grad, rate, mu, velocity = v
            new_velocity = mu[0, 0] * velocity - rate[0, 0] * grad
            return (new_velocity, p + new_velocity)
        if kind is OpKind.IM2COL:
            return (conv.im2col(v[0], op.image, op.kernel, op.stride, op.padding),)
        if kind is OpKind.COL2IM:
            return (conv.col2im(v[0], op.image, op.kernel, op.stride, op.padding),)
        if kind is OpKind.MAXPOOL:
            return (conv.maxpool(v[0], op.image, op.pool)[0],)
        if kind is OpKind.MAXPOOL_BACKWARD:  # the winners of the pooled input, as the forward pass found them
            return (conv.maxpool_backward(v[0], conv.maxpool(v[1], op.image, op.pool)[1], op.image, op.samples),)
        if kind is OpKind.FLATTEN:
            return (conv.flatten(v[0], op.image),)
        if kind is OpKind.UNFLATTEN:
            return (conv.unflatten(v[0], op.image),)
    raise ValueError(f"no evaluation for {op.kind}")


def replay(steps: Sequence[Step], last: int, start: Values, change: Change | None = None) -> Values:
    """The values after doing the operations of steps[0..last] again, in order, from `start` (the
    values the steps show: their inputs are read from it, their results replaced); `change` may
    give an operation other results, which every later operation then reads."""
    values = dict(start)
    for s in range(last + 1):
        step = steps[s]
        for k, op in enumerate(step.operations):
            results = change(s, k, op, step, values) if change is not None else None
            if results is None:
                results = evaluate(op, values)
            for key, result in zip(op.results, results):
                values[key] = result
    return values
