"""The chain rule for one weight of a convolutional scenario: a filter weight's gradient summed over
every position the filter visits, ∂E/∂θˡ[r, f] = Σₚ ∂E/∂zˡ[f, p] · ∂zˡ[f, p]/∂θˡ[r, f] with
∂zˡ[f, p]/∂θˡ[r, f] = Pˡ[r, p], the patch value under tap r at position p (1 for the bias). A
dense layer of the same network gets the compact form per sample, a · δ. The paths through the
pooling and dense layers above are folded into δ = ∂E/∂z (their count grows with every pixel).
"""

from __future__ import annotations

from backprop_tui.core.dense import conv_run as cr, notation as n
from backprop_tui.core.dense.chain import DrillDown, Factor, Term
from backprop_tui.core.dense.gradcheck import check_entry
from backprop_tui.core.scenario.conv_model import ConvLayer, ConvScenario
from backprop_tui.core.vocab import Cell, Parameter


def conv_drilldown(scenario: ConvScenario, it: cr.ConvIteration, layer: int, row: int, col: int,
                   parameter: Parameter | str = Parameter.WEIGHTS) -> DrillDown:
    """The chain rule for θ^layer[row, col] (tap `row` of filter `col` in a conv2d layer) or
    b^layer[row], 0-based.

    Raises ValueError for a layer without weights (maxpool, flatten).
    """
    parameter = Parameter(parameter)
    i = layer - 1
    spec = scenario.layers[i]
    fwd, bwd, params = it.forward, it.backward, it.before.params
    if params.weights[i] is None:
        raise ValueError(f"layer {layer} has no weights")
    weights = parameter is Parameter.WEIGHTS
    j = col if weights else row
    inputs = fwd.patches[i] if isinstance(spec, ConvLayer) else fwd.a[i]
    target = Cell(n.theta(layer), (row, col)) if weights else Cell(n.bias(layer), (row,))
    columns = bwd.delta[i].shape[1]
    per_sample = columns // it.samples
    compact = tuple(
        Term(c // per_sample, (Factor(None, Cell(n.z(layer), (j, c)), float(bwd.delta[i][j, c])),
                               Factor(Cell(n.z(layer), (j, c)), target, float(inputs[row, c]) if weights else 1.0)))
        for c in range(columns))
    analytic = float(bwd.grad_w[i][row, col] if weights else bwd.grad_b[i][row])
    kinks = cr.kinks_at_zero(scenario, fwd, i)
    if weights:
        f = lambda w: cr.loss_of_forward(scenario, cr.forward(scenario, cr.with_parameter(params, i, weights=w),  # noqa: E731
                                                              it.x, it.samples), it.y)
        check = check_entry(f, params.weights[i], (row, col), analytic, kinked=bool(kinks))
    else:
        f = lambda b: cr.loss_of_forward(scenario, cr.forward(scenario, cr.with_parameter(params, i, bias=b),  # noqa: E731
                                                              it.x, it.samples), it.y)
        check = check_entry(f, params.biases[i], (row,), analytic, kinked=bool(kinks))
    positions = per_sample if isinstance(spec, ConvLayer) else 0
    return DrillDown(target, (), compact, analytic, check.numeric, check, kinks, positions)
