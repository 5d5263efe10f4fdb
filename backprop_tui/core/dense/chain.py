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
from backprop_tui.core.dense.gradcheck import numeric_gradient
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
        return float(np.prod([f.value for f in self.factors]))

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

    @property
    def path_sum(self) -> float:
        source = self.terms or self.compact
        return float(sum(t.value for t in source))


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
    numeric = _numeric(scenario, it, li, row, col, parameter)
    return DrillDown(name, tuple(terms), compact, analytic, numeric)


def _path_factors(scenario: Scenario, it: Iteration, layer: int, units: tuple[int, ...], s: int) -> list[Factor]:
    """Factors from E back to z^layer along units (u_layer, u_layer+1, …, u_L), outermost first."""
    acts = activations_of(scenario)
    last = len(acts)
    fwd, bwd, params = it.forward, it.backward, it.before.params
    factors: list[Factor] = []
    out_unit = units[-1]
    out_act = acts[-1]
    yhat, z_last = n.activation(last, last), n.z(last)
    if out_act == "softmax" or ACTIVATIONS[out_act].derivative is None:
        factors.append(Factor(f"∂E/∂{_unit(z_last, out_unit)}", float(bwd.delta[-1][out_unit, s])))
    else:
        factors.append(Factor(f"∂E/∂{_unit(yhat, out_unit)}", float(bwd.grad_a[-1][out_unit, s])))
        fprime = ACTIVATIONS[out_act].derivative(fwd.z[-1], fwd.a[-1])
        factors.append(Factor(f"∂{_unit(yhat, out_unit)}/∂{_unit(z_last, out_unit)}", float(fprime[out_unit, s])))
    for k in range(last, layer, -1):
        ki = k - 1
        upper, lower = units[k - layer], units[k - 1 - layer]
        a_sym, zk, zprev = n.activation(k - 1, last), n.z(k), n.z(k - 1)
        factors.append(Factor(f"∂{_unit(zk, upper)}/∂{_unit(a_sym, lower)}", float(params.weights[ki][lower, upper])))
        fprime = ACTIVATIONS[acts[ki - 1]].derivative(fwd.z[ki - 1], fwd.a[ki])
        factors.append(Factor(f"∂{_unit(a_sym, lower)}/∂{_unit(zprev, lower)}", float(fprime[lower, s])))
    return factors


def _numeric(scenario: Scenario, it: Iteration, li: int, row: int, col: int, parameter: str) -> float:
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
        return numeric_gradient(loss_with, start, index)
