"""A step as the board writes it: each operation's equation, then the same with the numbers in.

`z¹ = θ¹ᵀ·x = [1.2 0.3; 1.1 0.7; 1.5 0.3]·[1.0; 0.5] = [1.35; 1.45; 1.65]`: one `Line` per
operation of a step (the transposes a product reads are drawn in it, not as lines of their own),
made only from the step's operations and keyed matrices. A line is a sequence of tokens: symbols
and operators (`Sym`, with a Unicode and a LaTeX spelling), keyed matrices (`Factor`, drawn as
its symbol in the symbolic form and as its numbers below), and counts such as m (`Const`).
The markdown and LaTeX handouts (handout_markdown.py, handout_latex.py) draw these lines; the
answer key of a sheet with blanks is read from the same factors, so sheet and key cannot differ.
A convolutional step's lines (im2col, feature maps, pooling, col2im) are made by conv_board.py
from the same tokens, a line per feature map labelled after its left side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop_tui.core.dense.activations import ACTIVATIONS
from backprop_tui.core.dense.losses import LOSSES
from backprop_tui.core.dense.operation import OpKind, Operation
from backprop_tui.core.dense.steps import Step
from backprop_tui.core.vocab import Kind, LossName, Quantity
from backprop_tui.render.describe import function_of
from backprop_tui.render.notation import latex, symbol
from backprop_tui.render.worked import SIGNIFICANT, distinct_digits

SCALARS = frozenset({Kind.LEARNING_RATE, Kind.MOMENTUM, Kind.LOSS})
"""1×1 quantities written as plain numbers, without brackets or a shape."""


@dataclass(frozen=True)
class Sym:
    """An operator or symbol: how it reads in Unicode and in LaTeX."""

    unicode: str
    latex: str


@dataclass(frozen=True)
class Const:
    """A count the line divides by (m, m·k): its name in the equation, its value in the numbers."""

    unicode: str
    latex: str
    value: float


@dataclass(frozen=True)
class Factor:
    """A keyed matrix in a line: `digits` significant digits per cell (more where an update
    changes a weight by less than 4 digits show); `blank` leaves its cells empty on a sheet."""

    key: Quantity
    values: np.ndarray
    function: str | None = None
    """The activation a σ′(z)-like key differentiates (for its symbol)."""
    digits: np.ndarray | None = None
    blank: bool = False

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns) of the values."""
        return (int(self.values.shape[0]), int(self.values.shape[1]))

    @property
    def scalar(self) -> bool:
        """Written as a plain number (γ, μ, E)."""
        return self.key.kind in SCALARS

    def digits_at(self, row: int, col: int) -> int:
        """Significant digits of cell (row, col), 0-based."""
        return SIGNIFICANT if self.digits is None else int(self.digits[row, col])


Token = Sym | Const | Factor


@dataclass(frozen=True)
class Line:
    """`lhs = symbolic = substituted = result` (← for an update): one operation as the board writes it.

    `lhs` is the result's key, or for an update the parameter itself (θ² ← θ² − γ·∂E/∂θ²);
    `symbolic` is None where it reads as `substituted` with each factor as its symbol.
    """

    lhs: Quantity
    substituted: tuple[Token, ...]
    result: Factor
    symbolic: tuple[Token, ...] | None = None
    lhs_function: str | None = None
    assigns: bool = False
    """An update, written θ ← …; otherwise an equation, written with =."""
    named: bool = False
    """The left side's symbol already says the equation (σ′(z²), y − ŷ): the symbolic row is
    left out and the numbers follow the name at once."""
    label: Sym | None = None
    """Which part of the left side the line is about, written after its symbol: a convolution's
    line per feature map says "z¹ (map 2)" (conv_board.py)."""

    @property
    def symbols(self) -> tuple[Token, ...]:
        """The tokens of the equation's symbolic side (the substituted ones unless the line has its own)."""
        return self.symbolic if self.symbolic is not None else self.substituted

    @property
    def arrow(self) -> Sym:
        """← for an update, = for an equation."""
        return Sym("←", "\\leftarrow") if self.assigns else Sym("=", "=")

    @property
    def name(self) -> Sym:
        """The left side as written: its symbol, and the label in parentheses if it has one."""
        unicode, tex = symbol(self.lhs, self.lhs_function), latex(self.lhs, self.lhs_function)
        if self.label is None:
            return Sym(unicode, tex)
        return Sym(f"{unicode} ({self.label.unicode})", f"{tex}\\ ({self.label.latex})")


def _s(unicode: str, latex: str | None = None) -> Sym:
    return Sym(unicode, unicode if latex is None else latex)


