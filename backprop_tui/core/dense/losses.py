"""Loss functions, defined as the rest of the field defines them (PyTorch's reductions).

Every loss is an average over the m samples of the batch, so the 1/m shows up in ∂E/∂ŷ.

Cross-entropy after a softmax output and binary cross-entropy after a sigmoid output are
computed from the output layer's pre-activations z (the logits), as PyTorch's `CrossEntropyLoss`
and `BCEWithLogitsLoss` do: log ŷ = log_softmax(z), and log σ(z), log(1 − σ(z)) = log σ(−z) in the
stable softplus form. From ŷ they cannot be exact: softmax([200, 0]) rounds to [1, 1.4e-87] and
σ(−20) to a number whose 1 − ŷ has lost 9 digits. At such an output δ = ∂E/∂z = (ŷ − y)/m (and
/(m·k) for binary cross-entropy), also computed from z. docs/losses.md says which convention each
loss follows and why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from backprop_tui.core.dense.activations import log_softmax, sigmoid, softmax_parts
from backprop_tui.core.vocab import ActivationName, LossName


@dataclass(frozen=True)
class FromLogits:
    """A loss computed from the output layer's z instead of ŷ (outputs × samples arrays)."""

    activation: str
    """The output activation whose z the loss reads."""
    value: Callable[[np.ndarray, np.ndarray], float]
    """E(z, y)."""
    delta: Callable[[np.ndarray, np.ndarray], np.ndarray]
    """δ = ∂E/∂z, exact where ŷ rounds to 0 or 1."""
    gradient: Callable[[np.ndarray, np.ndarray], np.ndarray]
    """∂E/∂ŷ evaluated from z (±inf only where the true value is beyond float64's range)."""


@dataclass(frozen=True)
class Loss:
    """E(ŷ, y) and ∂E/∂ŷ for column-major batches (outputs × samples)."""

    name: str
    formula: str
    latex: str
    value: Callable[[np.ndarray, np.ndarray], float]
    gradient: Callable[[np.ndarray, np.ndarray], np.ndarray]
    gradient_text: str
    gradient_latex: str
    logits: FromLogits | None = None
    """How the engine computes this loss from z when the output activation matches."""


def _zero_where_no_target(y: np.ndarray, values: np.ndarray) -> np.ndarray:
    # A class with target 0 adds nothing, even where log ŷ = −inf or 1/ŷ = inf (0 · inf would be NaN).
    return np.where(y == 0, 0.0, values)


def _squared_error(yhat: np.ndarray, y: np.ndarray) -> float:
    return float(np.sum(0.5 * (y - yhat) ** 2) / y.shape[1])


def _mse(yhat: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((y - yhat) ** 2))


def _cross_entropy(yhat: np.ndarray, y: np.ndarray) -> float:
    """From ŷ, exactly as written (log 0 = −inf, no floor); the engine uses _cross_entropy_logits."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(-np.sum(_zero_where_no_target(y, y * np.log(yhat))) / y.shape[1])


def _cross_entropy_gradient(yhat: np.ndarray, y: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return _zero_where_no_target(y, -y / yhat) / y.shape[1]


def _binary_cross_entropy(yhat: np.ndarray, y: np.ndarray) -> float:
    """From ŷ, exactly as written (no clamp); the engine uses _binary_cross_entropy_logits."""
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = _zero_where_no_target(y, y * np.log(yhat)) + _zero_where_no_target(1.0 - y, (1.0 - y) * np.log1p(-yhat))
    return float(np.mean(-terms))


def _binary_cross_entropy_gradient(yhat: np.ndarray, y: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return (yhat - y) / (yhat * (1.0 - yhat)) / y.size


def _cross_entropy_logits(z: np.ndarray, y: np.ndarray) -> float:
    """−(1/m)·Σ Σₖ yₖ·log_softmax(z)ₖ."""
    with np.errstate(invalid="ignore", over="ignore"):
        return float(-np.sum(_zero_where_no_target(y, y * log_softmax(z))) / y.shape[1])


def _cross_entropy_logits_delta(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """(softmax(z) − y)/m; for the winning class ŷ − y = (1 − y) − s/(1 + s), so ŷ ≈ 1 keeps its digits."""
    shifted, is_top, others = softmax_parts(z)
    yhat = np.exp(shifted) / (1.0 + others)
    winner = (1.0 - y) - others / (1.0 + others)
    return np.where(is_top, winner, yhat - y) / y.shape[1]


def _cross_entropy_logits_gradient(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """−y/(m·ŷ) = −(y/m)·e^(−log ŷ), with log ŷ from z."""
    with np.errstate(over="ignore", invalid="ignore"):
        return _zero_where_no_target(y, -y * np.exp(-log_softmax(z))) / y.shape[1]


def _binary_cross_entropy_logits(z: np.ndarray, y: np.ndarray) -> float:
    """mean of −[y·log σ(z) + (1 − y)·log σ(−z)] = z·(1 − y) + log1p(e^(−z)) for z > 0, −z·y + log1p(e^z) else.

    BCEWithLogitsLoss's form max(z, 0) − z·y + log1p(e^(−|z|)), with the first two terms written
    so that y = 1, z > 0 (and y = 0, z < 0) give exactly 0 rather than z − z.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        linear = np.where(z > 0, z * (1.0 - y), -z * y)
        return float(np.mean(linear + np.log1p(np.exp(-np.abs(z)))))


