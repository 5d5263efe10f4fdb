"""Loss functions, defined as the rest of the field defines them (PyTorch's reductions).

Every loss is an average over the m samples of the batch, so the 1/m shows up in ∂E/∂ŷ.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from backprop_tui.core.vocab import LossName

_LOG_FLOOR = -100.0  # PyTorch's BCELoss clamps log to >= -100 so a certain wrong answer stays finite
_EPS = 1e-12


def _safe_log(x: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.maximum(np.log(x), _LOG_FLOOR)


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


def _squared_error(yhat: np.ndarray, y: np.ndarray) -> float:
    return float(np.sum(0.5 * (y - yhat) ** 2) / y.shape[1])


def _mse(yhat: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((y - yhat) ** 2))


def _cross_entropy(yhat: np.ndarray, y: np.ndarray) -> float:
    return float(-np.sum(y * _safe_log(yhat)) / y.shape[1])


def _binary_cross_entropy(yhat: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(-(y * _safe_log(yhat) + (1.0 - y) * _safe_log(1.0 - yhat))))


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
             _cross_entropy, lambda yhat, y: -y / np.maximum(yhat, _EPS) / y.shape[1],
             "∂E/∂ŷ = −y/(m·ŷ)", r"\frac{\partial E}{\partial \hat y} = -\frac{y}{m\,\hat y}"),
        Loss("binary_cross_entropy", "E = −(1/(m·k))·ΣΣ[y·log ŷ + (1 − y)·log(1 − ŷ)]",
             r"E = -\frac{1}{mk}\sum\sum \left[y\log\hat y + (1-y)\log(1-\hat y)\right]",
             _binary_cross_entropy,
             lambda yhat, y: (yhat - y) / np.maximum(yhat * (1.0 - yhat), _EPS) / y.size,
             "∂E/∂ŷ = (ŷ − y)/(ŷ(1 − ŷ)·m·k)",
             r"\frac{\partial E}{\partial \hat y} = \frac{\hat y - y}{\hat y(1-\hat y)\,mk}"),
    )
}

NAMES: tuple[str, ...] = tuple(LOSSES)
assert set(NAMES) == set(LossName), "the table and the vocabulary name the same losses"