TIMES = Sym("·", "\\cdot ")
MINUS = Sym(" − ", " - ")
PLUS = Sym(" + ", " + ")
ODOT = Sym(" ⊙ ", " \\odot ")
OPEN, CLOSE = Sym("(", "\\left("), Sym(")", "\\right)")


BOARD_KINDS = frozenset({OpKind.TRANSPOSE, OpKind.MATMUL, OpKind.OUTER_SUM, OpKind.ACTIVATION, OpKind.DERIVATIVE,
                         OpKind.HADAMARD, OpKind.DIFFERENCE, OpKind.BATCH_SUM, OpKind.SOFTMAX_CE_DELTA,
                         OpKind.SIGMOID_BCE_DELTA, OpKind.SOFTMAX_BACKWARD, OpKind.LOSS, OpKind.LOSS_GRADIENT,
                         OpKind.GD_UPDATE, OpKind.MOMENTUM_UPDATE, OpKind.IM2COL, OpKind.COL2IM, OpKind.MAXPOOL,
                         OpKind.MAXPOOL_BACKWARD, OpKind.FLATTEN, OpKind.UNFLATTEN})
"""The operations a board line is written for: the dense network's here, the convolutional ones
(and a convolution's product, folded into feature maps) by conv_board.py."""


def step_lines(step: Step, blanks: frozenset[Quantity] = frozenset()) -> list[Line]:
    """The board's lines of `step`, one per operation but the transposes; a matrix whose stored
    key is in `blanks` is left blank wherever it appears (its transpose too).

    Raises ValueError for an operation kind this module does not draw (the convolutional ones:
    conv_board.board_lines draws those).
    """
    lines: list[Line] = []
    for op in step.operations:
        if op.kind is OpKind.TRANSPOSE:
            continue  # drawn inside the product that reads it
        lines += operation_lines(step, op, blanks)
    return lines


def factor(step: Step, key: Quantity, blanks: frozenset[Quantity], digits: np.ndarray | None = None) -> Factor:
    """The step's matrix `key` as a factor of a line (blank if its stored key is in `blanks`)."""
    m = step.matrix(key)
    return Factor(key, m.values, function_of(step, key), digits, key.stored in blanks)


