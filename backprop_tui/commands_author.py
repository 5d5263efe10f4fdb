"""CLI subcommands for scenario authors: `compare` variants side by side, write a `new` scenario."""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np

from backprop_tui.cli_args import natural, positive
from backprop_tui.engine.compare import Comparison, ceiling, compare, default_iterations, default_points, plot_points
from backprop_tui.errors import UserError
from backprop_tui.fileio import atomic_write_text
from backprop_tui.scenario.bundled import resolve
from backprop_tui.scenario.load import load
from backprop_tui.scenario.template import scenario_text
from backprop_tui.scenario.toml_source import read_toml

MARKERS = ("•", "x", "+", "o", "*", "#", "%", "@")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("compare", help="the loss of every variant of a scenario, as a table and a plot")
    p.add_argument("scenario", help="a path or a bundled name, e.g. learning-rate")
    p.add_argument("--iterations", type=positive, help="updates per variant (default: the longest variant's)")
    p.add_argument("--at", type=_points, help="iterations for the table, e.g. 0,10,100 (default: a handful)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--width", type=positive, default=100, help="plot width in characters (default 100)")
    p.add_argument("--height", type=positive, default=24, help="plot height in lines (default 24)")
    p.set_defaults(func=cmd_compare)

    p = subparsers.add_parser("new", help="write a commented scenario file that validates as written")
    p.add_argument("file", help="the scenario file to write, e.g. my.toml")
    p.add_argument("--layers", type=_sizes, default=[2, 3, 1], help="units per layer, inputs first (default 2,3,1)")
    p.add_argument("--activation", default="sigmoid", help="hidden (and, where the loss allows, output) activation")
    p.add_argument("--loss", default="squared_error", help="squared_error, mse, cross_entropy or binary_cross_entropy")
    p.add_argument("--seed", type=natural, default=0, help="seed of the initial weights and sample data (default 0)")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.set_defaults(func=cmd_new)


# -- argument types -------------------------------------------------------------------------------


def _points(text: str) -> list[int]:
    return sorted({natural(part.strip()) for part in text.split(",") if part.strip()})


def _sizes(text: str) -> list[int]:
    return [positive(part.strip()) for part in text.split(",")]


# -- compare --------------------------------------------------------------------------------------


def cmd_compare(args: argparse.Namespace) -> int:
    _refuse_cnn(args.scenario)
    scenario = load(args.scenario)
    iterations = args.iterations
    if iterations is None:
        iterations = max([default_iterations(scenario), *(args.at or [])])
    points = args.at or default_points(iterations)
    if points and points[-1] > iterations:
        raise UserError(f"--at: {points[-1]} is beyond --iterations {iterations}")
    comparison = compare(scenario, iterations)
    if args.format == "json":
        sys.stdout.write(json.dumps(comparison_json(comparison, points), indent=2) + "\n")
    else:
        sys.stdout.write(comparison_text(comparison, points, args.width, args.height))
    return 0


def _refuse_cnn(name: str) -> None:
    """A CNN scenario has no variants or steps: say so instead of listing its keys as unknown."""
    from backprop_tui.cnn.config import is_cnn_document

    if is_cnn_document(read_toml(resolve(name))):
        raise UserError(f"{name}: a CNN scenario; compare works on step-through (dense) scenarios. "
                        "Train it with `backprop-tui train`.")


def _cell(value: float) -> str:
    return f"{value:.4g}" if math.isfinite(value) else ("nan" if math.isnan(value) else "inf")


