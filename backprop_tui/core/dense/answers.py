"""Answer sheets: a learner's numbers for the steps of a scenario, read, checked and graded.

A sheet is TOML with one table per iteration (docs/answer-sheets.md):

    [iteration.1]
    z1 = [1.35, 1.45, 1.65]                       # a column vector as a flat list
    yhat = 0.619                                   # a 1×1 quantity as a number
    theta2_new = [[0.2357], [0.3364], [0.1377]]    # a matrix as a list of rows
    "theta1_new[1,2]" = 1.1021                     # one cell, counted from 1 as on screen

Names are vocab's ASCII names of the quantities the steps compute (`parse_cell` reads them).
Every problem is reported at once, as the scenario loader does: file, key path, what was
expected and what was found (`AnswerSheetError`, exit 2 in the CLI).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from backprop_tui.core.dense.mistakes import Diagnosis, Tolerance, diagnose
from backprop_tui.core.dense.steps import Step
from backprop_tui.core.scenario.errors import Problem, ScenarioError
from backprop_tui.core.scenario.toml_source import parse_toml_text
from backprop_tui.core.vocab import Quantity, QuantityNameError, cell_name, parse_cell, parse_quantity
from backprop_tui.i18n import Message

TABLE = "iteration"
"""The one top-level table of a sheet: [iteration.N] for each iteration answered."""

Shapes = dict[Quantity, tuple[int, int]]
"""The quantities the steps of one iteration compute, with their shapes, in the order computed."""


class AnswerSheetError(ScenarioError):
    """An answer sheet that cannot be read or does not fit the scenario; holds every problem."""


@dataclass(frozen=True)
class Answer:
    """One number of a sheet: iteration (1-based), quantity, cell (0-based (row, column))."""

    iteration: int
    key: Quantity
    cell: tuple[int, int]
    given: float


@dataclass(frozen=True)
class AnswerSheet:
    """The numbers of a sheet, and the iterations it has tables for (1-based, ascending)."""

    file: str
    iterations: tuple[int, ...]
    answers: tuple[Answer, ...]

    def given(self) -> dict[tuple[int, Quantity, tuple[int, int]], float]:
        """(iteration, key, cell) → the number given."""
        return {(a.iteration, a.key, a.cell): a.given for a in self.answers}


def computed_shapes(steps: Sequence[Step]) -> Shapes:
    """The quantities `steps` compute (transposes included), with their shapes, in order."""
    shapes: Shapes = {}
    for step in steps:
        for op in step.operations:
            for key in op.results:
                shapes.setdefault(key, step.matrix(key).shape)
    return shapes


def read_answers(path: Path | str, shapes_of: Callable[[int], Shapes], iterations: int) -> AnswerSheet:
    """Read and check a sheet. shapes_of(n): what iteration n (1-based) computes; iterations: the
    highest iteration a sheet may answer. Raises AnswerSheetError naming every problem."""
    file = Path(path).name
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AnswerSheetError(str(path), [Problem("", Message("no such file"))]) from None
    except IsADirectoryError:
        raise AnswerSheetError(str(path), [Problem("", Message("is a directory, not an answer sheet"))]) from None
    except UnicodeDecodeError as error:
        raise AnswerSheetError(file, [Problem("", Message("not UTF-8 text (byte {byte})", byte=error.start))]) from None
    except OSError as error:
        raise AnswerSheetError(str(path), [Problem("", Message("cannot be read: {reason}",
                                                               reason=error.strerror or error))]) from None
    return parse_answers(text, file, shapes_of, iterations)


def parse_answers(text: str, file: str, shapes_of: Callable[[int], Shapes], iterations: int) -> AnswerSheet:
    """`read_answers` on text already read (file: the name messages give)."""
    try:
        document = parse_toml_text(text, file)
    except ScenarioError as error:
        raise AnswerSheetError(file, error.problems) from None
    problems: list[Problem] = []
    for key in document:
        if key != TABLE:
            problems.append(Problem(key, Message("expected only [{table}.N] tables (N from 1 to {iterations}), found "
                                                 "{found}", table=TABLE, iterations=iterations, found=repr(key))))
    tables = document.get(TABLE, {})
    if not isinstance(tables, dict):
        problems.append(Problem(TABLE, Message("expected [{table}.N] tables, found {found}", table=TABLE,
                                               found=_found(tables))))
        tables = {}
    if not tables and not problems:
        problems.append(Problem("", Message("expected at least one [{table}.N] table of answers, found none",
                                            table=TABLE)))
    answers: list[Answer] = []
    numbers: list[int] = []
    for name, table in tables.items():
        path = f"{TABLE}.{name}"
        number = _iteration_number(name)
        if number is None or not 1 <= number <= iterations:
            problems.append(Problem(path, Message("expected an iteration number from 1 to {iterations}, found {found}",
                                                  iterations=iterations, found=repr(name))))
            continue
        if not isinstance(table, dict):
            problems.append(Problem(path, Message("expected a table of answers (name = number), found {found}",
                                                  found=_found(table))))
            continue
        numbers.append(number)
        answers += _table(problems, path, number, table, shapes_of(number))
    if problems:
        raise AnswerSheetError(file, problems)
    return AnswerSheet(file, tuple(sorted(numbers)), tuple(answers))


def _iteration_number(name: str) -> int | None:
    return int(name) if name.isascii() and name.isdigit() else None


def _table(problems: list[Problem], path: str, iteration: int, table: dict[str, Any], shapes: Shapes) -> list[Answer]:
    answers: list[Answer] = []
    seen: dict[tuple[Quantity, tuple[int, int]], str] = {}
    names = ", ".join(key.ascii for key in shapes if not key.transposed)
    for name, value in table.items():
        where = f"{path}.{_key_text(name)}"
        try:
            cell = parse_cell(name)
        except QuantityNameError as error:
            # a name that is no quantity at all gets the list; a bad cell of a real one, vocab's reason
            if _names_a_quantity(name.partition("[")[0]):
                problems.append(Problem(where, Message("expected a cell counted from 1 in brackets, found {found}",
                                                       found=error.message)))
            else:
                problems.append(Problem(where, Message("expected a quantity the steps compute ({names}), found {found}",
                                                       names=names, found=repr(name))))
            continue
        if cell.key not in shapes:
            problems.append(Problem(where, Message("expected a quantity the steps compute ({names}), found {found}: "
                                                   "the steps read it but do not compute it, or the network has no "
                                                   "such layer", names=names, found=cell.key.ascii)))
            continue
        shape = shapes[cell.key]
        if cell.index:
            try:
                at = cell.at(shape)
            except QuantityNameError as error:
                problems.append(Problem(where, Message("expected a cell inside {name} ({shape}), found {found}: {why}",
                                                       name=cell.key.ascii, shape=_shape(shape), found=repr(name),
                                                       why=error.message)))
                continue
            number = _number(problems, where, value)
            cells = [] if number is None else [(at, number)]
        else:
            cells = _matrix(problems, where, cell.key, shape, value)
        for at, number in cells:
            earlier = seen.get((cell.key, at))
            if earlier is not None:
                problems.append(Problem(where, Message("expected each cell once, found {cell} given again (also by "
                                                       "{earlier})", cell=cell_name(cell.key, at, shape).ascii,
                                                       earlier=earlier)))
                continue
            seen[(cell.key, at)] = _key_text(name)
            answers.append(Answer(iteration, cell.key, at, number))
    return answers


def _names_a_quantity(text: str) -> bool:
    try:
        parse_quantity(text)
    except QuantityNameError:
        return False
    return True


def _matrix(problems: list[Problem], where: str, key: Quantity, shape: tuple[int, int],
            value: Any) -> list[tuple[tuple[int, int], float]]:
    """The cells of a whole quantity given as a number (1×1), a flat list (a vector) or rows."""
    rows, cols = shape
    expected = _expected_form(key, shape)
    if not isinstance(value, list):
        if shape == (1, 1):
            number = _number(problems, where, value)
            return [] if number is None else [((0, 0), number)]
        problems.append(Problem(where, Message("expected {expected}, found {found}", expected=expected,
                                               found=_found(value))))
        return []
    if value and all(isinstance(row, list) for row in value):
        found_shape = Message("{rows} rows of {lengths}", rows=len(value),
                              lengths=", ".join(sorted({str(len(row)) for row in value})))
        if len(value) != rows or any(len(row) != cols for row in value):
            problems.append(Problem(where, Message("expected {expected}, found {found}", expected=expected,
                                                   found=found_shape)))
            return []
        grid = [((i, j), item) for i, row in enumerate(value) for j, item in enumerate(row)]
    elif rows == 1 or cols == 1:
        if len(value) != rows * cols:
            problems.append(Problem(where, Message("expected {expected}, found {found}", expected=expected,
                                                   found=Message("a list of {count}", count=len(value)))))
            return []
        grid = [((k, 0) if cols == 1 else (0, k), item) for k, item in enumerate(value)]
    else:
        problems.append(Problem(where, Message("expected {expected}, found {found}", expected=expected,
                                               found=Message("a flat list of {count}", count=len(value)))))
        return []
    cells = []
    for at, item in grid:
        number = _number(problems, f"{where}{_cell_suffix(at, shape)}", item)
        if number is not None:
            cells.append((at, number))
    return cells


def _expected_form(key: Quantity, shape: tuple[int, int]) -> Message:
    rows, cols = shape
    if shape == (1, 1):
        return Message("a number ({name} is 1x1)", name=key.ascii)
    if cols == 1 or rows == 1:
        return Message("a list of {count} numbers ({name} is {shape})", count=rows * cols, name=key.ascii,
                       shape=_shape(shape))
    return Message("{rows} rows of {cols} numbers ({name} is {shape})", rows=rows, cols=cols, name=key.ascii,
                   shape=_shape(shape))


def _cell_suffix(at: tuple[int, int], shape: tuple[int, int]) -> str:
    i, j = at
    return f"[{i + 1}]" if shape[1] == 1 else f"[{j + 1}]" if shape[0] == 1 else f"[{i + 1},{j + 1}]"


def _number(problems: list[Problem], where: str, value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        problems.append(Problem(where, Message("expected a number, found {found}", found=_found(value))))
        return None
    number = float(value)
    if not math.isfinite(number):
        problems.append(Problem(where, Message("expected a finite number, found {found}", found=value)))
        return None
    return number


def _found(value: Any) -> str:
    """What a sheet gave, as a message says it (TOML's true/false and a type's name as they are)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return Message("the text {value}", value=repr(value))
    if isinstance(value, dict):
        return Message("a table")
    if isinstance(value, list):
        return Message("a list of {count}", count=len(value))
    return f"{type(value).__name__} {value!r}"


