"""Where the learner is in the walk through a scenario, with no Textual in sight.

The stepper keeps what it needs to show any iteration computed so far with exactly the earlier
numbers (history.py: the states, with recent iterations and steps cached and the rest rebuilt
identically), and computes further iterations on demand from the last state, so the walk is
not limited to the scenario's planned count, nor by memory. The app drives it; tests drive it
alone.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from backprop_tui.core.dense import network, run
from backprop_tui.core.dense.optimizers import batch_size
from backprop_tui.core.dense.run import Iteration
from backprop_tui.core.dense.steps import Step, build_steps
from backprop_tui.core.scenario.conv_model import ConvScenario
from backprop_tui.core.scenario.model import Scenario
from backprop_tui.core.vocab import Move
from backprop_tui.walk.history import IterationHistory, array_bytes, entries_for

STEP_CACHE = 64
"""Iterations whose steps are kept at most; older ones are rebuilt (identically) when visited
again. Fewer for large networks: as many as fit in STEPS_BUDGET bytes (at least 4)."""

STEPS_BUDGET = 96_000_000
"""Bytes of cached steps (one iteration of a 784-128-10 network's steps holds about 6.6 MB)."""

SLOW_SECONDS = 0.005
"""An iteration that takes longer than this to compute is computed off the UI thread."""


@dataclass(frozen=True)
class Position:
    """An iteration (0-based index) and a step (0-based index within that iteration)."""

    iteration: int = 0
    step: int = 0


@dataclass(frozen=True)
class Engine:
    """The functions that compute a scenario's iterations and steps: the dense engine's, or the
    convolutional one's (same Step data, so every view reads both)."""

    initial_state: Callable
    step: Callable
    build_steps: Callable
    data_loss: Callable
    """E on the whole data set for a State's parameters."""


def _dense_data_loss(scenario: Scenario, state) -> float:
    return network.loss_of(scenario.loss, run.activations_of(scenario), state.params, scenario.x.T, scenario.y.T)


DENSE_ENGINE = Engine(run.initial_state, run.step, build_steps, _dense_data_loss)


def conv_engine() -> Engine:
    """The convolutional engine, imported when a convolutional scenario is opened (it is a
    good part of the start-up time of the dense scenarios, which never need it)."""
    from backprop_tui.core.dense import conv_run
    from backprop_tui.core.dense.conv_steps import build_conv_steps

    return Engine(conv_run.initial_state, conv_run.step, build_conv_steps,
                  lambda scenario, state: conv_run.data_loss(scenario, state.params))


def engine_for(scenario: Scenario | ConvScenario) -> Engine:
    """The engine that steps through `scenario`."""
    return conv_engine() if isinstance(scenario, ConvScenario) else DENSE_ENGINE


class Stepper:
    """The cached iterations and steps of one scenario, and the position of the learner."""

    def __init__(self, scenario: Scenario | ConvScenario, position: Position = Position()):
        self.scenario = scenario
        self.engine = engine_for(scenario)
        self.iterations = IterationHistory(scenario, self.engine.initial_state, self.engine.step)
        """Every iteration computed so far, indexable like a list (rebuilt when not kept)."""
        self._steps: OrderedDict[int, tuple[Iteration, list[Step]]] = OrderedDict()
        """Recently shown iterations with their steps (the steps hold the iteration's arrays, so
        keeping the iteration beside them costs little and spares recomputing it)."""
        self._step_cache = STEP_CACHE
        self._lock = threading.Lock()
        self._update_seconds = float("inf")
        self._steps_seconds = float("inf")
        self.position = Position()
        self.walked = 1
        """How many iterations the learner has visited (for the loss chart)."""
        self._data_losses: list[float] = []
        """E on the whole data set before each computed update (only where a batch is a part of it)."""
        self.go(position)

    # -- computing ------------------------------------------------------------------------------

    def is_cached(self, iteration: int) -> bool:
        """Whether iteration `iteration` (0-based) and its steps are ready."""
        return iteration in self._steps

    @property
    def slow(self) -> bool:
        """Whether computing one more iteration is too slow to do between two frames."""
        return self.compute_seconds > SLOW_SECONDS

    @property
    def compute_seconds(self) -> float:
        """The fastest update plus the fastest step-building seen so far: the network's own cost,
        not a moment when the machine was busy (a first measurement may include warm-up)."""
        return self._update_seconds + self._steps_seconds

    def prepare(self, iteration: int) -> list[Step]:
        """Compute iterations up to `iteration` (0-based) and its steps; safe from a worker thread."""
        with self._lock:
            history = self.iterations
            while len(history) <= iteration:
                started = time.perf_counter()
                history.extend_to(len(history))
                self._update_seconds = min(self._update_seconds, time.perf_counter() - started)
                if self.batches_are_parts:  # here, so a worker computing ahead computes this too
                    with np.errstate(all="ignore"):
                        self._data_losses.append(self.engine.data_loss(self.scenario,
                                                                       history[len(history) - 1].before))
            if iteration not in self._steps:
                started = time.perf_counter()
                computed = history[iteration]
                steps = self.engine.build_steps(self.scenario, computed)
                if not self._steps:  # the first: how many of this size fit in the budget
                    self._step_cache = entries_for(STEPS_BUDGET, array_bytes((computed, steps)))
                self._steps[iteration] = (computed, steps)
                self._steps_seconds = min(self._steps_seconds, time.perf_counter() - started)
                while len(self._steps) > min(self._step_cache, STEP_CACHE):  # a long walk stays in memory
                    self._steps.popitem(last=False)
            self._steps.move_to_end(iteration)
            return self._steps[iteration][1]

    def steps_of(self, iteration: int) -> list[Step]:
        """The steps of one iteration (0-based), computed if need be."""
        cached = self._steps.get(iteration)
        return cached[1] if cached is not None else self.prepare(iteration)

    # -- where we are ---------------------------------------------------------------------------

    @property
    def iteration(self) -> Iteration:
        """The iteration the position is in."""
        cached = self._steps.get(self.position.iteration)
        return cached[0] if cached is not None else self.iterations[self.position.iteration]

    @property
    def steps(self) -> list[Step]:
        """The steps of the iteration the position is in (computed if need be)."""
        return self.steps_of(self.position.iteration)

    @property
    def step(self) -> Step:
        """The step at the position."""
        return self.steps[self.position.step]

    @property
    def planned(self) -> int:
        """The scenario's own iteration count (the N of "iteration i/N")."""
        return self.scenario.training.iterations

    def losses(self) -> list[float]:
        """The batch loss before each update, for the iterations walked so far."""
        return self.iterations.losses[: self.walked]

    @property
    def batches_are_parts(self) -> bool:
        """Whether each update sees only part of the data (SGD's mini-batches), so the batch loss
        and the loss on the whole data set differ."""
        return batch_size(self.scenario.training, self.scenario.samples) < self.scenario.samples

    def data_losses(self) -> list[float] | None:
        """E on the whole data set before each update walked so far; None where a batch is the whole data."""
        return self._data_losses[: self.walked] if self.batches_are_parts else None

    # -- moving ---------------------------------------------------------------------------------

    def go(self, position: Position) -> Position:
        """Move to `position`, clamped to a valid step; iterations below 0 clamp to the first."""
        iteration = max(0, position.iteration)
        steps = self.steps_of(iteration)
        step = min(max(0, position.step), len(steps) - 1)
        self.position = Position(iteration, step)
        self.walked = max(self.walked, iteration + 1)
        return self.position

    def target(self, move: Move | str) -> Position:
        """Where `move` would lead, without going there (may compute the next iteration).

        Raises ValueError for a string that names no Move.
        """
        return _MOVES[Move(move)](self)

    def _next_step(self) -> Position:
        p = self.position
        return Position(p.iteration, p.step + 1) if p.step < len(self.steps) - 1 else Position(p.iteration + 1, 0)

    def _prev_step(self) -> Position:
        p = self.position
        if p.step > 0:
            return Position(p.iteration, p.step - 1)
        return Position(p.iteration - 1, len(self.steps_of(p.iteration - 1)) - 1) if p.iteration > 0 else p

    def _next_phase(self) -> Position:
        p = self.position
        later = [s.index for s in self.steps if s.phase.order > self.step.phase.order]
        return Position(p.iteration, later[0]) if later else Position(p.iteration + 1, 0)

    def _iterations(self, count: int) -> Position:
        """The same step `count` iterations on (or back, never before the first)."""
        return Position(max(0, self.position.iteration + count), self.position.step)

    def _prev_phase(self) -> Position:
        """The start of this phase, or of the previous phase when already at its start."""
        p = self.position
        phase = self.step.phase
        start = next(s.index for s in self.steps if s.phase == phase)
        if p.step > start:
            return Position(p.iteration, start)
        if start > 0:
            before = self.steps[start - 1].phase
            return Position(p.iteration, next(s.index for s in self.steps if s.phase == before))
        if p.iteration == 0:
            return p
        earlier = self.steps_of(p.iteration - 1)
        last_phase = earlier[-1].phase
        return Position(p.iteration - 1, next(s.index for s in earlier if s.phase == last_phase))

    def move(self, move: Move | str) -> Position:
        """Take one of the named moves (see `target`) and return the new position."""
        return self.go(self.target(move))

    def needs_compute(self, move: Move | str) -> int | None:
        """The iteration a move would have to compute first, or None when it is ready."""
        wanted = self.target(move).iteration
        return None if self.is_cached(wanted) else wanted

    def reload(self, scenario: Scenario) -> "Stepper":
        """A stepper for the changed scenario at the same place, where that place still exists."""
        return Stepper(scenario, self.position)


_MOVES: dict[Move, Callable[[Stepper], Position]] = {
    Move.NEXT_STEP: Stepper._next_step,
    Move.PREV_STEP: Stepper._prev_step,
    Move.NEXT_PHASE: Stepper._next_phase,
    Move.PREV_PHASE: Stepper._prev_phase,
    Move.NEXT_ITERATION: lambda s: s._iterations(1),
    Move.PREV_ITERATION: lambda s: s._iterations(-1),
    Move.AHEAD: lambda s: s._iterations(10),
    Move.BACK: lambda s: s._iterations(-10),
    Move.FIRST_STEP: lambda s: Position(s.position.iteration, 0),
    Move.LAST_STEP: lambda s: Position(s.position.iteration, len(s.steps) - 1),
}
"""What each move does; every Move has an entry (checked by the tests)."""
