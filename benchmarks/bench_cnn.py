"""Time the default CNN in NumPy (backprop-tui's training loop) against PyTorch (CPU), alternated.

Each contender runs in a process of its own (their thread pools would otherwise spin against
each other) and the two take turns, one epoch each, the order flipping every round, so both see
the same machine; only medians and the median of the per-round ratios are reported. This
machine's speed drifts by up to 1.6x from minute to minute and others share its cores: say what
else ran (the script prints the load average before and after).

Both sides do the same work per batch: shuffle, uint8 -> float32 standardised input, forward,
softmax cross-entropy, backward, SGD-with-momentum update. NumPy trains as `train` does (every
batch as two parts at once on the cores, one OpenBLAS thread each; see core/cnn/parallel.py);
PyTorch with --threads threads (default: the CPUs available).

    python benchmarks/bench_cnn.py                      # epoch and evaluation, 3 rounds
    python benchmarks/bench_cnn.py --rounds 5 --images 20000
    python benchmarks/bench_cnn.py --scale --images 6400 --rounds 1    # the README's scale table

torch is never a dependency of backprop-tui: `pip install torch` to compare.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # time this checkout, not an installed copy

EVAL_BATCH = 500


# -- the workers (one process per contender) -----------------------------------------------------


def _scenario(batch_size: int, width: float):
    from backprop_tui.core.cnn.config import load_cnn_scenario

    base = load_cnn_scenario("fashion_cnn")
    layers = tuple(dataclasses.replace(layer, filters=max(1, round(layer.filters * width)))
                   if layer.type == "conv2d" else layer for layer in base.layers)
    return dataclasses.replace(base, layers=layers).with_training(
        optimizer="momentum", learning_rate=0.01, batch_size=batch_size, schedule="constant", weight_decay=0.0)


class NumpyContender:
    """backprop-tui's fast path, driven the way core/cnn/train.py drives it."""

    def __init__(self, batch_size: int, width: float):
        from backprop_tui.core.cnn.model import build_network, init_params
        from backprop_tui.core.cnn.optim import Optimizer
        from backprop_tui.core.cnn.parallel import Parts

        self.scenario = _scenario(batch_size, width)
        params = init_params(self.scenario)
        self.network = build_network(self.scenario, params)
        self.optimizer = Optimizer(self.scenario.training, params)
        self.parts = Parts(self.network).__enter__()
        self.batch_size = batch_size

    def epoch(self, images: np.ndarray, labels: np.ndarray, order: np.ndarray) -> None:
        from backprop_tui.core.cnn.data import to_input

        for start in range(0, len(order), self.batch_size):
            index = order[start:start + self.batch_size]
            self.parts.train_batch(to_input(images[index]), labels[index].astype(np.intp))
            self.optimizer.step(self.network.grads, 0.01)

    def evaluate(self, images: np.ndarray, labels: np.ndarray) -> float:
        from backprop_tui.core.cnn.train import evaluate

        return evaluate(self.network, images, labels, EVAL_BATCH).accuracy


class TorchContender:
    """The same architecture and loop in PyTorch on the CPU."""

    def __init__(self, batch_size: int, width: float, threads: int):
        import torch
        from torch import nn

        torch.set_num_threads(threads)
        torch.manual_seed(0)
        a, b = max(1, round(16 * width)), max(1, round(32 * width))
        self.torch = torch
        self.model = nn.Sequential(
            nn.Conv2d(1, a, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(a, b, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(b * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10),
        )
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=0.01, momentum=0.9)
        self.loss = nn.CrossEntropyLoss()
        self.batch_size = batch_size

    def epoch(self, images: np.ndarray, labels: np.ndarray, order: np.ndarray) -> None:
        from backprop_tui.core.cnn.data import to_input

        torch = self.torch
        self.model.train()
        for start in range(0, len(order), self.batch_size):
            index = order[start:start + self.batch_size]
            x = torch.from_numpy(to_input(images[index]))
            y = torch.from_numpy(labels[index].astype(np.int64))
            self.optimizer.zero_grad(set_to_none=True)
            self.loss(self.model(x), y).backward()
            self.optimizer.step()

    def evaluate(self, images: np.ndarray, labels: np.ndarray) -> float:
        from backprop_tui.core.cnn.data import to_input

        torch = self.torch
        self.model.eval()
        correct = 0
        with torch.no_grad():
            for start in range(0, len(images), EVAL_BATCH):
                logits = self.model(torch.from_numpy(to_input(images[start:start + EVAL_BATCH])))
                correct += int((logits.argmax(1).numpy() == labels[start:start + EVAL_BATCH]).sum())
        return correct / len(images)


def worker(args: argparse.Namespace) -> int:
    """Serve `epoch SEED` and `eval` on stdin with the seconds taken; `quit` answers peak RSS (MB)."""
    from backprop_tui.core.cnn.data import load_dataset, search_places

    data = load_dataset(search_places(args.data_dir))
    images, labels = data.train_images[:args.images], data.train_labels[:args.images]
    contender = (NumpyContender(args.batch_size, args.width) if args.worker == "numpy"
                 else TorchContender(args.batch_size, args.width, args.threads))
    contender.epoch(images, labels, np.arange(min(len(images), 4 * args.batch_size)))  # warm up buffers
    print("ready", flush=True)
    for line in sys.stdin:
        command = line.split()
        if command[0] == "epoch":
            order = np.random.default_rng(int(command[1])).permutation(len(images))
            started = time.perf_counter()
            contender.epoch(images, labels, order)
            print(f"{time.perf_counter() - started:.6f}", flush=True)
        elif command[0] == "eval":
            started = time.perf_counter()
            contender.evaluate(data.test_images, data.test_labels)
            print(f"{time.perf_counter() - started:.6f}", flush=True)
        else:
            print(f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}", flush=True)
            return 0
    return 0


# -- the conductor --------------------------------------------------------------------------------


class Worker:
    """A contender's process, asked for one timing at a time."""

    def __init__(self, name: str, args: argparse.Namespace, batch_size: int, width: float):
        command = [sys.executable, str(Path(__file__).resolve()), "--worker", name, "--images", str(args.images),
                   "--batch-size", str(batch_size), "--width", str(width), "--threads", str(args.threads)]
        if args.data_dir:
            command += ["--data-dir", args.data_dir]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.name = name
        assert self._read() == "ready", f"{name} worker did not start"

    def _read(self) -> str:
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.name} worker stopped")
        return line.strip()

    def ask(self, command: str) -> float:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return float(self._read())


