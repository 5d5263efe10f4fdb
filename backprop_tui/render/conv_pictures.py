"""Images, filters and feature maps of a convolutional step as small heat maps, side by side.

Each picture is one channel of one sample: the layer's input with the receptive field of the
cell under the cursor outlined, the filters, the feature maps, and the gradients. Small images
(up to CELL_MODE_SIDE a side) draw each pixel as two characters, so marks fit on it: `[]` the
receptive field, `<>` a pooling window's winner. Larger ones (28×28) draw two pixel rows per
line with half blocks; marks tint the pixel. Values that are signed (filters, z, δ, gradients)
use a diverging scale (red below 0, dark at 0, green above, the app's sign colours) with its
legend; images and activations a grey ramp from their minimum to their maximum. Without colour
(NO_COLOR) every pixel is a character of a greyscale ramp. One scale per quantity, so its
channels compare with each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Span, Text

from backprop_tui.core.dense import conv
from backprop_tui.core.dense.operation import OpKind
from backprop_tui.core.dense.steps import Step
from backprop_tui.core.scenario.conv_model import ConvLayer, ConvScenario, PoolLayer
from backprop_tui.core.vocab import Kind, Quantity, Role
from backprop_tui.i18n import _, ngettext
from backprop_tui.render.notation import symbol

CELL_MODE_SIDE = 12
"""Images up to this many pixels a side get two characters per pixel (room for marks)."""
RAMP = " .:-=+*#%@"
UPPER_HALF = "\u2580"
POSITIVE, NEGATIVE, ZERO = (40, 190, 90), (215, 60, 60), (40, 40, 40)
ACCENT = (240, 200, 40)
_SIGNED = frozenset({Kind.THETA, Kind.Z, Kind.DELTA, Kind.FPRIME, Kind.DE_DA, Kind.DE_DX, Kind.DE_DTHETA,
                     Kind.THETA_NEW, Kind.DE_DPATCHES})


@dataclass(frozen=True)
class Panel:
    """One picture: a caption, H × W values, the scale they are drawn on, and marked pixels."""

    caption: str
    values: np.ndarray
    low: float
    high: float
    signed: bool
    outline: frozenset[tuple[int, int]] = field(default_factory=frozenset)
    """The receptive field of the cell under the cursor."""
    winners: frozenset[tuple[int, int]] = field(default_factory=frozenset)


def image_shape(scenario: ConvScenario, key: Quantity) -> tuple[int, int, int] | None:
    """(C, H, W) of a quantity laid out as images (C × (m·H·W)), or None for any other."""
    stored = key.stored
    if key.transposed:
        return None
    if stored.kind in (Kind.INPUT, Kind.DE_DX):
        return scenario.input_shape
    if stored.layer is None or stored.kind not in (Kind.Z, Kind.ACTIVATION, Kind.DELTA, Kind.FPRIME, Kind.DE_DA):
        return None
    layer = scenario.layers[stored.layer - 1]
    if isinstance(layer, (ConvLayer, PoolLayer)):
        return layer.output_shape
    return None


def _filters(scenario: ConvScenario, key: Quantity, values: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """A conv layer's θ-shaped matrix (θ, θᵀ, ∂E/∂θ, θ new) as one k × k picture per filter and channel."""
    layer = scenario.layers[key.layer - 1] if key.layer else None
    if not isinstance(layer, ConvLayer) or key.kind not in (Kind.THETA, Kind.DE_DTHETA, Kind.THETA_NEW):
        return []
    theta = values.T if key.transposed else values
    f, (c, k) = layer.filters, (layer.input_shape[0], layer.kernel)
    kernels = theta.T.reshape(f, c, k, k)
    name = symbol(key.stored)
    return [(_("{name} filter {number} ch {channel}").format(name=name, number=i + 1, channel=j + 1) if c > 1
             else _("{name} filter {number}").format(name=name, number=i + 1), kernels[i, j])
            for i in range(f) for j in range(c)]