def _binary_cross_entropy_logits_delta(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """(σ(z) − y)/(m·k); for z ≥ 0 as (1 − y) − σ(−z), so ŷ ≈ 1 keeps its digits."""
    with np.errstate(invalid="ignore", over="ignore"):
        return np.where(z >= 0, (1.0 - y) - sigmoid(-z), sigmoid(z) - y) / y.size


def _binary_cross_entropy_logits_gradient(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """(ŷ − y)/(ŷ(1 − ŷ)·m·k) = [(1 − y)/σ(−z) − y/σ(z)]/(m·k) = [(1 − y)(1 + e^z) − y(1 + e^(−z))]/(m·k)."""
    with np.errstate(over="ignore", invalid="ignore"):
        upper = np.where(y == 1, 0.0, (1.0 - y) * (1.0 + np.exp(z)))
        lower = np.where(y == 0, 0.0, y * (1.0 + np.exp(-z)))
        return (upper - lower) / y.size


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss("squared_error", "E = (1/m)·Σ ½·Σₖ(yₖ − ŷₖ)²",
             r"E = \frac{1}{m}\sum_{\text{samples}} \tfrac{1}{2}\sum_k (y_k - \hat y_k)^2",
             _squared_error, lambda yhat, y: (yhat - y) / y.shape[1],
             "∂E/∂ŷ = (ŷ − y)/m", r"\frac{\partial E}{\partial \hat y} = \frac{\hat y - y}{m}"),
        Loss("mse", "E = (1/(m·k))·ΣΣ(y − ŷ)²",
             r"E = \frac{1}{mk}\sum\sum (y - \hat y)^2",
             _mse, lambda yhat, y: 2.0 * (yhat - y) / y.size,
             "∂E/∂ŷ = 2(ŷ − y)/(m·k)", r"\frac{\partial E}{\partial \hat y} = \frac{2(\hat y - y)}{mk}"),
        Loss("cross_entropy", "E = −(1/m)·Σ Σₖ yₖ·log ŷₖ",
             r"E = -\frac{1}{m}\sum_{\text{samples}}\sum_k y_k \log \hat y_k",
             _cross_entropy, _cross_entropy_gradient,
             "∂E/∂ŷ = −y/(m·ŷ)", r"\frac{\partial E}{\partial \hat y} = -\frac{y}{m\,\hat y}",
             FromLogits(ActivationName.SOFTMAX, _cross_entropy_logits, _cross_entropy_logits_delta,
                        _cross_entropy_logits_gradient)),
        Loss("binary_cross_entropy", "E = −(1/(m·k))·ΣΣ[y·log ŷ + (1 − y)·log(1 − ŷ)]",
             r"E = -\frac{1}{mk}\sum\sum \left[y\log\hat y + (1-y)\log(1-\hat y)\right]",
             _binary_cross_entropy, _binary_cross_entropy_gradient,
             "∂E/∂ŷ = (ŷ − y)/(ŷ(1 − ŷ)·m·k)",
             r"\frac{\partial E}{\partial \hat y} = \frac{\hat y - y}{\hat y(1-\hat y)\,mk}",
             FromLogits(ActivationName.SIGMOID, _binary_cross_entropy_logits, _binary_cross_entropy_logits_delta,
                        _binary_cross_entropy_logits_gradient)),
    )
}

NAMES: tuple[str, ...] = tuple(LOSSES)
assert set(NAMES) == set(LossName), "the table and the vocabulary name the same losses"


def from_logits(loss: str, activation: str) -> FromLogits | None:
    """The z-form of `loss` when the output activation is the one it is computed from, else None."""
    logits = LOSSES[loss].logits
    return logits if logits is not None and logits.activation == activation else None


def loss_value(loss: str, activation: str, z: np.ndarray, yhat: np.ndarray, y: np.ndarray) -> float:
    """E of a batch from the output layer's z and ŷ = f(z) (outputs × samples): from z where the loss has a z-form."""
    logits = from_logits(loss, activation)
    return logits.value(z, y) if logits is not None else LOSSES[loss].value(yhat, y)
