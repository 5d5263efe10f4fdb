"""Optimizers (SGD, SGD with momentum, Adam) and learning-rate schedules, updating in place.

Optimizer state is a dict of arrays so a checkpoint can store it and a resumed run continues
bit for bit.
"""

from __future__ import annotations

import math

import numpy as np

from backprop_tui.core.cnn.config import TrainingSpec
from backprop_tui.core.vocab import CnnOptimizerName, ScheduleName


def learning_rate(spec: TrainingSpec, progress: float) -> float:
    """The learning rate after `progress` epochs (fractional: epoch + batch / batches)."""
    if spec.schedule == ScheduleName.STEP_DECAY:
        return spec.learning_rate * spec.gamma ** int(progress // spec.step_epochs)
    if spec.schedule == ScheduleName.COSINE:
        fraction = min(progress / spec.epochs, 1.0)
        low = spec.min_learning_rate
        return low + 0.5 * (spec.learning_rate - low) * (1.0 + math.cos(math.pi * fraction))
    return spec.learning_rate


class Optimizer:
    """Applies one update rule to every parameter; `state` holds velocities / moments / step."""

    def __init__(self, spec: TrainingSpec, params: dict[str, np.ndarray]):
        self.spec = spec
        self.params = params
        self.state: dict[str, np.ndarray] = {"step": np.zeros((), np.int64)}
        for name, value in params.items():
            if spec.optimizer == CnnOptimizerName.MOMENTUM:
                self.state[f"velocity/{name}"] = np.zeros_like(value)
            elif spec.optimizer == CnnOptimizerName.ADAM:
                self.state[f"m/{name}"] = np.zeros_like(value)
                self.state[f"v/{name}"] = np.zeros_like(value)
        self._scratch = {name: np.empty_like(value) for name, value in params.items()}
        self._decayed = {name: np.empty_like(value) for name, value in params.items()} if spec.weight_decay else {}

    def step(self, grads: dict[str, np.ndarray], lr: float) -> None:
        """One update with learning rate `lr`."""
        spec = self.spec
        self.state["step"] += 1
        t = int(self.state["step"])
        for name, param in self.params.items():
            grad = grads[name]
            if spec.weight_decay:
                grad = self._decayed[name]
                np.multiply(param, param.dtype.type(spec.weight_decay), out=grad)
                grad += grads[name]
            if spec.optimizer == CnnOptimizerName.SGD:
                param -= param.dtype.type(lr) * grad
            elif spec.optimizer == CnnOptimizerName.MOMENTUM:
                # The lecture's form: v <- mu v - lr g;  w <- w + v.
                velocity = self.state[f"velocity/{name}"]
                velocity *= param.dtype.type(spec.momentum)
                velocity -= param.dtype.type(lr) * grad
                param += velocity
            else:
                self._adam(name, param, grad, lr, t)

    def _adam(self, name: str, param: np.ndarray, grad: np.ndarray, lr: float, t: int) -> None:
        b1, b2 = self.spec.betas
        m, v = self.state[f"m/{name}"], self.state[f"v/{name}"]
        f = param.dtype.type
        m *= f(b1)
        m += f(1 - b1) * grad
        v *= f(b2)
        v += f(1 - b2) * grad * grad
        step = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        scratch = self._scratch[name]
        np.sqrt(v, out=scratch)
        scratch += f(self.spec.epsilon * math.sqrt(1 - b2 ** t))
        np.divide(m, scratch, out=scratch)
        scratch *= f(step)
        param -= scratch
