"""The handout options of `trace` (--from, --to, --phases, --chain, --blanks, --key, --force) and
the writing of `trace --format markdown|latex`.

    backprop-tui trace lecture --format latex -o lecture.tex
    backprop-tui trace xor --format markdown --from 2 --to 3 --phases backward,update --chain theta1[1,1]
    backprop-tui trace lecture --format markdown --blanks backward,theta2_new -o sheets/
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from backprop_tui.cli.args import whole_number
from backprop_tui.core.errors import UserError
from backprop_tui.i18n import _, ngettext

HANDOUT_ONLY = ("phases", "chain", "blanks", "key", "full")
"""Options that shape a handout, refused with --format text or json."""


def add_handout_arguments(parser: Any, most: int) -> None:
    """Add the handout options to `trace`'s parser; `most` is the longest walk."""
    group = parser.add_argument_group(_("handouts (--format markdown or latex; --from and --to choose the "
                                        "iterations of every format)"))
    group.add_argument("--from", dest="first", type=whole_number(1, most), default=1, metavar="N",
                       help=_("the first iteration written (default 1)"))
    group.add_argument("--to", dest="last", type=whole_number(1, most), metavar="M",
                       help=_("the last iteration written (default: the last walked)"))
    group.add_argument("--phases", help=_("comma-separated phases to write (default all: forward,loss,backward,update)"))
    group.add_argument("--chain", nargs="+", metavar="WEIGHT",
                       help=_("add the chain rule of these weights or biases, e.g. theta1[1,1] b2[1]"))
    group.add_argument("--blanks", nargs="?", const="all", metavar="WHAT",
                       help=_("leave results blank for students (phases, or names such as z1,delta2,theta2_new; "
                              "default all) and write the answer key beside the sheet (needs -o)"))
    group.add_argument("--full", action="store_true",
                       help=_("write every iteration step by step (default: the first three and the last, "
                              "a table of the losses between)"))
    group.add_argument("--key", metavar="FILE.key.toml", help=_("where the answer key goes (default: beside the sheet)"))
    group.add_argument("--force", action="store_true", help=_("replace a sheet or key that exists"))


def walk_length(args: argparse.Namespace, scenario_iterations: int) -> int:
    """How many iterations to walk: --iterations, else --to, else the scenario's count.

    Raises UserError when --to is past an explicit --iterations.
    """
    if args.iterations is not None:
        if args.last is not None and args.last > args.iterations:
            raise UserError(f"--to {args.last}: " + ngettext(
                "the walk has {count} iteration (--iterations {count}); raise --iterations or lower --to",
                "the walk has {count} iterations (--iterations {count}); raise --iterations or lower --to",
                args.iterations).format(count=args.iterations))
        return args.iterations
    return args.last if args.last is not None else scenario_iterations


def refuse_handout_options(args: argparse.Namespace) -> None:
    """UserError when a handout-only option comes with --format text or json."""
    given = [f"--{name}" for name in HANDOUT_ONLY if getattr(args, name) not in (None, False)]
    if given:
        raise UserError(f"{', '.join(given)}: " + ngettext(
            "applies to handouts; add --format markdown or --format latex",
            "apply to handouts; add --format markdown or --format latex", len(given)))


def handout_options(args: argparse.Namespace, scenario: Any) -> Any:
    """The HandoutOptions the flags ask for (UserError for a bad phase, weight or blank)."""
    from backprop_tui.core.vocab import Phase
    from backprop_tui.render.handout import DETAILED, HandoutOptions
    from backprop_tui.walk.handout import parse_blanks, parse_chain, parse_phases

    phases = parse_phases(args.phases) if args.phases is not None else tuple(Phase)
    chains = parse_chain(args.chain, scenario) if args.chain else ()
    blank_phases, blank_quantities = parse_blanks(args.blanks) if args.blanks is not None else (frozenset(), frozenset())
    return HandoutOptions(args.first, args.last, phases, chains, blank_phases, blank_quantities,
                          None if args.full else DETAILED)


def write_trace_handout(args: argparse.Namespace, scenario: Any, iterations: list[Any], build_steps: Any = None) -> int:
    """`trace --format markdown|latex`: to stdout, or -o FILE/DIR (with blanks, the key as well).
    Only the iterations written step by step have their steps built, by `build_steps(scenario,
    iteration)` (the dense engine's unless given: a convolutional scenario passes its own)."""
    if build_steps is None:
        from backprop_tui.core.dense.steps import build_steps
    from backprop_tui.render.handout import build_handout, check_range, detailed_iterations
    from backprop_tui.walk.handout import HandoutFormat, handout_files, render, write_handout

    form = HandoutFormat(args.format)
    options = handout_options(args, scenario)
    first, last = check_range(options, len(iterations))
    steps = [s for n in sorted(detailed_iterations(options, first, last)) for s in build_steps(scenario, iterations[n - 1])]
    if args.key is not None and not options.blanks:
        raise UserError(_("--key: an answer key belongs to a sheet with blanks; add --blanks"))
    if options.blanks and args.output is None:
        raise UserError(_("--blanks writes two files, the sheet and its answer key: give -o DIR or -o {file} "
                          "(the key goes beside it, or where --key says)").format(file=f"FILE{form.suffix}"))
    if args.output is None:
        sys.stdout.write(render(build_handout(scenario, iterations, steps, options), form))
        return 0
    stem = scenario.source.stem if scenario.source else "scenario"
    if scenario.variant:
        stem += f"-{scenario.variant}"
    if args.output.endswith(("/", "\\")):  # a folder asked for by name: made if need be
        Path(args.output).mkdir(parents=True, exist_ok=True)
    files = handout_files(args.output, stem, form, options.blanks, Path(args.key) if args.key else None)
    # a plain handout replaces the file named, as every -o does; a sheet writes a second file the
    # user did not name, so it replaces nothing unless --force says so
    write_handout(scenario, iterations, steps, options, form, files, replace=args.force or not options.blanks)
    for path in files.all:
        print(_("wrote {file}").format(file=path), file=sys.stderr)
    return 0
