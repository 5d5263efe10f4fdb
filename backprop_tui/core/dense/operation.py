"""What a step computed, as data: the kind of operation, its keyed operands and results, constants.

`explain.py` reads an Operation to say which operand cells, with which arithmetic, make each
result cell; the JSON trace writes it out so a reader can recompute every step. The operand
order of each kind is fixed and documented on `OpKind`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from backprop_tui.core.vocab import Quantity


class OpKind(StrEnum):
    """The operations of the dense steps; each member's docstring gives operands → results."""

    TRANSPOSE = "transpose"
    """(A,) → (Aᵀ,): cell [i, j] of the result is cell [j, i] of A."""
    MATMUL = "matmul"
    """(L, R) or (L, R, b) → (L·R + b,): Σₖ L[i,k]·R[k,j], then + b[i] (added to every column)."""
    ACTIVATION = "activation"
    """(z,) → (f(z),), f = `function`; element-wise, except softmax, which acts on each column."""
    DERIVATIVE = "derivative"
    """(z, a) → (f′(z),), f = `function`, element-wise; a = f(z) (σ′ and tanh′ are written with a)."""
    HADAMARD = "hadamard"
    """(L, R) → (L ⊙ R,): the element-wise product."""
    SOFTMAX_BACKWARD = "softmax_backward"
    """(g, a) → (δ,): δ = J_softmax(z)ᵀ·g per column, i.e. δᵢ = aᵢ·(gᵢ − Σₖ aₖ·gₖ)."""
    SOFTMAX_CE_DELTA = "softmax_cross_entropy_delta"
    """(ŷ, y) → (δ,): softmax with cross-entropy, δ = (ŷ − y)/m element-wise, m = `samples`."""
    SIGMOID_BCE_DELTA = "sigmoid_binary_cross_entropy_delta"
    """(ŷ, y) → (δ,): a sigmoid output with binary cross-entropy, computed from z where ŷ rounds to 0
    or 1 and the factors ∂E/∂ŷ, σ′(z) leave float64's range: δ = (ŷ − y)/(m·k) element-wise,
    m = `samples`, k = the outputs (rows of ŷ)."""
    DIFFERENCE = "difference"
    """(L, R) → (L − R,), element-wise."""
    LOSS = "loss"
    """(ŷ, y) → (E,), loss = `function`, averaged over the m = `samples` columns (PyTorch's
    reductions: squared_error and cross_entropy divide by m, mse and binary_cross_entropy by
    every cell, m·outputs)."""
    LOSS_GRADIENT = "loss_gradient"
    """(ŷ, y) → (∂E/∂ŷ,), loss = `function`, element-wise, with the loss's 1/m (or 1/(m·outputs))."""
    OUTER_SUM = "outer_sum"
    """(a, δᵀ) → (a·δᵀ,): the outer products aₛ·δₛᵀ of the samples s, summed over the batch."""
    BATCH_SUM = "batch_sum"
    """(δ,) → (Σₛ δ[:, s],): each row summed over the samples (a column vector)."""
    GD_UPDATE = "gd_update"
    """(p, ∂E/∂p, γ) → (p − γ·∂E/∂p,), γ = `learning_rate` (also given as the 1×1 operand)."""
    MOMENTUM_UPDATE = "momentum_update"
    """(p, ∂E/∂p, γ, μ, v) → (v_new, p_new): v_new = μ·v − γ·∂E/∂p, p_new = p + v_new."""
    IM2COL = "im2col"
    """(a,) → (P,): a is C × (m·H·W) (rows channels, columns sample-major pixels); P is
    (C·k·k) × (m·Ho·Wo), column = one output position, row c·k·k + i·k + j = tap (i, j) of
    channel c, 0 where the tap falls on the zero padding. `image` = (C, H, W), `kernel`,
    `stride`, `padding`, `samples`."""
    COL2IM = "col2im"
    """(∂E/∂P,) → (∂E/∂a,): the inverse gather of IM2COL, every patch cell added back to the input
    pixel it copied (overlapping patches add up; padding cells are dropped)."""
    MAXPOOL = "maxpool"
    """(a,) → (pooled,): the maximum of each non-overlapping `pool`×`pool` window of each channel;
    a is C × (m·H·W), `image` = (C, H, W)."""
    MAXPOOL_BACKWARD = "maxpool_backward"
    """(∂E/∂pooled, a) → (∂E/∂a,): each window's δ goes to its winner (the first maximum in
    row-major order on ties, as batch mode and PyTorch do), 0 to the other cells."""
    FLATTEN = "flatten"
    """(a,) → (v,): C × (m·H·W) to (C·H·W) × m in channel-row-column order (one column per sample)."""
    UNFLATTEN = "unflatten"
    """(∂E/∂v,) → (∂E/∂a,): FLATTEN's inverse reshape."""


@dataclass(frozen=True)
class Operation:
    """One operation of a step: `kind` applied to `operands` (keys of the step's matrices),
    writing `results`, with the constants the kind needs (None where it needs none)."""

    kind: OpKind
    operands: tuple[Quantity, ...]
    results: tuple[Quantity, ...]
    function: str | None = None
    """The activation (ACTIVATION, DERIVATIVE) or the loss (LOSS, LOSS_GRADIENT) by its file name."""
    learning_rate: float | None = None
    momentum: float | None = None
    samples: int | None = None
    """m, the batch's columns, where the operation averages or sums over them."""
    image: tuple[int, int, int] | None = None
    """(C, H, W) of the image side of a convolution, pooling or flatten operation (per sample)."""
    kernel: int | None = None
    stride: int | None = None
    padding: int | None = None
    pool: int | None = None
    """The window size of max pooling."""

    @property
    def result(self) -> Quantity:
        """The last result: the one a step of this operation is about (p_new for momentum)."""
        return self.results[-1]
