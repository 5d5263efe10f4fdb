"""CLI subcommands for scenario authors: `compare` variants side by side, write a `new` scenario."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from backprop_tui.cli.args import natural, positive
from backprop_tui.core.errors import UserError
from backprop_tui.i18n import _, ngettext


def register(subparsers: Any) -> None:
    """Add `compare` and `new` to the CLI's subparsers."""
    p = subparsers.add_parser("compare", help=_("the loss of every variant of a scenario, as a table and a plot"))
    p.add_argument("scenario", help=_("a path or a bundled name, e.g. learning-rate"))
    p.add_argument("--iterations", type=positive, help=_("updates per variant (default: the longest variant's)"))
    p.add_argument("--at", type=_points, help=_("iterations for the table, e.g. 0,10,100 (default: a handful)"))
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--width", type=positive, default=100, help=_("plot width in characters (default 100)"))
    p.add_argument("--height", type=positive, default=24, help=_("plot height in lines (default 24)"))
    p.set_defaults(func=cmd_compare)

    p = subparsers.add_parser("new", help=_("write a commented scenario file that validates as written"))
    p.add_argument("file", help=_("the scenario file to write, e.g. my.toml"))
    p.add_argument("--layers", type=_sizes, default=[2, 3, 1], help=_("units per layer, inputs first (default 2,3,1)"))
    p.add_argument("--activation", default="sigmoid", help=_("hidden (and, where the loss allows, output) activation"))
    p.add_argument("--loss", default="squared_error", help=_("squared_error, mse, cross_entropy or binary_cross_entropy"))
    p.add_argument("--seed", type=natural, default=0, help=_("seed of the initial weights and sample data (default 0)"))
    p.add_argument("--force", action="store_true", help=_("overwrite FILE if it exists"))
    p.set_defaults(func=cmd_new)


# -- argument types -------------------------------------------------------------------------------


def _points(text: str) -> list[int]:
    return sorted({natural(part.strip()) for part in text.split(",") if part.strip()})


def _sizes(text: str) -> list[int]:
    return [positive(part.strip()) for part in text.split(",")]


# -- compare --------------------------------------------------------------------------------------


def cmd_compare(args: argparse.Namespace) -> int:
    """`compare`: every variant's loss at the chosen iterations, as a table and a plot (or JSON).

    Raises UserError for a CNN scenario and ScenarioError for a file with problems."""
    from backprop_tui.core.dense.compare import compare, default_iterations, default_points
    from backprop_tui.core.scenario.load import load
    from backprop_tui.render.compare import comparison_json, comparison_text

    _refuse_cnn(args.scenario)
    scenario = load(args.scenario)
    iterations = args.iterations
    if iterations is None:
        iterations = max([default_iterations(scenario), *(args.at or [])])
    points = args.at or default_points(iterations)
    if points and points[-1] > iterations:
        raise UserError(_("--at: {point} is beyond --iterations {iterations}").format(
            point=points[-1], iterations=iterations))
    comparison = compare(scenario, iterations)
    if args.format == "json":
        from backprop_tui.cli.textout import json_for
        from backprop_tui.core import strict_json

        sys.stdout.write(json_for(sys.stdout, strict_json.dumps(comparison_json(comparison, points), indent=2)) + "\n")
    else:
        sys.stdout.write(comparison_text(comparison, points, args.width, args.height))
    return 0


def _refuse_cnn(name: str) -> None:
    """A CNN scenario has no variants or steps: say so instead of listing its keys as unknown."""
    from backprop_tui.core.scenario.bundled import resolve
    from backprop_tui.core.scenario.kind import file_kind
    from backprop_tui.core.vocab import ScenarioKind

    if file_kind(resolve(name)) is ScenarioKind.CNN:
        raise UserError(f"{name}: " + _("a CNN scenario; compare works on step-through (dense) scenarios. "
                                        "Train it with `backprop-tui train`."))


# -- new ------------------------------------------------------------------------------------------


def cmd_new(args: argparse.Namespace) -> int:
    """`new`: write a commented scenario file that validates as written, atomically.

    Raises UserError when the file exists (without --force) or is a directory."""
    from backprop_tui.core.fileio import atomic_write_text
    from backprop_tui.core.scenario.template import scenario_text
    from backprop_tui.core.wording import article

    path = Path(args.file)
    if path.exists() and not args.force:
        raise UserError(f"{path}: " + _("already exists; use --force to overwrite it"))
    if path.is_dir():
        raise UserError(f"{path}: " + _("is a directory"))
    title = path.stem.replace("_", " ").replace("-", " ").strip().capitalize() or "My scenario"
    text = scenario_text(args.layers, args.activation, args.loss, args.seed, title=title)
    atomic_write_text(path, text)
    for note in _choices_made_for_you(args.layers, args.activation, args.loss):
        print(_("note: {note}").format(note=note), file=sys.stderr)
    sizes = "-".join(map(str, args.layers))
    # {article}: English's "a"/"an" (Korean has none: its translation leaves the slot out)
    print(_("wrote {file}: {article} {sizes} network; try `{trace}` or `{open}`").format(
        file=path, article=article(sizes), sizes=sizes, trace=f"backprop-tui trace {path}",
        open=f"backprop-tui {path}"), file=sys.stderr)
    return 0


def _choices_made_for_you(sizes: list[int], activation: str, loss: str) -> list[str]:
    """What `new` wrote differently from what the flags say, naming the flag that decided it."""
    from backprop_tui.core.scenario.template import output_activation
    from backprop_tui.core.wording import article

    output = output_activation(loss, activation)
    if output == activation:
        return []
    network = "-".join(map(str, sizes))
    # {article}, {network_article}: English's "a"/"an" (Korean's translation leaves them out)
    if len(sizes) == 2:
        return [_("--loss {loss} needs {article} {output} output layer, so the output layer is {output} and "
                  "--activation {activation} is not used: {network_article} {network} network has no hidden layer"
                  ).format(loss=loss, article=article(output), output=output, activation=activation,
                           network_article=article(network),
                           network=network)]
    hidden = len(sizes) - 2
    return [ngettext("--loss {loss} needs {article} {output} output layer: the output layer is {output}, "
                     "the hidden layer {activation} (--activation)",
                     "--loss {loss} needs {article} {output} output layer: the output layer is {output}, "
                     "the hidden layers {activation} (--activation)", hidden).format(
        loss=loss, article=article(output), output=output, activation=activation)]
