"""`backprop-tui plane`: what every unit computes over the plane of two inputs, as a text heat map
(the chosen unit large, every unit small) or strict JSON (the axes, the grid per unit, the data)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from backprop_tui.cli.args import whole_number
from backprop_tui.core.errors import UserError
from backprop_tui.i18n import _, error_text

if TYPE_CHECKING:
    from backprop_tui.core.dense.plane import InputPlane, UnitPlane

MAX_ITERATION = 100_000
"""Each update is one engine step; beyond this the picture waits on a training run."""


def pair(text: str) -> tuple[int, int]:
    """An argparse type: two whole numbers from 1, "A,B" → (A, B)."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != 2 or not all(part.isdigit() and int(part) >= 1 for part in parts):
        raise argparse.ArgumentTypeError(_("expected two whole numbers from 1 separated by a comma, such as 2,1; "
                                           "got {found}").format(found=repr(text)))
    return int(parts[0]), int(parts[1])


def register(subparsers: Any) -> None:
    """Add `plane` to the CLI's subparsers."""
    p = subparsers.add_parser(
        "plane", help=_("what every unit computes over the plane of two inputs (heat maps, or JSON)"),
        description=_("Each unit's value over the plane of two inputs, for the weights after N updates: the chosen "
                      "unit (by default the output) large, with its scale, the data points labelled by their target "
                      "and the decision boundary (yhat = 0.5 for one sigmoid output; for softmax, the region where "
                      "each class is the most likely), then every unit small in the network diagram's order. With "
                      "more than two inputs, two are drawn and the others held at their mean over the data."))
    p.add_argument("scenario", help=_("a path or a bundled name with two or more inputs, e.g. xor"))
    p.add_argument("--iteration", type=whole_number(0, MAX_ITERATION), metavar="N",
                   help=_("the weights after N updates, i.e. after iteration N (0: the start; "
                          "default: the scenario's planned count)"))
    p.add_argument("--unit", type=pair, metavar="LAYER,INDEX",
                   help=_("the unit drawn large, both counted from 1, e.g. 1,2 for the second hidden unit "
                          "(default: the output, or the first output)"))
    p.add_argument("--inputs", type=pair, metavar="I,J",
                   help=_("the inputs across and up, counted from 1 (default 1,2); the others are held at their mean"))
    p.add_argument("--variant", help=_("apply one of the scenario's [[variant]] tables"))
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--resolution", type=whole_number(3, 201), default=41, help=_("JSON grid points per axis (default 41)"))
    p.add_argument("--width", type=whole_number(10, 300), default=48, help=_("text map width in characters (default 48)"))
    p.add_argument("--height", type=whole_number(5, 150), default=20, help=_("text map height in lines (default 20)"))
    p.set_defaults(func=cmd_plane)


def cmd_plane(args: argparse.Namespace) -> int:
    """Compute the input plane and print it as text or JSON; a bad choice is exit 2."""
    from rich.console import Console

    from backprop_tui.cli.dense import require_variant, stepping_scenario_path
    from backprop_tui.cli.textout import json_for
    from backprop_tui.core.dense.plane import plane_after
    from backprop_tui.core.scenario.load import load
    from backprop_tui.render.describe import scenario_title
    from backprop_tui.render.plane import plane_json, plane_text

    path = stepping_scenario_path(args.scenario)
    if args.variant is not None:
        require_variant(load(path), args.variant)
    scenario = load(path, args.variant)
    inputs = None if args.inputs is None else (args.inputs[0] - 1, args.inputs[1] - 1)
    try:
        plane = plane_after(scenario, args.iteration, inputs, args.resolution if args.format == "json" else 81)
    except UserError as error:
        flag = f"--inputs {args.inputs[0]},{args.inputs[1]}: " if inputs is not None and scenario.inputs >= 2 else ""
        raise UserError(f"{path.name}: {flag}{error_text(error)}") from None
    chosen = chosen_unit(plane, args.unit, path.name)
    if args.format == "json":
        sys.stdout.write(json_for(sys.stdout, plane_json(plane, scenario.title, path.name, args.variant)))
        return 0
    console = Console(highlight=False, soft_wrap=True)
    console.print(plane_text(plane, scenario_title(scenario), chosen, args.width, args.height,
                             colour=in_colour(console), total_width=max(console.width, 20)))
    return 0


def in_colour(console: Any) -> bool:
    """Half blocks in colour on a colour terminal that can show them; ASCII characters otherwise
    (a pipe, NO_COLOR, TERM=dumb, PYTHONIOENCODING=ascii), as `predict` draws its images."""
    from backprop_tui.cli.cnn_output import can_encode
    from backprop_tui.render.picture import UPPER_HALF

    return console.color_system is not None and not console.no_color and can_encode(sys.stdout, UPPER_HALF + "━")


def chosen_unit(plane: InputPlane, unit: tuple[int, int] | None, source: str) -> UnitPlane:
    """The UnitPlane `--unit LAYER,INDEX` names (1-based), or the first output unit by default.

    Raises UserError naming the units the network has.
    """
    last = max(u.layer for u in plane.units)
    if unit is None:
        return plane.unit(last, 0)
    layer, index = unit
    try:
        return plane.unit(layer, index - 1)
    except KeyError:
        sizes = ", ".join(_("layer {layer}: units 1 to {count}").format(
            layer=l, count=sum(u.layer == l for u in plane.units)) for l in range(1, last + 1))
        raise UserError(f"{source}: --unit {layer},{index}: " + _("the network has no such unit ({sizes})").format(
            sizes=sizes)) from None
