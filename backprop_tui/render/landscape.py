"""The loss landscape drawn: a text heat map with contour bands, its scale and the paths; the cut
along the gradient; strict JSON; and, with matplotlib installed, an image for slides.

The text map is ASCII only, so it survives NO_COLOR, pipes and PYTHONIOENCODING=ascii: each band
of E has its own ramp character (and, where colours are shown, its own background), each path
its own digit (and colour). One drawing rule for the CLI and the app.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np
from rich.style import Style
from rich.text import Text

from backprop_tui.core import strict_json
from backprop_tui.core.dense.landscape import PCA, Cut, Landscape
from backprop_tui.i18n import _, language, ngettext
from backprop_tui.render.numbers import number
from backprop_tui.render.picture import framed

RAMP = " .:-=+*#"
"""One character per band of E, lowest first (no digit, letter or mark a path uses)."""
PALETTE = ("#440154", "#46327e", "#365c8d", "#277f8e", "#1fa187", "#4ac16d", "#a0da39", "#fde725")
"""viridis at eight points, lowest E first (perceptually uniform, readable in greyscale)."""
PATH_STYLES = ("bold red1", "bold white", "bold orange1", "bold deep_pink1", "bold cyan1", "bold black")
"""One colour per path; each path also has its own digit, so paths stay apart without colour."""
START, CURRENT, EDGE = "S", "@", "!"
"""The shared start, the learner's current point, where a path leaves the area or diverges."""
LOG_RATIO = 30.0
"""Bands are spaced on a log scale when the largest E is at least this many times the smallest."""
MATPLOTLIB_EXTRA = "pip install 'backprop-tui[plot]'"


