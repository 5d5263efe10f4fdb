"""The network drawn the way the lecture draws it: nodes with values, edges weighted by |θ|.

Two halves, both without Textual:

- `lit(step, layers)` decides from the step's operations and keys (never from display text)
  which layers' nodes the step computes or reads, and which θ's edges are in play and how
  (the signal going forward, δ flowing back, the gradient, the update); `focus_path` gives the
  edges of the weight under the cursor and the chain-rule path from it to the output.
- `draw(picture, width, height, palette)` rasterises a `Picture` onto a character canvas of the
  size given (the widget's), so the diagram grows with the free space.

Line conventions (so the drawing reads without colour too, NO_COLOR): a large |θ| (at least a
third of the largest of its layer) is a heavy line ━ ┃, a small one a thin line ─ │ (lines are
staircases of such runs joined by ╲ ╱);
a negative weight is dashed (every other cell left blank); the sign's colour comes on top.
Edges the step does not use are dim; the nodes it computes are reversed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from backprop_tui.core.dense.steps import Step
from backprop_tui.core.vocab import Kind, Phase, Quantity
from backprop_tui.i18n import _
from backprop_tui.render.numbers import cell


class Flow(StrEnum):
    """How a layer's θ (its edges) takes part in a step."""

    FORWARD = "forward"
    """The signal crosses the edges: zˡ = θˡᵀ·aˡ⁻¹ (+ bˡ)."""
    BACKWARD = "backward"
    """δ flows back along the edges: ∂E/∂aˡ⁻¹ = θˡ·δˡ."""
    GRADIENT = "gradient"
    """The step computes ∂E/∂θˡ, one number per edge."""
    UPDATE = "update"
    """The step changes the edges' weights: θˡ_new."""


_NODE_KINDS = {Kind.Z, Kind.ACTIVATION, Kind.DELTA, Kind.FPRIME, Kind.DE_DA}
"""Layered quantities with one value per unit of their layer (nodes, not edges)."""
_OUTPUT_KINDS = {Kind.OUTPUT, Kind.LOSS, Kind.DE_DYHAT, Kind.RESIDUAL, Kind.TARGET}


@dataclass(frozen=True)
class Lit:
    """What one step lights up: layers are 0 (the input) to L (the output)."""

    computed: frozenset[int] = frozenset()
    """Layers whose nodes the step writes (z, a, ŷ, E, δ, f′, ∂E/∂a)."""
    read: frozenset[int] = frozenset()
    """Layers whose nodes the step reads."""
    edges: dict[int, Flow] = field(default_factory=dict)
    """θˡ's edges in play, by layer l (1-based: the edges into layer l)."""
    biases: dict[int, Flow] = field(default_factory=dict)
    """bˡ's edges (from the bias node into layer l) in play."""


def _node_layer(key: Quantity, layers: int) -> int | None:
    """The layer whose nodes hold `key`'s values, or None for a weight, bias or constant."""
    if key.kind is Kind.INPUT:
        return 0
    if key.kind in _OUTPUT_KINDS:
        return layers
    if key.kind in _NODE_KINDS:
        return key.layer
    return None


def lit(step: Step, layers: int) -> Lit:
    """What `step` lights up, read from its operations' operand and result keys.

    `layers` is L, the number of layers with weights. A θ among the operands lights its edges
    as the signal (forward phase) or as δ flowing back (backward phase); a result ∂E/∂θ or θ_new
    lights them as the gradient or the update; the same for b.
    """
    computed: set[int] = set()
    read: set[int] = set()
    edges: dict[int, Flow] = {}
    biases: dict[int, Flow] = {}
    crossing = Flow.FORWARD if step.phase in (Phase.FORWARD, Phase.LOSS) else Flow.BACKWARD
    for op in step.operations:
        for key in op.results:
            layer = _node_layer(key, layers)
            if layer is not None and key.transposed:
                read.add(layer)  # a transpose rearranges what the layer holds; it computes nothing
            elif layer is not None:
                computed.add(layer)
            elif key.kind is Kind.DE_DTHETA:
                edges[key.layer] = Flow.GRADIENT
            elif key.kind is Kind.THETA_NEW:
                edges[key.layer] = Flow.UPDATE
            elif key.kind is Kind.DE_DB:
                biases[key.layer] = Flow.GRADIENT
            elif key.kind is Kind.B_NEW:
                biases[key.layer] = Flow.UPDATE
        for key in op.operands:
            layer = _node_layer(key, layers)
            if layer is not None:
                read.add(layer)
            elif key.kind is Kind.THETA and key.layer not in edges:
                edges[key.layer] = crossing
            elif key.kind is Kind.BIAS and key.layer not in biases:
                biases[key.layer] = crossing
    return Lit(frozenset(computed), frozenset(read - computed), edges, biases)