def _finite_or_none(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def loss_table(comparison: Comparison, points: list[int]) -> str:
    """Rows: iterations; columns: variants; cells: the full-data loss after that many updates."""
    header = ["iteration", *(curve.name for curve in comparison.curves)]
    rows = [[str(k), *(_cell(curve.at(k)) for curve in comparison.curves)] for k in points]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths)).rstrip() for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def loss_plot(comparison: Comparison, width: int = 100, height: int = 24) -> str:
    """All variants' loss curves on one plotext chart, a legend line under it; log-scale y where possible.

    The legend is printed below rather than by plotext, whose legend box covers the curves' start.
    """
    import plotext as plt

    cap = ceiling(comparison)
    plt.clear_figure()
    plt.limitsize(False, False)
    plt.plotsize(width, height)
    plt.theme("clear")
    legend = []
    plotted: list[float] = []
    for curve, marker in zip(comparison.curves, MARKERS * 4):
        xs, ys = plot_points(curve, cap)
        diverged = "" if curve.diverged_at is None else (
            f" (diverged at iteration {curve.diverged_at})" if curve.diverged_at else " (inf/NaN from the start)")
        legend.append(f"{marker * 2} {curve.name}{diverged}")
        if not xs:
            continue
        plt.plot(xs, ys, marker=marker)
        plotted += ys
    key = "legend: " + "   ".join(legend) + "\n"
    if not plotted:
        plt.clear_figure()
        return "(nothing to plot: every loss is inf/NaN from the start)\n" + key
    # Log scale where it helps (a wide positive range); plotext mislabels a flat log axis.
    logscale = min(plotted) > 0 and max(plotted) >= 10 * min(plotted)
    if logscale:
        plt.yscale("log")
    end = max(comparison.iterations, 1)
    plt.xticks(sorted({round(end * i / 4) for i in range(5)}))
    plt.title("loss E on all the data" + (" (log scale)" if logscale else ""))
    plt.xlabel("iteration (updates done)")
    plt.xlim(0, end)
    try:
        text = _ANSI.sub("", plt.build())
    except Exception as error:  # noqa: BLE001 - a plotting quirk must not hide the table above
        return f"(no plot: plotext failed: {error})\n" + key
    finally:
        plt.clear_figure()
    lines = [line.rstrip() for line in text.splitlines()]
    return "\n".join(lines) + "\n" + key


def comparison_text(comparison: Comparison, points: list[int], width: int = 100, height: int = 24) -> str:
    """The table, the divergence notes and the plot, as `compare` prints them."""
    names = ", ".join(curve.name for curve in comparison.curves)
    parts = [
        f"{comparison.title}\n",
        f"Loss E on all the data after k updates (k = 0: the initial weights), "
        f"{comparison.iterations} updates per variant: {names}\n\n",
        loss_table(comparison, points),
    ]
    notes = [f"{c.name}: diverged at iteration {c.diverged_at} (the loss is inf/NaN from there on)"
             if c.diverged_at else f"{c.name}: the loss is inf/NaN from the start"
             for c in comparison.curves if c.diverged_at is not None]
    cap = ceiling(comparison)
    if any(np.any(c.losses[np.isfinite(c.losses)] > cap) for c in comparison.curves):
        notes.append(f"(in the plot, losses above {cap:.4g} are drawn at {cap:.4g})")
    if notes:
        parts.append("\n" + "\n".join(notes) + "\n")
    parts.append("\n" + loss_plot(comparison, width, height))
    return "".join(parts)


def comparison_json(comparison: Comparison, points: list[int]) -> dict[str, Any]:
    """Plain data: losses at the chosen points and the whole curve; inf/NaN become null."""
    return {
        "title": comparison.title,
        "iterations": comparison.iterations,
        "at": points,
        "variants": [
            {
                "name": curve.name,
                "description": curve.description,
                "losses": [_finite_or_none(curve.at(k)) for k in points],
                "final": _finite_or_none(curve.final),
                "diverged_at": curve.diverged_at,
                "curve": [_finite_or_none(v) for v in curve.losses],
            }
            for curve in comparison.curves
        ],
    }


# -- new ------------------------------------------------------------------------------------------


def cmd_new(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if path.exists() and not args.force:
        raise UserError(f"{path}: already exists; use --force to overwrite it")
    if path.is_dir():
        raise UserError(f"{path}: is a directory")
    title = path.stem.replace("_", " ").replace("-", " ").strip().capitalize() or "My scenario"
    text = scenario_text(args.layers, args.activation, args.loss, args.seed, title=title)
    atomic_write_text(path, text)
    print(f"wrote {path}: a {'-'.join(map(str, args.layers))} network; "
          f"try `backprop-tui trace {path}` or `backprop-tui {path}`", file=sys.stderr)
    return 0
