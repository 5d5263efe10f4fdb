"""A convolutional step as the board writes it, in the same `Line`s as a dense step (board.py).

The engine keeps an image batch as the matrix C × (m·H·W) (core/dense/conv.py): one row per
channel, one column per pixel, sample-major. The board draws what that matrix means instead:

    P¹ = im2col(x)                        the input's maps, then the patch matrix (9×16)
    z¹ = θ¹ᵀ·P¹ + b¹                      the product, as a dense layer's (board.py)
    z¹ (map 1) = fold(z¹[1, :])           each row of z, folded into its Ho×Wo feature map
    a² (map 1) = maxpool(a¹[1, :])        each map before and after pooling (and the winners,
                                          as the worked lines say them: `worked_notes`)
    a³ = flatten(a², …)                   the maps, then the one column per sample
    ∂E/∂a² (map 1) = fold(∂E/∂a³[1…4, 1]) the column back into maps
    ∂E/∂a¹ (map 1) = route(∂E/∂a²[1, :], argmax(a¹[1, :]))   δ of each window to its winner
                                          (the winners drawn as a map of 0 and 1)
    ∂E/∂b¹ = Σ_positions δ¹               the bias's gradient over every position
    ∂E/∂x (map 1) = col2im(∂E/∂P¹)        the patches' gradients added back into the image

A map is drawn as a matrix with its shape under it, elided with dots past six rows or columns
as every matrix is (a 28×28 image shows its first two rows and columns and its last). A line
per map carries the map's label after its left side ("z¹ (map 2)"); the symbolic row names the
rows and columns of the stored matrix the map is, so the reader can find it in the trace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from backprop_tui.core.dense.conv import maxpool
from backprop_tui.core.dense.operation import OpKind, Operation
from backprop_tui.core.dense.steps import Step
from backprop_tui.core.scenario.conv_model import ConvLayer, ConvScenario
from backprop_tui.core.scenario.model import Scenario
from backprop_tui.core.vocab import Kind, Quantity
from backprop_tui.i18n import _
from backprop_tui.render.board import CLOSE, Factor, Line, Sym, Token, factor, operation_lines, step_lines
from backprop_tui.render.latex_text import latex_text
from backprop_tui.render.notation import latex, symbol
from backprop_tui.render.worked import operand_symbol, worked

Shape3 = tuple[int, int, int]
FactorOf = Callable[[Quantity], Factor]
"""The step's matrix of a key as a line's factor (blank where the sheet leaves it blank)."""

WORKED_WINDOWS = 8
"""Pooling windows whose worked line (and winner) a step lists; past this, the first four and a count."""

COMMA = Sym(", ", ",\\ ")
PLAIN_CLOSE = Sym(")", "\\Bigg)")


def _open(name: str, many: bool = False) -> Sym:
    """`name(`: around several maps with a fixed-size parenthesis, so LaTeX may break the row
    between them (it cannot break inside \\left( … \\right))."""
    return Sym(f"{name}(", f"\\mathrm{{{name}}}" + ("\\Bigg(" if many else "\\left("))


def feature_maps(values: np.ndarray, image: Shape3, samples: int) -> list[tuple[int, int, np.ndarray]]:
    """The maps of a C × (m·H·W) matrix as (channel, sample, H × W values), 0-based, sample-major
    (every channel of sample 1, then of sample 2: the order of the trace's columns)."""
    c, h, w = image
    return [(ch, s, values[ch, s * h * w:(s + 1) * h * w].reshape(h, w)) for s in range(samples) for ch in range(c)]


def _span(part: range, whole: int) -> tuple[str, str]:
    """One index range, 1-based, in Unicode and LaTeX: ':' for all, '3' for one, '1…4' for several."""
    if part.start == 0 and part.stop == whole:
        return ":", ":"
    if len(part) == 1:
        return str(part.start + 1), str(part.start + 1)
    return f"{part.start + 1}…{part.stop}", f"{part.start + 1}\\ldots {part.stop}"


def cells_ref(key: Quantity, rows: range, cols: range, shape: tuple[int, int], function: str | None = None) -> Sym:
    """The symbol of a block of a stored matrix: z¹[1, :], ∂E/∂a³[1…4, 1], P¹ (all of it)."""
    name, tex = symbol(key, function), latex(key, function)
    (ru, rl), (cu, cl) = _span(rows, shape[0]), _span(cols, shape[1])
    if ru == cu == ":":
        return Sym(name, tex)
    return Sym(f"{name}[{ru}, {cu}]", f"{tex}[{rl},\\,{cl}]")


def map_label(channel: int, sample: int, samples: int) -> Sym:
    """The label of one map: "map 2", or "map 2, sample 1" when the batch has several samples."""
    if samples == 1:
        text = _("map {map}").format(map=channel + 1)
    else:
        text = _("map {map}, sample {sample}").format(map=channel + 1, sample=sample + 1)
    return Sym(text, f"\\text{{{latex_text(text)}}}")


def _samples(op: Operation) -> int:
    return op.samples or 1


def _pooled(image: Shape3, size: int) -> Shape3:
    c, h, w = image
    return (c, h // size, w // size)


def board_lines(scenario: Scenario | ConvScenario, step: Step, blanks: frozenset[Quantity] = frozenset()) -> list[Line]:
    """The board's lines of `step`: board.step_lines for a dense scenario; for a convolutional one,
    the lines of this module for its convolutional operations (and a convolution's product
    followed by its feature maps), board.py's for the rest."""
    if not isinstance(scenario, ConvScenario):
        return step_lines(step, blanks)
    lines: list[Line] = []
    for op in step.operations:
        if op.kind is OpKind.TRANSPOSE:
            continue  # drawn inside the product that reads it
        lines += _lines(scenario, step, op, blanks)
    return lines


def _lines(scenario: ConvScenario, step: Step, op: Operation, blanks: frozenset[Quantity]) -> list[Line]:
    f = lambda key: factor(step, key, blanks)  # noqa: E731
    k = op.kind
    if k is OpKind.IM2COL:
        return [_of_maps("im2col", op, f)]
    if k is OpKind.MATMUL and op.operands[1].kind is Kind.PATCHES:
        layer = scenario.layers[(step.layer or 1) - 1]
        assert isinstance(layer, ConvLayer), "a product with patches is a conv2d layer's"
        return [*operation_lines(step, op, blanks), *_fold_rows(op.result, f(op.result), layer.output_shape)]
    if k is OpKind.MAXPOOL:
        return _maxpool(op, f)
    if k is OpKind.MAXPOOL_BACKWARD:
        return _route(op, f)
    if k is OpKind.FLATTEN:
        return [_of_maps("flatten", op, f)]
    if k is OpKind.UNFLATTEN:
        return _unflatten(op, f)
    if k is OpKind.COL2IM:
        return _col2im(op, f)
    if k is OpKind.BATCH_SUM and op.image is not None:
        positions = _("positions")
        total = Sym(f"Σ_{positions} ", f"\\sum_{{\\text{{{latex_text(positions)}}}}} ")
        return [Line(op.result, (total, f(op.operands[0])), f(op.result))]
    return operation_lines(step, op, blanks)


def _map_tokens(whole: Factor, image: Shape3, samples: int) -> list[Token]:
    """Every map of `whole`, separated by commas."""
    tokens: list[Token] = []
    for i, (_c, _s, values) in enumerate(feature_maps(whole.values, image, samples)):
        if i:
            tokens.append(COMMA)
        tokens.append(replace(whole, values=values, digits=None))
    return tokens


def _of_maps(name: str, op: Operation, f: FactorOf) -> Line:
    """result = name(the input's maps), each map written out, then the result: im2col's patch
    matrix P, or flatten's one column per sample."""
    source, image = f(op.operands[0]), op.image
    many = image[0] * _samples(op) > 1
    opening = _open(name, many)
    closing = PLAIN_CLOSE if many else CLOSE
    tokens = (opening, *_map_tokens(source, image, _samples(op)), closing)
    return Line(op.result, tokens, f(op.result), symbolic=(_open(name), source, CLOSE))


def _fold_rows(key: Quantity, whole: Factor, image: Shape3) -> list[Line]:
    """Each row of a convolution's result (one filter, one sample) folded into its feature map."""
    _c, h, w = image
    samples = whole.shape[1] // (h * w)
    lines = []
    for channel, sample, values in feature_maps(whole.values, image, samples):
        cols = range(sample * h * w, (sample + 1) * h * w)
        row = replace(whole, values=whole.values[channel:channel + 1, cols.start:cols.stop], digits=None)
        ref = cells_ref(key, range(channel, channel + 1), cols, whole.shape)
        opening = _open("fold")
        lines.append(Line(key, (opening, row, CLOSE), replace(whole, values=values, digits=None),
                          symbolic=(opening, ref, CLOSE), label=map_label(channel, sample, samples)))
    return lines


def _map_ref(key: Quantity, whole: Factor, channel: int, sample: int, image: Shape3) -> Sym:
    _c, h, w = image
    return cells_ref(key, range(channel, channel + 1), range(sample * h * w, (sample + 1) * h * w), whole.shape)


def _maxpool(op: Operation, f: FactorOf) -> list[Line]:
    """Per map: maxpool(the map) = the pooled map."""
    source, result, image, m = f(op.operands[0]), f(op.result), op.image, _samples(op)
    out_image = _pooled(image, op.pool)
    lines = []
    outs = feature_maps(result.values, out_image, m)
    for (channel, sample, values), (_c, _s, pooled) in zip(feature_maps(source.values, image, m), outs):
        opening = _open("maxpool")
        lines.append(Line(op.result, (opening, replace(source, values=values, digits=None), CLOSE),
                          replace(result, values=pooled, digits=None),
                          symbolic=(opening, _map_ref(op.operands[0], source, channel, sample, image), CLOSE),
                          label=map_label(channel, sample, m)))
    return lines


def winners(values: np.ndarray, image: Shape3, size: int) -> np.ndarray:
    """argmax of each `size`×`size` window of a C × (m·H·W) matrix: 1 at each window's winner, 0
    elsewhere, the winners the engine's (core/dense/conv.maxpool: the first maximum in row-major
    order on ties, as batch mode and PyTorch)."""
    _pooled_values, won = maxpool(values, image, size)
    mask = np.zeros_like(values)
    mask[np.arange(values.shape[0])[:, None], won] = 1.0
    return mask


def _route(op: Operation, f: FactorOf) -> list[Line]:
    """Per map: route(the pooled map's gradient, argmax(the map that was pooled)) = the map's
    gradient: each window's δ where the 1 of its winner stands. The winners are drawn as 0 and 1
    (narrow, so both operands fit a printed line even where δ needs ×10⁻¹² to be written)."""
    up, source, result, image, m = f(op.operands[0]), f(op.operands[1]), f(op.result), op.image, _samples(op)
    up_image = _pooled(image, op.pool)
    lines = []
    for (channel, sample, ups), (_c, _s, won), (_c2, _s2, out) in zip(
            feature_maps(up.values, up_image, m), feature_maps(winners(source.values, image, op.pool), image, m),
            feature_maps(result.values, image, m)):
        opening, argmax = _open("route"), _open("argmax")
        # the symbol argmax(a¹[1, :]) stands for its value, the map of the winners
        tokens = (opening, replace(up, values=ups, digits=None), COMMA,
                  replace(source, values=won, digits=None), CLOSE)
        symbolic = (opening, _map_ref(op.operands[0], up, channel, sample, up_image), COMMA, argmax,
                    _map_ref(op.operands[1], source, channel, sample, image), CLOSE, CLOSE)
        lines.append(Line(op.result, tokens, replace(result, values=out, digits=None), symbolic=symbolic,
                          label=map_label(channel, sample, m)))
    return lines


def _unflatten(op: Operation, f: FactorOf) -> list[Line]:
    """Per map: its rows of the column of gradients, folded back into the map."""
    up, result, image, m = f(op.operands[0]), f(op.result), op.image, _samples(op)
    _c, h, w = image
    lines = []
    for channel, sample, values in feature_maps(result.values, image, m):
        rows = range(channel * h * w, (channel + 1) * h * w)
        piece = replace(up, values=up.values[rows.start:rows.stop, sample:sample + 1], digits=None)
        opening = _open("fold")
        ref = cells_ref(op.operands[0], rows, range(sample, sample + 1), up.shape)
        lines.append(Line(op.result, (opening, piece, CLOSE), replace(result, values=values, digits=None),
                          symbolic=(opening, ref, CLOSE), label=map_label(channel, sample, m)))
    return lines


def _col2im(op: Operation, f: FactorOf) -> list[Line]:
    """Per map of the input: col2im(the patch gradients of its channel and sample) = its gradient."""
    patches, result, image, m, k = f(op.operands[0]), f(op.result), op.image, _samples(op), op.kernel
    per_sample = patches.shape[1] // m
    lines = []
    for channel, sample, values in feature_maps(result.values, image, m):
        rows = range(channel * k * k, (channel + 1) * k * k)
        cols = range(sample * per_sample, (sample + 1) * per_sample)
        piece = replace(patches, values=patches.values[rows.start:rows.stop, cols.start:cols.stop], digits=None)
        opening = _open("col2im")
        ref = cells_ref(op.operands[0], rows, cols, patches.shape)
        lines.append(Line(op.result, (opening, piece, CLOSE), replace(result, values=values, digits=None),
                          symbolic=(opening, ref, CLOSE), label=map_label(channel, sample, m)))
    return lines


def worked_notes(step: Step) -> tuple[str, ...]:
    """For a max-pooling step, the worked line of each window and which cell won it (the first
    WORKED_WINDOWS/2 and a count where there are more than WORKED_WINDOWS); () for any other step."""
    op = next((o for o in step.operations if o.kind is OpKind.MAXPOOL), None)
    if op is None:
        return ()
    result = step.matrix(op.result).values
    cells = list(np.ndindex(result.shape))
    shown = cells if len(cells) <= WORKED_WINDOWS else cells[:WORKED_WINDOWS // 2]
    notes = []
    for cell in shown:
        line = worked(step, op.result, cell)
        values = [t.cells[0].value for t in line.explanation.terms]
        winner = line.explanation.terms[values.index(max(values))].cells[0]  # the first maximum, as the engine
        notes.append(_("{worked}: {winner} won its window").format(worked=line.line,
                                                                   winner=operand_symbol(step, winner)))
    if len(shown) < len(cells):
        notes.append(_("… {count} more windows, each worked the same way").format(count=len(cells) - len(shown)))
    return tuple(notes)
