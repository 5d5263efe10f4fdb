"""The chain rule for one weight: every path from the loss back to θˡᵢⱼ, factor by factor.

∂E/∂θˡᵢⱼ = Σ over samples and over paths through the later layers of the product of scalar
partials along the path; the sum must equal the analytic gradient, and the app shows both.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from backprop_tui.core.dense import network, notation as n
from backprop_tui.core.dense.activations import ACTIVATIONS
from backprop_tui.core.dense.gradcheck import CheckEntry, Status, check_entry, verdict
from backprop_tui.core.dense.network import Params
from backprop_tui.core.dense.run import Iteration, activations_of
from backprop_tui.core.scenario.model import Scenario

MAX_TERMS = 4096
"""Paths × samples beyond which only the compact δ form is given."""


@dataclass(frozen=True)
class Factor:
    name: str
    value: float


@dataclass(frozen=True)
class Term:
    """One path for one sample: the product of its factors."""

    sample: int
    factors: tuple[Factor, ...]

    @property
    def value(self) -> float:
        """The product; 0 if any factor is exactly 0 (a zero partial blocks the path even where
        another factor overflowed to inf)."""
        values = [f.value for f in self.factors]
        if any(v == 0 for v in values):
            return 0.0
        with np.errstate(over="ignore", invalid="ignore"):
            return float(np.prod(values))

    @property
    def text(self) -> str:
        names = " · ".join(f.name for f in self.factors)
        values = " · ".join(n.number(f.value, 4) for f in self.factors)
        return f"{names} = {values} = {n.number(self.value, 6)}"


@dataclass(frozen=True)
class DrillDown:
    parameter: str
    terms: tuple[Term, ...]
    """Empty when there are more than MAX_TERMS paths; `compact` then carries the sum."""
    compact: tuple[Term, ...]
    """One term per sample: a^{l-1}ᵢ · δˡⱼ."""
    analytic: float
    numeric: float
    check: CheckEntry | None = None
    """The central-difference check of `analytic`, with its one-sided differences and noise."""
    kinks: tuple[str, ...] = ()
    """Conventions f′(0) used at units exactly at z = 0 on the way from this weight to the loss."""

    @property
    def path_sum(self) -> float:
        source = self.terms or self.compact
        return float(sum(t.value for t in source))

    @property
    def status(self) -> Status:
        """What the central-difference check found for this weight."""
        return self.check.status if self.check is not None else Status.IMPRECISE

    @property
    def verdict(self) -> str:
        return verdict(self.status, self.kinks)


def _ij(i: int, j: int) -> str:
    return f"{n.sub(i + 1)}{n.sub(j + 1)}" if max(i, j) < 9 else f"[{i + 1},{j + 1}]"


def _unit(symbol: n.Symbol, u: int) -> str:
    return f"{symbol.text}{n.sub(u + 1)}"


def drilldown(scenario: Scenario, it: Iteration, layer: int, row: int, col: int, parameter: str = "weights") -> DrillDown:
    """The chain rule for θ^layer[row, col] (or b^layer[row] when parameter is "bias"); 0-based indices."""
    acts = activations_of(scenario)
    last = len(acts)
    li = layer - 1
    fwd, bwd, params = it.forward, it.backward, it.before.params
    m = it.x.shape[1]
    j = col if parameter == "weights" else row
    name = f"θ{n.sup(layer)}{_ij(row, col)}" if parameter == "weights" else f"b{n.sup(layer)}{n.sub(row + 1)}"
    z_sym = n.z(layer)

    def last_factor(s: int) -> list[Factor]:
        if parameter == "bias":
            return [Factor(f"∂{_unit(z_sym, j)}/∂{name}", 1.0)]
        return [Factor(f"∂{_unit(z_sym, j)}/∂{name}", float(fwd.a[li][row, s]))]

    compact = tuple(
        Term(s, (Factor(f"∂E/∂{_unit(z_sym, j)}", float(bwd.delta[li][j, s])), *last_factor(s)))
        for s in range(m)
    )
    widths = [len(params.weights[k][0]) for k in range(li + 1, last)]
    count = int(np.prod(widths)) * m if widths else m
    terms: list[Term] = []
    if count <= MAX_TERMS:
        for s in range(m):
            for path in itertools.product(*(range(w) for w in widths)):
                units = (j, *path)
                terms.append(Term(s, tuple(_path_factors(scenario, it, layer, units, s)) + tuple(last_factor(s))))
    analytic = float(bwd.grad_w[li][row, col] if parameter == "weights" else bwd.grad_b[li][row])
    kinks = network.kinks_at_zero(acts, fwd, li)
    check = _check(scenario, it, li, row, col, parameter, analytic, kinks)
    return DrillDown(name, tuple(terms), compact, analytic, check.numeric, check, kinks)


def _path_factors(scenario: Scenario, it: Iteration, layer: int, units: tuple[int, ...], s: int) -> list[Factor]:
    """Factors from E back to z^layer along units (u_layer, u_layer+1, …, u_L), outermost first."""
    acts = activations_of(scenario)
    last = len(acts)
    fwd, bwd, params = it.forward, it.backward, it.before.params
    factors: list[Factor] = []
    out_unit = units[-1]
    out_act = acts[-1]
    yhat, z_last = n.activation(last, last), n.z(last)
    derivative = ACTIVATIONS[out_act].derivative
    fprime_out = None if derivative is None else float(derivative(fwd.z[-1], fwd.a[-1])[out_unit, s])
    grad_out, delta_out = float(bwd.grad_a[-1][out_unit, s]), float(bwd.delta[-1][out_unit, s])
    if fprime_out is None or not _shows_as_product(grad_out, fprime_out, delta_out):
        # softmax's Jacobian is not diagonal; and where ŷ rounds to 0 or 1 the factors are out of range
        factors.append(Factor(f"∂E/∂{_unit(z_last, out_unit)}", delta_out))
    else:
        factors.append(Factor(f"∂E/∂{_unit(yhat, out_unit)}", grad_out))
        factors.append(Factor(f"∂{_unit(yhat, out_unit)}/∂{_unit(z_last, out_unit)}", fprime_out))
    for k in range(last, layer, -1):
        ki = k - 1
        upper, lower = units[k - layer], units[k - 1 - layer]
        a_sym, zk, zprev = n.activation(k - 1, last), n.z(k), n.z(k - 1)
        factors.append(Factor(f"∂{_unit(zk, upper)}/∂{_unit(a_sym, lower)}", float(params.weights[ki][lower, upper])))
        fprime = ACTIVATIONS[acts[ki - 1]].derivative(fwd.z[ki - 1], fwd.a[ki])
        factors.append(Factor(f"∂{_unit(a_sym, lower)}/∂{_unit(zprev, lower)}", float(fprime[lower, s])))
    return factors


def _shows_as_product(grad: float, fprime: float, delta: float) -> bool:
    """∂E/∂ŷ · f′(z) reproduces δ (false where one factor overflowed or underflowed)."""
    with np.errstate(all="ignore"):
        product = np.float64(grad) * np.float64(fprime)
    return bool(np.isfinite(product) and abs(product - delta) <= 1e-9 * abs(delta))


def _check(scenario: Scenario, it: Iteration, li: int, row: int, col: int, parameter: str,
           analytic: float, kinks: tuple[str, ...]) -> CheckEntry:
    acts = activations_of(scenario)
    params = it.before.params

    def loss_with(value: np.ndarray) -> float:
        if parameter == "weights":
            weights = (*params.weights[:li], value, *params.weights[li + 1:])
            p = Params(weights, params.biases)
        else:
            biases = (*params.biases[:li], value, *params.biases[li + 1:])
            p = Params(params.weights, biases)
        return network.loss_of(scenario.loss, acts, p, it.x, it.y)

    start = params.weights[li] if parameter == "weights" else params.biases[li]
    index = (row, col) if parameter == "weights" else (row,)
    with np.errstate(all="ignore"):
        return check_entry(loss_with, start, index, analytic, kinked=bool(kinks))