def _position(scenario: ConvScenario, step: Step, cursor: tuple[Quantity, tuple[int, int]] | None):
    """(sample, oy, ox, layer) of the output position under the cursor in a conv layer, or None."""
    if cursor is None or step.layer is None:
        return None
    key, (row, col) = cursor
    layer = scenario.layers[step.layer - 1]
    if not isinstance(layer, ConvLayer) or key.layer != step.layer or key.transposed:
        return None
    if key.kind not in (Kind.Z, Kind.ACTIVATION, Kind.DELTA, Kind.FPRIME, Kind.DE_DA, Kind.PATCHES,
                        Kind.DE_DPATCHES):
        return None
    _, ho, wo = layer.output_shape
    sample, pos = divmod(col, ho * wo)
    return sample, pos // wo, pos % wo, layer


def _pool_window(scenario: ConvScenario, step: Step, cursor: tuple[Quantity, tuple[int, int]] | None):
    """(sample, channel, window pixels) of the pooled cell under the cursor in a pooling step, or None."""
    if cursor is None or step.layer is None:
        return None
    key, (row, col) = cursor
    layer = scenario.layers[step.layer - 1]
    if not isinstance(layer, PoolLayer) or key.layer != step.layer or key.transposed or \
            key.kind not in (Kind.ACTIVATION, Kind.DE_DA):
        return None
    _, ho, wo = layer.output_shape
    sample, pos = divmod(col, ho * wo)
    top, left = (pos // wo) * layer.size, (pos % wo) * layer.size
    pixels = frozenset((y, x) for y in range(top, top + layer.size) for x in range(left, left + layer.size))
    return sample, row, pixels


def receptive_field(layer: ConvLayer, oy: int, ox: int) -> frozenset[tuple[int, int]]:
    """The input pixels (y, x) the output position (oy, ox) reads (padding taps left out)."""
    _, h, w = layer.input_shape
    top, left = oy * layer.stride - layer.padding, ox * layer.stride - layer.padding
    return frozenset((y, x) for y in range(top, top + layer.kernel) for x in range(left, left + layer.kernel)
                     if 0 <= y < h and 0 <= x < w)


def _winners(values: np.ndarray, shape: tuple[int, int, int], size: int, samples: int, sample: int,
             channel: int) -> frozenset[tuple[int, int]]:
    _, winners = conv.maxpool(values, shape, size)
    _, h, w = shape
    columns = winners[channel].reshape(samples, -1)[sample]
    return frozenset(divmod(int(col) - sample * h * w, w) for col in columns)


def step_panels(scenario: ConvScenario, step: Step, sample: int = 0,
                cursor: tuple[Quantity, tuple[int, int]] | None = None, limit: int = 8,
                conceal: bool = False) -> list[Panel]:
    """The pictures of a step: for a conv layer its input first (receptive field outlined), then every
    shown image-shaped or filter-shaped matrix of the step, channel by channel (at most `limit`);
    with `conceal` (a quiz asks this step), only what the step reads, never what it computes."""
    shown = [m for m in step.matrices if m.shown and not (conceal and m.role is Role.OUT)]
    keys = [m.key for m in shown]
    layer = scenario.layers[step.layer - 1] if step.layer else None
    where = _position(scenario, step, cursor)
    window = _pool_window(scenario, step, cursor)
    pool = step.operation.kind in (OpKind.MAXPOOL, OpKind.MAXPOOL_BACKWARD) and isinstance(layer, PoolLayer)
    if isinstance(layer, ConvLayer):
        source = Quantity(Kind.INPUT) if step.layer == 1 else Quantity(Kind.ACTIVATION, step.layer - 1)
        if source not in keys and step.has(source):  # held by the step, left out of its matrices' picture
            shown.insert(0, step.matrix(source))
    panels: list[Panel] = []
    for m in shown:
        signed = m.key.stored.kind in _SIGNED
        filters = _filters(scenario, m.key, m.values)
        if filters:
            top = float(np.abs(m.values).max()) or 1.0
            panels += [Panel(caption, values, -top, top, True) for caption, values in filters]
            continue
        shape = image_shape(scenario, m.key)
        if shape is None:
            continue
        c, h, w = shape
        samples = m.values.shape[1] // (h * w)
        s = min(max(sample, 0), samples - 1)
        tensor = conv.to_tensor(m.values, shape)
        low, high = (float(m.values.min()), float(m.values.max()))
        if signed:
            top = max(abs(low), abs(high)) or 1.0
            low, high = -top, top
        for channel in range(c):
            outline = frozenset()
            if where is not None and isinstance(layer, ConvLayer) and shape == layer.input_shape and \
                    m.key.stored.kind in (Kind.INPUT, Kind.ACTIVATION, Kind.DE_DX, Kind.DE_DA) and \
                    (m.key.layer or 0) == step.layer - 1 and where[0] == s:
                outline = receptive_field(layer, where[1], where[2])
            winners = frozenset()
            if pool and shape == layer.input_shape and m.key.stored.kind in (Kind.ACTIVATION, Kind.INPUT):
                winners = _winners(m.values, shape, layer.size, samples, s, channel)
            if window is not None and pool and shape == layer.input_shape and \
                    (window[0], window[1]) == (s, channel):  # the pooled cell's window, in its own channel
                outline = window[2]
            caption = (_("{name} ch {channel}").format(name=symbol(m.key), channel=channel + 1) if c > 1
                       else symbol(m.key))
            panels.append(Panel(caption, tensor[s, channel], low, high, signed, outline, winners))
    return panels[:limit]


# -- drawing ----------------------------------------------------------------------------------------


LEVELS = 32
"""Colour levels per scale: pixel colours are quantised to these, so their styles are few and cached."""


def _levels(panel: Panel, values: np.ndarray) -> np.ndarray:
    """Each value's level: 0…LEVELS−1 from low to high (the middle level is 0 on a signed scale)."""
    span = panel.high - panel.low
    t = (values - panel.low) / span if span > 0 else np.full(values.shape, 0.5)
    return np.clip(np.round(t * (LEVELS - 1)), 0, LEVELS - 1).astype(int)


@lru_cache(maxsize=4 * LEVELS)
def _level_rgb(signed: bool, level: int, tinted: bool = False) -> str:
    """The colour of a level: grey from black to white, or red, dark at 0, green (signed)."""
    if signed:
        t = 2.0 * level / (LEVELS - 1) - 1.0
        end = POSITIVE if t >= 0 else NEGATIVE
        rgb = tuple(int(round(z + (e - z) * abs(t))) for z, e in zip(ZERO, end))
    else:
        grey = int(round(255 * level / (LEVELS - 1)))
        rgb = (grey, grey, grey)
    if tinted:
        rgb = tuple(int((a + b) / 2) for a, b in zip(rgb, ACCENT))
    return f"rgb({rgb[0]},{rgb[1]},{rgb[2]})"


@lru_cache(maxsize=4096)
def _style(color: str | None, bgcolor: str | None, bold: bool = False) -> Style:
    return Style(color=color, bgcolor=bgcolor, bold=bold)


def heatmap(panel: Panel, colour: bool = True) -> list[Text]:
    """The picture's lines (without its caption)."""
    values = np.asarray(panel.values, dtype=np.float64)
    h, w = values.shape
    levels = _levels(panel, values)
    signed = panel.signed
    accent = f"rgb({ACCENT[0]},{ACCENT[1]},{ACCENT[2]})"
    if max(h, w) <= CELL_MODE_SIDE:
        lines = []
        for y in range(h):
            line = Text()
            for x in range(w):
                mark = "<>" if (y, x) in panel.winners else "[]" if (y, x) in panel.outline else None
                if colour:
                    style = _style(accent if mark else None, _level_rgb(signed, int(levels[y, x])), bool(mark))
                    line.append(mark or "  ", style)
                else:
                    line.append(mark or RAMP[int(levels[y, x]) * len(RAMP) // LEVELS] * 2)
            lines.append(line)
        return lines
    if h % 2:
        levels = np.vstack([levels, np.zeros((1, w), int)])
    marked = panel.outline | panel.winners
    lines = []
    for y in range(0, levels.shape[0], 2):
        if not colour:
            pairs = (levels[y] + levels[y + 1]) // 2
            chars = ["o" if (y, x) in panel.outline or (y + 1, x) in panel.outline
                     else RAMP[int(pairs[x]) * len(RAMP) // LEVELS] for x in range(w)]
            lines.append(Text("".join(chars)))
            continue
        spans, line = [], Text(UPPER_HALF * w)
        for x in range(w):
            up = _level_rgb(signed, int(levels[y, x]), (y, x) in marked)
            down = _level_rgb(signed, int(levels[y + 1, x]), (y + 1, x) in marked)
            spans.append(Span(x, x + 1, _style(up, down)))
        line.spans = spans
        lines.append(line)
    return lines


def _colour(rgb: tuple[int, int, int]) -> str:
    return f"rgb({rgb[0]},{rgb[1]},{rgb[2]})"


def legend(panels: list[Panel], colour: bool = True) -> Text:
    """The scales in use: the diverging one with its ±bound, the grey one with its range."""
    text = Text()
    signed = [p for p in panels if p.signed]
    plain = [p for p in panels if not p.signed]
    if signed:
        top = max(p.high for p in signed)
        if colour:
            text.append("  ", Style(bgcolor=_colour(NEGATIVE)))
            text.append(f" −{top:.3g}  ")
            text.append("  ", Style(bgcolor=_colour(ZERO)))
            text.append(" 0  ")
            text.append("  ", Style(bgcolor=_colour(POSITIVE)))
            text.append(f" +{top:.3g}")
        else:
            text.append(f"'{RAMP[0]}' −{top:.3g} … '{RAMP[len(RAMP) // 2]}' 0 … '{RAMP[-1]}' +{top:.3g}")
    if plain:
        low, high = min(p.low for p in plain), max(p.high for p in plain)
        if text:
            text.append("   ")
        if colour:
            text.append("  ", Style(bgcolor="rgb(0,0,0)"))
            text.append(f" {low:.3g} … ")
            text.append("  ", Style(bgcolor="rgb(255,255,255)"))
            text.append(f" {high:.3g}")
        else:
            text.append(f"'{RAMP[0]}' {low:.3g} … '{RAMP[-1]}' {high:.3g}")
    if any(p.outline for p in panels):
        text.append("   " + _("[] the cursor cell's receptive field"))
    if any(p.winners for p in panels):
        text.append("   " + _("<> pooling winner"))
    return text


def halved(panel: Panel) -> Panel:
    """The panel at half the size: the mean of each 2×2 block (an odd edge repeated), marks on the
    block they fall in; for large images in a pane too small to show several at full size."""
    values = np.asarray(panel.values, dtype=np.float64)
    h, w = values.shape
    padded = np.pad(values, ((0, h % 2), (0, w % 2)), mode="edge")
    small = padded.reshape(padded.shape[0] // 2, 2, padded.shape[1] // 2, 2).mean(axis=(1, 3))
    return Panel(panel.caption + " ½", small, panel.low, panel.high, panel.signed,
                 frozenset((y // 2, x // 2) for y, x in panel.outline),
                 frozenset((y // 2, x // 2) for y, x in panel.winners))


def _size(panel: Panel) -> tuple[int, int]:
    """(columns, lines) of a panel's block, caption included, without drawing it."""
    h, w = panel.values.shape
    if max(h, w) <= CELL_MODE_SIDE:
        return max(cell_len(panel.caption), 2 * w), 1 + h  # cells: a Korean caption's Hangul is two wide
    return max(cell_len(panel.caption), w), 1 + (h + 1) // 2


def _rows(panels: list[Panel], width: int) -> list[list[Panel]]:
    """The panels packed into rows of at most `width` columns (two spaces between)."""
    rows: list[list[Panel]] = []
    row: list[Panel] = []
    used = 0
    for panel in panels:
        span = _size(panel)[0]
        if row and used + 2 + span > width:
            rows.append(row)
            row, used = [], 0
        row.append(panel)
        used += span + (2 if used else 0)
    if row:
        rows.append(row)
    return rows


def _fitting(rows: list[list[Panel]], height: int | None, reserved: tuple[int, int] = (1, 1)) -> int:
    """How many of the rows fit in `height` lines with one blank line after each and, at the end,
    the legend's lines and (when some rows are left out) the count's, as `reserved` = (legend,
    count) lines wrapped; the first row always counts."""
    if height is None:
        return len(rows)
    every = _rows_within(rows, height - reserved[0])
    return every if every == len(rows) else _rows_within(rows, height - reserved[0] - reserved[1])


def _rows_within(rows: list[list[Panel]], height: int) -> int:
    """How many of the rows (each with its blank line) fit in `height` lines; at least one."""
    used, fitting = 0, 0
    for row in rows:
        tall = max(_size(p)[1] for p in row) + 1
        if fitting and used + tall > height:
            break
        used, fitting = used + tall, fitting + 1
    return fitting


def _more(left: int, short: bool = False) -> Text:
    """The line that counts the pictures left out (`short`: the count alone, for a low pane)."""
    if short:
        return Text(ngettext("(+{count} more picture)", "(+{count} more pictures)", left).format(count=left),
                    style="dim")
    return Text(ngettext("(+{count} more picture: a taller terminal shows them)",
                         "(+{count} more pictures: a taller terminal shows them)", left).format(count=left), style="dim")


def _lines(text: Text, width: int) -> int:
    """How many lines `text` takes wrapped to `width` cells (as the pane wraps it)."""
    from rich.console import Console

    return max(len(text.wrap(Console(width=max(width, 1)), max(width, 1))), 1)


def pictures(panels: list[Panel], width: int, colour: bool = True, height: int | None = None) -> RenderableType:
    """The panels side by side (captions above), wrapped to `width` columns, then the legend.
    With `height`, large images are halved when that shows more of them, and only the rows that
    fit above the legend are drawn (the rest are counted)."""
    if not panels:
        return Text(_("(no images in this step: the dense layers and the loss are numbers only; "
                      "their matrices are on the right)"), style="dim")
    rows = _rows(panels, width)
    # the count of the pictures left out and the legend, as many lines as they wrap to (a narrow
    # pane, or the longer words of another language, wraps them: they must not be cut off)
    reserved = (_lines(legend(panels, colour), width), _lines(_more(len(panels)), width))
    if any(max(p.values.shape) > CELL_MODE_SIDE for p in panels) and _fitting(rows, height, reserved) < len(rows):
        smaller = _rows([halved(p) if max(p.values.shape) > CELL_MODE_SIDE else p for p in panels], width)
        if sum(map(len, smaller[:_fitting(smaller, height, reserved)])) > \
                sum(map(len, rows[:_fitting(rows, height, reserved)])):
            rows = smaller
    shown = _fitting(rows, height, reserved)
    out: list[Text] = []
    for row in rows[:shown]:  # only the rows shown are drawn
        blocks = [([Text(p.caption, style="bold")] + heatmap(p, colour), _size(p)[0]) for p in row]
        tall = max(len(lines) for lines, _ in blocks)
        for i in range(tall):
            line = Text()
            for index, (lines, span) in enumerate(blocks):
                piece = lines[i].copy() if i < len(lines) else Text()
                piece.pad_right(span - piece.cell_len)
                line.append_text(piece)
                if index < len(blocks) - 1:
                    line.append("  ")
            out.append(line)
        out.append(Text())  # a blank line between rows, and before the legend
    left = sum(len(row) for row in rows[shown:])
    if left:
        count = _more(left)
        used = sum(max(_size(p)[1] for p in row) + 1 for row in rows[:shown]) + reserved[0]
        if height is not None and used + _lines(count, width) > height:
            count = _more(left, short=True)  # the first row leaves too little room: the count alone
        out.append(count)
    if panels:
        out.append(legend(panels, colour))
    return Group(*out)
