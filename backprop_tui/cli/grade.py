"""`backprop-tui grade SCENARIO ANSWERS.toml`: mark a sheet of answers, naming each known mistake.

Each asked cell is right (within the tolerance), wrong (with the value, and the mistake it
matches in words where it matches one) or missing. Without `--key` every cell the steps of each
answered iteration compute is asked; with `--key KEY.toml` (an answer key in the same format,
as `sheet` writes them) only the key's cells are. The sheet format: docs/answer-sheets.md.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from backprop_tui.cli.args import number_in
from backprop_tui.cli.textout import encodes, pad, text_width, wrap
from backprop_tui.i18n import N_, _

UNICODE_SAMPLE = "θ¹ᵀ₂₁·σ′−∂ŷ½"
"""Characters a sentence uses: JSON to an output that cannot encode them is escaped instead."""


def register(subparsers: Any) -> None:
    """Add `grade` to the CLI's subparsers."""
    p = subparsers.add_parser(
        "grade", help=_("mark a sheet of answers (TOML): right, wrong with the mistake named, missing"),
        description=_("Grade ANSWERS (a TOML sheet with one [iteration.N] table per iteration, mapping ASCII "
                      "quantity names such as z1, yhat, delta2, dE_dtheta2, theta2_new or one cell "
                      "\"theta2_new[1,1]\" to numbers, vectors or matrices; see docs/answer-sheets.md) against "
                      "SCENARIO's steps. Each wrong number that a known mistake produces gets the mistake's "
                      "code and a sentence with its numbers."))
    p.add_argument("scenario", help=_("a path or a bundled name, e.g. lecture"))
    p.add_argument("answers", metavar="ANSWERS.toml", help=_("the sheet of answers"))
    p.add_argument("--key", metavar="KEY.toml",
                   help=_("an answer key in the same format: only its cells are asked (default: every cell the "
                          "steps of each answered iteration compute)"))
    p.add_argument("--variant", help=_("apply one of the scenario's [[variant]] tables"))
    p.add_argument("--relative", type=number_in(0.0, 1.0), default=0.01,
                   help=_("relative tolerance (default 0.01, i.e. 1%%)"))
    p.add_argument("--absolute", type=number_in(0.0, 1e6), default=0.005,
                   help=_("absolute tolerance (default 0.005); the looser of the two counts"))
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_grade)


def cmd_grade(args: argparse.Namespace) -> int:
    """Print the marked sheet; a malformed sheet or key is exit 2 with every problem named."""
    from backprop_tui.cli.dense import require_variant, stepping_scenario_path
    from backprop_tui.core.dense.answers import computed_shapes, every_cell, grade, read_answers
    from backprop_tui.core.dense.mistakes import Tolerance
    from backprop_tui.core.scenario.load import load

    path = stepping_scenario_path(args.scenario)
    scenario = load(path)
    if args.variant:
        require_variant(scenario, args.variant)
        scenario = load(path, args.variant)
    iterations = _Iterations(scenario)
    limit = scenario.training.iterations
    sheet = read_answers(args.answers, lambda i: computed_shapes(iterations.steps(i)), limit)
    if args.key:
        key = read_answers(args.key, lambda i: computed_shapes(iterations.steps(i)), limit)
        questions = [(a.iteration, a.key, a.cell) for a in key.answers]
    else:
        questions = [q for i in sheet.iterations for q in every_cell(i, computed_shapes(iterations.steps(i)))]
    graded = grade(sheet, iterations.steps, questions, Tolerance(args.relative, args.absolute))
    if args.format == "json":
        from backprop_tui.core.strict_json import dumps

        sys.stdout.write(dumps(report_json(graded), indent=2, ascii_only=not encodes(sys.stdout, UNICODE_SAMPLE))
                         + "\n")
    else:
        import shutil

        # a terminal gets the sentences wrapped under their cell; a pipe or file one line each
        width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
        sys.stdout.write(report_text(graded, path.name, sheet.file, width))
    return 0


class _Iterations:
    """The steps of each iteration, computed once, in order, up to the highest one asked."""

    def __init__(self, scenario: Any) -> None:
        from backprop_tui.core.dense.run import initial_state

        self.scenario = scenario
        self.state = initial_state(scenario)
        self.done: list[Any] = []
        self.cache: dict[int, list[Any]] = {}

    def steps(self, number: int) -> list[Any]:
        from backprop_tui.core.dense.run import step
        from backprop_tui.core.dense.steps import build_steps

        while len(self.done) < number:
            iteration = step(self.scenario, self.state)
            self.done.append(iteration)
            self.state = iteration.after
        if number not in self.cache:
            self.cache[number] = build_steps(self.scenario, self.done[number - 1], checks=False)
        return self.cache[number]


def _one_based(graded: Any) -> list[int]:
    return [graded.cell[0] + 1, graded.cell[1] + 1]


