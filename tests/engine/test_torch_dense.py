"""Optional cross-check of the dense engine against PyTorch autograd in float64 (skipped when torch
is not installed; it is never a dependency): every activation × output/loss pair, and the
saturated outputs of issue 8 where the loss must be computed from z as PyTorch's
CrossEntropyLoss and BCEWithLogitsLoss do."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_tui.core.dense.run import run
from backprop_tui.core.scenario.load import loads

from test_gradients import CASES, scenario_text

torch = pytest.importorskip("torch")
F = torch.nn.functional

ACTIVATIONS = {
    "identity": lambda z: z,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,                                  # relu′(0) = 0, as in the engine
    "leaky_relu": lambda z: F.leaky_relu(z, 0.01),
    "softmax": lambda z: torch.softmax(z, dim=0),         # columns are samples
    "step": lambda z: (z >= 0).to(torch.float64),         # no gradient flows through it
}


def torch_loss(loss: str, z: "torch.Tensor", yhat: "torch.Tensor", y: "torch.Tensor") -> "torch.Tensor":
    m = y.shape[1]
    if loss == "squared_error":
        return torch.sum(0.5 * (y - yhat) ** 2) / m
    if loss == "mse":
        return torch.mean((y - yhat) ** 2)
    if loss == "cross_entropy":
        return F.cross_entropy(z.T, y.T)                  # probability targets, mean over the batch
    return F.binary_cross_entropy_with_logits(z, y)       # mean over every output of every sample


def torch_gradients(scenario):
    """E and ∂E/∂θ, ∂E/∂b of the scenario's first batch, by PyTorch autograd."""
    weights = [torch.tensor(layer.weights, dtype=torch.float64, requires_grad=True) for layer in scenario.layers]
    biases = [torch.tensor(layer.bias, dtype=torch.float64, requires_grad=True) for layer in scenario.layers]
    a = torch.tensor(scenario.x.T, dtype=torch.float64)
    y = torch.tensor(scenario.y.T, dtype=torch.float64)
    for layer, w, b in zip(scenario.layers, weights, biases):
        z = w.T @ a + b[:, None]
        a = ACTIVATIONS[layer.activation](z)
    loss = torch_loss(scenario.loss, z, a, y)
    if loss.requires_grad:                                # not after a step output: nothing flows back
        loss.backward()
    zeros = lambda t: np.zeros(tuple(t.shape)) if t.grad is None else t.grad.numpy()
    return float(loss.detach()), [zeros(w) for w in weights], [zeros(b) for b in biases]


@pytest.mark.parametrize("hidden,output,loss", CASES)
@pytest.mark.parametrize("scale", [1.0, 4.0])
def test_engine_matches_torch_autograd(hidden, output, loss, scale):
    scenario = loads(scenario_text(hidden, output, loss, seed=3, scale=scale))
    it = run(scenario, 1)[0]
    expected_loss, grad_w, grad_b = torch_gradients(scenario)
    assert it.loss == pytest.approx(expected_loss, rel=1e-12, abs=0.0)
    for ours, theirs in [*zip(it.backward.grad_w, grad_w), *zip(it.backward.grad_b, grad_b)]:
        # an entry that is a sum of cancelling terms is known to ε of the terms, not of itself
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-13 * max(np.abs(theirs).max(), 1e-300))


@pytest.mark.parametrize("activation,loss,weights,target", [
    ("softmax", "cross_entropy", [200.0, 0.0], [0.0, 1.0]),     # issue 8: E = 200, not 100
    ("softmax", "cross_entropy", [-300.0, 50.0], [0.5, 0.5]),
    ("sigmoid", "binary_cross_entropy", [-20.0], [0.0]),
    ("sigmoid", "binary_cross_entropy", [-30.0], [1.0]),
    ("sigmoid", "binary_cross_entropy", [800.0], [0.0]),
    ("sigmoid", "binary_cross_entropy", [-800.0], [0.3]),
])
def test_saturated_outputs_match_torch(activation, loss, weights, target):
    scenario = loads(f"""
[network]
inputs = 1
loss = "{loss}"
[[layer]]
units = {len(weights)}
activation = "{activation}"
weights = [{weights}]
bias = {[0.0] * len(weights)}
[data]
inputs = [[1.0]]
targets = [{target}]
[training]
optimizer = "gd"
learning_rate = 0.1
""")
    it = run(scenario, 1)[0]
    expected_loss, grad_w, _ = torch_gradients(scenario)
    # PyTorch's BCEWithLogits rounds log1p(e^−20) to 7 digits (2.061153026e-09 against 2.061153620e-09).
    assert it.loss == pytest.approx(expected_loss, rel=1e-6, abs=0.0)
    np.testing.assert_allclose(it.backward.grad_w[0], grad_w[0], rtol=1e-12, atol=0.0)
