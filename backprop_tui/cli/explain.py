"""`backprop-tui explain SCENARIO CELL`: the worked line of one result cell, without a screen.

The same line the app shows under the cursor (render/worked.py), or its data as strict JSON: the
operation, each term's operand cells and values, and the result.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from backprop_tui.cli.args import whole_number
from backprop_tui.cli.textout import encodes
from backprop_tui.core.errors import UserError
from backprop_tui.i18n import _, error_text

UNICODE_SAMPLE = "θ¹ᵀ₂₁·σ′−←Σ½²…≥"
"""Characters a worked line uses: an output that cannot encode them gets the ASCII names."""
MAX_ITERATION = 100_000
"""Each earlier iteration is computed first; past this, explain is a training run."""


def register(subparsers: Any) -> None:
    """Add `explain` to the CLI's subparsers."""
    p = subparsers.add_parser(
        "explain", help=_("the arithmetic of one number: which operand cells make it, with their values"),
        description=_("Print the worked line of one result cell, e.g. `backprop-tui explain lecture z1[2]` "
                      "prints z¹₂ = θ¹ᵀ₂₁·x₁ + θ¹ᵀ₂₂·x₂ = 1.1·1.0 + 0.7·0.5 = 1.45. A name without a "
                      "cell (z1) explains every cell of it."))
    p.add_argument("scenario", help=_("a path or a bundled name, e.g. lecture"))
    p.add_argument("cell", metavar="CELL",
                   help=_("an ASCII quantity name with a 1-based cell: z1[2], a1[1], delta2[1], "
                          "dE_dtheta2[1,1], theta2_new[1,1], theta1_T[2,1] (quote it in the shell)"))
    p.add_argument("--iteration", type=whole_number(1, MAX_ITERATION), default=1,
                   help=_("which iteration (update), from 1 (default 1)"))
    p.add_argument("--variant", help=_("apply one of the scenario's [[variant]] tables"))
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_explain)


def computed_names(steps: list) -> list[str]:
    """The ASCII names of every quantity the steps compute, in the order they are computed."""
    names: list[str] = []
    for step in steps:
        for op in step.operations:
            names += [key.ascii for key in op.results if key.ascii not in names]
    return names


def cmd_explain(args: argparse.Namespace) -> int:
    """Print the worked line(s) of CELL in iteration N; a CELL naming nothing computed is exit 2."""
    from backprop_tui.cli.dense import stepping_scenario_path
    from backprop_tui.core.dense.run import run
    from backprop_tui.core.dense.steps import build_steps
    from backprop_tui.core.strict_json import dumps
    from backprop_tui.core.scenario.load import load
    from backprop_tui.core.vocab import Kind, QuantityNameError, parse_cell
    from backprop_tui.render.worked import worked, worked_json

    from backprop_tui.cli.conv import conv_iterations, is_conv, load_conv_scenario

    path = stepping_scenario_path(args.scenario)
    if is_conv(path):
        scenario = load_conv_scenario(path, args.variant)
        iterations, all_steps = conv_iterations(scenario, args.iteration, checks=False)
        steps = [s for s in all_steps if s.iteration == args.iteration]
    else:
        scenario = load(path, args.variant)
        iteration = run(scenario, args.iteration)[-1]
        steps = build_steps(scenario, iteration, checks=False)
    names = computed_names(steps)
    accepted = _("The steps of {file} compute: {names}; a cell is counted from 1, as z1[2] in a column vector "
                 "or theta1[2,3] in a matrix (quote it in the shell).").format(file=path.name, names=", ".join(names))
    where = f"{path.name}: CELL {args.cell!r}"
    try:
        cell = parse_cell(args.cell)
    except QuantityNameError as error:
        raise UserError(f"{where}: {error_text(error)} {accepted}") from None
    step = next((s for s in steps if s.producer(cell.key) is not None), None)
    if step is None:
        if cell.key.kind is Kind.ACTIVATION and cell.key.layer == len(scenario.layers):
            why = _("no step computes {name} (the output layer's activation is yhat): it is read, not computed, "
                    "or this network has no such layer.").format(name=cell.key.ascii)
        else:
            why = _("no step computes {name}: it is read, not computed, or this network has no such layer.").format(
                name=cell.key.ascii)
        raise UserError(f"{where}: {why} {accepted}")
    shape = step.matrix(cell.key).shape
    if cell.index:
        try:
            cells = [cell.at(shape)]
        except QuantityNameError as error:
            raise UserError(f"{where}: {error_text(error)}") from None
    else:
        cells = [(r, c) for r in range(shape[0]) for c in range(shape[1])]
    if args.format == "json":
        data = [worked_json(step, cell.key, at) for at in cells]
        # one cell (named, or a 1×1 quantity such as E) is one document; a whole matrix lists its cells
        document = {"scenario": path.name, "variant": args.variant, "iteration": args.iteration,
                    "cells": data} if len(cells) > 1 else {"scenario": path.name, "variant": args.variant, **data[0]}
        sys.stdout.write(dumps(document, indent=2, ascii_only=not encodes(sys.stdout, UNICODE_SAMPLE)) + "\n")
        return 0
    ascii = not encodes(sys.stdout, UNICODE_SAMPLE)
    for at in cells:
        print(worked(step, cell.key, at, ascii=ascii).line)
    return 0