def band_edges(values: np.ndarray) -> tuple[np.ndarray, bool]:
    """len(RAMP) + 1 band edges over the finite values, and whether they are log-spaced."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return np.linspace(0.0, 1.0, len(RAMP) + 1), False
    low, high = float(finite.min()), float(finite.max())
    if high <= low:
        high = low + max(abs(low) * 1e-6, 1e-12)
    if low > 0 and high >= LOG_RATIO * low:
        return np.geomspace(low, high, len(RAMP) + 1), True
    return np.linspace(low, high, len(RAMP) + 1), False


def bands(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """The band (0 … len(RAMP) − 1) of each value; inf is the top band, NaN −1."""
    index = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(RAMP) - 1)
    return np.where(np.isnan(values), -1, index)


class MapFrame:
    """Maps plane coordinates to the cells of a map `width` wide and `height` tall (row 0 on top)."""

    def __init__(self, scape: Landscape, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.u0, self.u1 = float(scape.grid.u[0]), float(scape.grid.u[-1])
        self.v0, self.v1 = float(scape.grid.v[0]), float(scape.grid.v[-1])

    def cell(self, u: float, v: float) -> tuple[float, float]:
        """(column, row) as floats; inside the map when both round into range."""
        col = (u - self.u0) / (self.u1 - self.u0) * (self.width - 1)
        row = (self.v1 - v) / (self.v1 - self.v0) * (self.height - 1)
        return col, row

    def inside(self, col: float, row: float) -> bool:
        """Whether a point in cell coordinates (col, row) falls on the map (cells are centred on
        whole numbers)."""
        return -0.5 <= col < self.width - 0.5 and -0.5 <= row < self.height - 0.5


def trace_cells(frame: MapFrame, uv: np.ndarray, diverged: bool) -> tuple[list[tuple[int, int]], tuple[int, int] | None]:
    """The cells a path's segments cross, up to where it leaves the map; the cell to mark there
    (or at its last point when it diverges inside the map), else None."""
    cells: list[tuple[int, int]] = []
    points = [frame.cell(float(u), float(v)) for u, v in uv]
    for index, (col, row) in enumerate(points):
        previous = points[index - 1] if index else (col, row)
        steps = int(max(abs(col - previous[0]), abs(row - previous[1]), 1) * 2)
        for t in np.linspace(0.0, 1.0, steps + 1)[1 if index else 0:]:
            c = previous[0] + t * (col - previous[0])
            r = previous[1] + t * (row - previous[1])
            if not frame.inside(c, r):
                return cells, (cells[-1] if cells else None)
            here = (int(round(c)), int(round(r)))
            if not cells or cells[-1] != here:
                cells.append(here)
    return cells, (cells[-1] if diverged and cells else None)


def map_text(scape: Landscape, width: int, height: int, current: tuple[int, np.ndarray] | None = None) -> Text:
    """The heat map with its paths, `width` × `height` cells, as rich Text (ASCII characters).

    `current`: (path index, (u, v)) of the learner's point, drawn as CURRENT in that path's colour.
    """
    frame = MapFrame(scape, width, height)
    grid = scape.grid
    cols = np.rint(np.linspace(0, grid.u.size - 1, width)).astype(int)
    rows = np.rint(np.linspace(grid.v.size - 1, 0, height)).astype(int)
    edges, _ = band_edges(grid.values)
    index = bands(grid.values[np.ix_(rows, cols)], edges)
    chars = [[RAMP[i] if i >= 0 else "?" for i in line] for line in index]
    styles: list[list[Style | str]] = [[_band_style(i) for i in line] for line in index]
    for number_, uv in enumerate(scape.coords):
        path_style = PATH_STYLES[number_ % len(PATH_STYLES)]
        cells, mark = trace_cells(frame, uv, scape.paths[number_].diverged_at is not None)
        for col, row in cells:
            chars[row][col] = str(number_ + 1)[-1]
            styles[row][col] = path_style
        if mark is not None:
            chars[mark[1]][mark[0]] = EDGE
            styles[mark[1]][mark[0]] = path_style + " reverse"
    if scape.coords:
        col, row = frame.cell(*scape.coords[0][0])
        if frame.inside(col, row):
            chars[round(row)][round(col)] = START
            styles[round(row)][round(col)] = "bold white on black"
    if current is not None:
        path, (u, v) = current
        col, row = frame.cell(float(u), float(v))
        if frame.inside(col, row):
            chars[round(row)][round(col)] = CURRENT
            styles[round(row)][round(col)] = PATH_STYLES[path % len(PATH_STYLES)] + " reverse"
    text = Text()
    for r in range(height):
        for c in range(width):
            text.append(chars[r][c], styles[r][c])
        if r < height - 1:
            text.append("\n")
    return text


def _band_style(band: int) -> str:
    if band < 0:
        return "bold"
    lighter = PALETTE[min(band + 2, len(PALETTE) - 1)] if band < 5 else PALETTE[max(band - 3, 0)]
    return f"{lighter} on {PALETTE[band]}"


def axis_title(scape: Landscape) -> str:
    """What the plane is: two weights with the rest at the start, or the runs' principal directions."""
    plane = scape.plane
    if plane.kind == PCA:
        first, second = plane.explained or (0.0, 0.0)
        return _("E over the plane of the runs' two principal directions from the start: x = PC1 "
                 "({first} of the movement), y = PC2 ({second})").format(first=f"{first:.0%}", second=f"{second:.0%}")
    return _("E over x = {x}, y = {y}; every other parameter held at the start point").format(
        x=plane.axes[0], y=plane.axes[1])


def framed_map(scape: Landscape, width: int, height: int, current: tuple[int, np.ndarray] | None = None) -> Text:
    """The map with its y labels on the left and x labels below (ASCII)."""
    u, v = scape.grid.u, scape.grid.v
    return framed(map_text(scape, width, height, current),
                  (number(float(u[0])), number(float((u[0] + u[-1]) / 2)), number(float(u[-1]))),
                  (number(float(v[-1])), number(float((v[0] + v[-1]) / 2)), number(float(v[0]))),
                  f"x: {scape.plane.axes[0]}, y: {scape.plane.axes[1]}")


