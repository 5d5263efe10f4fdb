"""The iterations computed so far, in bounded memory: states kept, the rest recomputed.

Why: one iteration of a 784-128-10 network holds about 4 MB (the states before and after, the
forward and backward arrays) and its steps about 6.6 MB, so keeping all of them made a walk of
1,000 iterations cost gigabytes. An iteration is a pure function of the state before it
(`run.step`), so keeping that state is enough to rebuild the iteration exactly, bit for bit.

Kept for every iteration: its loss and whether it diverged (the loss chart and the status line
read them for all). Kept for some: the state before iteration k when k is a multiple of
`every` (every state for small networks, about 100 MB per 1,000 iterations at most for large
ones), and the last state after, to carry on. Kept for the most recently used: whole
iterations, as many as fit in `ITERATION_BUDGET` bytes. Anything else is recomputed from the
nearest kept state before it, at most `every - 1` updates away.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any, overload

import numpy as np

from backprop_tui.core.dense import run
from backprop_tui.core.dense.run import Iteration, State

ITERATION_BUDGET = 32_000_000
"""Bytes of whole iterations kept for quick return (at least MIN_KEPT, at most MAX_KEPT of them)."""

STATE_BUDGET_PER_ITERATION = 100_000
"""Bytes of kept states per iteration walked, on average: a state is kept every
ceil(state bytes / this) iterations (1 for networks whose state is smaller)."""

MAX_EVERY = 32
"""Never more updates than this to recompute an iteration from the nearest kept state."""

MIN_KEPT, MAX_KEPT = 4, 64


def array_bytes(obj: Any) -> int:
    """Bytes of the NumPy arrays reachable from `obj` (dataclasses, tuples, lists, dicts), each
    underlying buffer counted once."""
    seen: set[int] = set()

    def walk(value: Any) -> int:
        if isinstance(value, np.ndarray):
            base = value
            while isinstance(base.base, np.ndarray):
                base = base.base
            if id(base) in seen:
                return 0
            seen.add(id(base))
            return base.nbytes
        if id(value) in seen:
            return 0
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            seen.add(id(value))
            return sum(walk(getattr(value, f.name)) for f in dataclasses.fields(value))
        if isinstance(value, (list, tuple)):
            seen.add(id(value))
            return sum(walk(item) for item in value)
        if isinstance(value, dict):
            seen.add(id(value))
            return sum(walk(item) for item in value.values())
        return 0

    return walk(obj)


def entries_for(budget: int, each: int) -> int:
    """How many objects of `each` bytes fit in `budget`, within [MIN_KEPT, MAX_KEPT]."""
    return max(MIN_KEPT, min(MAX_KEPT, budget // max(each, 1)))


class IterationHistory:
    """The iterations computed so far, as a read-only sequence (index and slice like a list).

    `extend_to(i)` computes up to iteration i (0-based); indexing recomputes what is not kept.
    Safe to extend from one worker thread while another thread reads.
    """

    def __init__(self, scenario: Any, initial_state: Callable[[Any], Any] = run.initial_state,
                 step: Callable[[Any, Any], Any] = run.step):
        """`initial_state(scenario)` and `step(scenario, state) -> iteration` are the engine's
        (the dense one by default; the stepper passes the convolutional one's for its scenarios)."""
        self.scenario = scenario
        self._step = step
        self.losses: list[float] = []
        """E on the batch before each computed update."""
        self.diverged: list[bool] = []
        self._states: dict[int, State] = {}
        """State before iteration k, for the k kept."""
        self._last: State = initial_state(scenario)
        """The state after the last computed iteration (before the next)."""
        self.every = 1
        self._recent: OrderedDict[int, Iteration] = OrderedDict()
        self._kept = MAX_KEPT
        self._lock = threading.Lock()
        """Guards the recent-iterations cache (moments only, never while computing)."""

    def __len__(self) -> int:
        return len(self.losses)

    @overload
    def __getitem__(self, index: int) -> Iteration: ...

    @overload
    def __getitem__(self, index: slice) -> list[Iteration]: ...

    def __getitem__(self, index: int | slice) -> Iteration | list[Iteration]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"iteration {index} has not been computed")
        return self._get(index)

    def __iter__(self) -> Iterator[Iteration]:
        return (self[i] for i in range(len(self)))

    def extend_to(self, index: int) -> None:
        """Compute iterations up to `index` (0-based); the caller serialises extensions."""
        while len(self) <= index:
            number = len(self)
            if number == 0:
                self._choose_every(self._last)
            before = self._last
            if number % self.every == 0:
                self._states[number] = before
            iteration = self._step(self.scenario, before)
            self._last = iteration.after
            self.diverged.append(iteration.diverged)
            self._remember(number, iteration)
            self.losses.append(iteration.loss)  # last: len() counts it only once it is complete

    def _choose_every(self, state: State) -> None:
        size = array_bytes(state)
        self.every = min(MAX_EVERY, max(1, math.ceil(size / STATE_BUDGET_PER_ITERATION)))

    def _remember(self, index: int, iteration: Iteration) -> None:
        with self._lock:
            if not self._recent:
                self._kept = entries_for(ITERATION_BUDGET, array_bytes(iteration))
            self._recent[index] = iteration
            self._recent.move_to_end(index)
            while len(self._recent) > self._kept:
                self._recent.popitem(last=False)

    def _get(self, index: int) -> Iteration:
        with self._lock:
            found = self._recent.get(index)
            if found is not None:
                self._recent.move_to_end(index)
                return found
        start = index - index % self.every
        state = self._states[start]
        for number in range(start, index + 1):
            iteration = self._step(self.scenario, state)
            state = iteration.after
        self._remember(index, iteration)
        return iteration
