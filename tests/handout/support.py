"""Helpers of the handout tests: walk a scenario and build its handout."""

from __future__ import annotations

from backprop_tui.core.dense.run import Iteration, run
from backprop_tui.core.dense.steps import Step, build_steps
from backprop_tui.core.scenario.load import load
from backprop_tui.core.scenario.model import Scenario
from backprop_tui.render.handout import Handout, HandoutOptions, build_handout


def walk(name: str, iterations: int) -> tuple[Scenario, list[Iteration], list[Step]]:
    """A bundled scenario (or a path), its first `iterations` and their steps."""
    scenario = load(name)
    its = run(scenario, iterations)
    return scenario, its, [s for it in its for s in build_steps(scenario, it)]


def handout(name: str, iterations: int, **options) -> Handout:
    """The handout of a scenario's first `iterations` with HandoutOptions(**options)."""
    scenario, its, steps = walk(name, iterations)
    return build_handout(scenario, its, steps, HandoutOptions(**options))
