"""A CNN scenario as a standalone PyTorch training script: same network, same hyperparameters.

Text generation only: this module never imports torch. The script builds the scenario's layers
from nn.Conv2d, nn.ReLU, nn.MaxPool2d, nn.Flatten, nn.Linear and nn.Dropout, initialises them
as backprop-tui does (He-normal weights, zero biases), standardises the pixels with the same
mean and deviation, and trains with the same optimizer, learning-rate schedule (set every
batch), weight decay, batch size, epochs and seed, reading the same IDX files. Its random draws
(initial weights, shuffles, dropout masks) come from PyTorch's generator, so its numbers are
not backprop-tui's, but everything that decides how it learns is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from string import Template

from backprop_tui.core.cnn.config import CnnScenario, LayerSpec, TrainingSpec, layer_output_shape
from backprop_tui.core.cnn.data import FILES, PIXEL_MEAN, PIXEL_STD
from backprop_tui.core.vocab import CnnOptimizerName, ScheduleName
from backprop_tui.render.script_text import comment_text, docstring_text, float_text


@dataclass(frozen=True)
class CnnExport:
    """What the script is made from: the scenario, the data folder found at export time (None
    when none was found: the script then needs --data-dir), and the name the user gave."""

    scenario: CnnScenario
    data_dir: Path | None
    name: str


def cnn_script(export: CnnExport) -> str:
    """The full text of the PyTorch training script for a CNN scenario."""
    scenario = export.scenario
    t = scenario.training
    values = {
        "title": docstring_text(scenario.title),
        "name": docstring_text(export.name),
        "seed": str(scenario.seed),
        "epochs": str(t.epochs),
        "batch_size": str(t.batch_size),
        "data_dir": repr(str(export.data_dir)) if export.data_dir is not None else "None",
        "data_note": _data_note(export.data_dir),
        "files": "\n".join(f"    {key!r}: {name!r}," for key, name in _file_keys(FILES)),
        "mean": float_text(PIXEL_MEAN),
        "std": float_text(PIXEL_STD),
        "layers": _layers(scenario),
        "schedule": _schedule(t),
        "optimizer": _optimizer(t),
    }
    return _SCRIPT.substitute(values)


def _file_keys(files: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    """(key in the script, IDX file name) for the four files, in backprop-tui's order."""
    keys = {"train-images-idx3-ubyte": "train_images", "train-labels-idx1-ubyte": "train_labels",
            "t10k-images-idx3-ubyte": "test_images", "t10k-labels-idx1-ubyte": "test_labels"}
    return [(keys[name], name) for name in files]


def _data_note(data_dir: Path | None) -> str:
    if data_dir is None:
        return ("# backprop-tui found no Fashion-MNIST when this script was written: pass --data-dir\n"
                "# (or run `backprop-tui data download` and export again).")
    return "# The folder where backprop-tui found Fashion-MNIST when this script was written."


def _layers(scenario: CnnScenario) -> str:
    """One line of nn.Sequential per scenario layer, with its output shape in a comment."""
    lines = []
    shape: tuple[int, ...] = scenario.input
    for number, layer in enumerate(scenario.layers, start=1):
        module = _module(layer, shape)
        shape = layer_output_shape(layer, shape)
        dims = "×".join(str(n) for n in shape)
        lines.append(f"        {module + ',':<56}# model.layer[{number}]: {dims}")
    return "\n".join(lines)


def _module(layer: LayerSpec, shape: tuple[int, ...]) -> str:
    if layer.type == "conv2d":
        return (f"nn.Conv2d({shape[0]}, {layer.filters}, kernel_size={layer.kernel}, "
                f"stride={layer.stride}, padding={layer.padding})")
    if layer.type == "maxpool":
        return f"nn.MaxPool2d({layer.size})"
    if layer.type == "dense":
        return f"nn.Linear({shape[0]}, {layer.units})"
    if layer.type == "dropout":
        return f"nn.Dropout({float_text(layer.rate)})"
    return {"relu": "nn.ReLU()", "flatten": "nn.Flatten()"}[layer.type]


