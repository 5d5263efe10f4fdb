"""Central finite differences in float64: the numeric gradient shown beside every analytic one."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

STEP = 1e-6
AGREES = 1e-5
"""Relative error below which the analytic and numeric gradients are said to agree."""


@dataclass(frozen=True)
class CheckEntry:
    index: tuple[int, ...]
    analytic: float
    numeric: float

    @property
    def relative_error(self) -> float:
        return relative_error(self.analytic, self.numeric)


@dataclass(frozen=True)
class GradCheck:
    """Analytic against numeric values of one gradient, entry by entry."""

    name: str
    entries: tuple[CheckEntry, ...]
    total: int
    """How many entries the gradient has; fewer are checked for large matrices."""

    @property
    def max_relative_error(self) -> float:
        return max((entry.relative_error for entry in self.entries), default=0.0)

    @property
    def agrees(self) -> bool:
        return self.max_relative_error < AGREES

    def entry(self, index: tuple[int, ...]) -> CheckEntry | None:
        return next((e for e in self.entries if e.index == index), None)


def relative_error(analytic: float, numeric: float) -> float:
    """|a − n| / max(|a|, |n|), with differences far below the FD noise counted as zero.

    Where either value is inf or NaN there is nothing to compare: the error is inf.
    """
    if not (math.isfinite(analytic) and math.isfinite(numeric)):
        return math.inf
    difference = abs(analytic - numeric)
    scale = max(abs(analytic), abs(numeric))
    if difference < 1e-10:
        return 0.0
    return difference / scale


def numeric_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, index: tuple[int, ...], step: float = STEP) -> float:
    """(f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h for one entry i."""
    probe = x.copy()
    probe[index] = x[index] + step
    above = f(probe)
    probe[index] = x[index] - step
    below = f(probe)
    return (above - below) / (2.0 * step)


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
    name: str, f: Callable[[np.ndarray], float], x: np.ndarray, analytic: np.ndarray, limit: int = 16
) -> GradCheck:
    """Compare `analytic` = ∂f/∂x with central differences at up to `limit` entries."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(all="ignore"):
        entries = tuple(
            CheckEntry(index, float(analytic[index]), numeric_gradient(f, x, index))
            for index in chosen_entries(analytic, limit)
        )
    return GradCheck(name, entries, int(analytic.size))
