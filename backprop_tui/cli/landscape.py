"""`backprop-tui landscape`: the error surface over a plane of parameter space, with each
variant's path on it, as a text heat map, strict JSON, or (with matplotlib) an image."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from backprop_tui.cli.args import whole_number
from backprop_tui.core.errors import UserError
from backprop_tui.i18n import _, error_text

MAX_ITERATIONS = 100_000
"""Each path is one engine run; beyond this a landscape takes minutes rather than seconds."""
IMAGE_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def register(subparsers: Any) -> None:
    """Add `landscape` to the CLI's subparsers."""
    p = subparsers.add_parser(
        "landscape", help=_("the error surface over two weights (or the runs' principal plane), with each variant's path"),
        description=_("E on all the data over a plane through parameter space, drawn as a heat map with contour bands, "
                      "and each variant's path from the same start. The plane is two weights (the others held at the "
                      "start point; by default the two that move most over the run) or, with --plane pca, the plane "
                      "of the runs' two principal directions."))
    p.add_argument("scenario", help=_("a path or a bundled name, e.g. learning-rate"))
    p.add_argument("--variant", action="append", metavar="V",
                   help=_("draw only this variant's path (repeat for several; default: every variant)"))
    p.add_argument("--iterations", type=whole_number(1, MAX_ITERATIONS),
                   help=_("updates per path (default: the longest run any variant asks for)"))
    p.add_argument("--plane", metavar="W1,W2|pca",
                   help=_("two weights by ASCII name, e.g. 'theta1[1,1],theta2[2,1]', or 'pca' "
                          "(default: the two weights that move most)"))
    p.add_argument("--resolution", type=whole_number(8, 400), default=60,
                   help=_("grid points per axis (default 60)"))
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--width", type=whole_number(20, 400), default=60, help=_("text map width in characters (default 60)"))
    p.add_argument("--height", type=whole_number(8, 200), default=22, help=_("text map height in lines (default 22)"))
    p.add_argument("--output", "-o", metavar="FILE",
                   help=_("write there (atomically); FILE.png or FILE.svg makes an image (needs the 'plot' extra)"))
    p.set_defaults(func=cmd_landscape)


def cmd_landscape(args: argparse.Namespace) -> int:
    """Compute the landscape and write it as text, JSON or an image."""
    from rich.console import Console

    from backprop_tui.cli.dense import stepping_scenario_path
    from backprop_tui.core.dense.landscape import WEIGHTS, gradient_cut, landscape
    from backprop_tui.core.dense.compare import variant_scenarios
    from backprop_tui.core.dense.run import initial_state
    from backprop_tui.core.fileio import atomic_write_bytes, atomic_write_text
    from backprop_tui.core.scenario.load import load
    from backprop_tui.render.landscape import PlotExtraMissing, landscape_image, landscape_json, landscape_text

    image = IMAGE_FORMATS.get(Path(args.output).suffix.lower()) if args.output else None
    if image:
        _check_matplotlib()
    scenario = load(stepping_scenario_path(args.scenario))
    scape = landscape(scenario, args.plane, args.iterations, args.resolution, args.variant)
    cuts = []
    if scape.plane.kind == WEIGHTS:
        wanted = {path.name for path in scape.paths}
        for name, _spec, variant in variant_scenarios(scenario):
            cut = gradient_cut(variant, initial_state(variant).params) if name in wanted else None
            if cut is not None:
                cuts.append((cut, name))
    if image:
        try:
            data = landscape_image(scape, image, cuts)
        except PlotExtraMissing as error:
            raise UserError(error_text(error)) from None
        atomic_write_bytes(args.output, data, "image")
        print(_("wrote {file}").format(file=args.output), file=sys.stderr)
        return 0
    if args.format == "json":
        text = landscape_json(scape, cuts)
        if args.output is None:
            from backprop_tui.cli.textout import json_for

            sys.stdout.write(json_for(sys.stdout, text))
            return 0
    else:
        if args.output is None:
            Console(highlight=False, soft_wrap=True).print(landscape_text(scape, args.width, args.height, cuts))
            return 0
        text = landscape_text(scape, args.width, args.height, cuts).plain + "\n"
    if args.output:
        atomic_write_text(args.output, text)
        print(_("wrote {file}").format(file=args.output), file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _check_matplotlib() -> None:
    """Before any work: an image needs matplotlib (the 'plot' extra)."""
    from importlib.util import find_spec

    from backprop_tui.render.landscape import MATPLOTLIB_EXTRA

    if find_spec("matplotlib") is None:
        raise UserError(_("an image (-o FILE.png or FILE.svg) is drawn with matplotlib, which is not installed; "
                          "it comes with the optional extra 'plot': {extra}").format(extra=MATPLOTLIB_EXTRA))
