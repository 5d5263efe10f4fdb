"""The input plane drawn: each unit's value over two inputs as a heat map with its scale, the data
points with their targets, and the output's decision boundary (ŷ = 0.5 for one sigmoid output,
the arg-max regions in their own colours for softmax); strict JSON of the same numbers.

Two forms, one drawing rule:
- in colour, half-block pixels (two per character, `render.picture`), a diverging scale
  (orange–white–blue) for a unit whose values take both signs and a sequential one (white–blue)
  otherwise; the boundary is a dark line, each softmax class a hue whose strength is ŷ's;
- without colour (NO_COLOR, a pipe, the CLI's text), one ASCII character per cell: a greyscale
  ramp from low to high, '#' on the boundary, a letter per softmax class. Data points are their
  target's digit in both (class number for softmax), so they read without colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rich.style import Style
from rich.text import Text

from backprop_tui.core import strict_json
from backprop_tui.core.dense.plane import InputPlane, UnitPlane
from backprop_tui.core.vocab import Cell, Kind, Quantity
from backprop_tui.i18n import _, ngettext
from backprop_tui.render.numbers import number
from backprop_tui.render.notation import cell_symbol
from backprop_tui.render.picture import UPPER_HALF, framed, half_block_rgb

RAMP = " .:-=+*%@"
"""Low to high, one character per band (no digit, letter or '#': those are points, regions, boundary)."""
BOUNDARY = "#"
SEQUENTIAL = ("#f7f7f7", "#d1e5f0", "#92c5de", "#4393c3", "#2166ac", "#053061")
"""White to dark blue (ColorBrewer Blues/RdBu's blue half), for values of one sign."""
DIVERGING = ("#b35806", "#f1a340", "#fee0b6", "#f7f7f7", "#d1e5f0", "#67a9cf", "#2166ac")
"""Orange (negative) through white (0) to blue (positive), for signed values."""
CLASS_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666")
"""One hue per softmax class (ColorBrewer Dark2), strongest where ŷ of the winning class is 1."""
LINE = "#1a1a1a"
"""The decision boundary's colour: dark on the white middle of the scale."""
BOUNDED = {"sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0), "step": (0.0, 1.0), "tanh": (-1.0, 1.0)}
"""Activations whose range is known: their scale stays put while the weights change."""


@dataclass(frozen=True)
class Scale:
    """How values map to the ramp: low → 0, high → 1 (clipped), diverging around 0 or not."""

    low: float
    high: float
    diverging: bool

    def position(self, values: np.ndarray) -> np.ndarray:
        """Each value's place on the scale, 0 … 1 (±inf clip to the ends, NaN stays NaN)."""
        with np.errstate(all="ignore"):
            return np.clip((np.asarray(values, dtype=np.float64) - self.low) / (self.high - self.low), 0.0, 1.0)


def scale_of(unit: UnitPlane) -> Scale:
    """The activation's own range where it has one, else the grid's (symmetric about 0 when signed)."""
    if unit.activation in BOUNDED:
        low, high = BOUNDED[unit.activation]
        return Scale(low, high, low < 0)
    finite = unit.values[np.isfinite(unit.values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if low < 0 < high:
        top = max(-low, high)
        return Scale(-top, top, True)
    if high <= low:
        high = low + max(abs(low), 1.0)
    return Scale(low, high, False)


def _interpolate(anchors: Sequence[str], t: np.ndarray) -> np.ndarray:
    """uint8 RGB (…, 3) at t in 0 … 1 between evenly spaced hex anchors; NaN is mid grey."""
    points = np.array([[int(a[i:i + 2], 16) for i in (1, 3, 5)] for a in anchors], dtype=np.float64)
    where = np.nan_to_num(t, nan=0.5) * (len(anchors) - 1)
    low = np.clip(np.floor(where).astype(int), 0, len(anchors) - 2)
    frac = (where - low)[..., None]
    rgb = points[low] * (1 - frac) + points[low + 1] * frac
    rgb[np.isnan(t)] = 128.0
    return np.rint(rgb).astype(np.uint8)


def unit_colours(values: np.ndarray, scale: Scale) -> np.ndarray:
    """uint8 RGB of each value on its scale."""
    return _interpolate(DIVERGING if scale.diverging else SEQUENTIAL, scale.position(values))


def ramp_index(values: np.ndarray, scale: Scale) -> np.ndarray:
    """The RAMP band of each value (0 lowest), −1 for NaN."""
    t = scale.position(values)
    index = np.minimum((np.nan_to_num(t) * len(RAMP)).astype(int), len(RAMP) - 1)
    return np.where(np.isnan(t), -1, index)


# -- what the output shows ------------------------------------------------------------------------


def is_softmax(plane: InputPlane, layer: int) -> bool:
    """Whether `layer` is a softmax output (drawn as arg-max regions)."""
    return any(u.layer == layer and u.activation == "softmax" for u in plane.units)


def has_boundary(plane: InputPlane, unit: UnitPlane) -> bool:
    """The line ŷ = 0.5 is drawn on the one output of a network with a single sigmoid output."""
    last = max(u.layer for u in plane.units)
    outputs = [u for u in plane.units if u.layer == last]
    return unit.layer == last and len(outputs) == 1 and unit.activation == "sigmoid"


def boundary_mask(values: np.ndarray, level: float = 0.5) -> np.ndarray:
    """Cells on the high side of `level` next to (4-neighbours) a cell on the low side: a one-cell line."""
    with np.errstate(invalid="ignore"):
        high = values >= level
    low = ~high & ~np.isnan(values)
    near = np.zeros_like(high)
    near[1:] |= low[:-1]
    near[:-1] |= low[1:]
    near[:, 1:] |= low[:, :-1]
    near[:, :-1] |= low[:, 1:]
    return high & near


def regions(stack: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(arg-max class, its ŷ) at every cell of a softmax layer's pictures (classes, rows, cols)."""
    finite = np.where(np.isnan(stack), -np.inf, stack)
    return np.argmax(finite, axis=0), np.max(finite, axis=0)


def region_colours(winner: np.ndarray, top: np.ndarray, classes: int) -> np.ndarray:
    """uint8 RGB: each class's hue, pale where the winner's ŷ is 1/classes, full where it is 1."""
    hues = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in CLASS_COLOURS], dtype=np.float64)
    white = np.array([247.0, 247.0, 247.0])
    strength = np.clip((top - 1 / classes) / (1 - 1 / classes), 0.0, 1.0) * 0.75 + 0.25
    rgb = white * (1 - strength[..., None]) + hues[winner % len(hues)] * strength[..., None]
    return np.rint(rgb).astype(np.uint8)


# -- sampling the grid at the drawing's size ---------------------------------------------------------


def sample(plane: InputPlane, values: np.ndarray, width: int, rows: int) -> np.ndarray:
    """`values` (ny × nx) at rows × width evenly spaced points, top row at the largest y (nearest grid point)."""
    cols = np.rint(np.linspace(0, plane.x.size - 1, width)).astype(int)
    lines = np.rint(np.linspace(plane.y.size - 1, 0, rows)).astype(int)
    return values[np.ix_(lines, cols)]


def point_cells(plane: InputPlane, width: int, rows: int) -> list[tuple[int, int, str]]:
    """(row, column, label) of each data point on a drawing of rows × width cells; the label is its
    target (the class number for one-hot targets, '0'/'1' for 0/1 targets, else 'o')."""
    x0, x1, y0, y1 = plane.x[0], plane.x[-1], plane.y[0], plane.y[-1]
    cells = []
    for (px, py), target in zip(plane.points, plane.targets):
        col = int(round((px - x0) / (x1 - x0) * (width - 1)))
        row = int(round((y1 - py) / (y1 - y0) * (rows - 1)))
        cells.append((row, col, target_label(target)))
    return cells


def target_label(target: np.ndarray) -> str:
    """One character for a sample's target: its class (1-based) if one-hot, its digit if 0 or 1."""
    if target.size > 1 and np.count_nonzero(target) == 1 and target.max() == 1.0:
        return str(int(np.argmax(target)) + 1)[-1]
    if target.size == 1 and target[0] in (0.0, 1.0):
        return str(int(target[0]))
    return "o"


def contrast(rgb: np.ndarray) -> str:
    """Black or white, whichever reads on a background of this colour."""
    luminance = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    return "#000000" if luminance > 140 else "#ffffff"


# -- one picture --------------------------------------------------------------------------------------


def shown_name(plane: InputPlane, unit: UnitPlane) -> str:
    """What the large picture of `unit` shows: the unit (ŷ₁, a¹₂), or for a softmax output the
    layer's most likely class."""
    if is_softmax(plane, unit.layer):
        return _("ŷ: the most likely class")
    return unit_name(plane, unit)


def unit_name(plane: InputPlane, unit: UnitPlane, ascii: bool = False) -> str:
    """a¹₂ for a hidden unit, ŷ₁ for an output (a1[2], yhat[1] in ASCII)."""
    last = max(u.layer for u in plane.units)
    key = Quantity(Kind.OUTPUT) if unit.layer == last else Quantity(Kind.ACTIVATION, unit.layer)
    cell = Cell(key, (unit.index,))
    return cell.ascii if ascii else cell_symbol(cell)


def picture(plane: InputPlane, unit: UnitPlane, width: int, height: int, colour: bool,
            points: bool = True, whole_layer: bool = True) -> Text:
    """The unit's picture, `width` characters × `height` lines, no frame.

    For a softmax output (with `whole_layer`) the picture is the layer's arg-max regions; for a
    single sigmoid output the boundary ŷ = 0.5 is drawn. `points` draws the data points.
    """
    rows = 2 * height if colour else height
    softmax = whole_layer and is_softmax(plane, unit.layer)
    values = sample(plane, unit.values, width, rows)
    winner, top = regions(np.stack([sample(plane, v, width, rows) for v in plane.layer_values(unit.layer)]))
    line = boundary_mask(values) if has_boundary(plane, unit) else np.zeros(values.shape, dtype=bool)
    marks = point_cells(plane, width, height) if points else []
    if colour:
        rgb = region_colours(winner, top, plane.layer_values(unit.layer).shape[0]) if softmax \
            else unit_colours(values, scale_of(unit))
        rgb[line] = [int(LINE[i:i + 2], 16) for i in (1, 3, 5)]
        styled = {}
        for row, col, label in marks:
            if 0 <= row < height and 0 <= col < width:
                under = ((rgb[2 * row, col].astype(int) + rgb[min(2 * row + 1, rows - 1), col]) // 2).astype(np.uint8)
                styled[(row, col)] = (label, Style(bold=True, color=contrast(under),
                                                   bgcolor="rgb({},{},{})".format(*under)))
        return half_block_rgb(rgb, styled)
    if softmax:
        chars = np.array([[chr(ord("a") + int(w) % 26) for w in row] for row in winner])
    else:
        index = ramp_index(values, scale_of(unit))
        chars = np.array([[RAMP[i] if i >= 0 else "?" for i in row] for row in index])
    chars[line] = BOUNDARY
    for row, col, label in marks:
        if 0 <= row < height and 0 <= col < width:
            chars[row, col] = label
    return Text("\n".join("".join(row) for row in chars))


def thumbnail_cells(plane: InputPlane, unit: UnitPlane, width: int, lines: int) -> list[list[tuple[str, Style]]]:
    """A unit's picture as half-block cells, `width` × `lines`, without points or boundary: the
    thumbnail a node of the network diagram carries."""
    rgb = unit_colours(sample(plane, unit.values, width, 2 * lines), scale_of(unit))
    return [[(UPPER_HALF, Style(color="rgb({},{},{})".format(*rgb[2 * r, c]),
                                bgcolor="rgb({},{},{})".format(*rgb[2 * r + 1, c])))
             for c in range(width)] for r in range(lines)]


def framed_plane(plane: InputPlane, drawn: Text, caption: str = "") -> Text:
    """A picture of the plane in the shared frame: x and y values at the ends and the middle."""
    x0, x1, y0, y1 = (float(v) for v in (plane.x[0], plane.x[-1], plane.y[0], plane.y[-1]))
    return framed(drawn, (number(x0), number((x0 + x1) / 2), number(x1)),
                  (number(y1), number((y0 + y1) / 2), number(y0)), caption)


# -- captions, scale and legend ---------------------------------------------------------------------


def input_names(plane: InputPlane) -> tuple[str, str]:
    """The axes' inputs as ASCII names: x1, x2."""
    return f"x{plane.inputs[0] + 1}", f"x{plane.inputs[1] + 1}"


def axes_caption(plane: InputPlane) -> str:
    """across: x1, up: x2 (and, with more inputs, which are held: "; x3, x4 at their mean")."""
    names = input_names(plane)
    others = [f"x{i + 1}" for i in range(plane.held.size) if i not in plane.inputs]
    if others:
        return _("across: {x}, up: {y}; {others} at their mean").format(x=names[0], y=names[1],
                                                                         others=", ".join(others))
    return _("across: {x}, up: {y}").format(x=names[0], y=names[1])


def held_note(plane: InputPlane) -> str:
    """Which inputs are held and where ("" with exactly two inputs)."""
    others = [i for i in range(plane.held.size) if i not in plane.inputs]
    if not others:
        return ""
    values = ", ".join(f"x{i + 1} = {number(float(plane.held[i]))}" for i in others)
    return _("the other inputs held at their mean over the data: {values}").format(values=values)


def scale_text(unit: UnitPlane, colour: bool, softmax: bool = False, classes: int = 0) -> Text:
    """The scale under a picture: the colour ramp (or the characters) from low to high with values;
    for softmax regions, each class's colour or letter."""
    if softmax:
        text = Text(_("regions: the most likely class;") + " ")
        for k in range(classes):
            if colour:
                text.append("  ", Style(bgcolor=CLASS_COLOURS[k % len(CLASS_COLOURS)]))
            else:
                text.append(chr(ord("a") + k % 26))
            text.append(" " + _("class {number}").format(number=k + 1) + "  ")
        text.append(_("(paler where it is less sure)") if colour else "")
        return text
    scale = scale_of(unit)
    low = number(scale.low)
    text = Text((_("scale (diverging): {low}") if scale.diverging else _("scale: {low}")).format(low=low) + " ")
    if colour:
        for t in np.linspace(0.0, 1.0, 12):
            rgb = _interpolate(DIVERGING if scale.diverging else SEQUENTIAL, np.array([t]))[0]
            text.append(" ", Style(bgcolor="rgb({},{},{})".format(*rgb)))
    else:
        text.append(f"[{RAMP}]")
    text.append(f" {number(scale.high)}")
    return text


def legend_text(plane: InputPlane, unit: UnitPlane, colour: bool) -> Text:
    """What the marks mean: the data points (labelled by target) and the boundary, where drawn."""
    labels = sorted({target_label(t) for t in plane.targets})
    drawn_as = (_("{labels}  data points, drawn as their class") if plane.targets.shape[1] > 1
                else _("{labels}  data points, drawn as their target"))
    text = Text(drawn_as.format(labels=" ".join(labels)))
    if has_boundary(plane, unit):
        text.append("   ")
        text.append("━━" if colour else BOUNDARY, Style(color=LINE, bgcolor=SEQUENTIAL[0]) if colour else Style())
        text.append(" " + _("boundary ŷ = 0.5"))
    if np.isnan(unit.values).any():
        text.append("   ")
        text.append("  " if colour else "?", Style(bgcolor="rgb(128,128,128)") if colour else Style())
        text.append(" " + _("NaN: the weights diverged"))
    return text


# -- the whole picture as text (the CLI) --------------------------------------------------------------


def plane_text(plane: InputPlane, title: str, chosen: UnitPlane, width: int = 48, height: int = 20,
               small: int = 16, colour: bool = False, total_width: int = 80) -> Text:
    """Everything `plane --format text` prints: the chosen unit framed with its scale and legend,
    then every unit small, in the diagram's order, as many to a row as `total_width` holds
    (ASCII characters, or with `colour` half blocks in colour)."""
    softmax = is_softmax(plane, chosen.layer)
    text = Text(f"{title}\n", style="bold")
    after = ngettext("after {updates} update (the weights iteration {iteration} computes with)",
                     "after {updates} updates (the weights iteration {iteration} computes with)",
                     plane.updates).format(updates=plane.updates, iteration=plane.updates + 1)
    what = (_("the most likely class over the plane (layer {layer}, softmax)").format(layer=chosen.layer) if softmax
            else _("{unit} over the plane").format(unit=unit_name(plane, chosen, ascii=True)))
    text.append(_("{what}, {after}").format(what=what, after=after) + "\n")
    note = held_note(plane)
    if note:
        text.append(note + "\n")
    text.append_text(framed_plane(plane, picture(plane, chosen, width, height, colour), axes_caption(plane)))
    text.append("\n")
    classes = plane.layer_values(chosen.layer).shape[0]
    text.append_text(scale_text(chosen, colour, softmax, classes))
    text.append("\n")
    text.append_text(legend_text(plane, chosen, colour))
    text.append("\n\n" + _("Every unit (same axes, scale per unit as above):") + "\n")
    blocks = [small_block(plane, unit, small, max(small // 2, 3), colour, ascii=True) for unit in plane.units]
    text.append_text(beside(blocks, total_width))
    return text


def small_block(plane: InputPlane, unit: UnitPlane, width: int, height: int, colour: bool,
                ascii: bool = False, chosen: bool = False) -> list[Text]:
    """A unit's small picture under its name (the chosen one's name reversed), without points."""
    name = unit_name(plane, unit, ascii)
    caption = Text(name.ljust(width)[:width], style="bold reverse" if chosen else "bold")
    return [caption, *picture(plane, unit, width, height, colour, points=False, whole_layer=False).split("\n")]


def beside(blocks: Sequence[list[Text]], total_width: int, gap: int = 2) -> Text:
    """Blocks of lines side by side, as many to a row as fit `total_width`, rows one under another."""
    if not blocks:
        return Text()
    width = max(line.cell_len for block in blocks for line in block)
    per_row = max(1, (total_width + gap) // (width + gap))
    text = Text(no_wrap=True)
    for start in range(0, len(blocks), per_row):
        row = blocks[start:start + per_row]
        height = max(len(block) for block in row)
        for r in range(height):
            for k, block in enumerate(row):
                line = block[r] if r < len(block) else Text()
                text.append_text(line)
                if k < len(row) - 1:
                    text.append(" " * (width - line.cell_len + gap))
            if r < height - 1 or start + per_row < len(blocks):
                text.append("\n")
        if start + per_row < len(blocks):
            text.append("\n")
    return text


# -- JSON -----------------------------------------------------------------------------------------


def plane_json(plane: InputPlane, title: str, scenario_name: str, variant: str | None) -> str:
    """Strict JSON: the axes' values, every unit's grid (rows along y) and the data points."""
    document: dict[str, Any] = {
        "scenario": scenario_name,
        "variant": variant,
        "title": title,
        "updates": plane.updates,
        "x": {"input": plane.inputs[0] + 1, "values": plane.x.tolist()},
        "y": {"input": plane.inputs[1] + 1, "values": plane.y.tolist()},
        "held": {f"x{i + 1}": float(plane.held[i]) for i in range(plane.held.size) if i not in plane.inputs},
        "layout": "values[j][i] is the unit's value at (x.values[i], y.values[j])",
        "units": [{"name": unit_name(plane, unit, ascii=True), "layer": unit.layer, "unit": unit.index + 1,
                   "activation": unit.activation, "values": unit.values.tolist()} for unit in plane.units],
        "points": [{"x": float(px), "y": float(py), "target": target.tolist()}
                   for (px, py), target in zip(plane.points, plane.targets)],
    }
    return strict_json.dumps(document, indent=1) + "\n"