def _schedule(t: TrainingSpec) -> str:
    """`learning_rate(progress, epochs)`: backprop-tui's core/cnn/optim.py learning_rate."""
    schedule = ScheduleName(t.schedule)
    if schedule is ScheduleName.COSINE:
        return _COSINE.substitute(lr=float_text(t.learning_rate), low=float_text(t.min_learning_rate))
    if schedule is ScheduleName.STEP_DECAY:
        return _STEP.substitute(lr=float_text(t.learning_rate), gamma=float_text(t.gamma), every=t.step_epochs)
    if schedule is ScheduleName.CONSTANT:
        return _CONSTANT.substitute(lr=float_text(t.learning_rate))
    raise ValueError(f"no PyTorch form for the schedule {schedule}")


def _optimizer(t: TrainingSpec) -> str:
    """`make_optimizer(parameters)`, with a comment on how it matches backprop-tui's update."""
    decay = float_text(t.weight_decay)
    lr = float_text(t.learning_rate)
    optimizer = CnnOptimizerName(t.optimizer)
    if optimizer is CnnOptimizerName.SGD:
        return _SGD.substitute(lr=lr, decay=decay)
    if optimizer is CnnOptimizerName.ADAM:
        return _ADAM.substitute(lr=lr, decay=decay, b1=float_text(t.betas[0]), b2=float_text(t.betas[1]),
                                eps=float_text(t.epsilon))
    if ScheduleName(t.schedule) is ScheduleName.CONSTANT:
        return _TORCH_MOMENTUM.substitute(lr=lr, decay=decay, momentum=float_text(t.momentum))
    return _LECTURE_MOMENTUM.substitute(lr=lr, decay=decay, momentum=float_text(t.momentum),
                                        schedule=comment_text(t.schedule))


# -- the script's text ----------------------------------------------------------------------------
# Templates use $name fields (string.Template), so the Python braces inside them stay as they are.

_CONSTANT = Template('''\
def learning_rate(progress, epochs):
    """The learning rate γ: constant, $lr."""
    return $lr''')

_COSINE = Template('''\
def learning_rate(progress, epochs):
    """The learning rate γ after `progress` epochs (epoch + batch / batches): a cosine from $lr
    down to $low over all the epochs, as backprop-tui's "cosine" schedule."""
    fraction = min(progress / epochs, 1.0)
    return $low + 0.5 * ($lr - $low) * (1.0 + math.cos(math.pi * fraction))''')

_STEP = Template('''\
def learning_rate(progress, epochs):
    """The learning rate γ after `progress` epochs (epoch + batch / batches): $lr, multiplied by
    $gamma every $every epoch(s), as backprop-tui's "step_decay" schedule."""
    return $lr * $gamma ** int(progress // $every)''')

_SGD = Template('''\
def make_optimizer(parameters):
    """Plain SGD: θ ← θ − γ·(∇E + λ·θ) with weight decay λ = $decay on every weight and bias,
    which is torch.optim.SGD with weight_decay=λ (it adds λ·θ to the gradient, as backprop-tui)."""
    return torch.optim.SGD(parameters, lr=$lr, weight_decay=$decay)''')

_ADAM = Template('''\
def make_optimizer(parameters):
    """Adam as backprop-tui runs it: torch.optim.Adam's update with the same betas and epsilon,
    and weight decay λ = $decay added to the gradient (λ·θ, L2 as in torch.optim.Adam, not AdamW)."""
    return torch.optim.Adam(parameters, lr=$lr, betas=($b1, $b2), eps=$eps, weight_decay=$decay)''')

_TORCH_MOMENTUM = Template('''\
def make_optimizer(parameters):
    """SGD with momentum μ = $momentum and weight decay λ = $decay on every weight and bias.

    The lecture and backprop-tui write v ← μ·v − γ·g, θ ← θ + v with g = ∇E + λ·θ.
    torch.optim.SGD(momentum=μ) keeps b ← μ·b + g and steps θ ← θ − γ·b instead. With γ the same
    at every update (this scenario's schedule is constant) they are one run, v = −γ·b at every
    step, because −γ·(μ·b + g) = μ·(−γ·b) − γ·g; PyTorch's defaults dampening=0 and
    nesterov=False keep it so.
    """
    return torch.optim.SGD(parameters, lr=$lr, momentum=$momentum, weight_decay=$decay)''')

