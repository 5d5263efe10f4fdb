"""Training: the loss falls, optimizers update correctly, checkpoints round-trip, and an
interrupted-then-resumed run ends with exactly the weights of an uninterrupted one."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from backprop_tui.core.cnn.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from backprop_tui.core.cnn.config import LayerSpec, TrainingSpec
from backprop_tui.core.cnn.model import build_network, init_params
from backprop_tui.core.cnn.optim import Optimizer, learning_rate
from backprop_tui.core.cnn.train import Hooks, TrainState, evaluate, train
from backprop_tui.core.errors import UserError

from cnn_support import make_scenario
from support.fashion_data import fashion_like

SMALL = (
    LayerSpec("conv2d", filters=4, kernel=3, padding=1),
    LayerSpec("relu"),
    LayerSpec("maxpool", size=2),
    LayerSpec("conv2d", filters=8, kernel=3, padding=1),
    LayerSpec("relu"),
    LayerSpec("maxpool", size=2),
    LayerSpec("flatten"),
    LayerSpec("dropout", rate=0.2),
    LayerSpec("dense", units=32),
    LayerSpec("relu"),
    LayerSpec("dense", units=10),
)


@pytest.fixture(scope="module")
def data():
    train_images, train_labels = fashion_like(400, 10)
    test_images, test_labels = fashion_like(100, 11)
    return train_images, train_labels, test_images, test_labels


def run(scenario, data, state=None, params=None, optimizer_state=None, stop_after=None):
    """Train `scenario`; with `stop_after`, stop once that many batches have run in this call."""
    params = params if params is not None else init_params(scenario)
    network = build_network(scenario, params)
    optimizer = Optimizer(scenario.training, params)
    for key, value in (optimizer_state or {}).items():
        optimizer.state[key][...] = value
    state = state or TrainState()
    done = [0]

    def should_stop(_: TrainState) -> bool:
        done[0] += 1
        return stop_after is not None and done[0] >= stop_after

    finished = train(network, optimizer, scenario, *data, state, Hooks(should_stop=should_stop))
    return finished, Checkpoint(scenario, params, optimizer.state, state), network


@pytest.mark.parametrize("optimizer,lr", [("sgd", 0.1), ("momentum", 0.02), ("adam", 0.002)])
def test_loss_falls_on_synthetic_images(data, optimizer: str, lr: float) -> None:
    scenario = make_scenario(SMALL, optimizer=optimizer, learning_rate=lr, batch_size=32, epochs=3)
    network = build_network(scenario, init_params(scenario))
    before = evaluate(network, data[2], data[3])
    finished, checkpoint, network = run(scenario, data)
    after = evaluate(network, data[2], data[3])
    history = checkpoint.state.history
    assert finished and [h["epoch"] for h in history] == [1, 2, 3]
    assert history[-1]["train_loss"] < 0.6 * history[0]["train_loss"]
    assert after.loss < 0.5 * before.loss and after.accuracy > 0.8


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_interrupted_and_resumed_equals_uninterrupted(tmp_path: Path, data, optimizer: str) -> None:
    scenario = make_scenario(SMALL, optimizer=optimizer, learning_rate=0.01 if optimizer == "momentum" else 0.002,
                             batch_size=48, epochs=2, schedule="cosine", weight_decay=1e-4)
    _, whole, _ = run(scenario, data)
    path = tmp_path / "run.npz"
    # 400 images / 48 = 9 batches per epoch: stop mid-epoch 1, at the end of epoch 1's batches, mid-epoch 2.
    finished, part, _ = run(scenario, data, stop_after=4)
    assert not finished and (part.state.epoch, part.state.batch) == (0, 4)
    for stop_after in (5, 3):
        save_checkpoint(path, part)
        loaded = load_checkpoint(path)
        finished, part, _ = run(loaded.scenario, data, loaded.state, loaded.params, loaded.optimizer_state,
                                stop_after=stop_after)
        assert not finished
    assert (part.state.epoch, part.state.batch) == (1, 3)
    save_checkpoint(path, part)
    loaded = load_checkpoint(path)
    finished, resumed, _ = run(loaded.scenario, data, loaded.state, loaded.params, loaded.optimizer_state)
    assert finished
    for name, value in whole.params.items():
        assert np.array_equal(resumed.params[name], value), name
    assert resumed.state.history == whole.state.history or _same_but_timing(resumed.state.history, whole.state.history)


def _same_but_timing(a, b) -> bool:
    timing = {"train_seconds", "images_per_second", "eval_seconds"}
    strip = lambda rows: [{k: v for k, v in row.items() if k not in timing} for row in rows]  # noqa: E731
    assert strip(a) == strip(b)
    return True


def test_checkpoint_round_trip(tmp_path: Path, data) -> None:
    scenario = make_scenario(SMALL, optimizer="adam", learning_rate=0.001, epochs=1, batch_size=100)
    _, checkpoint, network = run(scenario, data)
    path = tmp_path / "sub" / "model.npz"
    save_checkpoint(path, checkpoint)
    assert [p.name for p in path.parent.iterdir()] == ["model.npz"]  # no temporary file left behind
    loaded = load_checkpoint(path)
    assert loaded.scenario == scenario
    assert loaded.state.to_dict() == checkpoint.state.to_dict()
    assert set(loaded.optimizer_state) == set(checkpoint.optimizer_state)
    for name, value in checkpoint.params.items():
        assert loaded.params[name].dtype == np.float32 and np.array_equal(loaded.params[name], value)
    rebuilt = build_network(loaded.scenario, loaded.params, fused=False)
    np.testing.assert_array_equal(evaluate(rebuilt, data[2], data[3]).predictions,
                                  evaluate(network, data[2], data[3]).predictions)
    with np.load(path, allow_pickle=False) as npz:
        assert "scenario_json" in npz.files


def test_bad_checkpoints_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such checkpoint file"):
        load_checkpoint(tmp_path / "none.npz")
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip")
    with pytest.raises(UserError, match=r"junk.npz: not a .npz checkpoint \(not a zip archive") as caught:
        load_checkpoint(junk)
    assert "allow_pickle" not in str(caught.value)
    array = tmp_path / "arr.npy"
    np.save(array, np.arange(5))
    with pytest.raises(UserError, match=r"arr.npy: not a .npz checkpoint \(it is a single NumPy .npy array"):
        load_checkpoint(array)
    truncated = tmp_path / "truncated.npz"
    np.savez(truncated, format=np.array("x"), big=np.arange(10000))
    truncated.write_bytes(truncated.read_bytes()[:-300])
    with pytest.raises(UserError, match="truncated.npz: not a .npz checkpoint"):
        load_checkpoint(truncated)
    other = tmp_path / "other.npz"
    np.savez(other, a=np.zeros(3))
    with pytest.raises(UserError, match="not a backprop-tui CNN checkpoint"):
        load_checkpoint(other)
    objects = tmp_path / "objects.npz"
    np.savez(objects, format=np.array([{"x": 1}], dtype=object))
    with pytest.raises(UserError, match="objects.npz: not a backprop-tui CNN checkpoint"):
        load_checkpoint(objects)


def test_checkpoint_with_wrong_shapes(tmp_path: Path, data) -> None:
    scenario = make_scenario(SMALL, epochs=1)
    params = init_params(scenario)
    params["9.weight"] = np.zeros((3, 3), np.float32)
    save_checkpoint(tmp_path / "c.npz", Checkpoint(scenario, params, {}, TrainState()))
    with pytest.raises(UserError, match=r"c.npz: damaged checkpoint: parameter 9.weight has shape \(3, 3\), the stored architecture needs \(392, 32\)"):
        load_checkpoint(tmp_path / "c.npz")


def test_optimizer_rules_on_one_parameter() -> None:
    """One step of each rule against the formula."""
    grad = np.array([0.5, -1.0], np.float64)
    for kind, expected in (
        ("sgd", [1.0 - 0.1 * 0.5, 2.0 + 0.1]),
        ("momentum", [1.0 - 0.1 * 0.5, 2.0 + 0.1]),
        ("adam", [1.0 - 0.1, 2.0 + 0.1]),
    ):
        param = {"w": np.array([1.0, 2.0])}
        optimizer = Optimizer(TrainingSpec(optimizer=kind, learning_rate=0.1), param)
        optimizer.step({"w": grad}, 0.1)
        np.testing.assert_allclose(param["w"], expected, rtol=1e-6)
    param = {"w": np.array([1.0, 2.0])}
    optimizer = Optimizer(TrainingSpec(optimizer="momentum", momentum=0.9), param)
    optimizer.step({"w": grad}, 0.1)
    optimizer.step({"w": grad}, 0.1)
    # v1 = -0.1 g; v2 = 0.9 v1 - 0.1 g = -0.19 g; w = w0 - 0.29 g
    np.testing.assert_allclose(param["w"], [1.0 - 0.29 * 0.5, 2.0 + 0.29], rtol=1e-12)


def test_schedules() -> None:
    step = TrainingSpec(learning_rate=0.1, schedule="step_decay", step_epochs=2, gamma=0.5, epochs=6)
    assert [learning_rate(step, e) for e in (0, 1.9, 2, 5.5)] == [0.1, 0.1, 0.05, 0.025]
    cosine = TrainingSpec(learning_rate=0.1, schedule="cosine", epochs=4, min_learning_rate=0.01)
    assert learning_rate(cosine, 0) == pytest.approx(0.1)
    assert learning_rate(cosine, 2) == pytest.approx(0.055)
    assert learning_rate(cosine, 4) == pytest.approx(0.01)
    assert learning_rate(TrainingSpec(learning_rate=0.3), 7) == 0.3
    assert math.isclose(learning_rate(cosine, 1), 0.01 + 0.045 * (1 + math.cos(math.pi / 4)))


def _rewrite(path: Path, **changes: np.ndarray) -> None:
    """Replace some entries of a saved checkpoint, keeping the rest."""
    with np.load(path, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    arrays.update(changes)
    np.savez(path, **arrays)


@pytest.fixture
def saved(tmp_path: Path, data) -> Path:
    """A checkpoint of a momentum run stopped in its second epoch."""
    scenario = make_scenario(SMALL, learning_rate=0.01, batch_size=100, epochs=2)
    _, checkpoint, _ = run(scenario, data, stop_after=6)
    path = tmp_path / "c.npz"
    save_checkpoint(path, checkpoint)
    return path


STATE = {"epoch": 1, "batch": 2, "loss_sum": 3.0, "correct": 4, "seen": 5, "seconds": 1.0,
         "history": [{"epoch": 1}], "limit": None}


@pytest.mark.parametrize("change,message", [
    ({"epoch": "x"}, '"epoch" should be a whole number, got "x"'),
    ({"epoch": -3}, '"epoch" should be at least 0, got -3'),
    ({"epoch": 7}, '"epoch" is 7, but the stored scenario trains 2 epochs'),
    ({"batch": 1.5}, '"batch" should be a whole number, got 1.5'),
    ({"limit": 0}, '"limit" should be at least 1, got 0'),
    ({"limit": True}, '"limit" should be a whole number, got true'),
    ({"loss_sum": float("nan")}, '"loss_sum" should be a finite number from 0, got nan'),
    ({"seconds": "1"}, '"seconds" should be a number, got "1"'),
    ({"correct": 9}, '"correct" (9) is more than "seen" (5)'),
    ({"history": {}}, '"history" should be a list of JSON objects'),
    ({"extra": 1}, 'unknown key "extra"'),
])
def test_damaged_training_state(saved: Path, change: dict, message: str) -> None:
    _rewrite(saved, state_json=np.array(json.dumps({**STATE, **change})))
    with pytest.raises(UserError) as caught:
        load_checkpoint(saved)
    assert str(caught.value) == f"{saved}: damaged checkpoint: the stored training state: {message}"


def test_damaged_arrays(saved: Path) -> None:
    good = load_checkpoint(saved)
    cases = [
        ({"param/1.weight": np.full(good.params["1.weight"].shape, "x")},
         "parameter 1.weight holds str32 values of shape 4x1x3x3, not floating-point numbers"),
        ({"param/1.bias": np.array([np.nan, 0, 0, 0], np.float32)}, "parameter 1.bias holds NaN or infinite values"),
        ({"param/99.weight": np.zeros(3, np.float32)}, "parameter 99.weight does not belong to the stored architecture"),
        ({"optim/step": np.array("7")}, "optimizer state step should be a whole number from 0, holds a str32 scalar"),
        ({"optim/step": np.array(-1)}, "optimizer state step should be a whole number from 0, holds a int64 scalar"),
        ({"optim/velocity/1.weight": np.full(good.params["1.weight"].shape, "x")},
         "optimizer state velocity/1.weight holds str32 values of shape 4x1x3x3, not floating-point numbers"),
        ({"optim/velocity/1.bias": np.zeros(3, np.float32)},
         "optimizer state velocity/1.bias has shape (3,), needs (4,)"),
        ({"optim/m/1.bias": np.zeros(4, np.float32)},
         'the optimizer state has m/1.bias, which does not fit optimizer "momentum"'),
        ({"state_json": np.array([1, 2])}, "entry state_json should hold one string, holds int64 values of shape 2"),
        ({"param/1.bias": np.array([{"a": 1}], dtype=object)}, "entry param/1.bias holds Python objects, not numbers"),
    ]
    original = saved.read_bytes()
    for change, message in cases:
        saved.write_bytes(original)
        _rewrite(saved, **change)
        with pytest.raises(UserError) as caught:
            load_checkpoint(saved)
        assert str(caught.value) == f"{saved}: damaged checkpoint: {message}"
    saved.write_bytes(original)
    _rewrite(saved, **{"param/1.bias": good.params["1.bias"].astype(np.float64)})
    assert load_checkpoint(saved).params["1.bias"].dtype == np.float32


def test_non_finite_loss_or_weights_stop_training(data) -> None:
    import warnings

    from backprop_tui.core.cnn.train import TrainingDiverged

    scenario = make_scenario(SMALL, learning_rate=0.01, batch_size=100, epochs=3)

    def poisoned(**hooks):
        params = init_params(scenario)
        network = build_network(scenario, params)
        state = TrainState()
        poison = lambda *_: params["1.weight"].fill(np.inf)  # noqa: E731
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # NumPy's overflow warnings are silenced inside train()
            with pytest.raises(TrainingDiverged) as caught:
                train(network, Optimizer(scenario.training, params), scenario, *data, state,
                      Hooks(**{name: poison if value == "poison" else value for name, value in hooks.items()}))
        assert caught.value.exit_code == 1
        return str(caught.value), state

    message, state = poisoned(on_epoch_end="poison")
    assert message == "training diverged: the loss became NaN in batch 1 of epoch 2 (learning rate 0.01)"
    assert (state.epoch, state.batch) == (1, 0)
    message, _ = poisoned(on_batch="poison", should_stop=lambda state: True)
    assert message == "training diverged: weights 1.weight became NaN or infinite after batch 1 of epoch 1"
