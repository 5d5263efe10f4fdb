"""Loss curves of a scenario's variants over the same iterations, for `compare` and the app's chart.

Textual-free and plot-library-free: this computes numbers; the CLI and the app draw them.
A curve holds the full-data loss after k updates for k = 0..iterations (k = 0: the initial
weights), so "iteration k" everywhere here means "after the k-th update".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from backprop_tui.core.dense.run import losses
from backprop_tui.core.scenario.load import apply_variant
from backprop_tui.core.scenario.model import Scenario

BASE_NAME = "base"
"""The curve's name when a scenario has no variants and the base itself is compared."""


@dataclass(frozen=True)
class Curve:
    """One variant's run: its name, its losses (iterations + 1 values) and where it diverged."""

    name: str
    description: str
    losses: np.ndarray
    diverged_at: int | None
    """The first k whose loss is inf or NaN (the k-th update broke it), or None."""
    descriptions: dict[str, str] = field(default_factory=dict, compare=False)
    """The description in other interface languages, by language (the variant's description_ko)."""

    @property
    def final(self) -> float:
        """The loss at the last point of the curve."""
        return float(self.losses[-1])

    def at(self, k: int) -> float:
        """The loss after k updates."""
        return float(self.losses[k])


@dataclass(frozen=True)
class Comparison:
    title: str
    iterations: int
    curves: tuple[Curve, ...]
    titles: dict[str, str] = field(default_factory=dict, compare=False)
    """The scenario's title in other interface languages (its title_ko), by language."""


def variant_scenarios(scenario: Scenario) -> list[tuple[str, str, Scenario]]:
    """(name, description, scenario) per variant, or the base alone when there are none.

    Variants apply to the base: a scenario with a variant already applied is compared from the
    base it was made from (the app may hold one).
    """
    scenario = base_of(scenario)
    if not scenario.variants:
        return [(BASE_NAME, first_line(scenario.description), scenario)]
    return [(v.name, v.description, apply_variant(scenario, v.name)) for v in scenario.variants]


def base_of(scenario: Scenario) -> Scenario:
    """The scenario without its applied variant (overrides do not stack)."""
    return scenario.base if scenario.base is not None else scenario


def default_iterations(scenario: Scenario) -> int:
    """The longest run any variant asks for, so every variant is shown over the same span."""
    return max(s.training.iterations for _, _, s in variant_scenarios(scenario))


def compare(scenario: Scenario, iterations: int | None = None) -> Comparison:
    """Run every variant (or the base) for the same number of updates and collect the curves."""
    count = default_iterations(scenario) if iterations is None else iterations
    base = base_of(scenario)
    translated = {v.name: v.descriptions for v in base.variants} or {
        BASE_NAME: {language: first_line(text) for language, text in base.descriptions.items()}}
    curves = []
    for name, description, variant in variant_scenarios(scenario):
        values = losses(variant, count + 1)
        bad = np.flatnonzero(~np.isfinite(values))
        curves.append(Curve(name, description, values, int(bad[0]) if bad.size else None, dict(translated[name])))
    return Comparison(base.title, count, tuple(curves), dict(base.titles))


def first_line(description: str) -> str:
    """What a scenario's description says of itself as a curve with no variants: its first line."""
    return description.strip().split("\n")[0]


def default_points(iterations: int) -> list[int]:
    """A handful of iterations spread over the run: 0, 1, 10, 100, …, the middle and the last."""
    points = {0, iterations // 2, iterations}
    power = 1
    while power < iterations:
        points.add(power)
        power *= 10
    return sorted(points)


def ceiling(comparison: Comparison, factor: float = 100.0) -> float:
    """Where a chart should cut off diverging curves: `factor` × the largest starting loss."""
    starts = [c.losses[0] for c in comparison.curves if np.isfinite(c.losses[0])]
    return factor * max(starts) if starts and max(starts) > 0 else float("inf")


def plot_points(curve: Curve, cap: float = float("inf"), max_points: int = 2000) -> tuple[list[int], list[float]]:
    """The curve's finite part as (x, y) for a chart, with y clipped to `cap` (a diverging
    curve runs along the top edge instead of squashing the others), thinned to about
    `max_points` points (always keeping the last finite one) so long runs plot quickly."""
    end = curve.diverged_at if curve.diverged_at is not None else len(curve.losses)
    if end == 0:
        return [], []
    stride = max(1, -(-end // max_points))
    xs = list(range(0, end, stride))
    if xs[-1] != end - 1:
        xs.append(end - 1)
    ys = np.minimum(curve.losses[xs], cap)
    return xs, [float(v) for v in ys]
