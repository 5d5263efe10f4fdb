"""The loss landscape: E over a plane through parameter space, and each variant's path on it.

Numbers only (no drawing). Parameters are handled as one flat vector per point, in the order
θ¹ (row-major), b¹, θ², b², … (a layer without bias adds nothing). A plane is
    p(u, v) = origin + u·d₁ + v·d₂
with orthonormal d₁, d₂, so a point's coordinates are ((p − origin)·d₁, (p − origin)·d₂).

- A two-weight plane: d₁, d₂ are the unit vectors of the two weights and the origin is the start
  point with those two weights set to 0, so the coordinates are the weights' own values and
  every other parameter is held at the start point.
- The PCA plane: d₁, d₂ are the first two principal directions of the runs' displacements from
  the (shared) start point, θₜ − θ₀ over every variant's finite points, as loss-landscape studies
  do (Li et al., "Visualizing the Loss Landscape of Neural Nets", NeurIPS 2018, §7, who take them
  about the final point); the origin is the start point.

The grid evaluates E on all the data at every grid point at once (`batched_loss`): the forward
pass runs on a stack of parameter sets with the engine's own activations and the same
arithmetic as `network.loss_of`, so each value equals the engine's loss at that point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from backprop_tui.core.dense import network, run
from backprop_tui.core.dense.activations import ACTIVATIONS, log_softmax
from backprop_tui.core.dense.compare import BASE_NAME, base_of, default_iterations, variant_scenarios
from backprop_tui.core.dense.losses import from_logits
from backprop_tui.core.dense.network import Params
from backprop_tui.core.dense.trajectory import flatten, trajectory
from backprop_tui.core.scenario.model import Scenario
from backprop_tui.core.vocab import Cell, Kind, LossName, Quantity, QuantityNameError, parse_cell
from backprop_tui.i18n import N_, Message

PCA = "pca"
"""The `--plane` value that asks for the principal directions."""
WEIGHTS = "weights"
"""Plane.kind of a two-weight plane."""
MARGIN = 0.25
"""The plotted area extends this fraction of its span beyond the points it must show."""
MIN_HALF_WIDTH = 0.05
"""Half the width of an axis whose points do not move at all (so the grid is not a line)."""
CUT_RANGE = (-0.5, 2.5)
"""The cut runs from −0.5 to 2.5 gradient steps of γ through the current point."""


AS_STEPPED = N_("the scenario as it is stepped")
"""The description of the app's own run among the variants' (a message: translate it where drawn)."""


class LandscapeError(QuantityNameError):
    """A plane that cannot be made (an unknown or repeated weight, a run that does not move)."""


# -- parameters as flat vectors ------------------------------------------------------------------


def parameter_cells(scenario: Scenario) -> list[Cell]:
    """The name of every entry of the flat vector, in its order (θ¹[1,1], …, b¹[1], …)."""
    cells = []
    for number, layer in enumerate(scenario.layers, start=1):
        rows, cols = layer.weights.shape
        cells += [Cell(Quantity(Kind.THETA, number), (r, c)) for r in range(rows) for c in range(cols)]
        if layer.bias is not None:
            cells += [Cell(Quantity(Kind.BIAS, number), (u,)) for u in range(layer.units)]
    return cells


def unflatten_stack(scenario: Scenario, points: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray | None]]:
    """Per layer, the weights (G × inputs × units) and biases (G × units, or None) of G flat points (G × P)."""
    weights, biases, at = [], [], 0
    for layer in scenario.layers:
        rows, cols = layer.weights.shape
        weights.append(points[:, at:at + rows * cols].reshape(-1, rows, cols))
        at += rows * cols
        if layer.bias is None:
            biases.append(None)
        else:
            biases.append(points[:, at:at + layer.units])
            at += layer.units
    return weights, biases


def parameter_index(scenario: Scenario, text: str) -> int:
    """The flat index of the weight or bias an ASCII name such as `theta1[1,2]` or `b2[1]` names.

    Raises LandscapeError naming the text when it is not a single weight or bias of this network.
    """
    cell = parse_cell(text)
    kind, layer = cell.key.kind, cell.key.layer
    if kind not in (Kind.THETA, Kind.BIAS) or cell.key.transposed:
        raise LandscapeError(Message("{text}: a plane axis is one weight or bias, such as theta1[1,1] or b1[1]",
                                     text=repr(text)))
    if layer is None or layer > len(scenario.layers):
        raise LandscapeError(Message("{text}: the network has layers 1 to {count}", text=repr(text),
                                     count=len(scenario.layers)))
    spec = scenario.layers[layer - 1]
    if kind is Kind.BIAS and spec.bias is None:
        raise LandscapeError(Message("{text}: layer {layer} has no bias", text=repr(text), layer=layer))
    if not cell.index:
        example = f"{cell.key.ascii}[1{',1' if kind is Kind.THETA else ''}]"
        raise LandscapeError(Message("{text}: name one cell, such as {example}", text=repr(text), example=example))
    shape = spec.weights.shape if kind is Kind.THETA else (spec.units, 1)
    row, col = cell.at(shape)
    wanted = Cell(cell.key, (row, col) if kind is Kind.THETA else (row,))
    return parameter_cells(scenario).index(wanted)


# -- E at many points at once --------------------------------------------------------------------


def batched_loss(scenario: Scenario, points: np.ndarray) -> np.ndarray:
    """E on all the data at each of G flat parameter points (G × P) → G values.

    The same arithmetic as `network.loss_of` per point (z = θᵀ·a + b through the engine's
    activations, the loss from z where it has a z-form), on stacked arrays; overflow gives inf
    or NaN, never an exception.
    """
    activations = run.activations_of(scenario)
    weights, biases = unflatten_stack(scenario, np.atleast_2d(points))
    a: np.ndarray = scenario.x.T
    y = scenario.y.T
    with np.errstate(all="ignore"):
        for index, name in enumerate(activations):
            z = np.matmul(np.swapaxes(weights[index], 1, 2), a)
            if biases[index] is not None:
                z = z + biases[index][:, :, None]
            a = _activate(name, z)
        return _batched_loss_value(scenario.loss, activations[-1], z, a, y)


def _columns(function, z: np.ndarray) -> np.ndarray:
    """Apply a per-column function of (units × samples) to every point of a G × units × m stack."""
    g, units, m = z.shape
    flat = np.transpose(z, (1, 0, 2)).reshape(units, g * m)
    return np.transpose(function(flat).reshape(units, g, m), (1, 0, 2))


def _activate(name: str, z: np.ndarray) -> np.ndarray:
    function = ACTIVATIONS[name].f
    return _columns(function, z) if name == "softmax" else function(z)


def _batched_loss_value(loss: str, activation: str, z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
    """`losses.loss_value` per point of a stack; reductions sum each point's terms in the same order."""
    g, m = z.shape[0], y.shape[1]
    logits = from_logits(loss, activation)
    if loss == LossName.SQUARED_ERROR:
        return _sums(0.5 * (y - a) ** 2, g) / m
    if loss == LossName.MSE:
        return _sums((y - a) ** 2, g) / y.size
    if logits is not None and loss == LossName.CROSS_ENTROPY:
        return -_sums(np.where(y == 0, 0.0, y * _columns(log_softmax, z)), g) / m
    if logits is not None:  # binary cross-entropy from z
        linear = np.where(z > 0, z * (1.0 - y), -z * y)
        return _sums(linear + np.log1p(np.exp(-np.abs(z))), g) / y.size
    if loss == LossName.CROSS_ENTROPY:
        return -_sums(np.where(y == 0, 0.0, y * np.log(a)), g) / m
    terms = np.where(y == 0, 0.0, y * np.log(a)) + np.where(1.0 - y == 0, 0.0, (1.0 - y) * np.log1p(-a))
    return _sums(-terms, g) / y.size


