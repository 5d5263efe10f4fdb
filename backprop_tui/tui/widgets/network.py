"""The network as columns of nodes: activations in the forward phase, δ in the backward phase.

The active layer's column and the weights in play between two columns are highlighted (reverse
and bold, so it reads without colour too); values not computed yet at this step show as a dot.
"""

from __future__ import annotations

import numpy as np
from rich.table import Table
from rich.text import Text

from backprop_tui.core.dense import notation as n
from backprop_tui.core.dense.operation import OpKind
from backprop_tui.core.dense.steps import Step
from backprop_tui.core.vocab import Kind, Phase
from backprop_tui.render.notation import symbol
from backprop_tui.render.numbers import cell
from backprop_tui.walk.stepper import Stepper
from backprop_tui.tui.widgets.prerendered import Prerendered, render_side_by_side

MAX_NODES = 7
"""Larger layers show their first and last units around an ellipsis."""


def node_indices(units: int, limit: int = MAX_NODES) -> list[int | None]:
    if units <= limit:
        return list(range(units))
    head = limit // 2
    return [*range(head), None, *range(units - (limit - head - 1), units)]


def _column(label: str, values: np.ndarray | None, active: bool, units: int) -> Text:
    """One layer: its label, then one line per (shown) unit with its value for sample 1 (bold if active)."""
    text = Text(label, style="bold reverse" if active else "bold")
    for u in node_indices(units):
        text.append("\n")
        if u is None:
            text.append("  ⋮", "dim")
        elif values is None:
            text.append("·", "dim")
        else:
            text.append(cell(float(values[u, 0]), 3), "bold" if active else "")
    return text


_WEIGHT_KINDS = frozenset({Kind.THETA, Kind.DE_DTHETA, Kind.THETA_NEW})


def computes_weighted_sums(step: Step, layer: int) -> bool:
    """Whether `step` computes layer `layer`'s weighted sums z = θᵀ·a + b."""
    return step.layer == layer and step.operation.kind is OpKind.MATMUL and step.operation.result == n.z(layer)


def uses_weights(step: Step, layer: int) -> bool:
    """Whether `step` reads or writes layer `layer`'s θ (or its gradient or update), or updates its b."""
    return step.layer == layer and (step.parameter is not None or any(
        m.key.kind in _WEIGHT_KINDS and m.key.layer == layer for m in step.matrices))


def diagram(stepper: Stepper) -> Table:
    """The whole network for the current step, as a grid of layer columns and edge columns."""
    step, it = stepper.step, stepper.iteration
    layers = len(stepper.scenario.layers)
    sizes = stepper.scenario.sizes
    backward = step.phase in (Phase.BACKWARD, Phase.UPDATE)
    grid = Table.grid(padding=(0, 1))
    cells: list[Text] = []
    for l in range(layers + 1):
        name = symbol(n.activation(l, layers))
        if l == 0:
            cells.append(_column(name, it.forward.a[0], False, sizes[0]))
            continue
        if backward:
            label = symbol(n.delta(l))
            done = step.phase is Phase.UPDATE or (step.layer is not None and l >= step.layer)
            values = it.backward.delta[l - 1] if done else None
        elif computes_weighted_sums(step, l):
            label, values = symbol(n.z(l)), it.forward.z[l - 1]  # the weighted sums, before f is applied
        else:
            label = name
            done = step.phase is Phase.LOSS or (step.layer is not None and l <= step.layer)
            values = it.forward.a[l] if done else None
        active = step.layer == l or (step.phase is Phase.LOSS and l == layers)
        uses_theta = uses_weights(step, l)
        arrow = ("◀─" if backward else "─▶") if uses_theta else "  "
        cells.append(Text(f"\n{symbol(n.theta(l))}\n{arrow}", style="bold reverse" if uses_theta else "dim"))
        cells.append(_column(label, values, active, sizes[l]))
    for _ in cells:
        grid.add_column(vertical="top")
    grid.add_row(*cells)
    return grid


class NetworkDiagram(Prerendered):
    """Layers as columns of nodes with their current values; the active layer highlighted."""

    def show_network(self, stepper: Stepper) -> None:
        table = diagram(stepper)
        m = stepper.iteration.x.shape[1]
        table.caption = Text(f"sample 1 of {m}", style="dim") if m > 1 else None
        self.show(render_side_by_side([table]))
