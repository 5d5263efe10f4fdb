"""The fused conv-relu-pool path computes what the generic layers compute, in both dtypes."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_tui.core.cnn.fast import ConvReluPool
from backprop_tui.core.cnn.layers import Conv2D, MaxPool2D, ReLU, softmax_cross_entropy
from backprop_tui.core.cnn.model import build_network, init_params

from cnn_support import make_scenario, naive_conv, numeric_grad
from support.fashion_data import fashion_like


def generic_block(weight, bias, padding):
    return [Conv2D(weight, bias, 1, padding), ReLU(), MaxPool2D(2)]


@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-12), (np.float32, 2e-5)])
@pytest.mark.parametrize("padding,kernel,size", [(1, 3, 28), (0, 3, 10), (2, 5, 12), (1, 3, 14)])
def test_block_matches_generic_layers(dtype, tol, padding, kernel, size) -> None:
    rng = np.random.default_rng(kernel + padding)
    cin, cout, n = 3, 5, 4
    weight = rng.standard_normal((cout, cin, kernel, kernel)).astype(dtype)
    bias = rng.standard_normal(cout).astype(dtype)
    x = rng.standard_normal((n, cin, size, size)).astype(dtype)
    x[:, :, :4, :] = 0  # blank rows: ties inside pooling windows, as on a real image's background
    block = ConvReluPool(weight, bias, padding, (cin, size, size))
    layers = generic_block(weight, bias, padding)
    expected = x
    for layer in layers:
        expected = layer.forward(expected)
    got = block.forward(x.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2)
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)
    dout = rng.standard_normal(expected.shape).astype(dtype)
    grad = dout
    for layer in reversed(layers):
        grad = layer.backward(grad)
    got_dx = block.backward(np.ascontiguousarray(dout.transpose(1, 2, 3, 0))).transpose(3, 0, 1, 2)
    np.testing.assert_allclose(got_dx, grad, rtol=tol, atol=tol * 10)
    for name in ("weight", "bias"):
        np.testing.assert_allclose(block.grads[name], layers[0].grads[name], rtol=tol * 10, atol=tol * 100)


def test_default_network_fast_equals_generic_in_float32_on_images() -> None:
    """The default architecture, fast and generic, on image-like data with many ties."""
    scenario = make_scenario()
    params = init_params(scenario, np.float32)
    fast = build_network(scenario, params, fused=True)
    generic = build_network(scenario, params, fused=False)
    images, labels = fashion_like(64, 3)
    images[:, :, :6] = 0
    x = (images[:, None].astype(np.float32) / 255)
    for network in (generic, fast):
        logits = network.forward(x, train=True)
        network.backward(softmax_cross_entropy(logits, labels.astype(np.intp))[1])
        network.saved = {k: v.copy() for k, v in network.grads.items()}, logits
    np.testing.assert_allclose(fast.saved[1], generic.saved[1], rtol=1e-5, atol=1e-5)
    for name in params:
        scale = np.abs(generic.saved[0][name]).max()
        np.testing.assert_allclose(fast.saved[0][name], generic.saved[0][name], rtol=1e-4, atol=1e-5 * scale,
                                   err_msg=name)


def test_block_reuses_buffers_across_batch_sizes() -> None:
    """Switching between batch sizes (a short last batch, evaluation) never mixes up buffers."""
    rng = np.random.default_rng(0)
    weight = rng.standard_normal((4, 2, 3, 3))
    bias = rng.standard_normal(4)
    block = ConvReluPool(weight, bias, 1, (2, 8, 8))
    reference = generic_block(weight, bias, 1)
    for n in (5, 3, 5, 7, 2, 3, 9):
        x = rng.standard_normal((n, 2, 8, 8))
        expected = x
        for layer in reference:
            expected = layer.forward(expected)
        got = block.forward(x.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2)
        np.testing.assert_allclose(got, expected, atol=1e-12)


def test_block_against_the_naive_oracle_and_finite_differences() -> None:
    """Directly against the loop convolution, and its input and weight gradients numerically."""
    rng = np.random.default_rng(9)
    weight = rng.standard_normal((3, 2, 3, 3))
    bias = rng.standard_normal(3)
    x = rng.standard_normal((2, 2, 6, 6))
    block = ConvReluPool(weight, bias, 1, (2, 6, 6))
    conv = np.maximum(naive_conv(x, weight, bias, 1, 1), 0)
    expected = conv.reshape(2, 3, 3, 2, 3, 2).max(axis=(3, 5))
    got = block.forward(x.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    r = rng.standard_normal(expected.shape)

    def loss() -> float:
        return float((block.forward(x.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2) * r).sum())

    loss()
    dx = block.backward(np.ascontiguousarray(r.transpose(1, 2, 3, 0))).transpose(3, 0, 1, 2).copy()
    dw = block.grads["weight"].copy()
    index, numeric = numeric_grad(loss, x)
    np.testing.assert_allclose(dx.reshape(-1)[index], numeric, rtol=1e-5, atol=1e-7)
    index, numeric = numeric_grad(loss, weight)
    np.testing.assert_allclose(dw.reshape(-1)[index], numeric, rtol=1e-5, atol=1e-7)