def _sums(terms: np.ndarray, g: int) -> np.ndarray:
    return np.ascontiguousarray(terms).reshape(g, -1).sum(axis=1)


# -- paths ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Path:
    """One variant's run: its flat parameters after k = 0..len−1 updates and E on all the data there.

    A run that diverges stops at its last finite point; `diverged_at` is the first k whose
    parameters or E are not finite.
    """

    name: str
    description: str
    params: np.ndarray
    """(points × P): row k holds the parameters after k updates."""
    losses: np.ndarray
    diverged_at: int | None
    learning_rate: float
    optimizer: str


def trace_path(name: str, description: str, scenario: Scenario, iterations: int) -> Path:
    """Run `scenario` for `iterations` updates from its start and record each point (see Path).

    The updates are made by `trajectory`, the engine's updates without the stepper's records
    (tests hold it equal to `run.step` at every iteration).
    """
    params = trajectory(scenario, iterations)
    diverged = None
    if not np.all(np.isfinite(params[-1])):
        diverged = len(params) - 1
        params = params[:-1]
    losses = batched_loss(scenario, params)
    bad = np.flatnonzero(~np.isfinite(losses))
    if bad.size:
        diverged = int(bad[0])
        params, losses = params[:diverged], losses[:diverged]
    training = scenario.training
    return Path(name, description, params, losses, diverged, training.learning_rate, training.optimizer)


