"""Central finite differences in float64: the numeric gradient shown beside every analytic one.

A check says what is true of each entry, not only "agrees" or "DISAGREES":
- the difference may be below what finite differences can resolve: each value of the loss f is
  rounded to about ε·|f|, so (f(x + h) − f(x − h))/2h carries an error of about ε·|f|/h
  (Numerical Recipes, §5.7); a gradient smaller than that has no digits left to compare;
- the loss may not be differentiable there: a ReLU, leaky ReLU or step unit at z = 0 has a
  kink, where the analytic gradient uses a convention (ReLU′(0) = 0, as PyTorch does) and the
  one-sided differences (f(x + h) − f(x))/h and (f(x) − f(x − h))/h disagree;
- the loss may overflow to inf.

Each entry is probed with h = 1e-6·max(1, |x|), relative so that x ± h still differs from x when
|x| is huge, and, where that does not agree and |x| > 1, also with h = 1e-6: a step relative to a
huge weight can be far wider than the range over which the loss is smooth.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

STEP = 1e-6
"""The finite-difference step, relative to max(1, |x|)."""
AGREES = 1e-5
"""Relative error below which the analytic and numeric gradients are said to agree."""
ROUNDING = 8.0
"""How many ε of |f| one evaluation of the loss may be off by: a forward pass of a few layers
rounds E by about ε·|E| (measured at most 1.5ε·|E| over the test networks), with margin."""
SMOOTH = 1e-3
"""Relative difference of the one-sided differences beyond which f is not smooth within ±h."""


class Status(StrEnum):
    """What a check found for one entry, or for a whole gradient."""

    AGREES = "agrees"
    WITHIN_NOISE = "within rounding"
    """|analytic − numeric| is below the rounding error the central difference carries."""
    KINK = "kink"
    """A kinked unit sits at z = 0 and the one-sided differences disagree: not differentiable."""
    NOT_SMOOTH = "not smooth"
    """The one-sided differences disagree without a unit exactly at z = 0 (a kink within ±h)."""
    IMPRECISE = "no precision"
    """No entry with a nonzero value was resolved: every difference is below the rounding error."""
    OVERFLOW = "overflow"
    """The loss is ±inf or NaN at x or x ± h: nothing finite to difference."""
    DISAGREES = "DISAGREES"


@dataclass(frozen=True)
class CheckEntry:
    """One checked entry: the analytic value, the central and one-sided differences, their noise."""

    index: tuple[int, ...]
    analytic: float
    numeric: float
    """(f(x + h) − f(x − h))/2h."""
    forward: float = math.nan
    """(f(x + h) − f(x))/h."""
    backward: float = math.nan
    """(f(x) − f(x − h))/h."""
    noise: float = 0.0
    """The rounding error the central difference may carry: ROUNDING·ε·max|f|/h (inf if f overflowed)."""
    kinked: bool = False
    """A unit between x and the loss sits exactly at z = 0 on a kinked activation."""
    step: float = STEP
    """The h used."""

    @property
    def relative_error(self) -> float:
        return relative_error(self.analytic, self.numeric)

    @property
    def status(self) -> Status:
        return entry_status(self)


@dataclass(frozen=True)
class GradCheck:
    """Analytic against numeric values of one gradient, entry by entry."""

    name: str
    entries: tuple[CheckEntry, ...]
    total: int
    """How many entries the gradient has; fewer are checked for large matrices."""
    kinks: tuple[str, ...] = ()
    """The conventions f′(0) in use at units exactly at z = 0 that this gradient passes through."""

    @property
    def max_relative_error(self) -> float:
        """The largest true relative error (0 only where analytic and numeric are equal)."""
        return max((entry.relative_error for entry in self.entries), default=0.0)

    @property
    def status(self) -> Status:
        """The check's finding: DISAGREES if any entry disagrees, else a kink, a rough spot or an
        overflow if any entry has one, else no precision if no nonzero entry was resolved, else
        AGREES (entries within the rounding error count as agreeing beside resolved ones)."""
        return check_status(self.entries)

    @property
    def agrees(self) -> bool:
        return self.status is Status.AGREES

    @property
    def verdict(self) -> str:
        """The check's finding in words, as every view shows it."""
        return verdict(self.status, self.kinks)

    def entry(self, index: tuple[int, ...]) -> CheckEntry | None:
        return next((e for e in self.entries if e.index == index), None)


def check_status(entries: tuple[CheckEntry, ...]) -> Status:
    """Combine entries' findings (see GradCheck.status)."""
    found = [entry.status for entry in entries]
    for status in (Status.DISAGREES, Status.KINK, Status.NOT_SMOOTH, Status.OVERFLOW):
        if status in found:
            return status
    resolved = any(s is Status.AGREES and max(abs(e.analytic), abs(e.numeric)) > 0 for s, e in zip(found, entries))
    if Status.WITHIN_NOISE in found and not resolved:
        return Status.IMPRECISE
    return Status.AGREES


def verdict(status: Status, kinks: tuple[str, ...] = ()) -> str:
    """The words for a status: what is true of the check, not only whether it passed."""
    if status is Status.KINK:
        conventions = " and ".join(kinks) if kinks else "f′(0)"
        return f"z = 0: not differentiable, the convention {conventions} is used"
    if status is Status.NOT_SMOOTH:
        return "not smooth within the finite-difference step (the one-sided differences disagree)"
    if status in (Status.IMPRECISE, Status.WITHIN_NOISE):
        return "finite differences have no precision at this magnitude"
    if status is Status.OVERFLOW:
        return "the loss overflows: finite differences have no precision at this magnitude"
    return "agrees" if status is Status.AGREES else "DISAGREES"


