"""Every gradient is the true gradient: central finite differences in float64.

Each layer is checked on the scalar L = sum(forward(x) * R) for a random R, so backward(R) must
equal dL/dx and the parameter gradients dL/dparams. A naive loop convolution is the oracle for
the im2col one.
"""

from __future__ import annotations

import numpy as np
import pytest

from backprop_tui.core.cnn.config import LayerSpec
from backprop_tui.core.cnn.layers import Conv2D, Dense, Dropout, Flatten, MaxPool2D, ReLU, softmax_cross_entropy
from backprop_tui.core.cnn.model import build_network, init_params

from cnn_support import make_scenario, naive_conv, numeric_grad


def check_layer(layer, x: np.ndarray, rng: np.random.Generator, train: bool = True) -> None:
    out = layer.forward(x, train)
    weights = rng.standard_normal(out.shape)

    def loss() -> float:
        return float((layer.forward(x, train) * weights).sum())

    loss()
    dx = layer.backward(weights)
    analytic = {name: grad.copy() for name, grad in layer.grads.items()}
    index, numeric = numeric_grad(loss, x)
    np.testing.assert_allclose(dx.reshape(-1)[index], numeric, rtol=1e-5, atol=1e-7)
    for name, param in layer.params.items():
        index, numeric = numeric_grad(loss, param)
        np.testing.assert_allclose(analytic[name].reshape(-1)[index], numeric, rtol=1e-5, atol=1e-7,
                                   err_msg=name)


@pytest.mark.parametrize("stride,padding,kernel", [(1, 1, 3), (2, 1, 3), (1, 0, 3), (2, 2, 5), (3, 1, 2)])
def test_conv_matches_naive_and_gradients(stride: int, padding: int, kernel: int) -> None:
    rng = np.random.default_rng(stride * 10 + padding)
    x = rng.standard_normal((2, 3, 9, 8))
    w = rng.standard_normal((4, 3, kernel, kernel))
    b = rng.standard_normal(4)
    layer = Conv2D(w, b, stride, padding)
    np.testing.assert_allclose(layer.forward(x), naive_conv(x, w, b, stride, padding), rtol=1e-12, atol=1e-12)
    check_layer(layer, x, rng)


def test_maxpool_gradient() -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 6, 4))  # continuous values: no ties
    check_layer(MaxPool2D(2), x, rng)
    check_layer(MaxPool2D(3), rng.standard_normal((1, 2, 6, 9)), rng)


def test_maxpool_ties_go_to_the_first_element() -> None:
    x = np.zeros((1, 1, 2, 2))
    pool = MaxPool2D(2)
    pool.forward(x)
    dx = pool.backward(np.ones((1, 1, 1, 1)))
    assert dx[0, 0].tolist() == [[1.0, 0.0], [0.0, 0.0]]


def test_relu_gradient() -> None:
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 2, 4, 4))
    x[np.abs(x) < 1e-3] = 0.5  # keep away from the kink
    check_layer(ReLU(), x, rng)


def test_flatten_and_dense_gradients() -> None:
    rng = np.random.default_rng(3)
    check_layer(Flatten(), rng.standard_normal((2, 3, 4, 5)), rng)
    check_layer(Dense(rng.standard_normal((7, 5)), rng.standard_normal(5)), rng.standard_normal((4, 7)), rng)


def test_dropout_gradient_with_fixed_mask() -> None:
    rng = np.random.default_rng(4)
    layer = Dropout(0.4)
    x = rng.standard_normal((5, 6))
    layer.fixed_mask = rng.random(x.shape) >= 0.4
    check_layer(layer, x, rng)
    out = layer.forward(x)
    assert np.allclose(out[~layer.fixed_mask], 0) and np.allclose(out[layer.fixed_mask], x[layer.fixed_mask] / 0.6)
    assert layer.forward(x, train=False) is x


def test_dropout_draws_its_mask_from_the_given_generator() -> None:
    x = np.ones((200, 50), np.float32)
    layer = Dropout(0.3)
    first = layer.forward(x, True, np.random.default_rng(7))
    second = layer.forward(x, True, np.random.default_rng(7))
    assert np.array_equal(first, second)
    assert 0.25 < (first == 0).mean() < 0.35


def test_softmax_cross_entropy_gradient_and_value() -> None:
    rng = np.random.default_rng(5)
    logits = rng.standard_normal((6, 10)) * 3
    labels = rng.integers(0, 10, 6)
    loss, grad, probs = softmax_cross_entropy(logits, labels)
    expected = -np.mean(np.log(np.exp(logits) / np.exp(logits).sum(1, keepdims=True))[np.arange(6), labels])
    assert loss == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    index, numeric = numeric_grad(lambda: softmax_cross_entropy(logits, labels)[0], logits)
    np.testing.assert_allclose(grad.reshape(-1)[index], numeric, rtol=1e-5, atol=1e-8)
    # Huge logits do not overflow.
    big_loss, big_grad, _ = softmax_cross_entropy(logits * 1e4, labels)
    assert np.isfinite(big_loss) and np.isfinite(big_grad).all()


SMALL = (
    LayerSpec("conv2d", filters=3, kernel=3, padding=1),
    LayerSpec("relu"),
    LayerSpec("maxpool", size=2),
    LayerSpec("conv2d", filters=4, kernel=3, stride=2, padding=1),
    LayerSpec("relu"),
    LayerSpec("conv2d", filters=4, kernel=3, padding=1),
    LayerSpec("relu"),
    LayerSpec("maxpool", size=7),
    LayerSpec("flatten"),
    LayerSpec("dropout", rate=0.5),
    LayerSpec("dense", units=12),
    LayerSpec("relu"),
    LayerSpec("dense", units=10),
)


@pytest.mark.parametrize("fused", [False, True])
def test_whole_network_gradient(fused: bool) -> None:
    """Loss of the whole network (including a fused block when asked) against finite differences."""
    scenario = make_scenario(SMALL, seed=11)
    params = init_params(scenario, np.float64)
    rng = np.random.default_rng(6)
    for value in params.values():
        value += rng.standard_normal(value.shape) * 0.05  # non-zero biases too
    network = build_network(scenario, params, fused=fused)
    assert any(type(layer).__name__ == "ConvReluPool" for layer in network.layers) == fused
    dropout = next(layer for layer in network.layers if isinstance(layer, Dropout))
    x = rng.standard_normal((3, 1, 28, 28))
    labels = np.array([1, 7, 3])
    dropout.fixed_mask = rng.random((3, 4)) >= 0.5

    def loss() -> float:
        return softmax_cross_entropy(network.forward(x, train=True), labels)[0]

    logits = network.forward(x, train=True)
    _, dlogits, _ = softmax_cross_entropy(logits, labels)
    network.backward(dlogits)
    analytic = {name: grad.copy() for name, grad in network.grads.items()}
    assert set(analytic) == set(params)
    for name, param in params.items():
        index, numeric = numeric_grad(loss, param, max_entries=60)
        np.testing.assert_allclose(analytic[name].reshape(-1)[index], numeric, rtol=1e-4, atol=1e-8, err_msg=name)