def trace_paths(scenario: Scenario, iterations: int | None = None, variants: Sequence[str] | None = None,
                include_current: bool = False) -> list[Path]:
    """The paths of the named `variants` (default: every variant, or the base alone when there
    are none), all from the same start, each run for `iterations` updates (default: the longest
    run any variant asks for).

    `include_current` adds `scenario`'s own run (as BASE_NAME) when it is the base of a scenario
    with variants, so the app always has the path the learner is stepping through.
    Raises LandscapeError for a variant name the scenario does not have.
    """
    count = default_iterations(scenario) if iterations is None else iterations
    runs = variant_scenarios(scenario)
    if variants:
        known = {name for name, _, _ in runs}
        for name in variants:
            if name not in known:
                raise LandscapeError(Message("--variant {name}: the scenario's variants are {names}", name=repr(name),
                                             names=", ".join(sorted(known))))
        runs = [r for r in runs if r[0] in variants]
    paths = [trace_path(name, description, s, count) for name, description, s in runs]
    if include_current and path_name(scenario) not in {p.name for p in paths}:
        paths.append(trace_path(path_name(scenario), AS_STEPPED, scenario, count))
    return paths


def path_name(scenario: Scenario) -> str:
    """The name of the path the stepper's `scenario` walks."""
    return scenario.variant if scenario.variant is not None else BASE_NAME


