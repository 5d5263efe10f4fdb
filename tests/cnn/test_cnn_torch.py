"""Cross-check against PyTorch autograd: same weights, same batch, the same loss and gradients in
float32. PyTorch is never a dependency: without it this skips locally, but fails in CI (see the
`torch` fixture in tests/conftest.py), so the cross-check runs on every CI run."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_tui.core.cnn.layers import softmax_cross_entropy
from backprop_tui.core.cnn.model import build_network, init_params

from cnn_support import make_scenario
from support.fashion_data import fashion_like


def test_default_network_matches_torch_autograd(torch) -> None:
    scenario = make_scenario()
    params = init_params(scenario)
    rng = np.random.default_rng(1)
    for value in params.values():
        value += (rng.standard_normal(value.shape) * 0.01).astype(np.float32)
    network = build_network(scenario, params)
    images, labels = fashion_like(64, 2)
    x = (images[:, None].astype(np.float32) / 255 - 0.3) / 0.35
    loss, dlogits, _ = softmax_cross_entropy(network.forward(x, train=True), labels.astype(np.intp))
    network.backward(dlogits)

    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1568, 128), nn.ReLU(), nn.Linear(128, 10),
    )
    pairs = {"1": model[0], "4": model[3], "8": model[7], "10": model[9]}
    with torch.no_grad():
        for number, module in pairs.items():
            weight = params[f"{number}.weight"]
            module.weight.copy_(torch.from_numpy(weight if weight.ndim == 4 else weight.T.copy()))
            module.bias.copy_(torch.from_numpy(params[f"{number}.bias"]))
    torch_loss = nn.functional.cross_entropy(model(torch.from_numpy(x)), torch.from_numpy(labels.astype(np.int64)))
    torch_loss.backward()
    assert loss == pytest.approx(torch_loss.item(), abs=1e-5)
    for number, module in pairs.items():
        expected = module.weight.grad.numpy()
        got = network.grads[f"{number}.weight"]
        np.testing.assert_allclose(got if got.ndim == 4 else got.T, expected, atol=2e-6, err_msg=number)
        np.testing.assert_allclose(network.grads[f"{number}.bias"], module.bias.grad.numpy(), atol=2e-6)
