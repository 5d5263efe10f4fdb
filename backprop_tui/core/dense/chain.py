"""The chain rule for one weight: every path from the loss back to θˡᵢⱼ, factor by factor.

∂E/∂θˡᵢⱼ = Σ over samples and over paths through the later layers of the product of scalar
partials along the path; the sum must equal the analytic gradient, and the app shows both.
Every factor names its cells by key (render.chain spells them: ∂E/∂ŷ₁, ∂z²₁/∂a¹₃ …).
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
from backprop_tui.core.vocab import Cell, Parameter, Quantity

MAX_TERMS = 4096
"""Paths × samples beyond which only the compact δ form is given."""


@dataclass(frozen=True)
class Factor:
    """∂(of)/∂(wrt) at one sample: `of` None means the loss E; cells are units (0-based)."""

    of: Cell | None
    wrt: Cell
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


@dataclass(frozen=True)
class DrillDown:
    """The chain rule for one weight or bias: every path's term, the compact form, both gradients."""

    target: Cell
    """θˡ[row, col] or bˡ[row]."""
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
    positions: int = 0
    """For a convolution's filter weight or bias: the output positions per sample its terms run
    over (each compact term is one position the filter visits); 0 for a dense layer."""

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


def _unit(key: Quantity, u: int) -> Cell:
    return Cell(key, (u,))


def drilldown(scenario: Scenario, it: Iteration, layer: int, row: int, col: int,
              parameter: Parameter | str = Parameter.WEIGHTS) -> DrillDown:
    """The chain rule for θ^layer[row, col] (or b^layer[row] when parameter is BIAS); 0-based indices."""
    parameter = Parameter(parameter)
    acts = activations_of(scenario)
    last = len(acts)
    li = layer - 1
    fwd, bwd, params = it.forward, it.backward, it.before.params
    m = it.x.shape[1]
    weights = parameter is Parameter.WEIGHTS
    j = col if weights else row
    target = Cell(n.theta(layer), (row, col)) if weights else Cell(n.bias(layer), (row,))
    z_j = _unit(n.z(layer), j)

    def last_factor(s: int) -> list[Factor]:
        return [Factor(z_j, target, float(fwd.a[li][row, s]) if weights else 1.0)]

    compact = tuple(Term(s, (Factor(None, z_j, float(bwd.delta[li][j, s])), *last_factor(s))) for s in range(m))
    widths = [len(params.weights[k][0]) for k in range(li + 1, last)]
    count = int(np.prod(widths)) * m if widths else m
    terms: list[Term] = []
    if count <= MAX_TERMS:
        for s in range(m):
            for path in itertools.product(*(range(w) for w in widths)):
                units = (j, *path)
                terms.append(Term(s, tuple(_path_factors(scenario, it, layer, units, s)) + tuple(last_factor(s))))
    analytic = float(bwd.grad_w[li][row, col] if weights else bwd.grad_b[li][row])
    kinks = network.kinks_at_zero(acts, fwd, li)
    check = _check(scenario, it, li, row, col, parameter, analytic, kinks)
    return DrillDown(target, tuple(terms), compact, analytic, check.numeric, check, kinks)


def _path_factors(scenario: Scenario, it: Iteration, layer: int, units: tuple[int, ...], s: int) -> list[Factor]:
    """Factors from E back to z^layer along units (u_layer, u_layer+1, …, u_L), outermost first."""
    acts = activations_of(scenario)
    last = len(acts)
    fwd, bwd, params = it.forward, it.backward, it.before.params
    factors: list[Factor] = []
    out_unit = units[-1]
    out_act = acts[-1]
    yhat, z_last = _unit(n.activation(last, last), out_unit), _unit(n.z(last), out_unit)
    derivative = ACTIVATIONS[out_act].derivative
    fprime_out = None if derivative is None else float(derivative(fwd.z[-1], fwd.a[-1])[out_unit, s])
    grad_out, delta_out = float(bwd.grad_a[-1][out_unit, s]), float(bwd.delta[-1][out_unit, s])
    if fprime_out is None or not _shows_as_product(grad_out, fprime_out, delta_out):
        # softmax's Jacobian is not diagonal; and where ŷ rounds to 0 or 1 the factors are out of range
        factors.append(Factor(None, z_last, delta_out))
    else:
        factors.append(Factor(None, yhat, grad_out))
        factors.append(Factor(yhat, z_last, fprime_out))
    for k in range(last, layer, -1):
        ki = k - 1
        upper, lower = units[k - layer], units[k - 1 - layer]
        a_lower, z_upper, z_lower = (_unit(n.activation(k - 1, last), lower), _unit(n.z(k), upper),
                                     _unit(n.z(k - 1), lower))
        factors.append(Factor(z_upper, a_lower, float(params.weights[ki][lower, upper])))
        fprime = ACTIVATIONS[acts[ki - 1]].derivative(fwd.z[ki - 1], fwd.a[ki])
        factors.append(Factor(a_lower, z_lower, float(fprime[lower, s])))
    return factors


def _shows_as_product(grad: float, fprime: float, delta: float) -> bool:
    """∂E/∂ŷ · f′(z) reproduces δ (false where one factor overflowed or underflowed)."""
    with np.errstate(all="ignore"):
        product = np.float64(grad) * np.float64(fprime)
    return bool(np.isfinite(product) and abs(product - delta) <= 1e-9 * abs(delta))


def _check(scenario: Scenario, it: Iteration, li: int, row: int, col: int, parameter: Parameter,
           analytic: float, kinks: tuple[str, ...]) -> CheckEntry:
    acts = activations_of(scenario)
    params = it.before.params

    def loss_with(value: np.ndarray) -> float:
        if parameter is Parameter.WEIGHTS:
            weights = (*params.weights[:li], value, *params.weights[li + 1:])
            p = Params(weights, params.biases)
        else:
            biases = (*params.biases[:li], value, *params.biases[li + 1:])
            p = Params(params.weights, biases)
        return network.loss_of(scenario.loss, acts, p, it.x, it.y)

    start = params.weights[li] if parameter is Parameter.WEIGHTS else params.biases[li]
    index = (row, col) if parameter is Parameter.WEIGHTS else (row,)
    with np.errstate(all="ignore"):
        return check_entry(loss_with, start, index, analytic, kinked=bool(kinks))
