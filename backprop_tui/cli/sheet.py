"""`backprop-tui sheet SCENARIO --students N --seed S -o DIR`: an exercise sheet per student.

For student k: DIR/STEM-k.toml (the scenario with the student's own numbers, core/dense/student.py),
DIR/STEM-k.md and DIR/STEM-k.tex (the sheet with blanks, markdown and LaTeX) and DIR/STEM-k.key.toml
(its answer key, the format `grade` reads). Nothing is written over unless --force; every file
is checked before the first is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from backprop_tui.cli.args import natural, whole_number

MAX_STUDENTS = 500


def register(subparsers: Any) -> None:
    """Add `sheet` to the CLI's subparsers."""
    p = subparsers.add_parser("sheet", help="write an exercise sheet with its answer key per student, "
                                            "each with its own numbers")
    p.add_argument("scenario", help="a path or a bundled name, e.g. lecture")
    p.add_argument("--students", type=whole_number(1, MAX_STUDENTS), required=True, metavar="N",
                   help="how many students (each gets different numbers)")
    p.add_argument("--seed", type=natural, required=True, metavar="S",
                   help="draws the students' numbers: the same seed gives the same sheets")
    p.add_argument("--output", "-o", required=True, metavar="DIR", help="the folder for the sheets (made if need be)")
    p.add_argument("--to", dest="last", type=whole_number(1, 50), default=1, metavar="M",
                   help="the sheet covers iterations 1 to M (default 1; at most the scenario's iterations)")
    p.add_argument("--phases", help="comma-separated phases on the sheet (default all)")
    p.add_argument("--blanks", default="all", metavar="WHAT",
                   help="what is left blank: all (default), phases, or names such as z1,delta2,theta2_new")
    p.add_argument("--force", action="store_true", help="replace sheets that exist")
    p.set_defaults(func=cmd_sheet)


def cmd_sheet(args: argparse.Namespace) -> int:
    """Draw the students' numbers, then write each one's scenario, sheets and key (nothing if any
    file exists unasked or any value is refused: UserError, exit 2)."""
    from backprop_tui.cli.dense import stepping_scenario_path
    from backprop_tui.core.dense.run import run
    from backprop_tui.core.dense.steps import build_steps
    from backprop_tui.core.dense.student import student_text, students
    from backprop_tui.core.errors import UserError
    from backprop_tui.core.fileio import atomic_write_text
    from backprop_tui.core.scenario.load import load, loads
    from backprop_tui.core.scenario.toml_source import read_text
    from backprop_tui.core.vocab import Phase
    from backprop_tui.render.answer_key import answer_key
    from backprop_tui.render.handout import HandoutOptions, build_handout
    from backprop_tui.walk.handout import HandoutFormat, parse_blanks, parse_phases, render

    path = stepping_scenario_path(args.scenario)
    scenario = load(path)
    if args.last > scenario.training.iterations:  # grade reads iterations 1 to the scenario's count
        raise UserError(f"--to {args.last}: {path.name} walks {scenario.training.iterations} "
                        f"iteration{'s' if scenario.training.iterations > 1 else ''}; a sheet covers at most those")
    phases = parse_phases(args.phases) if args.phases is not None else tuple(Phase)
    blank_phases, blank_quantities = parse_blanks(args.blanks)
    options = HandoutOptions(1, args.last, phases, (), blank_phases, blank_quantities)
    folder = Path(args.output)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"-o {folder}: is a file; name a folder for the sheets")
    width = len(str(args.students))
    names = [f"{path.stem}-{k:0{width}d}" for k in range(1, args.students + 1)]
    suffixes = (".toml", ".md", ".tex", ".key.toml")
    if not args.force:
        taken = [folder / (name + s) for name in names for s in suffixes if (folder / (name + s)).exists()]
        if taken:
            more = f" (and {len(taken) - 1} more)" if len(taken) > 1 else ""
            raise UserError(f"{taken[0]}{more} exists: pass --force to replace the sheets in {folder}")
    numbers = students(scenario, args.students, args.seed)
    source_text = read_text(path)
    texts: list[tuple[Path, str]] = []
    for k, (name, mine) in enumerate(zip(names, numbers), start=1):
        title = f"{scenario.title} (sheet {k} of {args.students}, seed {args.seed})"
        about = (f"Exercise sheet {k} of {args.students}: the network of {path.name} with your own numbers "
                 f"(drawn with seed {args.seed}).\nWork each step by hand and fill in every blank.\n")
        text = student_text(source_text, mine, title, about)
        student = loads(text, f"{name}.toml")  # the sheet is made from the file the student gets
        iterations = run(student, max(args.last, 1))
        steps = [s for it in iterations for s in build_steps(student, it, checks=False)]
        handout = build_handout(student, iterations, steps, options)
        texts += [(folder / f"{name}.toml", text),
                  (folder / f"{name}.md", render(handout, HandoutFormat.MARKDOWN)),
                  (folder / f"{name}.tex", render(handout, HandoutFormat.LATEX)),
                  (folder / f"{name}.key.toml", answer_key(handout, f"{name}.md and {name}.tex", f"{name}.toml"))]
    folder.mkdir(parents=True, exist_ok=True)
    for target, text in texts:
        atomic_write_text(target, text)
    print(f"wrote {args.students} sheet{'s' if args.students > 1 else ''} to {folder}: "
          f"{names[0]}.toml/.md/.tex/.key.toml" + (f" … {names[-1]}" if args.students > 1 else ""), file=sys.stderr)
    return 0