def alternate(workers: dict[str, Worker], rounds: int, command: str) -> dict[str, list[float]]:
    """`rounds` rounds of `command` on every worker, the order flipping each round."""
    names = list(workers)
    times: dict[str, list[float]] = {name: [] for name in names}
    for number in range(rounds):
        for name in names if number % 2 == 0 else names[::-1]:
            times[name].append(workers[name].ask(command.format(seed=number)))
    return times


def ratio_line(times: dict[str, list[float]], what: str, goal: float | None) -> str:
    ratios = [n / t for n, t in zip(times["numpy"], times["torch"])]
    goal_text = f" (goal: at most {goal:g})" if goal is not None else ""
    return (f"{what} numpy/torch time ratio per round: {', '.join(f'{r:.2f}' for r in ratios)}; "
            f"median {statistics.median(ratios):.2f}{goal_text}")


def machine_state() -> str:
    load = os.getloadavg()
    return f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs"


def compare(args: argparse.Namespace, names: list[str]) -> None:
    workers = {name: Worker(name, args, args.batch_size, 1.0) for name in names}
    print(f"numpy {np.__version__}; {args.images} training images per epoch, batch {args.batch_size}, "
          f"{args.rounds} rounds; torch threads {args.threads}; {machine_state()}", flush=True)
    epochs = alternate(workers, args.rounds, "epoch {seed}")
    evals = alternate(workers, args.rounds, "eval")
    scale = 60000 / args.images
    for name in names:
        print(f"{name:5s} epoch median {statistics.median(epochs[name]) * scale:6.2f} s per 60,000 images "
              f"(rounds: {', '.join(f'{t * scale:.2f}' for t in epochs[name])}); evaluation of 10,000 test images "
              f"median {statistics.median(evals[name]):.3f} s; peak RSS {workers[name].ask('quit'):.0f} MB")
    if "torch" in names:
        print(ratio_line(epochs, "epoch:", 0.9))
        print(ratio_line(evals, "evaluation:", 0.5))
    print(f"after: {machine_state()}")


def scale_table(args: argparse.Namespace, names: list[str]) -> None:
    points = [(b, 1.0) for b in (16, 32, 64, 128, 256, 512)] + [(64, w) for w in (0.5, 2.0, 4.0)]
    print(f"{args.images} images per point (times scaled to 60,000), {args.rounds} round(s) alternated; "
          f"{machine_state()}", flush=True)
    head = "| batch | filters | " + " | ".join(f"{n} s/epoch | {n} peak MB" for n in names)
    print(head + (" | numpy/torch |" if "torch" in names else " |"))
    print("|" + "---|" * (2 + 2 * len(names) + ("torch" in names)))
    for batch, width in points:
        workers = {name: Worker(name, args, batch, width) for name in names}
        times = alternate(workers, args.rounds, "epoch {seed}")
        peaks = {name: workers[name].ask("quit") for name in names}
        scale = 60000 / args.images
        cells = " | ".join(f"{statistics.median(times[n]) * scale:.1f} | {peaks[n]:.0f}" for n in names)
        ratio = ""
        if "torch" in names:
            ratio = f" {statistics.median([a / b for a, b in zip(times['numpy'], times['torch'])]):.2f} |"
        print(f"| {batch} | {round(16 * width)}, {round(32 * width)} (x{width:g}) | {cells} |{ratio}", flush=True)
    print(f"after: {machine_state()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="alternations of NumPy and PyTorch (default 3)")
    parser.add_argument("--images", type=int, default=60000, help="training images per epoch (default 60000)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)),
                        help="PyTorch threads (default: the CPUs available)")
    parser.add_argument("--data-dir", help="Fashion-MNIST folder (default: the usual search)")
    parser.add_argument("--no-torch", action="store_true", help="time NumPy only")
    parser.add_argument("--scale", action="store_true", help="epoch time and memory over batch sizes and widths")
    parser.add_argument("--worker", choices=("numpy", "torch"), help=argparse.SUPPRESS)
    parser.add_argument("--width", type=float, default=1.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)
    names = ["numpy"]
    if not args.no_torch:
        try:
            import torch
        except ImportError:
            print("torch is not installed: timing NumPy only (pip install torch to compare)")
        else:
            names.append("torch")
            print(f"torch {torch.__version__}")
    (scale_table if args.scale else compare)(args, names)
    return 0


if __name__ == "__main__":
    sys.exit(main())