# -- planes ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plane:
    """p(u, v) = origin + u·d₁ + v·d₂ (flat vectors, d₁ ⟂ d₂, unit length)."""

    kind: str
    """WEIGHTS or PCA."""
    axes: tuple[str, str]
    """What each axis is: an ASCII weight name, or PC1 / PC2."""
    origin: np.ndarray
    directions: np.ndarray
    """(2 × P)."""
    explained: tuple[float, float] | None = None
    """For the PCA plane: the fraction of the runs' squared displacement along each direction."""

    def project(self, points: np.ndarray) -> np.ndarray:
        """(N × P) flat points → (N × 2) coordinates in the plane."""
        return (np.atleast_2d(points) - self.origin) @ self.directions.T

    def lift(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Coordinates (N each) → flat points (N × P) on the plane."""
        return self.origin + np.outer(u, self.directions[0]) + np.outer(v, self.directions[1])


def _kept(paths: Sequence[Path]) -> list[np.ndarray]:
    """The points that choose the plane and the plotted area: every point of the runs that stay
    finite (or of all runs, if every one diverges). A run that flies off must not shrink the
    others to a dot; it is drawn to the edge instead."""
    calm = [p.params for p in paths if p.diverged_at is None]
    return calm or [p.params for p in paths]


def weight_plane(scenario: Scenario, first: int, second: int) -> Plane:
    """The plane of two weights (flat indices), every other parameter at the start point."""
    if first == second:
        names = parameter_cells(scenario)
        raise LandscapeError(Message("the plane needs two different weights, got {name} twice",
                                     name=names[first].ascii))
    start = flatten(run.initial_state(scenario).params)
    directions = np.zeros((2, start.size))
    directions[0, first] = directions[1, second] = 1.0
    origin = start.copy()
    origin[[first, second]] = 0.0
    names = parameter_cells(scenario)
    return Plane(WEIGHTS, (names[first].ascii, names[second].ascii), origin, directions)


def most_moving(paths: Sequence[Path]) -> tuple[int, int]:
    """The flat indices of the two parameters whose values span the widest range over the runs."""
    points = np.vstack(_kept(paths))
    spans = points.max(axis=0) - points.min(axis=0)
    order = np.argsort(-spans, kind="stable")
    return int(order[0]), int(order[1])


def pca_plane(scenario: Scenario, paths: Sequence[Path]) -> Plane:
    """The plane of the runs' first two principal directions about the start point."""
    start = flatten(run.initial_state(scenario).params)
    moves = np.vstack(_kept(paths)) - start
    _, singular, vt = np.linalg.svd(moves, full_matrices=False)
    if singular.size < 2 or singular[1] <= 1e-12 * max(singular[0], 1e-300):
        raise LandscapeError(Message("the runs move along a single direction (or not at all), so they span no plane; "
                                     "choose two weights with --plane W1,W2"))
    directions = vt[:2].copy()
    for row in directions:  # a sign convention, so the picture does not flip between machines
        if row[np.argmax(np.abs(row))] < 0:
            row *= -1
    total = float(np.sum(singular ** 2))
    explained = (float(singular[0] ** 2 / total), float(singular[1] ** 2 / total))
    return Plane(PCA, ("PC1", "PC2"), start, directions, explained)


def make_plane(scenario: Scenario, paths: Sequence[Path], spec: str | None) -> Plane:
    """The plane `spec` asks for: None (the two weights that move most), "pca", or "W1,W2".

    Raises LandscapeError (a UserError) naming what is wrong with `spec`.
    """
    if spec is None:
        return weight_plane(scenario, *most_moving(paths))
    if spec.strip().lower() == PCA:
        return pca_plane(scenario, paths)
    names = [part for part in _split_names(spec)]
    if len(names) != 2:
        raise LandscapeError(Message("--plane {spec}: give two weights separated by a comma, such as "
                                     "theta1[1,1],theta2[2,1], or 'pca'", spec=repr(spec)))
    return weight_plane(scenario, parameter_index(scenario, names[0]), parameter_index(scenario, names[1]))


def _split_names(spec: str) -> list[str]:
    """Split at commas outside brackets: "theta1[1,2],b1[1]" → ["theta1[1,2]", "b1[1]"]."""
    parts, depth, current = [], 0, ""
    for char in spec:
        depth += (char == "[") - (char == "]")
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return [part for part in parts if part]


# -- the whole picture ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Grid:
    """E at every (u[i], v[j]): `values[j, i]` (rows follow v, columns u)."""

    u: np.ndarray
    v: np.ndarray
    values: np.ndarray


@dataclass(frozen=True)
class Landscape:
    """The plane, E on its grid and the paths with their coordinates in it."""

    title: str
    plane: Plane
    grid: Grid
    paths: tuple[Path, ...]
    coords: tuple[np.ndarray, ...]
    """Per path, its points' (u, v) coordinates (points × 2)."""
    iterations: int
    parameters: tuple[str, ...]
    """The ASCII name of each entry of the flat parameter vectors (see `parameter_cells`)."""
    titles: dict[str, str] = field(default_factory=dict, compare=False)
    """The scenario's title in other interface languages (its title_ko), by language."""

    def leaves_at(self, index: int) -> int | None:
        """The first k at which path `index` is outside the plotted area, or None."""
        uv = self.coords[index]
        outside = ((uv[:, 0] < self.grid.u[0]) | (uv[:, 0] > self.grid.u[-1])
                   | (uv[:, 1] < self.grid.v[0]) | (uv[:, 1] > self.grid.v[-1]))
        hits = np.flatnonzero(outside)
        return int(hits[0]) if hits.size else None


def extent(plane: Plane, paths: Sequence[Path]) -> tuple[tuple[float, float], tuple[float, float]]:
    """((u_min, u_max), (v_min, v_max)): the kept points (see `_kept`) and the start, plus MARGIN."""
    uv = plane.project(np.vstack(_kept(paths)))
    bounds = []
    for axis in range(2):
        low, high = float(uv[:, axis].min()), float(uv[:, axis].max())
        half = max((high - low) / 2 * (1 + 2 * MARGIN), MIN_HALF_WIDTH)
        middle = (low + high) / 2
        bounds.append((middle - half, middle + half))
    return bounds[0], bounds[1]


def evaluate_grid(scenario: Scenario, plane: Plane, u_range: tuple[float, float], v_range: tuple[float, float],
                  resolution: int = 60) -> Grid:
    """E on all the data at resolution × resolution points of the plane, in one batched pass."""
    u = np.linspace(*u_range, resolution)
    v = np.linspace(*v_range, resolution)
    uu, vv = np.meshgrid(u, v)
    values = batched_loss(scenario, plane.lift(uu.ravel(), vv.ravel())).reshape(resolution, resolution)
    return Grid(u, v, values)


def landscape(scenario: Scenario, plane_spec: str | None = None, iterations: int | None = None,
              resolution: int = 60, variants: Sequence[str] | None = None,
              include_current: bool = False) -> Landscape:
    """The whole picture of `scenario`'s variants: paths (see `trace_paths`), plane, grid.

    Raises LandscapeError for a `plane_spec` that names no weight of this network, or an
    unknown variant.
    """
    paths = trace_paths(scenario, iterations, variants, include_current)
    count = default_iterations(scenario) if iterations is None else iterations
    plane = make_plane(scenario, paths, plane_spec)
    u_range, v_range = extent(plane, paths)
    grid = evaluate_grid(scenario, plane, u_range, v_range, resolution)
    coords = tuple(plane.project(path.params) for path in paths)
    names = tuple(cell.ascii for cell in parameter_cells(scenario))
    base = base_of(scenario)
    return Landscape(base.title, plane, grid, tuple(paths), coords, count, names, dict(base.titles))


def on_plane(scenario: Scenario, scape: Landscape, plane_spec: str | None, resolution: int = 60) -> Landscape:
    """The same paths over another plane (`make_plane`'s `spec`): a new plane, grid and
    coordinates; no run is made again. Raises LandscapeError as `make_plane` does."""
    plane = make_plane(scenario, scape.paths, plane_spec)
    u_range, v_range = extent(plane, scape.paths)
    grid = evaluate_grid(scenario, plane, u_range, v_range, resolution)
    return replace(scape, plane=plane, grid=grid, coords=tuple(plane.project(path.params) for path in scape.paths))


# -- the cut along the gradient -------------------------------------------------------------------


@dataclass(frozen=True)
class Cut:
    """E along θ(s) = θ − s·γ·∇E(θ) through a point θ: s = 0 is the point, s = 1 one gradient step."""

    s: np.ndarray
    values: np.ndarray
    before: float
    """E at s = 0."""
    after: float
    """E at s = 1: after a plain gradient step of γ."""
    learning_rate: float
    lowest_s: float
    """Where along the cut E is lowest (of the sampled s)."""


def gradient_cut(scenario: Scenario, params: Params, samples: int = 61) -> Cut | None:
    """The cut through `params` along the full-data gradient (None where it is not finite)."""
    activations = run.activations_of(scenario)
    x, y = scenario.x.T, scenario.y.T
    with np.errstate(all="ignore"):
        fwd = network.forward(activations, params, x)
        bwd = network.backward(activations, scenario.loss, params, fwd, y)
    trained = [layer.train_bias for layer in scenario.layers]
    gradient = flatten(Params(bwd.grad_w, tuple(
        None if b is None else (g if train else np.zeros_like(b))  # a frozen bias does not move
        for g, b, train in zip(bwd.grad_b, params.biases, trained))))
    rate = scenario.training.learning_rate
    point = flatten(params)
    if not (np.all(np.isfinite(gradient)) and np.all(np.isfinite(point))):
        return None
    s = np.linspace(*CUT_RANGE, samples)
    s = np.union1d(s, [0.0, 1.0])
    values = batched_loss(scenario, point - np.outer(s, rate * gradient))
    before, after = values[np.searchsorted(s, 0.0)], values[np.searchsorted(s, 1.0)]
    finite = np.where(np.isfinite(values), values, np.inf)
    return Cut(s, values, float(before), float(after), rate, float(s[int(np.argmin(finite))]))
