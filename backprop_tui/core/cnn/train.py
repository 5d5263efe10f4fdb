"""The training loop: epochs of shuffled mini-batches, a test evaluation after each epoch.

Everything random derives from (seed, epoch, batch): the shuffle of an epoch and the dropout
masks of a batch. With the weights, the optimizer state and `TrainState` saved, a run stopped
after any batch and resumed ends with exactly the weights of an uninterrupted run.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np

from backprop_tui.core.cnn.config import CnnScenario
from backprop_tui.core.cnn.data import to_input
from backprop_tui.core.cnn.layers import softmax_cross_entropy
from backprop_tui.core.cnn.model import Network
from backprop_tui.core.cnn.optim import Optimizer, learning_rate
from backprop_tui.core.cnn.parallel import Parts
from backprop_tui.core import strict_json
from backprop_tui.core.errors import UserError
from backprop_tui.i18n import Message


@dataclass
class TrainState:
    """Where training stands: completed epochs, batches done in the current one, running sums."""

    epoch: int = 0
    batch: int = 0
    loss_sum: float = 0.0
    correct: int = 0
    seen: int = 0
    seconds: float = 0.0
    history: list[dict[str, Any]] = field(default_factory=list)
    limit: int | None = None
    start_loss: float | None = None
    """The loss of the run's first batch: divergence is measured against it."""

    def to_dict(self) -> dict[str, Any]:
        """The state as plain JSON values (a checkpoint stores it so)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any, epochs: int | None = None) -> "TrainState":
        """A state read back from a checkpoint (of a scenario with `epochs` epochs).

        Raises ValueError saying what does not make sense, so a damaged checkpoint is an error
        message rather than a crash somewhere in the training loop.
        """
        if not isinstance(data, dict):
            raise ValueError(Message("expected a JSON object, got {found}", found=type(data).__name__))
        names = [f.name for f in fields(cls)]
        for key in data:
            if key not in names:
                raise ValueError(Message('unknown key "{key}"', key=key))
        for key in names:
            if key not in data and key not in _ADDED_LATER:
                raise ValueError(Message('"{key}" is missing', key=key))

        def whole(key: str, minimum: int) -> int:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(Message('"{key}" should be a whole number, got {found}', key=key,
                                         found=strict_json.dumps(value)))
            if value < minimum:
                raise ValueError(Message('"{key}" should be at least {minimum}, got {found}', key=key,
                                         minimum=minimum, found=value))
            return value

        def number(key: str) -> float:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(Message('"{key}" should be a number, got {found}', key=key,
                                         found=strict_json.dumps(value)))
            if not math.isfinite(value) or value < 0:
                raise ValueError(Message('"{key}" should be a finite number from 0, got {found}', key=key,
                                         found=value))
            return float(value)

        epoch = whole("epoch", 0)
        if epochs is not None and epoch > epochs:
            raise ValueError(Message('"epoch" is {epoch}, but the stored scenario trains {epochs} epochs',
                                     epoch=epoch, epochs=epochs))
        correct, seen = whole("correct", 0), whole("seen", 0)
        if correct > seen:
            raise ValueError(Message('"correct" ({correct}) is more than "seen" ({seen})', correct=correct,
                                     seen=seen))
        history = data["history"]
        if not isinstance(history, list) or not all(isinstance(row, dict) for row in history):
            raise ValueError(Message('"history" should be a list of JSON objects'))
        limit = None if data["limit"] is None else whole("limit", 1)
        start_loss = None if data.get("start_loss") is None else number("start_loss")
        return cls(whole("epoch", 0), whole("batch", 0), number("loss_sum"), correct, seen, number("seconds"),
                   history, limit, start_loss)


_ADDED_LATER = ("start_loss",)
"""TrainState keys that older checkpoints lack; they load as None."""

DIVERGENCE_FACTOR = 4.0
"""Training has diverged when the epoch's mean loss exceeds this multiple of the run's first
batch loss. The same rule as fastai's learning-rate finder, which stops once the loss passes
4x its best; PyTorch Lightning's EarlyStopping(divergence_threshold=...) and Keras'
TerminateOnNaN stop a run the same way. A 10-class network starts near ln 10 = 2.3, so the
line is at about 9.2: far above any loss a learning run passes through."""


class TrainingDiverged(UserError):
    """The loss exploded (NaN, infinite, or far above its start) or a weight became NaN or
    infinite, usually from a learning rate too high.

    Exit code 1, not 2: the input was valid, the run failed. Training stops before anything is
    written, so the checkpoint keeps the last good epoch.
    """

    exit_code = 1


@dataclass(frozen=True)
class Evaluation:
    """Loss, accuracy and every prediction on a labelled set.

    `probabilities` is (N, classes) float32: the softmax the network gave each image, so a
    view can say how sure it was of a wrong answer without running the network again.
    """

    loss: float
    accuracy: float
    predictions: np.ndarray
    labels: np.ndarray
    probabilities: np.ndarray | None = None


@dataclass
class Hooks:
    """What the caller wants to hear about; all optional."""

    on_epoch_start: Callable[[int, int, TrainState], None] = lambda epoch, batches, state: None
    on_batch: Callable[[TrainState, int, float], None] = lambda state, batches, lr: None
    on_epoch_end: Callable[[dict[str, Any], TrainState], None] = lambda result, state: None
    should_stop: Callable[[TrainState], bool] = lambda state: False
    """Asked after every batch: True stops the loop there."""
    stop_between_epochs: Callable[[TrainState], bool] = lambda state: False
    """Asked after every epoch but the last (a stop asked for during the test evaluation)."""
    on_evaluate: Callable[[int, int], None] = lambda done, total: None
    """During the end-of-epoch test evaluation: (images evaluated so far, test images)."""
    on_test: Callable[[Evaluation, TrainState], None] = lambda test, state: None
    """The end-of-epoch test evaluation with every prediction, just before on_epoch_end; the
    caller keeps it instead of evaluating the test set a second time."""


def epoch_order(seed: int, epoch: int, n: int) -> np.ndarray:
    """The shuffled image order of one epoch."""
    return np.random.default_rng([seed, epoch]).permutation(n)


def batch_count(n: int, batch_size: int) -> int:
    """Mini-batches in an epoch of n samples: the last one may be short (ceil(n / batch_size))."""
    return -(-n // batch_size)


@np.errstate(all="ignore")
def train(
    network: Network,
    optimizer: Optimizer,
    scenario: CnnScenario,
    train_images: np.ndarray,
    train_labels: np.ndarray,
    test_images: np.ndarray,
    test_labels: np.ndarray,
    state: TrainState,
    hooks: Hooks | None = None,
) -> bool:
    """Train from `state` to the last epoch; returns False if `should_stop` ended it early.

    `state` is updated in place after every batch, so it is always ready to be checkpointed.
    A NaN or infinite loss, or an epoch whose mean loss climbs above DIVERGENCE_FACTOR times
    the first batch's, raises TrainingDiverged before the update (NumPy's overflow warnings are
    silenced: the check says it once, clearly).
    """
    hooks = hooks or Hooks()
    with Parts(network) as parts:
        return _train(parts, optimizer, scenario, train_images, train_labels, test_images, test_labels, state, hooks)


def _train(parts: Parts, optimizer: Optimizer, scenario: CnnScenario, train_images: np.ndarray,
           train_labels: np.ndarray, test_images: np.ndarray, test_labels: np.ndarray, state: TrainState,
           hooks: Hooks) -> bool:
    network = parts.network
    spec = scenario.training
    n = len(train_images)
    batches = batch_count(n, spec.batch_size)
    while state.epoch < spec.epochs:
        epoch = state.epoch
        order = epoch_order(scenario.seed, epoch, n)
        hooks.on_epoch_start(epoch, batches, state)
        while state.batch < batches:
            b = state.batch
            started = time.perf_counter()
            index = order[b * spec.batch_size:(b + 1) * spec.batch_size]
            x = to_input(train_images[index])
            y = train_labels[index].astype(np.intp)
            rng = np.random.default_rng([scenario.seed, epoch, b, 1])
            loss, logits = parts.train_batch(x, y, rng, softmax_cross_entropy)  # gradients ready, not applied
            lr = learning_rate(spec, epoch + b / batches)
            if not math.isfinite(loss):
                if math.isnan(loss):
                    raise TrainingDiverged(Message(
                        "training diverged: the loss became NaN in batch {batch} of epoch {epoch} (learning rate "
                        "{rate})", batch=b + 1, epoch=epoch + 1, rate=f"{lr:g}"))
                raise TrainingDiverged(Message(
                    "training diverged: the loss became infinite in batch {batch} of epoch {epoch} (learning rate "
                    "{rate})", batch=b + 1, epoch=epoch + 1, rate=f"{lr:g}"))
            if state.start_loss is None:
                state.start_loss = loss
            mean = (state.loss_sum + loss * len(index)) / (state.seen + len(index))
            if mean > DIVERGENCE_FACTOR * state.start_loss:
                raise TrainingDiverged(Message(
                    "training diverged: the mean loss of epoch {epoch} reached {mean} in batch {batch}, more than "
                    "{factor} times the starting loss {start} (learning rate {rate})", epoch=epoch + 1,
                    mean=f"{mean:.4g}", batch=b + 1, factor=f"{DIVERGENCE_FACTOR:g}", start=f"{state.start_loss:.4g}",
                    rate=f"{lr:g}"))
            optimizer.step(network.grads, lr)
            state.batch += 1
            state.loss_sum += loss * len(index)
            state.correct += int((logits.argmax(axis=1) == y).sum())
            state.seen += len(index)
            state.seconds += time.perf_counter() - started
            hooks.on_batch(state, batches, lr)
            if hooks.should_stop(state):
                _check_weights(network, batch=b + 1, epoch=epoch + 1)
                return False
        result, test = _finish_epoch(network, scenario, state, test_images, test_labels, batches, hooks.on_evaluate)
        _check_weights(network, batch=None, epoch=epoch + 1)
        if math.isnan(result["test_loss"]):
            raise TrainingDiverged(Message("training diverged: the test loss became NaN at the end of epoch {epoch}",
                                           epoch=epoch + 1))
        if not math.isfinite(result["test_loss"]):
            raise TrainingDiverged(Message("training diverged: the test loss became infinite at the end of epoch "
                                           "{epoch}", epoch=epoch + 1))
        state.history.append(result)
        state.epoch += 1
        state.batch, state.loss_sum, state.correct, state.seen, state.seconds = 0, 0.0, 0, 0, 0.0
        hooks.on_test(test, state)
        hooks.on_epoch_end(result, state)
        if state.epoch < spec.epochs and hooks.stop_between_epochs(state):
            return False  # asked to stop while the epoch was being evaluated: not one batch more
    return True


def _check_weights(network: Network, batch: int | None, epoch: int) -> None:
    """TrainingDiverged when a weight is NaN or infinite after `batch` of `epoch` (1-based; batch
    None: at the end of the epoch)."""
    for name, value in network.params.items():
        if not np.isfinite(value).all():
            if batch is None:
                raise TrainingDiverged(Message("training diverged: weights {name} became NaN or infinite at the end "
                                               "of epoch {epoch}", name=name, epoch=epoch))
            raise TrainingDiverged(Message("training diverged: weights {name} became NaN or infinite after batch "
                                           "{batch} of epoch {epoch}", name=name, batch=batch, epoch=epoch))


def _finish_epoch(
    network: Network, scenario: CnnScenario, state: TrainState, test_images: np.ndarray,
    test_labels: np.ndarray, batches: int, progress: Callable[[int, int], None],
) -> tuple[dict[str, Any], Evaluation]:
    started = time.perf_counter()
    test = evaluate(network, test_images, test_labels, progress=progress)
    return {
        "epoch": state.epoch + 1,
        "train_loss": state.loss_sum / max(state.seen, 1),
        "train_accuracy": state.correct / max(state.seen, 1),
        "test_loss": test.loss,
        "test_accuracy": test.accuracy,
        "learning_rate": learning_rate(scenario.training, state.epoch + (batches - 1) / batches),
        "train_seconds": state.seconds,
        "images_per_second": state.seen / state.seconds if state.seconds else 0.0,
        "eval_seconds": time.perf_counter() - started,
    }, test


EVAL_BATCH = 500
"""Test images per evaluation batch, cut into parts of 250 (see parallel.py): larger batches
make fewer, longer NumPy calls; their buffers are about 35 MB per part."""


def evaluate(
    network: Network, images: np.ndarray, labels: np.ndarray, batch_size: int = EVAL_BATCH,
    progress: Callable[[int, int], None] | None = None,
) -> Evaluation:
    """Mean loss, accuracy, predictions and probabilities of `network` on uint8 images (N, H, W).

    `progress(done, total)` is called after each batch of `batch_size` images. The parts of
    each batch run at once on the machine's cores (see parallel.py).
    """
    with Parts(network) as parts:
        return _evaluate(parts, images, labels, batch_size, progress)


def _evaluate(
    parts: Parts, images: np.ndarray, labels: np.ndarray, batch_size: int,
    progress: Callable[[int, int], None] | None,
) -> Evaluation:
    predictions = np.empty(len(images), np.intp)
    probabilities: list[np.ndarray] = []
    loss_sum = 0.0
    for start in range(0, len(images), batch_size):
        x = to_input(images[start:start + batch_size])
        y = labels[start:start + batch_size].astype(np.intp)
        logits = parts.forward(x)
        loss, _, probs = softmax_cross_entropy(logits, y)
        loss_sum += loss * len(y)
        predictions[start:start + len(y)] = logits.argmax(axis=1)
        probabilities.append(probs.astype(np.float32))
        if progress is not None:
            progress(start + len(y), len(images))
    accuracy = float((predictions == labels).mean()) if len(labels) else 0.0
    return Evaluation(loss_sum / max(len(labels), 1), accuracy, predictions, np.asarray(labels),
                      np.concatenate(probabilities) if probabilities else np.zeros((0, 0), np.float32))