def _key_text(name: str) -> str:
    """A key as TOML writes it: bare where it can be, quoted otherwise (theta2_new[1,1])."""
    return name if name and all(c.isalnum() or c in "_-" for c in name) and name.isascii() else f'"{name}"'


def _shape(shape: tuple[int, int]) -> str:
    return f"{shape[0]}x{shape[1]}"


# -- grading --------------------------------------------------------------------------------------


class Verdict(StrEnum):
    """What a cell of a sheet is: right (within the tolerance), wrong, or not answered."""

    RIGHT = "right"
    WRONG = "wrong"
    MISSING = "missing"


@dataclass(frozen=True)
class Graded:
    """One asked or answered cell: the number given (None if missing), the value, the verdict,
    and for a wrong one the mistake it matches (None where it matches none)."""

    iteration: int
    step: Step
    key: Quantity
    cell: tuple[int, int]
    given: float | None
    expected: float
    verdict: Verdict
    diagnosis: Diagnosis | None


Question = tuple[int, Quantity, tuple[int, int]]
"""(iteration 1-based, quantity, 0-based cell)."""


def every_cell(iteration: int, shapes: Shapes) -> list[Question]:
    """Each cell of each quantity an iteration computes, transposes left out (a transposed copy
    asks nothing new): the questions of a sheet graded without an answer key."""
    return [(iteration, key, (i, j)) for key, (rows, cols) in shapes.items() if not key.transposed
            for i in range(rows) for j in range(cols)]


