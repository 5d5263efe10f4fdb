"""Batches computed as parts at once (core/cnn/parallel.py) and OpenBLAS's thread count
(core/cnn/blas.py): the same numbers threaded or not, the whole batch's gradient, and the
library left as it was found."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_tui.core.cnn import blas
from backprop_tui.core.cnn.config import LayerSpec
from backprop_tui.core.cnn.layers import softmax_cross_entropy
from backprop_tui.core.cnn.model import build_network, init_params
from backprop_tui.core.cnn.parallel import PARTS, Parts, bounds

from cnn_support import DEFAULT_LAYERS, make_scenario
from support.fashion_data import fashion_like

WITH_DROPOUT = (*DEFAULT_LAYERS[:8], LayerSpec("dropout", rate=0.3), *DEFAULT_LAYERS[8:])


def _batch(n: int = 64) -> tuple[np.ndarray, np.ndarray]:
    images, labels = fashion_like(n, 3)
    return (images[:, None].astype(np.float32) / 255 - 0.3) / 0.35, labels.astype(np.intp)


def _perturbed(scenario) -> dict[str, np.ndarray]:
    params = init_params(scenario)
    rng = np.random.default_rng(4)
    for value in params.values():  # non-zero biases, so every path of the gradient is exercised
        value += (rng.standard_normal(value.shape) * 0.01).astype(np.float32)
    return params


@pytest.mark.parametrize(("n", "expected"), [
    (64, [(0, 32), (32, 64)]), (5, [(0, 3), (3, 5)]), (1, [(0, 1)]), (0, [(0, 0)]),
])
def test_a_batch_is_cut_into_near_equal_parts_larger_first(n: int, expected: list) -> None:
    assert bounds(n, 2) == expected


def test_every_batch_has_the_same_parts_whatever_the_machine() -> None:
    assert PARTS == 2  # a constant, not the core count: results must not depend on the machine


@pytest.mark.parametrize("fused", [True, False])
def test_the_parts_give_the_whole_batch_gradient(fused: bool) -> None:
    scenario = make_scenario()
    params = _perturbed(scenario)
    x, y = _batch(64)
    whole = build_network(scenario, {k: v.copy() for k, v in params.items()}, fused=fused)
    loss, dlogits, _ = softmax_cross_entropy(whole.forward(x, train=True), y)
    whole.backward(dlogits)
    network = build_network(scenario, params, fused=fused)
    with Parts(network) as parts:
        part_loss, logits = parts.train_batch(x, y)
    assert part_loss == pytest.approx(loss, abs=1e-6)
    np.testing.assert_allclose(logits, whole.forward(x), atol=1e-5)
    for name, grad in whole.grads.items():
        np.testing.assert_allclose(network.grads[name], grad, atol=1e-6, err_msg=name)


def test_threaded_and_one_after_the_other_agree_bit_for_bit() -> None:
    scenario = make_scenario(WITH_DROPOUT)
    x, y = _batch(50)
    results = []
    for threaded in (True, False):
        network = build_network(scenario, _perturbed(scenario))
        with Parts(network, threaded=threaded) as parts:
            assert parts.threaded is (threaded and blas.threads() is not None)
            loss, logits = parts.train_batch(x, y, np.random.default_rng([1, 2, 3]))
            results.append((loss, logits.copy(), {k: v.copy() for k, v in network.grads.items()}))
    (loss_a, logits_a, grads_a), (loss_b, logits_b, grads_b) = results
    assert loss_a == loss_b
    np.testing.assert_array_equal(logits_a, logits_b)
    for name in grads_a:
        np.testing.assert_array_equal(grads_a[name], grads_b[name], err_msg=name)


def test_evaluation_in_parts_matches_one_pass() -> None:
    scenario = make_scenario()
    network = build_network(scenario, _perturbed(scenario))
    x, _ = _batch(41)
    with Parts(network) as parts:
        np.testing.assert_allclose(parts.forward(x), network.forward(x), atol=1e-5)


def test_blas_threads_are_restored_after_the_block() -> None:
    before = blas.threads()
    if before is None:
        pytest.skip("NumPy does not use OpenBLAS here")
    with blas.blas_threads(1) as done:
        assert done and blas.threads() == 1
    assert blas.threads() == before
    with pytest.raises(RuntimeError), blas.blas_threads(1):
        raise RuntimeError("an error inside the block")
    assert blas.threads() == before


def test_a_worker_thread_keeps_the_callers_error_handling() -> None:
    """train() silences NumPy's overflow warnings; the part in the worker thread must too."""
    import warnings

    scenario = make_scenario()
    params = _perturbed(scenario)
    params["10.weight"] *= np.float32(1e38)  # logits overflow: inf - inf in the loss
    network = build_network(scenario, params)
    x, y = _batch(16)
    with warnings.catch_warnings(), np.errstate(all="ignore"), Parts(network, threaded=True) as parts:
        warnings.simplefilter("error")
        loss, _ = parts.train_batch(x, y)
    assert not np.isfinite(loss)
