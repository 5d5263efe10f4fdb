"""Every batch as two parts computed at once, one per core: data parallelism inside one process.

Why: on the 2-core machines this tool is measured on, about half of a training batch is
element-wise NumPy work (im2col copies, pooling, masks) that runs on one core, and OpenBLAS's
own threading of the other half spins and stalls whenever another process wants a core. Two
parts of the batch in two threads, each with single-threaded matrix products (NumPy releases
the GIL in both), keep both cores busy with all of the work; measured in
benchmarks/bench_cnn.py.

The split does not depend on the machine: a batch is always cut into `PARTS` parts (fewer only
when it holds fewer images), each part's dropout masks come from its own child of the batch's
generator, and the parts' gradients are added in a fixed order. Run in threads or one after
the other (one core), the numbers are the same bit for bit; they differ
from a one-part batch only by float32 summation order (the tests hold them within 1e-6).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack

import numpy as np

from backprop_tui.core.cnn.blas import blas_threads
from backprop_tui.core.cnn.layers import softmax_cross_entropy
from backprop_tui.core.cnn.model import Network

LossFn = Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray, np.ndarray]]

PARTS = 2
"""How many parts each batch is cut into, whatever the number of cores (so results do not
depend on the machine)."""


def bounds(n: int, parts: int = PARTS) -> list[tuple[int, int]]:
    """Where each part of an n-image batch starts and stops: as equal as can be, the larger
    parts first, no empty part (fewer parts when n < parts)."""
    count = max(1, min(parts, n))
    base, extra = divmod(n, count)
    spans, start = [], 0
    for k in range(count):
        stop = start + base + (k < extra)
        spans.append((start, stop))
        start = stop
    return spans


class Parts:
    """Runs the parts of each batch on `network` and its twin: in a worker thread when the
    machine has a core for it and OpenBLAS can be held to one thread per part, otherwise one
    after the other. Use as a context manager (it owns the worker thread and the BLAS setting).
    """

    def __init__(self, network: Network, threaded: bool | None = None):
        self.network = network
        self.networks = [network] if network.scenario is None else [network, network.twin()]
        self._wanted = threaded
        self._stack = ExitStack()
        self._pool: ThreadPoolExecutor | None = None

    def __enter__(self) -> "Parts":
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        threaded = cores >= 2 and len(self.networks) > 1 if self._wanted is None else self._wanted
        # One BLAS thread per part whether or not the parts run at once: the same products then
        # sum in the same order, so both ways give the same numbers.
        if self._stack.enter_context(blas_threads(1)) and threaded:
            self._pool = self._stack.enter_context(ThreadPoolExecutor(1, thread_name_prefix="cnn-part"))
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool = None
        self._stack.close()

    @property
    def threaded(self) -> bool:
        """Whether the parts run at once (in the worker thread and this one)."""
        return self._pool is not None

    def _run(self, work: list) -> list:
        """Call each of `work` (one callable per part, part k on network k); results in order."""
        if self._pool is None or len(work) == 1:
            return [job() for job in work]
        later: list[Future] = [self._pool.submit(_with_errstate, np.geterr(), job) for job in work[1:]]
        first = work[0]()
        return [first, *(future.result() for future in later)]

    def train_batch(self, x: np.ndarray, labels: np.ndarray, rng: np.random.Generator | None = None,
                    loss_fn: LossFn = softmax_cross_entropy) -> tuple[float, np.ndarray]:
        """Forward and backward of one batch: x (N, C, H, W) float32, labels (N,) ints.

        Returns (mean loss over the batch, logits (N, classes)) and leaves the batch's gradient
        (of the mean loss) in `network.grads`, as forward + backward on the whole batch would.
        `rng` draws the dropout masks: part k uses `rng.spawn(parts)[k]`. `loss_fn` is
        softmax_cross_entropy's signature: (logits, labels) -> (mean loss, d loss / d logits, p).
        """
        n = len(x)
        spans = bounds(n, len(self.networks))
        rngs = rng.spawn(len(spans)) if rng is not None else [None] * len(spans)

        def part(k: int):
            lo, hi = spans[k]
            net = self.networks[k]
            logits = net.forward(x[lo:hi], train=True, rng=rngs[k])
            loss, dlogits, _ = loss_fn(logits, labels[lo:hi])
            if len(spans) > 1:
                dlogits *= dlogits.dtype.type((hi - lo) / n)  # each part's share of the batch mean
            net.backward(dlogits)
            return loss, logits

        results = self._run([lambda k=k: part(k) for k in range(len(spans))])
        grads = self.network.grads
        for k in range(1, len(spans)):
            for name, grad in self.networks[k].grads.items():
                grads[name] += grad
        loss = sum(value * (hi - lo) for (value, _), (lo, hi) in zip(results, spans)) / n
        logits = results[0][1] if len(spans) == 1 else np.concatenate([r[1] for r in results])
        return float(loss), logits

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Logits (N, classes) of x (N, C, H, W) in evaluation mode, the parts computed at once."""
        spans = bounds(len(x), len(self.networks))
        results = self._run([lambda k=k: self.networks[k].forward(x[spans[k][0]:spans[k][1]], train=False)
                             for k in range(len(spans))])
        return results[0] if len(results) == 1 else np.concatenate(results)


def _with_errstate(settings: dict, job):  # type: ignore[no-untyped-def]
    """Run `job` under the caller's floating-point error handling (NumPy keeps it per thread)."""
    with np.errstate(**settings):
        return job()