def grade(sheet: AnswerSheet, steps_of: Callable[[int], Sequence[Step]], questions: Iterable[Question],
          tolerance: Tolerance = Tolerance()) -> list[Graded]:
    """Grade every question and every answer of `sheet` (an answer not asked is graded too), in
    the order the steps compute them. steps_of(n): the steps of iteration n (1-based)."""
    given = sheet.given()
    asked = list(dict.fromkeys([*questions, *given]))
    graded = []
    for iteration in sorted({q[0] for q in asked}):
        steps = steps_of(iteration)
        order = {key: (step.index, k) for step in steps for k, key in enumerate(
            r for op in step.operations for r in op.results)}
        mine = sorted((q for q in asked if q[0] == iteration), key=lambda q: (order[q[1]], q[2]))
        for _, key, cell in mine:
            index = order[key][0]
            step = steps[index]
            expected = float(step.matrix(key).values[cell])
            number = given.get((iteration, key, cell))
            if number is None:
                graded.append(Graded(iteration, step, key, cell, None, expected, Verdict.MISSING, None))
            elif tolerance.accepts(number, expected):
                graded.append(Graded(iteration, step, key, cell, number, expected, Verdict.RIGHT, None))
            else:
                found = diagnose(steps, index, key, cell, number, tolerance)
                graded.append(Graded(iteration, step, key, cell, number, expected, Verdict.WRONG, found))
    return graded