def scale_text(scape: Landscape) -> Text:
    """The bands' lower edges, each shown in its character and colour, and the top edge."""
    edges, log = band_edges(scape.grid.values)
    text = Text((_("scale of E (log):") if log else _("scale of E (linear):")) + " ")
    for band, char in enumerate(RAMP):
        text.append(f"[{char}]", _band_style(band))
        text.append(f" {number(float(edges[band]))}  ")
    text.append(_("to {value}").format(value=number(float(edges[-1]))))
    return text


def legend_text(scape: Landscape, current_path: int | None = None) -> Text:
    """One line per path: its digit in its colour, its name, E at the start and at the end, and
    where it leaves the plotted area or diverges; then the marks."""
    text = Text()
    for index, path in enumerate(scape.paths):
        style = PATH_STYLES[index % len(PATH_STYLES)]
        text.append(f" {str(index + 1)[-1]} ", style + " reverse")
        updates = len(path.losses) - 1
        line = " " + ngettext("{name}: E {start} at the start, {end} after {updates} update",
                              "{name}: E {start} at the start, {end} after {updates} updates", updates).format(
            name=path.name, start=number(float(path.losses[0])), end=number(float(path.losses[-1])), updates=updates)
        leaves = scape.leaves_at(index)
        if leaves is not None:  # each clause a sentence of its own, after "; "
            line += "; " + _("leaves the plotted area at iteration {iteration} (after {updates} updates)").format(
                iteration=leaves + 1, updates=leaves)
        if path.diverged_at is not None:
            line += "; " + _("diverges: its weights or E are inf/NaN after {updates} updates").format(
                updates=path.diverged_at)
        if current_path == index:
            line += "  " + _("<- stepping")
        text.append(line + "\n")
    text.append(_("{start} the shared start   {current} where the learner is now   "
                  "{edge} where a path leaves the plotted area or diverges").format(
        start=START, current=CURRENT, edge=EDGE))
    return text


def cut_verdict(cut: Cut) -> str:
    """One line: E now, E after one gradient step of γ, and whether that step overshoots."""
    lowest = f"{cut.lowest_s:.2g}"
    if cut.after > cut.before:
        verdict = _("higher than now: the step overshoots the whole dip")
    elif cut.lowest_s < 1.0:
        verdict = _("lower, but past the lowest point of the cut (s = {s}): the step overshoots the bottom").format(
            s=lowest)
    else:
        verdict = _("lower, and short of the lowest point of the cut (s = {s} or beyond): downhill all the way").format(
            s=lowest)
    return _("E now (s = 0) {before}, after one step of gamma = {rate} (s = 1) {after}: {verdict}").format(
        before=number(cut.before), rate=f"{cut.learning_rate:g}", after=number(cut.after), verdict=verdict)


def cut_chart(cut: Cut, where: str, width: int = 61, height: int = 7) -> Text:
    """E along the cut through a point as a small ASCII chart ('|' marks s = 0, ':' s = 1) under
    a title line; lines start with their labels' padding (draw it without wrapping)."""
    values = np.where(np.isfinite(cut.values), cut.values, np.nan)
    finite = bool(np.any(np.isfinite(values)))
    top = min(float(np.nanmax(values)), 10 * max(cut.before, cut.after, 1e-300)) if finite else 1.0
    low = float(np.nanmin(values)) if finite else 0.0
    span = max(top - low, 1e-300)
    columns = np.rint(np.linspace(0, cut.s.size - 1, width)).astype(int)
    chart = [[" "] * width for _ in range(height)]
    s0, s1 = (int(np.argmin(np.abs(cut.s[columns] - target))) for target in (0.0, 1.0))
    for row in chart:
        row[s0], row[s1] = "|", ":"
    for c, i in enumerate(columns):
        if np.isfinite(values[i]):
            row = height - 1 - int(round((min(values[i], top) - low) / span * (height - 1)))
            chart[row][c] = "*"
    text = Text(_("Cut through {where}:").format(where=where) + "\nE(theta - s*gamma*dE/dtheta)\n", style="bold")
    text.append("\n".join(f"{number(top) if r == 0 else number(low) if r == height - 1 else '':>9} "
                          + "".join(row) for r, row in enumerate(chart)) + "\n")
    ruler = [" "] * width
    ruler[s0], ruler[s1] = "0", "1"
    text.append(" " * 10 + "".join(ruler).rstrip() + "   " + _("s: steps of gamma"))
    return text