def _update_digits(old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Per cell, the fewest significant digits at which old and new read differently."""
    digits = np.full(old.shape, SIGNIFICANT, dtype=int)
    for index in np.ndindex(old.shape):
        digits[index] = distinct_digits(float(old[index]), float(new[index]))
    return digits


def operation_lines(step: Step, op: Operation, blanks: frozenset[Quantity]) -> list[Line]:  # noqa: C901 - one branch per kind
    """The lines of one operation of `step` (a dense one); ValueError for a kind without lines here."""
    f = lambda key, digits=None: factor(step, key, blanks, digits)  # noqa: E731
    k = op.kind
    result = f(op.result)
    ops = op.operands
    if k is OpKind.MATMUL:
        tokens: list[Token] = [f(ops[0]), TIMES, f(ops[1])]
        if len(ops) > 2:
            tokens += [PLUS, f(ops[2])]
        return [Line(op.result, tuple(tokens), result)]
    if k is OpKind.OUTER_SUM:
        return [Line(op.result, (f(ops[0]), TIMES, f(ops[1])), result)]
    if k is OpKind.ACTIVATION:
        act = ACTIVATIONS[op.function]
        return [Line(op.result, (_s(f"{act.symbol}(", f"{act.latex}\\left("), f(ops[0]), CLOSE), result)]
    if k is OpKind.DERIVATIVE:
        act = ACTIVATIONS[op.function]
        return [Line(op.result, (_s(f"{act.symbol}′(", f"{act.latex}'\\left("), f(ops[0]), CLOSE), result,
                     lhs_function=op.function, named=True)]
    if k is OpKind.HADAMARD:
        return [Line(op.result, (f(ops[0]), ODOT, f(ops[1])), result)]
    if k is OpKind.DIFFERENCE:
        return [Line(op.result, (f(ops[0]), MINUS, f(ops[1])), result, named=op.result.kind is Kind.RESIDUAL)]
    if k is OpKind.BATCH_SUM:
        return [Line(op.result, (_s("Σ_samples ", "\\sum_{\\text{samples}} "), f(ops[0])), result)]
    if k in (OpKind.SOFTMAX_CE_DELTA, OpKind.SIGMOID_BCE_DELTA):
        yhat, y = f(ops[0]), f(ops[1])
        divisor = _count(op, y) if k is OpKind.SIGMOID_BCE_DELTA else _m(op)
        return [Line(op.result, (OPEN, yhat, MINUS, y, CLOSE, _s(" / ", " / "), divisor), result)]
    if k is OpKind.SOFTMAX_BACKWARD:
        g, a = f(ops[0]), f(ops[1])
        tokens = (a, ODOT, OPEN, g, MINUS, _s("Σₖ ", "\\sum_k "), a, ODOT, g, CLOSE)
        return [Line(op.result, tokens, result)]
    if k is OpKind.LOSS:
        return [_loss_line(step, op, blanks)]
    if k is OpKind.LOSS_GRADIENT:
        return [Line(op.result, _loss_gradient(op, f(ops[0]), f(ops[1])), result)]
    if k is OpKind.GD_UPDATE:
        p, dp, rate = ops
        digits = _update_digits(step.matrix(p).values, step.matrix(op.result).values)
        tokens = (f(p, digits), MINUS, f(rate), TIMES, f(dp))
        return [Line(p, tokens, f(op.result, digits), assigns=True)]
    if k is OpKind.MOMENTUM_UPDATE:
        p, dp, rate, mu, v = ops
        v_new, p_new = op.results
        velocity = Line(v, (f(mu), TIMES, f(v), MINUS, f(rate), TIMES, f(dp)), f(v_new), assigns=True)
        digits = _update_digits(step.matrix(p).values, step.matrix(p_new).values)
        return [velocity, Line(p, (f(p, digits), PLUS, f(v_new)), f(p_new, digits), assigns=True)]
    raise ValueError(f"no board line for an operation of kind {k}")


def _m(op: Operation) -> Const:
    return Const("m", "m", float(op.samples or 1))


def _count(op: Operation, y: Factor) -> Const:
    """m·k: the cells a per-cell average divides by (k outputs of m samples)."""
    return Const("(m·k)", "(mk)", float((op.samples or 1) * y.shape[0]))


def _loss_gradient(op: Operation, yhat: Factor, y: Factor) -> tuple[Token, ...]:
    name = op.function
    if name == LossName.SQUARED_ERROR:
        return (OPEN, yhat, MINUS, y, CLOSE, _s(" / ", " / "), _m(op))
    if name == LossName.MSE:
        return (_s("2·(", "2\\left("), yhat, MINUS, y, CLOSE, _s(" / ", " / "), _count(op, y))
    if name == LossName.CROSS_ENTROPY:
        return (_s("−", "-"), y, _s(" / (", " \\oslash \\left("), _m(op), TIMES, yhat, CLOSE)
    return (OPEN, yhat, MINUS, y, CLOSE, _s(" / (", " \\oslash \\left("), yhat, ODOT, _s("(1 − ", "\\left(1 - "),
            yhat, CLOSE, TIMES, _count(op, y), CLOSE)


def _loss_line(step: Step, op: Operation, blanks: frozenset[Quantity]) -> Line:
    """E from ŷ and y (the residual y − ŷ where the loss squares it), the loss's formula above."""
    loss = LOSSES[op.function]
    f = lambda key: factor(step, key, blanks)  # noqa: E731
    yhat, y = f(op.operands[0]), f(op.operands[1])
    symbolic = (_s(loss.formula.split("=", 1)[1].strip(), loss.latex.split("=", 1)[1].strip()),)
    residual = [m.key for m in step.matrices if m.key.kind is Kind.RESIDUAL]
    if op.function == LossName.SQUARED_ERROR and residual:
        tokens: tuple[Token, ...] = (_s("(1/2)·(1/", "\\frac{1}{2}\\cdot\\frac{1}{"), _m(op), _s(")·Σ ", "}\\sum "),
                                     f(residual[0]), _s("²", "^{\\odot 2}"))
    elif op.function == LossName.MSE and residual:
        tokens = (_s("(1/", "\\frac{1}{"), _count(op, y), _s(")·Σ ", "}\\sum "), f(residual[0]), _s("²", "^{\\odot 2}"))
    elif op.function == LossName.CROSS_ENTROPY:
        tokens = (_s("−(1/", "-\\frac{1}{"), _m(op), _s(")·Σ ", "}\\sum "), y, ODOT, _s("log ", "\\log "), yhat)
    else:
        tokens = (_s("−(1/", "-\\frac{1}{"), _count(op, y), _s(")·Σ [", "}\\sum \\left["), y, ODOT,
                  _s("log ", "\\log "), yhat, PLUS, _s("(1 − ", "\\left(1 - "), y, CLOSE, ODOT,
                  _s("log(1 − ", "\\log\\left(1 - "), yhat, CLOSE, _s("]", "\\right]"))
    return Line(op.result, tokens, f(op.result), symbolic=symbolic)