_LECTURE_MOMENTUM = Template('''\
class LectureMomentum(torch.optim.Optimizer):
    """SGD with momentum as the lecture and backprop-tui write it: v ← μ·v − γ·g, θ ← θ + v,
    with g = ∇E + λ·θ (weight decay λ on every weight and bias) and v = 0 at the start.

    torch.optim.SGD(momentum=μ) keeps b ← μ·b + g and steps θ ← θ − γ·b instead. While γ stays
    the same the two are one run (v = −γ·b), but this scenario's $schedule schedule changes γ
    every batch: torch.optim.SGD would then scale everything its buffer remembers by today's γ,
    where the lecture's v keeps each past step at the γ it was taken with. So the lecture's
    update is written out here, as a torch.optim.Optimizer.
    """

    def __init__(self, parameters, lr, momentum, weight_decay):
        super().__init__(parameters, {"lr": lr, "momentum": momentum, "weight_decay": weight_decay})

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad + group["weight_decay"] * p
                if "velocity" not in self.state[p]:
                    self.state[p]["velocity"] = torch.zeros_like(p)
                v = self.state[p]["velocity"]
                v.mul_(group["momentum"]).sub_(group["lr"] * g)
                p.add_(v)


def make_optimizer(parameters):
    """Momentum μ = $momentum, weight decay λ = $decay, γ set by learning_rate() every batch."""
    return LectureMomentum(parameters, lr=$lr, momentum=$momentum, weight_decay=$decay)''')

