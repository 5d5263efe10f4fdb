"""Time one training epoch of the default CNN in NumPy and, if installed, in PyTorch (CPU).

This machine's speed drifts by up to 1.6x from minute to minute (and other work on it comes and
goes), so the two are alternated finely: each round is one epoch of each, run as interleaved
slices (NumPy slice 1, PyTorch slice 1, NumPy slice 2, ...; the order flips every round), so
both see the same conditions. Only medians and the median of the per-round ratios are reported. Both sides do the same work per batch: shuffle, uint8 -> float32
standardised input, forward, softmax cross-entropy, backward, SGD-with-momentum update.

    python benchmarks/bench_cnn.py                 # 3 rounds of full 60,000-image epochs
    python benchmarks/bench_cnn.py --rounds 5 --images 20000 --threads 2

torch is never a dependency of backprop-tui: `pip install torch` to compare.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

from backprop_tui.core.cnn.config import load_cnn_scenario
from backprop_tui.core.cnn.data import load_dataset, search_places, to_input
from backprop_tui.core.cnn.layers import softmax_cross_entropy
from backprop_tui.core.cnn.model import build_network, init_params
from backprop_tui.core.cnn.optim import Optimizer


def numpy_epoch(images: np.ndarray, labels: np.ndarray, batch_size: int, seed: int) -> Callable[[np.ndarray], float]:
    """A function that trains on the given image indices with the package's fast path; returns seconds."""
    scenario = load_cnn_scenario("fashion_cnn").with_training(optimizer="momentum", learning_rate=0.01,
                                                              batch_size=batch_size, schedule="constant")
    params = init_params(scenario)
    network = build_network(scenario, params)
    optimizer = Optimizer(scenario.training, params)

    def run(order: np.ndarray) -> float:
        started = time.perf_counter()
        for start in range(0, len(order), batch_size):
            index = order[start:start + batch_size]
            x = to_input(images[index])
            y = labels[index].astype(np.intp)
            logits = network.forward(x, train=True)
            _, dlogits, _ = softmax_cross_entropy(logits, y)
            network.backward(dlogits)
            optimizer.step(network.grads, 0.01)
        return time.perf_counter() - started

    return run


def torch_epoch(images: np.ndarray, labels: np.ndarray, batch_size: int, seed: int) -> Callable[[np.ndarray], float]:
    """The same architecture and loop in PyTorch on the CPU."""
    import torch
    from torch import nn

    torch.manual_seed(seed)
    model = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10),
    )
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()

    def run(order: np.ndarray) -> float:
        started = time.perf_counter()
        for start in range(0, len(order), batch_size):
            index = order[start:start + batch_size]
            x = torch.from_numpy(to_input(images[index]))
            y = torch.from_numpy(labels[index].astype(np.int64))
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
        return time.perf_counter() - started

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="alternations of NumPy and PyTorch (default 3)")
    parser.add_argument("--images", type=int, default=60000, help="training images per epoch (default 60000)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--slices", type=int, default=10, help="interleaved slices per epoch (default 10)")
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)),
                        help="PyTorch threads; match OpenBLAS's (default: the CPUs available)")
    parser.add_argument("--data-dir", help="Fashion-MNIST folder (default: the usual search)")
    parser.add_argument("--no-torch", action="store_true", help="time NumPy only")
    args = parser.parse_args(argv)

    data = load_dataset(search_places(args.data_dir))
    images, labels = data.train_images[:args.images], data.train_labels[:args.images]
    contenders = {"numpy": numpy_epoch(images, labels, args.batch_size, 0)}
    if not args.no_torch:
        try:
            import torch
        except ImportError:
            print("torch is not installed: timing NumPy only (pip install torch to compare)")
        else:
            torch.set_num_threads(args.threads)
            contenders["torch"] = torch_epoch(images, labels, args.batch_size, 0)
            print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"numpy {np.__version__}; {len(images)} images per epoch, batch {args.batch_size}, "
          f"{args.rounds} rounds; OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    times: dict[str, list[float]] = {name: [] for name in contenders}
    names = list(contenders)
    rng = np.random.default_rng(0)
    batches = -(-len(images) // args.batch_size)
    bounds = np.linspace(0, batches, args.slices + 1).round().astype(int) * args.batch_size
    for round_number in range(args.rounds):
        order = rng.permutation(len(images))
        turn = names if round_number % 2 == 0 else names[::-1]
        spent = dict.fromkeys(names, 0.0)
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            for name in turn:
                spent[name] += contenders[name](order[lo:hi])
        for name in turn:
            times[name].append(spent[name])
            print(f"round {round_number + 1}: {name:5s} {spent[name]:6.2f} s/epoch  "
                  f"{len(images) / spent[name]:7.0f} images/s", flush=True)
    print()
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:5s} median {median:6.2f} s/epoch  {len(images) / median:7.0f} images/s  "
              f"(best {min(values):.2f} s)")
    if "torch" in times:
        ratios = [n / t for n, t in zip(times["numpy"], times["torch"])]
        print(f"numpy/torch time ratio per round: {', '.join(f'{r:.2f}' for r in ratios)}; "
              f"median {statistics.median(ratios):.2f} (goal: at most 1.25)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this process: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
