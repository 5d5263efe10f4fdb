"""The lecture's numbers worked by hand in NumPy (no engine code), and the wrong answer each known
mistake gives at one cell: the quiz tests type these and expect the mistake named.

A two-layer sigmoid network with squared error, E = (1/m)·Σ ½(y − ŷ)², stored θ (inputs × units)
as the lecture does: z = θᵀ·a. `momentum_lecture` is the lecture with a second sample and
momentum, for the two mistakes the lecture itself cannot show (m = 1, plain GD).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

X = np.array([[1.0], [0.5]])
Y = np.array([[1.0]])
THETA1 = np.array([[1.2, 1.1, 1.5], [0.3, 0.7, 0.3]])
THETA2 = np.array([[0.2], [0.3], [0.1]])
RATE = 0.5


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


@dataclass
class Worked:
    """One iteration by hand: every quantity the quiz asks (columns are samples)."""

    z1: np.ndarray
    a1: np.ndarray
    z2: np.ndarray
    yhat: np.ndarray
    residual: np.ndarray
    E: float
    dE_dyhat: np.ndarray
    fprime2: np.ndarray
    delta2: np.ndarray
    dE_dtheta2: np.ndarray
    dE_da1: np.ndarray
    fprime1: np.ndarray
    delta1: np.ndarray
    dE_dtheta1: np.ndarray


def work(x: np.ndarray, y: np.ndarray, theta1: np.ndarray, theta2: np.ndarray) -> Worked:
    """Forward and backward through the 2-3-1 network for a batch (m columns), the mean over it."""
    m = x.shape[1]
    z1 = theta1.T @ x
    a1 = sigmoid(z1)
    z2 = theta2.T @ a1
    yhat = sigmoid(z2)
    residual = y - yhat
    E = float(np.sum(0.5 * residual ** 2) / m)
    dE_dyhat = (yhat - y) / m
    fprime2 = yhat * (1 - yhat)
    delta2 = dE_dyhat * fprime2
    dE_da1 = theta2 @ delta2
    fprime1 = a1 * (1 - a1)
    delta1 = dE_da1 * fprime1
    return Worked(z1, a1, z2, yhat, residual, E, dE_dyhat, fprime2, delta2, a1 @ delta2.T, dE_da1, fprime1,
                  delta1, x @ delta1.T)


def lecture() -> Worked:
    return work(X, Y, THETA1, THETA2)


def lecture_mistakes() -> dict[str, tuple[str, tuple[int, int], float]]:
    """Per mistake code: the asked quantity (ASCII name), its cell (0-based) and the wrong value,
    for the lecture's first iteration."""
    w = lecture()
    theta1_new = THETA1 - RATE * w.dE_dtheta1
    theta2_new = THETA2 - RATE * w.dE_dtheta2
    return {
        "wrong_layer": ("z1", (0, 0), float(w.z2[0, 0])),                               # z² for z¹₁
        "sign_flipped": ("y_minus_yhat", (0, 0), float(w.yhat[0, 0] - 1.0)),            # ŷ − y
        "missing_half": ("E", (0, 0), float(w.residual[0, 0] ** 2)),                    # (y − ŷ)², no ½
        "derivative_of_activation_value": ("fprime2", (0, 0),                          # σ′(ŷ) for σ′(z²)
                                           float((sigmoid(w.yhat) * (1 - sigmoid(w.yhat)))[0, 0])),
        "missing_activation_derivative": ("delta2", (0, 0), float(w.dE_dyhat[0, 0])),  # δ² = ∂E/∂ŷ
        "updated_weights_used": ("dE_da1", (1, 0), float((theta2_new @ w.delta2)[1, 0])),  # θ² new·δ²
        "transpose": ("theta1_new", (0, 1), float(theta1_new[1, 0])),                  # θ¹ new[2,1] for [1,2]
        "missing_learning_rate": ("theta2_new", (0, 0), float((THETA2 - w.dE_dtheta2)[0, 0])),  # θ − ∇
    }


MOMENTUM = 0.9
X2 = np.array([[1.0, 0.5], [0.5, 1.0]])
Y2 = np.array([[1.0, 0.0]])


def momentum_lecture(text: str) -> str:
    """The lecture's file with a second sample (0.5, 1 → 0) and momentum on the whole batch."""
    text = text.replace("inputs  = [[1.0, 0.5]]", "inputs  = [[1.0, 0.5], [0.5, 1.0]]")
    text = text.replace("targets = [[1.0]]", "targets = [[1.0], [0.0]]")
    return text.replace('optimizer = "gd"', f'optimizer = "momentum"\nmomentum = {MOMENTUM}\nbatch_size = 2')


def momentum_mistakes() -> dict[str, tuple[int, str, tuple[int, int], float]]:
    """Per mistake code: the iteration (1-based), quantity, cell and wrong value on momentum_lecture."""
    first = work(X2, Y2, THETA1, THETA2)
    v1 = -RATE * first.dE_dtheta1
    v2 = -RATE * first.dE_dtheta2
    second = work(X2, Y2, THETA1 + v1, THETA2 + v2)
    m = X2.shape[1]
    return {
        "missing_batch_average": (1, "E", (0, 0), first.E * m),                         # Σ where the mean belongs
        "momentum_velocity_forgotten": (2, "theta2_new", (0, 0),                         # plain GD in iteration 2
                                        float((THETA2 + v2 - RATE * second.dE_dtheta2)[0, 0])),
    }
