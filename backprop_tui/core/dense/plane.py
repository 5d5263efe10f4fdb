"""What every unit computes over the input plane: the forward pass of the whole network on a grid.

Numbers only (no drawing). The plane is spanned by two of the network's inputs, x_I (across) and
x_J (up); any other input is held at its mean over the data, as is usual for partial-dependence
pictures (Friedman, "Greedy function approximation", Ann. Statist. 2001, §8.2 fixes the other
inputs; holding them at the mean is the simplest such choice, and the axes say so).

Each grid point is one call of `network.forward`, the engine's own forward pass, on a batch of
one sample: the grid's value there is, bit for bit, what the engine computes for a sample at that
point (float64 throughout). One pass over the whole grid at once would be ~100 times faster but
is not the same number: BLAS picks its kernel (and so its rounding) by the batch's shape, and
measured on xor 29 of 1,681 cells then differ from the one-sample pass in the last bit. A 41 × 41
grid takes about 20 ms this way, well within a key press.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop_tui.core.dense import network, run
from backprop_tui.core.dense.network import Params
from backprop_tui.core.errors import UserError
from backprop_tui.core.scenario.model import Scenario
from backprop_tui.i18n import _

RESOLUTION = 41
"""Grid points per axis by default: odd, so the middle of the data's range is a grid point."""
MARGIN = 0.25
"""The plotted area extends this fraction of the data's span beyond the data on each side."""
MIN_HALF_WIDTH = 0.5
"""Half the width of an axis along which every sample has the same value (the lecture's one sample)."""


class PlaneError(UserError):
    """A plane that cannot be drawn: a network with one input, an input index out of range."""


@dataclass(frozen=True)
class UnitPlane:
    """One unit's value over the grid: `values[j, i]` at (x[i], y[j]) (rows follow y, upwards)."""

    layer: int
    """1-based layer (the output layer is L)."""
    index: int
    """0-based unit of its layer."""
    activation: str
    values: np.ndarray


@dataclass(frozen=True)
class InputPlane:
    """Every unit's picture over the plane of two inputs, and the data drawn on it."""

    inputs: tuple[int, int]
    """0-based indices of the inputs along x (across) and y (up)."""
    held: np.ndarray
    """The value of every input where the others are held (their mean over the data); (inputs,)."""
    x: np.ndarray
    """The grid's values of input `inputs[0]`, increasing; (nx,)."""
    y: np.ndarray
    """The grid's values of input `inputs[1]`, increasing; (ny,)."""
    units: tuple[UnitPlane, ...]
    """Every unit of layers 1 … L, in the diagram's order (layer by layer, unit by unit)."""
    points: np.ndarray
    """The data's two chosen inputs, one row per sample; (m, 2)."""
    targets: np.ndarray
    """The data's targets, one row per sample; (m, outputs)."""
    updates: int
    """How many updates the weights drawn have had (0: the scenario's start)."""

    def unit(self, layer: int, index: int) -> UnitPlane:
        """The picture of unit `index` (0-based) of layer `layer` (1-based); KeyError if none."""
        for unit in self.units:
            if (unit.layer, unit.index) == (layer, index):
                return unit
        raise KeyError((layer, index))

    def layer_values(self, layer: int) -> np.ndarray:
        """All of a layer's pictures stacked: (units, ny, nx)."""
        return np.stack([u.values for u in self.units if u.layer == layer])

    def nearest(self, point: tuple[float, float]) -> tuple[int, int]:
        """(j, i): the grid cell nearest to a point (x, y) of the plane."""
        return int(np.argmin(np.abs(self.y - point[1]))), int(np.argmin(np.abs(self.x - point[0])))