def landscape_text(scape: Landscape, width: int = 60, height: int = 22,
                   cuts: Sequence[tuple[Cut, str]] = ()) -> Text:
    """Everything `landscape --format text` prints, as rich Text: title, map, scale, legend, and
    one verdict line per cut along the gradient."""
    text = Text((scape.titles.get(language()) or scape.title) + "\n", style="bold")  # its title_ko in Korean
    text.append(_("{plane}; {updates} updates per variant").format(plane=axis_title(scape), updates=scape.iterations)
                + "\n")
    text.append_text(framed_map(scape, width, height))
    text.append("\n")
    text.append_text(scale_text(scape))
    text.append("\n")
    text.append_text(legend_text(scape))
    if cuts:
        text.append("\n\n" + _("Cuts along the gradient, E(theta - s*gamma*dE/dtheta), through the start:") + "\n")
        for cut, where in cuts:
            text.append(f"  {where}: {cut_verdict(cut)}\n")
    return text


# -- JSON -----------------------------------------------------------------------------------------


def landscape_json(scape: Landscape, cuts: Sequence[tuple[Cut, str]] = ()) -> str:
    """Strict JSON: the plane's definition, the grid (axes and E, rows along y), each path's points
    (iteration, x, y, E) and, where made, the cuts along the gradient. inf and NaN are written as
    `core.strict_json` writes them."""
    plane = scape.plane
    document: dict[str, Any] = {
        "title": scape.title,
        "iterations": scape.iterations,
        "plane": {
            "kind": plane.kind,
            "x": plane.axes[0],
            "y": plane.axes[1],
            "explained": list(plane.explained) if plane.explained else None,
            "origin": plane.origin.tolist(),
            "directions": plane.directions.tolist(),
            "definition": "point(x, y) = origin + x*directions[0] + y*directions[1], parameters in the order of "
                          "'parameters'",
        },
        "parameters": list(scape.parameters),
        "grid": {"x": scape.grid.u.tolist(), "y": scape.grid.v.tolist(), "E": scape.grid.values.tolist(),
                 "layout": "E[j][i] is E at (x[i], y[j])"},
        "paths": [
            {
                "name": path.name,
                "description": path.description,
                "optimizer": path.optimizer,
                "learning_rate": path.learning_rate,
                "diverged_at": path.diverged_at,
                "leaves_at": scape.leaves_at(index),
                "points": [{"iteration": k, "x": float(uv[0]), "y": float(uv[1]), "E": float(e)}
                           for k, (uv, e) in enumerate(zip(scape.coords[index], path.losses))],
            }
            for index, path in enumerate(scape.paths)
        ],
    }
    if cuts:
        document["cuts"] = [{"through": where, "learning_rate": c.learning_rate, "s": c.s.tolist(),
                             "E": c.values.tolist(), "before": c.before, "after": c.after, "lowest_s": c.lowest_s}
                            for c, where in cuts]
    return strict_json.dumps(document, indent=1) + "\n"


# -- the image ------------------------------------------------------------------------------------


def edge_point(scape: Landscape, inside: np.ndarray, outside: np.ndarray) -> tuple[float, float]:
    """Where the segment from a point inside the plotted area to one outside crosses its edge."""
    low = np.array([scape.grid.u[0], scape.grid.v[0]])
    high = np.array([scape.grid.u[-1], scape.grid.v[-1]])
    step = outside - inside
    with np.errstate(divide="ignore", invalid="ignore"):
        limits = np.where(step > 0, (high - inside) / step, np.where(step < 0, (low - inside) / step, np.inf))
    t = float(min(1.0, np.min(limits)))
    point = inside + t * step
    return float(point[0]), float(point[1])


