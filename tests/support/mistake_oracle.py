"""The lecture's numbers worked by hand, right and under each known mistake: an oracle for the
mistakes engine that shares no code with it (plain NumPy on the lecture's written values).

`LECTURE_MOMENTUM` is the lecture's network and sample with three more samples and momentum, so the
two mistakes the lecture itself cannot show (the batch's 1/m, momentum's velocity) have numbers
to be made in, in its second iteration.
"""

from __future__ import annotations

import numpy as np

X = np.array([[1.0], [0.5]])
Y = np.array([[1.0]])
THETA1 = np.array([[1.2, 1.1, 1.5], [0.3, 0.7, 0.3]])
THETA2 = np.array([[0.2], [0.3], [0.1]])
GAMMA = 0.5


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def lecture(x: np.ndarray = X, y: np.ndarray = Y, theta1: np.ndarray = THETA1, theta2: np.ndarray = THETA2,
            gamma: float = GAMMA) -> dict[str, np.ndarray]:
    """One plain gradient-descent iteration of the 2-3-1 sigmoid network, squared error with ½ and
    the batch mean, every quantity under its ASCII name."""
    m = x.shape[1]
    q: dict[str, np.ndarray] = {}
    q["z1"] = theta1.T @ x
    q["a1"] = sigmoid(q["z1"])
    q["z2"] = theta2.T @ q["a1"]
    q["yhat"] = sigmoid(q["z2"])
    q["y_minus_yhat"] = y - q["yhat"]
    q["E"] = np.array([[np.sum(0.5 * (y - q["yhat"]) ** 2) / m]])
    q["dE_dyhat"] = (q["yhat"] - y) / m
    q["fprime2"] = q["yhat"] * (1 - q["yhat"])
    q["delta2"] = q["dE_dyhat"] * q["fprime2"]
    q["dE_dtheta2"] = q["a1"] @ q["delta2"].T
    q["dE_da1"] = theta2 @ q["delta2"]
    q["fprime1"] = q["a1"] * (1 - q["a1"])
    q["delta1"] = q["dE_da1"] * q["fprime1"]
    q["dE_dtheta1"] = x @ q["delta1"].T
    q["theta1_new"] = theta1 - gamma * q["dE_dtheta1"]
    q["theta2_new"] = theta2 - gamma * q["dE_dtheta2"]
    return q


def lecture_momentum(inputs: np.ndarray, targets: np.ndarray) -> str:
    """The lecture's network as a scenario file, on these samples (rows), with momentum μ = 0.9
    and every sample in each batch."""
    rows = ", ".join(f"[{a}, {b}]" for a, b in inputs)
    return f"""title = "The lecture's network on {len(inputs)} samples, with momentum"
seed = 0
[network]
inputs = 2
loss = "squared_error"
[[layer]]
units = 3
activation = "sigmoid"
weights = [[1.2, 1.1, 1.5], [0.3, 0.7, 0.3]]
[[layer]]
units = 1
activation = "sigmoid"
weights = [[0.2], [0.3], [0.1]]
[data]
inputs  = [{rows}]
targets = [{", ".join(f"[{t}]" for t in targets)}]
[training]
optimizer = "momentum"
learning_rate = 0.5
momentum = 0.9
batch_size = {len(inputs)}
iterations = 3
"""


X3 = np.array([[1.0, 0.5], [0.5, 1.0], [0.2, 0.8], [0.9, 0.1]]).T
"""The lecture's sample and three more, as columns (four, so a¹ is not square: 3 units × 4)."""
Y3 = np.array([[1.0, 0.0, 1.0, 0.0]])
LECTURE_MOMENTUM = lecture_momentum(X3.T, Y3[0])
MU = 0.9


def momentum_iterations(x: np.ndarray = X3, y: np.ndarray = Y3) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The two first iterations of `lecture_momentum` on samples x, y (columns), with the
    velocities under v_theta1_new, v_theta2_new and the parameters after momentum's update."""
    first = lecture(x, y)
    v1 = -GAMMA * first["dE_dtheta1"]
    v2 = -GAMMA * first["dE_dtheta2"]
    first.update(v_theta1_new=v1, v_theta2_new=v2, theta1_new=THETA1 + v1, theta2_new=THETA2 + v2)
    second = lecture(x, y, first["theta1_new"], first["theta2_new"])
    w1, w2 = MU * v1 - GAMMA * second["dE_dtheta1"], MU * v2 - GAMMA * second["dE_dtheta2"]
    second.update(v_theta1_new=w1, v_theta2_new=w2, theta1_new=first["theta1_new"] + w1,
                  theta2_new=first["theta2_new"] + w2, theta1=first["theta1_new"], theta2=first["theta2_new"],
                  v_theta1=v1, v_theta2=v2)
    return first, second