Edge = tuple[int, int, int]
"""(layer l, unit i of layer l−1, unit j of layer l): the edge of θˡ[i, j] (0-based units)."""


def focus_path(layer: int, row: int, col: int, sizes: tuple[int, ...]) -> frozenset[Edge]:
    """The focused weight θˡ[row, col] and the chain-rule path from it to the output.

    ∂E/∂θˡ[row, col] = aˡ⁻¹[row]·δˡ[col], and δˡ[col] gathers δ from every path from unit col of
    layer l onward: all edges out of that unit, then every edge of the later layers.
    """
    path = {(layer, row, col)}
    reached = {col}
    for later in range(layer + 1, len(sizes)):
        path |= {(later, i, j) for i in reached for j in range(sizes[later])}
        reached = set(range(sizes[later]))
    return frozenset(path)


def node_indices(units: int, limit: int) -> list[int | None]:
    """The units shown of a layer of `units`: all, or the first and last around None (an ellipsis)."""
    if units <= limit:
        return list(range(units))
    head = max(limit // 2, 1)
    return [*range(head), None, *range(units - max(limit - head - 1, 1), units)]


@dataclass(frozen=True)
class Palette:
    """Colours from the app's theme (None for the terminal's default)."""

    positive: str | None = "green"
    negative: str | None = "red"
    accent: str | None = "yellow"
    """The focused weight and its chain-rule path."""


@dataclass(frozen=True)
class Picture:
    """Everything `draw` needs: the network's numbers for one sample and what the step lights up."""

    sizes: tuple[int, ...]
    """Units per layer, the input first (2, 3, 1 for the lecture's 2-3-1 network)."""
    weights: tuple[np.ndarray, ...]
    """θ¹ … θᴸ, each (units of l−1) × (units of l): the edges' weights (or their change in an update)."""
    biases: tuple[np.ndarray | None, ...]
    """b¹ … bᴸ as (units,) vectors; None where a layer has no bias."""
    labels: tuple[str, ...]
    """The quantity each layer's nodes show (x, a¹, z², δ¹ …)."""
    values: tuple[np.ndarray | None, ...]
    """Each layer's node values for the selected sample, (units,); None where not computed yet."""
    lit: Lit
    focus: Edge | None = None
    path: frozenset[Edge] = frozenset()
    focus_label: str = ""
    """The focused weight's name and value, shown in the caption."""
    decimals: int = 3
    thumbnail: Callable[[int, int, int, int], list[list[tuple[str, Style]]]] | None = None
    """(layer, unit, width, lines) → a small picture of the unit, cell by cell (the input plane);
    drawn under each node of layers 1 … L where the gaps between nodes leave room."""


_HEAVY = {"h": "━", "v": "┃", "d": "╲", "u": "╱"}
_THIN = {"h": "─", "v": "│", "d": "╲", "u": "╱"}
"""Diagonals have no heavy glyph; lines are staircases of runs, so the runs carry the weight."""


THUMB_MIN_WIDTH, THUMB_MIN_LINES, THUMB_MAX_LINES = 5, 3, 4
"""A node's thumbnail is as wide as its value (5 or more characters) and 3 or 4 lines tall (6 to
8 half-block pixels), with a blank line before the next node: smaller, it no longer reads as a
picture, so a crowded diagram draws none."""


def line_char(direction: str, heavy: bool) -> str:
    """The character of an edge's cell: direction h(orizontal), v(ertical), d(own), u(p)."""
    return (_HEAVY if heavy else _THIN)[direction]


def _max_nodes(height: int) -> int:
    return max(3, min(9, (height - 3) // 2 + 1))


def _node_text(value: float | None, decimals: int) -> str:
    return "·" if value is None else cell(float(value), decimals)


def _thumbnail_places(picture: Picture, rows: list[dict[int | str, int]], node_w: int,
                      bottom: int) -> dict[tuple[int, int], tuple[int, int]]:
    """(layer, unit) → (node row, lines) of every thumbnail, or {} unless every unit shown in
    layers 1 … L has room for one (a lone picture under one node would read as a glitch)."""
    if node_w < THUMB_MIN_WIDTH:
        return {}
    places = {}
    for l in range(1, len(rows)):
        taken = sorted(rows[l].values())
        for unit, y in rows[l].items():
            if not isinstance(unit, int):
                continue
            following = [row for row in taken if row > y]
            room = (following[0] - 1 if following else bottom + 1) - y - 1  # a blank line before the next
            lines = min(room, THUMB_MAX_LINES, (node_w + 1) // 2)  # about square: two pixels a line
            if lines < THUMB_MIN_LINES:
                return {}
            places[(l, unit)] = (y, lines)
    return places


def draw(picture: Picture, width: int, height: int, palette: Palette = Palette()) -> list[Text]:
    """The picture on a `width` × `height` canvas, one Text per line.

    Row 0 names each layer's quantity; the last row is the caption (focused weight, line key).
    Layers too wide for the height show their first and last units around ⋮; a bias is a node
    "1" at the foot of the layer before, with edges into the layer it adds to.
    """
    width, height = max(width, 12), max(height, 6)
    chars = [[" "] * width for _ in range(height)]
    styles: list[list[Style]] = [[Style()] * width for _ in range(height)]
    layers = len(picture.sizes)
    limit = _max_nodes(height)
    shown = [node_indices(units, limit) for units in picture.sizes]
    has_bias = [False] + [b is not None for b in picture.biases]
    node_w = max(max(len(_node_text(v, picture.decimals)) for v in values) if values is not None and len(values)
                 else 1 for values in picture.values)
    node_w = max(node_w, max(len(label) for label in picture.labels), 3)
    gap = (width - layers * node_w) // max(layers - 1, 1)
    if gap < 3:  # too narrow for values: nodes shrink to a dot so the edges still show
        node_w = 1
        gap = max((width - layers) // max(layers - 1, 1), 1)
    xs = [i * (node_w + gap) for i in range(layers)]

    top, bottom = 1, height - 2  # rows for nodes: below the labels, above the caption
    if bottom - top > 9:
        top, bottom = 2, height - 4  # room for a blank row under the labels and a two-line caption
    rows: list[dict[int | str, int]] = []
    for l in range(layers):
        column = list(shown[l]) + (["bias"] if l + 1 < layers and has_bias[l + 1] else [])
        span = bottom - top + 1
        ys = {}
        for k, unit in enumerate(column):
            ys[unit if unit is not None else "gap"] = top + int((k + 0.5) * span / len(column))
        rows.append(ys)

    def largest(*arrays: np.ndarray | None) -> float:
        finite = [float(np.max(np.abs(a[np.isfinite(a)]))) for a in arrays
                  if a is not None and a.size and np.isfinite(a).any()]
        return max(finite, default=0.0) or 1.0

    # line weight is relative to the largest |θ| (or |Δθ| in an update) of the same layer, θ and b together
    biggest = [largest(w, b) for w, b in zip(picture.weights, picture.biases)]

    def put(x: int, y: int, ch: str, style: Style) -> None:
        if 0 <= x < width and 0 <= y < height:
            chars[y][x], styles[y][x] = ch, style

    def edge(x0: int, y0: int, x1: int, y1: int, value: float, scale: float, style: Style) -> None:
        """A staircase: runs along the longer axis (─ ━ or │ ┃) joined by ╲ ╱ where the line steps."""
        heavy = bool(np.isfinite(value)) and abs(value) >= scale / 3
        dashed = value < 0
        dx, dy = x1 - x0, y1 - y0
        steps = max(abs(dx), abs(dy), 1)
        run = "h" if abs(dx) >= abs(dy) else "v"
        turn = "d" if (dy > 0) == (dx > 0) or dx == 0 else "u"
        for k in range(steps + 1):
            if dashed and k % 2:
                continue
            x, y = x0 + round(dx * k / steps), y0 + round(dy * k / steps)
            nx, ny = x0 + round(dx * (k + 1) / steps), y0 + round(dy * (k + 1) / steps)
            steps_aside = (ny != y) if run == "h" else (nx != x)
            put(x, y, line_char(turn if steps_aside and k < steps else run, heavy), style)

    def edge_style(value: float, flow: Flow | None, on_path: bool) -> Style:
        colour = palette.positive if value >= 0 else palette.negative
        if on_path:
            return Style(color=palette.accent, bold=True)
        if flow is None:
            return Style(color=colour, dim=True)
        return Style(color=colour, bold=flow in (Flow.GRADIENT, Flow.UPDATE))

    # edges, drawn in order of importance so the ones in play and the focus path land on top
    queue: list[tuple[int, float, int, int, int, int, float, float, Style]] = []
    for l in range(1, layers):
        w = picture.weights[l - 1]
        flow = picture.lit.edges.get(l)
        x0, x1 = xs[l - 1] + node_w + 1, xs[l] - 2  # a blank cell each side keeps numbers legible
        for i in shown[l - 1]:
            for j in shown[l]:
                if i is None or j is None:
                    continue
                value = float(w[i, j])
                on_path = (l, i, j) in picture.path
                rank = 2 if on_path else (1 if flow is not None else 0)
                queue.append((rank, abs(value) if np.isfinite(value) else 0.0, x0, rows[l - 1][i],
                              x1, rows[l][j], value, biggest[l - 1], edge_style(value, flow, on_path)))
        b = picture.biases[l - 1]
        if b is not None:
            flow = picture.lit.biases.get(l)
            for j in shown[l]:
                if j is not None:
                    value = float(b[j])
                    queue.append((1 if flow is not None else 0, abs(value), x0, rows[l - 1]["bias"], x1,
                                  rows[l][j], value, biggest[l - 1], edge_style(value, flow, False)))
    for _order, _size, x0, y0, x1, y1, value, scale, style in sorted(queue, key=lambda e: (e[0], e[1])):
        edge(x0, y0, x1, y1, value, scale, style)

    # nodes over the edges
    for l in range(layers):
        label = picture.labels[l]
        active = l in picture.lit.computed
        head = Style(bold=True, reverse=active)
        for k, ch in enumerate(label[: max(node_w, len(label))]):
            put(xs[l] + k, 0, ch, head)
        values = picture.values[l]
        for unit, y in rows[l].items():
            if unit == "gap":
                text, style = "⋮".center(node_w), Style(dim=True)
            elif unit == "bias":
                text, style = "1".center(node_w), Style(italic=True)
            else:
                value = None if values is None else values[unit]
                text = _node_text(value, picture.decimals) if node_w > 1 else "●"
                on_path = picture.focus is not None and (
                    (l == picture.focus[0] - 1 and unit == picture.focus[1]) or
                    (l == picture.focus[0] and unit == picture.focus[2]))
                style = Style(bold=active or l in picture.lit.read, reverse=active,
                              dim=value is None, color=palette.accent if on_path and not active else None,
                              underline=on_path)
                text = text.rjust(node_w)
            for k, ch in enumerate(text[:node_w]):
                put(xs[l] + k, y, ch, style)

    thumbs = _thumbnail_places(picture, rows, node_w, bottom) if picture.thumbnail is not None else {}
    for (l, unit), (y, lines) in thumbs.items():
        for dy, cells in enumerate(picture.thumbnail(l, unit, node_w, lines)):
            for dx, (ch, style) in enumerate(cells):
                put(xs[l] + dx, y + 1 + dy, ch, style)

    # the line key whole or not at all, in the longest form that fits: "━ large |θ|  ─ small  ━ ━ ━"
    # clipped at 80x24 lost the word that says what the dashes mean
    key = next((form for form in (_("━ large |θ|  ─ small  ━ ━ ━ negative"), _("━ big ─ small ━ ━ negative"))
                if cell_len(form) <= width), "")
    for hint in (_("  ▀ input plane (O)"), _("  ▀ plane (O)")):
        # the hint only where it fits whole: a clipped "input pla" reads as a glitch
        if thumbs and key and cell_len(key) + cell_len(hint) <= width:
            key += hint
            break
    if bottom - top > 9 and key:
        caption_rows = [picture.focus_label, key]
    elif key and cell_len(picture.focus_label) + 2 + cell_len(key) <= width:
        caption_rows = [f"{picture.focus_label}  {key}".strip()]
    else:
        caption_rows = [picture.focus_label]
    for row, caption in zip(range(height - len(caption_rows), height), caption_rows):
        x = 0  # in cells: a Hangul syllable takes two, its second cell holds "" so each row stays `width` wide
        for k, ch in enumerate(caption):
            wide = cell_len(ch) == 2
            if x + 1 + wide > width:
                break
            style = Style(dim=caption is key or k >= len(picture.focus_label))
            put(x, row, ch, style)
            if wide:
                put(x + 1, row, "", style)
            x += 1 + wide

    lines = []
    for y in range(height):
        text = Text(no_wrap=True, overflow="crop")
        for x in range(width):
            text.append(chars[y][x], styles[y][x])
        lines.append(text)
    return lines