class PlotExtraMissing(ImportError):
    """matplotlib is not installed: the message names the extra that installs it."""


def landscape_image(scape: Landscape, fmt: str, cuts: Sequence[tuple[Cut, str]] = ()) -> bytes:
    """The same picture as an image (fmt "png" or "svg") made with matplotlib: filled contours
    with a colour bar, each path in its colour with a legend, the start and the marks.

    Raises PlotExtraMissing when matplotlib is not installed.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.colors import BoundaryNorm, ListedColormap
    except ImportError:
        raise PlotExtraMissing(_("an image needs matplotlib, the optional extra 'plot': {command}").format(
            command=MATPLOTLIB_EXTRA)) from None
    edges, log = band_edges(scape.grid.values)
    colours = ListedColormap(PALETTE)
    figure, axes = plt.subplots(1, 2 if cuts else 1, figsize=(12 if cuts else 7, 5.5), squeeze=False)
    ax = axes[0][0]
    values = np.where(np.isfinite(scape.grid.values), scape.grid.values, edges[-1])
    filled = ax.contourf(scape.grid.u, scape.grid.v, np.clip(values, edges[0], edges[-1]), levels=edges,
                         cmap=colours, norm=BoundaryNorm(edges, colours.N))
    figure.colorbar(filled, ax=ax, label="E" + (" (log-spaced bands)" if log else ""))
    matplotlib_colours = ("#e41a1c", "#ffffff", "#ff7f00", "#f781bf", "#00e5ff", "#000000")
    for index, (path, uv) in enumerate(zip(scape.paths, scape.coords)):
        colour = matplotlib_colours[index % len(matplotlib_colours)]
        leaves = scape.leaves_at(index)
        shown = uv if leaves is None else uv[:leaves + 1]  # to the first point outside: clipped at the edge
        ax.plot(shown[:, 0], shown[:, 1], color=colour, linewidth=1.5, label=f"{index + 1} {path.name}")
        if leaves is not None and leaves > 0:
            ax.plot(*edge_point(scape, uv[leaves - 1], uv[leaves]), marker="X", markersize=10, color=colour,
                    markeredgecolor="black", clip_on=False)
        elif path.diverged_at is not None:
            ax.plot(*uv[-1], marker="X", markersize=10, color=colour, markeredgecolor="black")
    if scape.coords:
        ax.plot(*scape.coords[0][0], marker="o", color="white", markeredgecolor="black", label="start")
    ax.set_xlim(scape.grid.u[0], scape.grid.u[-1])
    ax.set_ylim(scape.grid.v[0], scape.grid.v[-1])
    ax.set_xlabel(scape.plane.axes[0])
    ax.set_ylabel(scape.plane.axes[1])
    ax.set_title(scape.title, fontsize=10)
    ax.legend(loc="best", fontsize=8, framealpha=0.8)
    if cuts:
        right = axes[0][1]
        for index, (c, where) in enumerate(cuts):
            colour = ("#e41a1c", "#365c8d", "#ff7f00", "#f781bf", "#00a5bf", "#000000")[index % 6]
            right.plot(c.s, np.clip(c.values, None, 10 * max(c.before, 1e-300)), color=colour,
                       label=f"{where}: now {number(c.before)}, after one step {number(c.after)}")
            right.plot([1.0], [c.after], marker="o", color=colour)
        right.axvline(0.0, color="black", linewidth=0.8)
        right.axvline(1.0, color="grey", linestyle="--", linewidth=0.8)
        right.set_xlabel("s: gradient steps of gamma (0: now, 1: after one step)")
        right.set_ylabel("E")
        right.set_title("cuts along the gradient", fontsize=10)
        right.legend(fontsize=7)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt)
    plt.close(figure)
    return buffer.getvalue()
