"""Parameter updates and batch selection: plain GD, mini-batch SGD, classical momentum."""

from __future__ import annotations

import numpy as np

from backprop_tui.core.scenario.model import Training
from backprop_tui.core.vocab import OptimizerName


def gd_step(theta: np.ndarray, grad: np.ndarray, learning_rate: float) -> np.ndarray:
    """θ ← θ − γ·∇."""
    return theta - learning_rate * grad


def momentum_step(
    theta: np.ndarray, velocity: np.ndarray, grad: np.ndarray, learning_rate: float, momentum: float
) -> tuple[np.ndarray, np.ndarray]:
    """v ← μ·v − γ·∇; θ ← θ + v (PyTorch's SGD-with-momentum trajectory at a fixed γ)."""
    new_velocity = momentum * velocity - learning_rate * grad
    return theta + new_velocity, new_velocity


def batch_size(training: Training, samples: int) -> int:
    """GD uses every sample; SGD and momentum use batches of batch_size."""
    if training.optimizer == OptimizerName.GD:
        return samples
    return min(training.batch_size, samples)


def batch_indices(training: Training, samples: int, seed: int, iteration: int) -> np.ndarray:
    """The sample indices of update number `iteration` (0-based).

    Each epoch is a fresh permutation drawn from (seed, epoch), so any iteration's batch can be
    found without replaying the ones before it. Full-batch runs keep the data's own order.
    """
    size = batch_size(training, samples)
    if size >= samples:
        return np.arange(samples)
    per_epoch = -(-samples // size)
    epoch, position = divmod(iteration, per_epoch)
    order = np.random.default_rng([seed, epoch]).permutation(samples)
    return order[position * size : (position + 1) * size]
