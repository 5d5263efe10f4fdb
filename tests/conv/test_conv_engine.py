"""The convolutional stepper's numbers: the bundled `conv` scenario against hand-worked values, every
quantity against a loop-by-loop computation and against batch mode's layers (float64, 1e-12),
and every cell of every step against its own explanation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from backprop_tui.core.cnn import layers as batch
from backprop_tui.core.dense import conv, conv_run
from backprop_tui.core.dense.conv_steps import build_conv_steps
from backprop_tui.core.dense.explain import explain, recompute
from backprop_tui.core.dense.operation import OpKind
from backprop_tui.core.scenario.conv_load import load_conv, loads_conv
from backprop_tui.core.vocab import Kind, parse_quantity

from conv_support import conv_text, loop_network

TIGHT = dict(rtol=1e-12, atol=1e-12)


def _first(scenario):
    it = conv_run.run(scenario, 1)[0]
    return it, build_conv_steps(scenario, it)


def _value(steps, name):
    key = parse_quantity(name)
    step = next(s for s in steps if s.producer(key) is not None)
    return step.matrix(key).values


# -- the bundled scenario, worked by hand -----------------------------------------------------------


def test_conv_scenario_forward_by_hand():
    scenario = load_conv("conv")
    it, steps = _first(scenario)
    # The top-left patch [[0,2,0],[0,1,2],[2,0,2]] under the vertical-edge filter [[1,0,-1],[2,0,-2],[1,0,-1]]:
    # 0 + 0 + 0 + 0 + 0 − 4 + 2 + 0 − 2 = −4, plus b¹₁ = 0.5.
    z1 = _value(steps, "z1")
    assert z1.shape == (2, 16)
    assert z1[0, 0] == -3.5
    # the horizontal-edge filter [[1,2,1],[0,0,0],[-1,-2,-1]] on the same patch: 0 + 4 + 0 − 2 − 0 − 2 = 0, b¹₂ = −0.5
    assert z1[1, 0] == -0.5
    # the patch under output (1,2) is column 2 of P¹: [[2,0,1],[1,2,1],[0,2,1]] read row by row
    assert _value(steps, "patches1")[:, 1].tolist() == [2, 0, 1, 1, 2, 1, 0, 2, 1]
    # first 2×2 window of map 1: a¹ = relu(−3.5, 0.5, −0.5, −2.5) → max 0.5
    a1 = _value(steps, "a1")
    assert a1[0, [0, 1, 4, 5]].tolist() == [0.0, 0.5, 0.0, 0.0]
    assert _value(steps, "a2")[0, 0] == 0.5
    assert _value(steps, "a3").shape == (8, 1)
    # E = −log ŷ₁ of the one sample (target class 1)
    yhat = _value(steps, "yhat")
    assert it.loss == pytest.approx(-math.log(yhat[0, 0]), rel=1e-14)
    assert it.loss == pytest.approx(0.645068, abs=1e-6)


def test_conv_scenario_backward_by_hand():
    scenario = load_conv("conv")
    it, steps = _first(scenario)
    yhat = _value(steps, "yhat")
    delta4 = _value(steps, "delta4")
    assert np.allclose(delta4[:, 0], yhat[:, 0] - np.array([1.0, 0.0, 0.0]), **TIGHT)
    # the winner of window 1 of map 1 is a¹₁₂ (0.5): only it gets ∂E/∂a²₁₁
    d_a1, d_a2 = _value(steps, "dE_da1"), _value(steps, "dE_da2")
    assert d_a1[0, 1] == d_a2[0, 0] and d_a1[0, 0] == 0.0 and d_a1[0, 4] == 0.0 and d_a1[0, 5] == 0.0
    # ∂E/∂θ¹₁₁ (tap (1,1) of filter 1) = Σ over the 16 positions of P¹₁ⱼ·δ¹₁ⱼ
    patches, delta1 = _value(steps, "patches1"), _value(steps, "delta1")
    assert _value(steps, "dE_dtheta1")[0, 0] == pytest.approx(float(np.dot(patches[0], delta1[0])), rel=1e-13)
    # ∂E/∂b¹ is δ¹ summed over the positions
    assert np.allclose(_value(steps, "dE_db1")[:, 0], delta1.sum(axis=1), **TIGHT)


# -- the loop oracle, with padding, stride, channels and a batch ----------------------------------------


CASES = {
    "plain": dict(shape=(1, 1, 6, 6), filters=2, k=3, stride=1, padding=0, pool=2),
    "padding border": dict(shape=(1, 1, 5, 5), filters=2, k=3, stride=1, padding=1, pool=0),
    "stride, channels, batch": dict(shape=(2, 2, 7, 7), filters=3, k=3, stride=2, padding=1, pool=2),
    "two samples padded": dict(shape=(2, 1, 4, 4), filters=2, k=2, stride=1, padding=1, pool=0),
}


def _case(name: str, seed: int = 0):
    spec = CASES[name]
    rng = np.random.default_rng(seed)
    n, c, h, w = spec["shape"]
    x = rng.normal(size=spec["shape"])
    filters = rng.normal(size=(spec["filters"], c, spec["k"], spec["k"]))
    bias = rng.normal(size=spec["filters"]) * 0.1
    ho = (h + 2 * spec["padding"] - spec["k"]) // spec["stride"] + 1
    wo = (w + 2 * spec["padding"] - spec["k"]) // spec["stride"] + 1
    if spec["pool"]:
        ho, wo = ho // spec["pool"], wo // spec["pool"]
    dense = rng.normal(size=(spec["filters"] * ho * wo, 3)) * 0.3
    dense_bias = rng.normal(size=3) * 0.1
    targets = np.eye(3)[rng.integers(0, 3, size=n)]
    text = conv_text(x, targets, filters, bias, dense, dense_bias, spec["stride"], spec["padding"], spec["pool"])
    return loads_conv(text), (x, targets, filters, bias, dense, dense_bias, spec["stride"], spec["padding"], spec["pool"])


@pytest.mark.parametrize("name", list(CASES))
def test_every_quantity_against_loops(name):
    scenario, args = _case(name)
    x, targets, filters, bias, dense, dense_bias, stride, padding, pool = args
    want = loop_network(*args)
    it, steps = _first(scenario)
    image = scenario.layers[0].output_shape
    L = len(scenario.layers)
    got = lambda q: _value(steps, q)  # noqa: E731
    assert np.allclose(conv.to_tensor(got("z1"), image), want["z1"], **TIGHT)
    assert np.allclose(conv.to_tensor(got("a1"), image), want["a1"], **TIGHT)
    if pool:
        assert np.allclose(conv.to_tensor(got("a2"), scenario.layers[1].output_shape), want["a2"], **TIGHT)
    assert np.allclose(got(f"a{L - 1}").T, want["flat"], **TIGHT)
    assert np.allclose(got("yhat").T, want["yhat"], **TIGHT)
    assert it.loss == pytest.approx(want["loss"], rel=1e-12)
    assert np.allclose(got(f"dE_dtheta{L}"), want["d_dense"], **TIGHT)
    assert np.allclose(got(f"dE_da{L - 1}").T, want["d_flat"], **TIGHT)
    assert np.allclose(conv.to_tensor(got("dE_da1"), image), want["d_a1"], **TIGHT)
    assert np.allclose(conv.to_tensor(got("delta1"), image), want["d_z1"], **TIGHT)
    # θ¹'s columns are the filters read tap by tap
    assert np.allclose(got("dE_dtheta1").T.reshape(filters.shape), want["d_filters"], **TIGHT)
    assert np.allclose(got("dE_db1")[:, 0], want["d_bias"], **TIGHT)
    assert np.allclose(conv.to_tensor(got("dE_dx"), scenario.input_shape), want["d_x"], **TIGHT)


@pytest.mark.parametrize("name", list(CASES))
def test_every_step_against_batch_mode_layers(name):
    scenario, args = _case(name, seed=1)
    x, targets, filters, bias, dense, dense_bias, stride, padding, pool = args
    it, steps = _first(scenario)
    got = lambda q: _value(steps, q)  # noqa: E731
    conv_layer = batch.Conv2D(filters.copy(), bias.copy(), stride, padding)
    relu, flat_layer = batch.ReLU(), batch.Flatten()
    dense_layer = batch.Dense(dense.copy(), dense_bias.copy())
    pooler = batch.MaxPool2D(pool) if pool else None
    z = conv_layer.forward(x)
    a = relu.forward(z)
    pooled = pooler.forward(a) if pooler else a
    flat = flat_layer.forward(pooled)
    logits = dense_layer.forward(flat)
    loss, d_logits, probs = batch.softmax_cross_entropy(logits, targets.argmax(axis=1))
    image = scenario.layers[0].output_shape
    assert np.allclose(conv.to_tensor(got("z1"), image), z, **TIGHT)
    assert np.allclose(got("yhat").T, probs, **TIGHT)
    assert it.loss == pytest.approx(loss, rel=1e-12)
    d_flat = dense_layer.backward(d_logits)
    d_pooled = flat_layer.backward(d_flat)
    d_a = pooler.backward(d_pooled) if pooler else d_pooled
    d_z = relu.backward(d_a)
    d_x = conv_layer.backward(d_z)
    L = len(scenario.layers)
    assert np.allclose(got(f"dE_dtheta{L}"), dense_layer.grads["weight"], **TIGHT)
    assert np.allclose(conv.to_tensor(got("dE_da1"), image), d_a, **TIGHT)
    assert np.allclose(got("dE_dtheta1").T.reshape(filters.shape), conv_layer.grads["weight"], **TIGHT)
    assert np.allclose(got("dE_db1")[:, 0], conv_layer.grads["bias"], **TIGHT)
    assert np.allclose(conv.to_tensor(got("dE_dx"), scenario.input_shape), d_x, **TIGHT)
    # the update is batch mode's plain SGD step
    assert np.allclose(it.after.params.weights[0], (filters - 0.1 * conv_layer.grads["weight"]).reshape(
        filters.shape[0], -1).T, **TIGHT)


def test_im2col_and_col2im_are_adjoint_and_match_loops():
    rng = np.random.default_rng(3)
    image = (2, 5, 6)
    a = rng.normal(size=(2, 2 * 30))
    patches = conv.im2col(a, image, 3, 2, 1)
    tensor = conv.to_tensor(a, image)
    # the loop: column (n, oy, ox), row (c, i, j) holds x[n, c, oy·2+i−1, ox·2+j−1] or 0 on the padding
    ho, wo = 3, 3
    for n in range(2):
        for oy in range(ho):
            for ox in range(wo):
                for c in range(2):
                    for i in range(3):
                        for j in range(3):
                            y, x = oy * 2 + i - 1, ox * 2 + j - 1
                            want = tensor[n, c, y, x] if 0 <= y < 5 and 0 <= x < 6 else 0.0
                            assert patches[c * 9 + i * 3 + j, n * ho * wo + oy * wo + ox] == want
    d = rng.normal(size=patches.shape)
    assert np.sum(patches * d) == pytest.approx(np.sum(a * conv.col2im(d, image, 3, 2, 1)), rel=1e-12)


# -- explanations -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["conv", *CASES])
def test_every_cell_of_every_step_recomputes_from_its_explanation(name):
    scenario = load_conv("conv") if name == "conv" else _case(name)[0]
    _, steps = _first(scenario)
    kinds = set()
    for step in steps:
        for op in step.operations:
            kinds.add(op.kind)
            for key in op.results:
                values = step.matrix(key).values
                for cell in np.ndindex(values.shape):
                    e = explain(step, key, cell)
                    assert recompute(e) == pytest.approx(values[cell], rel=1e-12, abs=1e-15), (step.index, key, cell)
    conv_kinds = {OpKind.IM2COL, OpKind.COL2IM, OpKind.MAXPOOL, OpKind.MAXPOOL_BACKWARD, OpKind.FLATTEN,
                  OpKind.UNFLATTEN}
    assert conv_kinds - kinds <= ({OpKind.MAXPOOL, OpKind.MAXPOOL_BACKWARD} if not _has_pool(scenario) else set())


def _has_pool(scenario) -> bool:
    return any(type(layer).__name__ == "PoolLayer" for layer in scenario.layers)


def test_a_filter_weights_explanation_sums_over_every_position_it_visits():
    scenario = load_conv("conv")
    _, steps = _first(scenario)
    key = parse_quantity("dE_dtheta1")
    step = next(s for s in steps if s.producer(key) is not None)
    e = explain(step, key, (4, 1))  # the centre tap of filter 2
    assert len(e.terms) == 16
    assert {t.cells[0].key.kind for t in e.terms} == {Kind.PATCHES}
    assert [t.cells[0].cell for t in e.terms] == [(4, j) for j in range(16)]


TWO_CONVS = """title = "two convolutions"
seed = 4
[network]
input_shape = [2, 9, 9]
init = "he"
[[layer]]
type = "conv2d"
filters = 3
kernel = 3
stride = 2
padding = 1
activation = "tanh"
bias = [0.1, -0.2, 0.05]
[[layer]]
type = "conv2d"
filters = 2
kernel = 2
activation = "sigmoid"
[[layer]]
type = "maxpool"
size = 2
[[layer]]
type = "flatten"
[[layer]]
units = 3
activation = "softmax"
bias = [0.0, 0.1, -0.1]
[data]
inputs = {inputs}
targets = [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
"""


def test_two_convolutions_in_a_row_against_batch_mode_and_their_explanations():
    from conv_support import toml_array

    rng = np.random.default_rng(9)
    x = rng.normal(size=(2, 2, 9, 9))
    scenario = loads_conv(TWO_CONVS.format(inputs=toml_array(x)))
    assert [getattr(layer, "output_shape", None) for layer in scenario.layers[:3]] == [(3, 5, 5), (2, 4, 4), (2, 2, 2)]
    it, steps = _first(scenario)
    first, second = scenario.layers[0], scenario.layers[1]
    c1 = batch.Conv2D(first.weights.copy(), first.bias.copy(), 2, 1)
    c2 = batch.Conv2D(second.weights.copy(), np.zeros(2), 1, 0)  # no bias in the file: none in the stepper
    pool, flat = batch.MaxPool2D(2), batch.Flatten()
    dense = batch.Dense(scenario.layers[4].weights.copy(), scenario.layers[4].bias.copy())
    a1 = np.tanh(c1.forward(x))
    a2 = 1.0 / (1.0 + np.exp(-c2.forward(a1)))
    logits = dense.forward(flat.forward(pool.forward(a2)))
    loss, d_logits, probs = batch.softmax_cross_entropy(logits, np.array([1, 0]))
    assert np.allclose(_value(steps, "yhat").T, probs, **TIGHT) and it.loss == pytest.approx(loss, rel=1e-12)
    d_a2 = pool.backward(flat.backward(dense.backward(d_logits)))
    d_a1 = c2.backward(d_a2 * a2 * (1 - a2))
    d_x = c1.backward(d_a1 * (1 - a1 ** 2))
    assert np.allclose(conv.to_tensor(_value(steps, "dE_da1"), first.output_shape), d_a1, **TIGHT)
    assert np.allclose(_value(steps, "dE_dtheta2").T.reshape(second.weights.shape), c2.grads["weight"], **TIGHT)
    assert np.allclose(_value(steps, "dE_dtheta1").T.reshape(first.weights.shape), c1.grads["weight"], **TIGHT)
    assert np.allclose(conv.to_tensor(_value(steps, "dE_dx"), scenario.input_shape), d_x, **TIGHT)
    for step in steps:
        for op in step.operations:
            for key in op.results:
                values = step.matrix(key).values
                for cell in np.ndindex(values.shape):
                    assert recompute(explain(step, key, cell)) == pytest.approx(values[cell], rel=1e-12, abs=1e-15)
    assert all(s.check.status.value == "agrees" for s in steps if s.check is not None)