_SCRIPT = Template('''\
#!/usr/bin/env python3
"""$title -- the same CNN, trained in PyTorch.

Written by `backprop-tui export $name --format pytorch`. It needs nothing but PyTorch:

    python this_script.py                     # train all the epochs, as `backprop-tui train $name`
    python this_script.py --epochs 2 --limit 6000 --data-dir DIR

Same layers, same initialisation rule (He-normal weights, zero biases), same pixel scaling, same
optimizer, learning-rate schedule (set every batch), weight decay, batch size, epochs and seed as
backprop-tui. The random numbers themselves (initial weights, shuffles, dropout masks) come from
PyTorch's generator, not NumPy's, so the losses are close to backprop-tui's, not equal.
Each epoch prints the training loss, the test loss and the test accuracy.
"""

import argparse
import gzip
import math
import struct
import sys
from pathlib import Path

import torch
from torch import nn

SEED = $seed
EPOCHS = $epochs
BATCH_SIZE = $batch_size
$data_note
DATA_DIR = $data_dir

# The four IDX files (each .gz or plain), as Fashion-MNIST's mirrors name them.
FILES = {
$files
}

# Fashion-MNIST's pixel mean and standard deviation (of pixel/255 over the training images):
# the network sees (pixel/255 − mean)/std, as in backprop-tui.
PIXEL_MEAN = $mean
PIXEL_STD = $std


def fail(message):
    """Stop with a one-line message and exit code 2 (bad input), as backprop-tui does."""
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def read_idx(folder, name):
    """An IDX file of unsigned bytes (gzip-compressed or plain) as a uint8 tensor."""
    path = next((p for p in (folder / f"{name}.gz", folder / name) if p.is_file()), None)
    if path is None:
        fail(f"{folder}: missing {name} (.gz or plain)")
    raw = path.read_bytes()
    if raw[:2] == b"\\x1f\\x8b":
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[:3] != b"\\x00\\x00\\x08":
        fail(f"{path}: not an IDX file of unsigned bytes")
    dims = raw[3]
    shape = struct.unpack(f">{dims}I", raw[4:4 + 4 * dims])
    data = torch.frombuffer(bytearray(raw[4 + 4 * dims:]), dtype=torch.uint8)
    if data.numel() != math.prod(shape):
        fail(f"{path}: holds {data.numel()} bytes of data, its header says {math.prod(shape)}")
    return data.reshape(shape)


def load_data(data_dir):
    """The four arrays by FILES' keys; a folder may also be a torchvision root (FashionMNIST/raw)."""
    if data_dir is None:
        fail("no Fashion-MNIST folder: pass --data-dir DIR (the folder of the four IDX files)")
    folder = Path(data_dir)
    if not folder.is_dir():
        fail(f"--data-dir {folder}: no such folder")
    raw = folder / "FashionMNIST" / "raw"
    if not any((folder / f"{name}{suffix}").is_file() for name in FILES.values() for suffix in (".gz", "")) \\
            and raw.is_dir():
        folder = raw
    return {key: read_idx(folder, name) for key, name in FILES.items()}


def to_input(images):
    """uint8 images (N, 28, 28) -> standardised float32 input (N, 1, 28, 28)."""
    return ((images.float() / 255.0 - PIXEL_MEAN) / PIXEL_STD).unsqueeze(1)


def build_model():
    """The scenario's layers; weights He-normal (std √(2/fan_in)) and biases zero, as backprop-tui
    initialises them, drawn from PyTorch's generator (call torch.manual_seed first)."""
    model = nn.Sequential(
$layers
    )
    for module in model:
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(module.weight, nonlinearity="relu")  # fan_in mode: std √(2/fan_in)
            nn.init.zeros_(module.bias)
    return model


$schedule


$optimizer


def train_epoch(model, optimizer, images, labels, epoch, epochs, generator):
    """One epoch of shuffled mini-batches; returns the mean training loss and accuracy."""
    model.train()
    loss_fn = nn.CrossEntropyLoss()  # softmax + cross-entropy on the logits, averaged over the batch
    n = len(images)
    batches = math.ceil(n / BATCH_SIZE)
    order = torch.randperm(n, generator=generator)
    loss_sum, correct = 0.0, 0
    for b in range(batches):
        index = order[b * BATCH_SIZE:(b + 1) * BATCH_SIZE]
        x, y = to_input(images[index]), labels[index].long()
        rate = learning_rate(epoch + b / batches, epochs)  # a new γ every batch, as backprop-tui
        for group in optimizer.param_groups:
            group["lr"] = rate
        logits = model(x)
        loss = loss_fn(logits, y)
        if not math.isfinite(loss.item()):
            print(f"training diverged: the loss became {loss.item()} in batch {b + 1} of epoch {epoch + 1} "
                  f"(learning rate {rate:g})", file=sys.stderr)
            sys.exit(1)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * len(index)
        correct += int((logits.argmax(dim=1) == y).sum())
    return loss_sum / n, correct / n


@torch.no_grad()
def evaluate(model, images, labels, batch_size=250):
    """Mean loss and accuracy on a labelled set."""
    model.eval()
    loss_fn = nn.CrossEntropyLoss(reduction="sum")
    loss_sum, correct = 0.0, 0
    for start in range(0, len(images), batch_size):
        x, y = to_input(images[start:start + batch_size]), labels[start:start + batch_size].long()
        logits = model(x)
        loss_sum += loss_fn(logits, y).item()
        correct += int((logits.argmax(dim=1) == y).sum())
    return loss_sum / len(images), correct / len(images)


def main():
    parser = argparse.ArgumentParser(description="Train the CNN on Fashion-MNIST; print each epoch's losses and test accuracy.")
    parser.add_argument("--data-dir", default=DATA_DIR,
                        help=f"folder of the four Fashion-MNIST IDX files (default: {DATA_DIR})")
    parser.add_argument("--epochs", type=int, default=EPOCHS, help=f"epochs to train (default: {EPOCHS})")
    parser.add_argument("--limit", type=int, help="train on the first N training images only (the test set stays whole)")
    args = parser.parse_args()
    if args.epochs < 1:
        fail(f"--epochs: expected at least 1, got {args.epochs}")
    data = load_data(args.data_dir)
    train_images, train_labels = data["train_images"], data["train_labels"]
    if args.limit is not None:
        if not 1 <= args.limit <= len(train_images):
            fail(f"--limit: expected 1 to {len(train_images)} (the training images), got {args.limit}")
        train_images, train_labels = train_images[:args.limit], train_labels[:args.limit]
    torch.manual_seed(SEED)  # the initial weights and the dropout masks
    generator = torch.Generator().manual_seed(SEED)  # the shuffle of each epoch
    model = build_model()
    optimizer = make_optimizer(model.parameters())
    print(f"{len(train_images)} training images, {len(data['test_images'])} test images from {args.data_dir}",
          flush=True)
    for epoch in range(args.epochs):
        train_loss, train_accuracy = train_epoch(model, optimizer, train_images, train_labels, epoch, args.epochs,
                                                 generator)
        test_loss, test_accuracy = evaluate(model, data["test_images"], data["test_labels"])
        print(f"epoch {epoch + 1}/{args.epochs}: train loss {train_loss:.4f}, test loss {test_loss:.4f}, "
              f"test accuracy {test_accuracy:.2%}", flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
''')