def mark(status: Status) -> str:
    """✓ agrees, ✗ disagrees, ~ for a finding that is neither (a kink, a rough spot, no precision)."""
    if status is Status.AGREES:
        return "✓"
    return "✗" if status is Status.DISAGREES else "~"


def relative_error(analytic: float, numeric: float) -> float:
    """|a − n| / max(|a|, |n|): its true value, 0 only where they are equal; inf where either is inf or NaN."""
    if not (math.isfinite(analytic) and math.isfinite(numeric)):
        return math.inf
    difference = abs(analytic - numeric)
    scale = max(abs(analytic), abs(numeric))
    return difference / scale if scale > 0 else 0.0


def entry_status(entry: CheckEntry) -> Status:
    """Classify one entry (see the module docstring)."""
    a, n = entry.analytic, entry.numeric
    if not (math.isfinite(n) and math.isfinite(entry.noise)):
        return Status.OVERFLOW
    difference = abs(a - n)
    if difference <= AGREES * max(abs(a), abs(n)):
        return Status.AGREES
    if difference <= entry.noise:
        return Status.WITHIN_NOISE
    one_sided = abs(entry.forward - entry.backward)
    if one_sided > SMOOTH * max(abs(entry.forward), abs(entry.backward)) + 4.0 * entry.noise:
        return Status.KINK if entry.kinked else Status.NOT_SMOOTH
    return Status.DISAGREES


def step_for(value: float) -> float:
    """The relative finite-difference step for an entry of value `value`: STEP·max(1, |value|)."""
    return STEP * max(1.0, abs(value)) if math.isfinite(value) else STEP


def numeric_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, index: tuple[int, ...], step: float | None = None) -> float:
    """(f(x + h·eᵢ) − f(x − h·eᵢ)) / ((x + h) − (x − h)) for one entry i; h = step_for(xᵢ) unless given."""
    return probe(f, x, index, step)[0]


def probe(f: Callable[[np.ndarray], float], x: np.ndarray, index: tuple[int, ...], step: float | None = None,
          centre: float | None = None) -> tuple[float, float, float, float]:
    """(central, forward, backward, noise) differences of f at x along entry `index`.

    The divisors are the representable distances (x + h) − x and x − (x − h), so rounding x ± h
    does not bias the quotients; `centre` is f(x) if already known.
    """
    h = step_for(float(x[index])) if step is None else step
    moved = np.array(x, dtype=np.float64, copy=True)
    start = float(moved[index])
    with np.errstate(all="ignore"):
        moved[index] = start + h
        up_at, above = float(moved[index]), f(moved)
        moved[index] = start - h
        down_at, below = float(moved[index]), f(moved)
        middle = f(np.asarray(x, dtype=np.float64)) if centre is None else centre
        central = (above - below) / (up_at - down_at)
        forward = (above - middle) / (up_at - start)
        backward = (middle - below) / (start - down_at)
        largest = max(abs(above), abs(below), abs(middle))
        noise = ROUNDING * np.finfo(np.float64).eps * largest / (0.5 * (up_at - down_at))
    return float(central), float(forward), float(backward), float(noise) if math.isfinite(largest) else math.inf


# The order in which two probes' findings are preferred: a resolved smooth difference (agreeing or
# not) says the most; then a kink at z = 0, then "no precision", a rough spot, an overflow.
_PREFERENCE = (Status.AGREES, Status.DISAGREES, Status.KINK, Status.WITHIN_NOISE, Status.NOT_SMOOTH, Status.OVERFLOW)


def check_entry(f: Callable[[np.ndarray], float], x: np.ndarray, index: tuple[int, ...], analytic: float,
                centre: float | None = None, kinked: bool = False) -> CheckEntry:
    """Probe f at x along `index` with the relative step (and, unless that agrees, the absolute
    one where it differs) and pair the differences with the analytic value."""
    start = float(x[index])
    steps = [step_for(start)]
    if steps[0] > STEP and start + STEP != start:
        steps.append(STEP)
    best: CheckEntry | None = None
    for h in steps:
        entry = CheckEntry(index, float(analytic), *probe(f, x, index, h, centre), kinked, h)
        if best is None or _PREFERENCE.index(entry.status) < _PREFERENCE.index(best.status):
            best = entry
        if best.status is Status.AGREES:
            break
    assert best is not None
    return best


def chosen_entries(analytic: np.ndarray, limit: int) -> list[tuple[int, ...]]:
    """Every entry of a small matrix; for a large one the largest-magnitude few plus an even spread."""
    if analytic.size <= limit:
        return [tuple(int(i) for i in idx) for idx in np.ndindex(analytic.shape)]
    flat = np.abs(analytic).ravel()
    largest = np.argpartition(flat, flat.size - limit // 2)[flat.size - limit // 2 :]
    spread = np.linspace(0, analytic.size - 1, limit - len(largest)).astype(int)
    picked = list(dict.fromkeys([*largest.tolist(), *spread.tolist()]))
    return [tuple(int(i) for i in np.unravel_index(p, analytic.shape)) for p in picked]


def gradient_check(
    name: str, f: Callable[[np.ndarray], float], x: np.ndarray, analytic: np.ndarray, limit: int = 16,
    kinks: tuple[str, ...] = (),
) -> GradCheck:
    """Compare `analytic` = ∂f/∂x (same shape as x) with central differences at up to `limit` entries.

    `kinks` are the conventions f′(0) used at units exactly at z = 0 between x and the loss
    (network.kinks_at_zero): where an entry's one-sided differences disagree, the check names them.
    """
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(all="ignore"):
        centre = f(x)
        entries = tuple(check_entry(f, x, index, float(analytic[index]), centre, bool(kinks))
                        for index in chosen_entries(analytic, limit))
    return GradCheck(name, entries, int(analytic.size), kinks)