def report_json(graded: list[Any]) -> dict[str, Any]:
    """The issue's document: {"score": {...}, "answers": [{quantity, cell, given, expected,
    verdict, diagnosis, explanation}]} (each answer also says its iteration; cells from 1)."""
    from backprop_tui.core.dense.answers import Verdict
    from backprop_tui.render.mistakes import sentence

    score = {verdict.value: sum(1 for g in graded if g.verdict is verdict) for verdict in Verdict}
    answers = []
    for g in graded:
        answers.append({"iteration": g.iteration, "quantity": g.key.ascii, "cell": _one_based(g),
                        "given": g.given, "expected": g.expected, "verdict": g.verdict.value,
                        "diagnosis": g.diagnosis.mistake.value if g.diagnosis else None,
                        "explanation": sentence(g.diagnosis, g.step) if g.diagnosis else None})
    return {"score": score, "answers": answers}


def _cell_text(key: Any, cell: tuple[int, int], shape: tuple[int, int]) -> str:
    """A cell as a sheet names it: z1[2], theta1[1,2], or just E for a 1×1 quantity."""
    from backprop_tui.core.vocab import cell_name

    return key.ascii if shape == (1, 1) else cell_name(key, cell, shape).ascii


def report_text(graded: list[Any], scenario: str, sheet: str, width: int | None = None) -> str:
    """The marked sheet as lines: the score, then per iteration one line per answered cell (the
    mistake's sentence below a wrong one, wrapped to `width` columns where given, else on one
    line) and one line per run of missing cells of a quantity."""
    from backprop_tui.core.dense.answers import Verdict
    from backprop_tui.render.mistakes import num, sentence
    count = {verdict: sum(1 for g in graded if g.verdict is verdict) for verdict in Verdict}
    lines = [_("{sheet} on {scenario}: {right} right, {wrong} wrong, {missing} missing").format(
        sheet=sheet, scenario=scenario, right=count[Verdict.RIGHT], wrong=count[Verdict.WRONG],
        missing=count[Verdict.MISSING])]
    rows = _rows(graded)
    name_width = max((len(name) for name, _group in rows), default=0)
    verdict_width = max(7, *(text_width(_(word)) for word in VERDICTS.values()))
    iteration = None
    for name, group in rows:
        g = group[0]
        if g.iteration != iteration:
            iteration = g.iteration
            lines += ["", _("iteration {number}").format(number=iteration)]
        verdict = pad(_(VERDICTS[g.verdict.value]), verdict_width)
        if g.verdict is Verdict.MISSING:
            head = f"  {name:<{name_width}}  {verdict.rstrip()}  " + _("expected {values}")
            lines.append(_missing_line(head, group, width))
            continue
        line = f"  {name:<{name_width}}  {verdict}  {num(g.given):>9}"
        if g.verdict is Verdict.WRONG:
            line += "  " + _("expected {values}").format(values=num(g.expected))
        lines.append(line)
        if g.diagnosis is not None:
            indent = " " * (name_width + 4)
            text = f"{g.diagnosis.mistake.value}: {sentence(g.diagnosis, g.step)}"
            lines += wrap(text, max(width - 1, 40), indent) if width else [indent + text]
    return "\n".join(lines) + "\n"


VERDICTS = {"right": N_("right"), "wrong": N_("wrong"), "missing": N_("missing")}
"""Each verdict's word in the text report, by its value (the JSON keeps the values as they are)."""


MISSING_SHOWN = 4
"""The expected values a line of missing cells shows before it says how many there are."""


def _missing_line(head: str, group: list[Any], width: int | None) -> str:
    """`head` (its {values} slot) filled with the expected values of missing cells: as many as fit
    in `width` columns (MISSING_SHOWN without one), then how many cells there are."""
    from backprop_tui.render.mistakes import num

    values = [num(g.expected) for g in group]
    for shown in range(len(values), -1, -1):
        more = _("... ({count} cells)").format(count=len(values)) if shown < len(values) else ""
        line = head.format(values=", ".join(values[:shown] + ([more] if more else [])))
        if (width is None and shown <= MISSING_SHOWN) or (width is not None and text_width(line) <= width) or shown == 0:
            return line
    return head.format(values="")


def _rows(graded: list[Any]) -> list[tuple[str, list[Any]]]:
    """(name, cells): each answered cell alone; the missing cells of a quantity in one row (the
    whole quantity's name when every cell of it is missing)."""
    from backprop_tui.core.dense.answers import Verdict

    rows: list[tuple[str, list[Any]]] = []
    for g in graded:
        shape = g.step.matrix(g.key).shape
        previous = rows[-1][1] if rows else None
        if (g.verdict is Verdict.MISSING and previous and previous[0].verdict is Verdict.MISSING
                and (previous[0].iteration, previous[0].key) == (g.iteration, g.key)):
            previous.append(g)
            continue
        rows.append((_cell_text(g.key, g.cell, shape), [g]))
    named = []
    for name, group in rows:
        g = group[0]
        rows_, cols = g.step.matrix(g.key).shape
        if len(group) > 1:
            last = _cell_text(g.key, group[-1].cell, (rows_, cols))
            name = g.key.ascii if len(group) == rows_ * cols else f"{name}..{last[len(g.key.ascii):]}"
        named.append((name, group))
    return named
