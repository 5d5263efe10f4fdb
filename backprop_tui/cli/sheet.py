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
from backprop_tui.i18n import DEFAULT, LANGUAGES, _, ngettext, speaking

MAX_STUDENTS = 500


def register(subparsers: Any) -> None:
    """Add `sheet` to the CLI's subparsers."""
    p = subparsers.add_parser("sheet", help=_("write an exercise sheet with its answer key per student, "
                                              "each with its own numbers"))
    p.add_argument("scenario", help=_("a path or a bundled name, e.g. lecture"))
    p.add_argument("--students", type=whole_number(1, MAX_STUDENTS), required=True, metavar="N",
                   help=_("how many students (each gets different numbers)"))
    p.add_argument("--seed", type=natural, required=True, metavar="S",
                   help=_("draws the students' numbers: the same seed gives the same sheets"))
    p.add_argument("--output", "-o", required=True, metavar="DIR",
                   help=_("the folder for the sheets (made if need be)"))
    p.add_argument("--to", dest="last", type=whole_number(1, 50), default=1, metavar="M",
                   help=_("the sheet covers iterations 1 to M (default 1; at most the scenario's iterations)"))
    p.add_argument("--phases", help=_("comma-separated phases on the sheet (default all)"))
    p.add_argument("--blanks", default="all", metavar="WHAT",
                   help=_("what is left blank: all (default), phases, or names such as z1,delta2,theta2_new"))
    p.add_argument("--force", action="store_true", help=_("replace sheets that exist"))
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
        walked = scenario.training.iterations
        raise UserError(f"--to {args.last}: " + ngettext(
            "{file} walks {count} iteration; a sheet covers at most those",
            "{file} walks {count} iterations; a sheet covers at most those", walked).format(file=path.name, count=walked))
    phases = parse_phases(args.phases) if args.phases is not None else tuple(Phase)
    blank_phases, blank_quantities = parse_blanks(args.blanks)
    options = HandoutOptions(1, args.last, phases, (), blank_phases, blank_quantities)
    folder = Path(args.output)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"-o {folder}: " + _("is a file; name a folder for the sheets"))
    width = len(str(args.students))
    names = [f"{path.stem}-{k:0{width}d}" for k in range(1, args.students + 1)]
    suffixes = (".toml", ".md", ".tex", ".key.toml")
    if not args.force:
        taken = [folder / (name + s) for name in names for s in suffixes if (folder / (name + s)).exists()]
        if taken:
            if len(taken) > 1:
                raise UserError(_("{file} (and {count} more) exists: pass --force to replace the sheets in {folder}").format(
                    file=taken[0], count=len(taken) - 1, folder=folder))
            raise UserError(_("{file} exists: pass --force to replace the sheets in {folder}").format(
                file=taken[0], folder=folder))
    numbers = students(scenario, args.students, args.seed)
    source_text = read_text(path)
    texts: list[tuple[Path, str]] = []
    for k, (name, mine) in enumerate(zip(names, numbers), start=1):
        about = {language: _sheet_about(scenario, language, k, args.students, args.seed, path.name)
                 for language in LANGUAGES}
        text = with_translations(student_text(source_text, mine, *about[DEFAULT]), about)
        student = loads(text, f"{name}.toml")  # the sheet is made from the file the student gets
        iterations = run(student, max(args.last, 1))
        steps = [s for it in iterations for s in build_steps(student, it, checks=False)]
        handout = build_handout(student, iterations, steps, options)
        texts += [(folder / f"{name}.toml", text),
                  (folder / f"{name}.md", render(handout, HandoutFormat.MARKDOWN)),
                  (folder / f"{name}.tex", render(handout, HandoutFormat.LATEX)),
                  (folder / f"{name}.key.toml", answer_key(handout, _("{markdown} and {latex}").format(
                      markdown=f"{name}.md", latex=f"{name}.tex"), f"{name}.toml"))]
    folder.mkdir(parents=True, exist_ok=True)
    for target, text in texts:
        atomic_write_text(target, text)
    files = f"{names[0]}.toml/.md/.tex/.key.toml" + (f" … {names[-1]}" if args.students > 1 else "")
    print(ngettext("wrote {count} sheet to {folder}: {files}", "wrote {count} sheets to {folder}: {files}",
                   args.students).format(count=args.students, folder=folder, files=files), file=sys.stderr)
    return 0


def _sheet_about(scenario: Any, language: str, number: int, count: int, seed: int, file: str) -> tuple[str, str]:
    """(title, description) of student `number`'s file in `language`: the scenario's title in it
    (its title_ko in Korean) with the sheet's number and seed, and what the sheet asks."""
    with speaking(language):
        title = _("{title} (sheet {number} of {count}, seed {seed})").format(
            title=getattr(scenario, "titles", {}).get(language) or scenario.title, number=number, count=count,
            seed=seed)
        about = _("Exercise sheet {number} of {count}: the network of {file} with your own numbers (drawn with "
                  "seed {seed}).").format(number=number, count=count, file=file, seed=seed) + "\n" + _(
                  "Work each step by hand and fill in every blank.") + "\n"
    return title, about


def with_translations(text: str, about: dict[str, tuple[str, str]]) -> str:
    """The student's scenario `text` with title_LANG and description_LANG for every language but
    English (whose are `title` and `description`): the scenario's own title_ko and description_ko
    tell the original numbers' story, which a student's sheet must not show in Korean either."""
    import tomlkit

    document = tomlkit.parse(text)
    for language, (title, description) in about.items():
        if language != DEFAULT:
            document[f"title_{language}"] = title
            document[f"description_{language}"] = tomlkit.string(description, multiline=True)
    return tomlkit.dumps(document)