def check_inputs(scenario: Scenario, inputs: tuple[int, int] | None) -> tuple[int, int]:
    """The two (0-based) inputs to draw: `inputs`, or the first two by default.

    Raises PlaneError when the network has fewer than two inputs, an index is out of range,
    or the two are the same input.
    """
    if scenario.inputs < 2:
        raise PlaneError(_("the input plane needs a network with at least two inputs; this one has {count}").format(
            count=scenario.inputs))
    chosen = (0, 1) if inputs is None else inputs
    for index in chosen:
        if not 0 <= index < scenario.inputs:
            raise PlaneError(_("input {number} does not exist: the network has inputs 1 to {count}").format(
                number=index + 1, count=scenario.inputs))
    if chosen[0] == chosen[1]:
        raise PlaneError(_("the plane needs two different inputs, got input {number} twice").format(number=chosen[0] + 1))
    return chosen


def axis_values(column: np.ndarray, resolution: int) -> np.ndarray:
    """`resolution` evenly spaced values over the data's range of one input, widened by MARGIN."""
    low, high = float(column.min()), float(column.max())
    half = max((high - low) / 2 * (1 + 2 * MARGIN), MIN_HALF_WIDTH)
    middle = (low + high) / 2
    return np.linspace(middle - half, middle + half, resolution)


def grid_inputs(scenario: Scenario, inputs: tuple[int, int], x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The grid as the network's input matrix (inputs × nx·ny), point k = (x[k % nx], y[k // nx]);
    inputs not drawn are held at their mean over the data."""
    held = scenario.x.mean(axis=0)
    xx, yy = np.meshgrid(x, y)
    columns = np.repeat(held[:, None], xx.size, axis=1)
    columns[inputs[0]] = xx.ravel()
    columns[inputs[1]] = yy.ravel()
    return columns


def forward_each(activations: tuple[str, ...], params: Params, columns: np.ndarray) -> list[np.ndarray]:
    """Per layer 1 … L, its activations (units × points) for the points `columns` (inputs × points),
    each point run alone through `network.forward` (see the module docstring for why)."""
    out = [np.empty((w.shape[1], columns.shape[1])) for w in params.weights]
    with np.errstate(all="ignore"):
        for point in range(columns.shape[1]):
            # a contiguous column, as a sample of the data reaches the engine (BLAS rounds a strided one differently)
            fwd = network.forward(activations, params, np.ascontiguousarray(columns[:, point:point + 1]))
            for layer, a in enumerate(fwd.a[1:]):
                out[layer][:, point] = a[:, 0]
    return out


def input_plane(scenario: Scenario, params: Params, updates: int = 0, inputs: tuple[int, int] | None = None,
                resolution: int = RESOLUTION) -> InputPlane:
    """Every unit's activation over the plane of two inputs for the weights `params`.

    `updates` only labels the result. Overflow gives inf or NaN in the grid, never an exception.
    Raises PlaneError for a network with fewer than two inputs or a bad choice of `inputs`.
    """
    chosen = check_inputs(scenario, inputs)
    x = axis_values(scenario.x[:, chosen[0]], resolution)
    y = axis_values(scenario.x[:, chosen[1]], resolution)
    activations = run.activations_of(scenario)
    layers = forward_each(activations, params, grid_inputs(scenario, chosen, x, y))
    units = tuple(UnitPlane(layer, index, activations[layer - 1], a[index].reshape(y.size, x.size))
                  for layer, a in enumerate(layers, start=1) for index in range(a.shape[0]))
    return InputPlane(chosen, scenario.x.mean(axis=0), x, y, units, scenario.x[:, list(chosen)],
                      scenario.y, updates)


def params_after(scenario: Scenario, updates: int) -> Params:
    """The weights after `updates` updates of the scenario's own training (0: its start)."""
    state = run.initial_state(scenario)
    for _ in range(updates):
        state = run.step(scenario, state).after
    return state.params


def plane_after(scenario: Scenario, updates: int | None = None, inputs: tuple[int, int] | None = None,
                resolution: int = RESOLUTION) -> InputPlane:
    """The input plane after `updates` updates (default: the scenario's planned count)."""
    count = scenario.training.iterations if updates is None else updates
    check_inputs(scenario, inputs)  # before the run: a bad choice is reported at once
    return input_plane(scenario, params_after(scenario, count), count, inputs, resolution)
