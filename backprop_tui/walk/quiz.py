"""The quiz: which cells each step asks, the learner's answers judged, the score and its summary.

No Textual here: the app's quiz mode and the tests drive a QuizSession alone. A step asks the
cells its own operations write and its picture shows (the next z or a, y − ŷ and E, ∂E/∂ŷ, f′,
δ, a gradient, the error sent back, an updated weight, a velocity); transposes are only a
rearrangement, so they are never asked. The scenario's `[quiz]` table chooses the phases, all
cells or a sample of N per matrix (drawn with the scenario's seed, so the same cells every
time), and the tolerance. A wrong answer gets the true value, the worked line and, where the
value matches a known mistake, the mistake in words (core/dense/mistakes.py recomputes the step
under each mistake); a right answer never gets a diagnosis.
"""

from __future__ import annotations

import math
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np

from backprop_tui.core.dense.mistakes import Mistake, Tolerance, diagnose
from backprop_tui.core.dense.operation import OpKind
from backprop_tui.core.dense.steps import Step
from backprop_tui.core.errors import UserError
from backprop_tui.core.fileio import atomic_write_text
from backprop_tui.core.scenario.model import QuizSettings
from backprop_tui.core.strict_json import dumps
from backprop_tui.core.vocab import Phase, Quantity, cell_name
from backprop_tui.i18n import N_, _
from backprop_tui.render.describe import phase_word
from backprop_tui.render.mistakes import Said
from backprop_tui.render.notation import cell_symbol, symbol
from backprop_tui.render.worked import fmt, worked

QUESTION_CACHE = 256
"""Steps whose questions are kept; others are made again (identically) when visited."""
UNRECOGNISED = "unrecognised"
"""The summary's name for wrong answers that match no known mistake."""
FORMATS = {".json": "json", ".md": "markdown", ".markdown": "markdown"}
"""The summary's file formats, by the file name's suffix."""


class Verdict(StrEnum):
    """How one asked cell ended."""

    RIGHT = "right"
    WRONG = "wrong"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Question:
    """One asked cell: step `index` (0-based) of iteration `iteration` (1-based, as Step numbers them), the result
    matrix `key` and its 0-based (row, column)."""

    iteration: int
    index: int
    phase: Phase
    key: Quantity
    cell: tuple[int, int]

    @property
    def place(self) -> tuple[int, int, Quantity, tuple[int, int]]:
        """Where the question is asked: (iteration, step index, key, cell), the answers' key."""
        return (self.iteration, self.index, self.key, self.cell)


@dataclass(frozen=True)
class Answer:
    """The learner's answer to one question, judged: the value typed (None when skipped), the
    step's value, the verdict, and for a wrong answer the mistake it matches (or None) in words."""

    question: Question
    expected: float
    given: float | None
    verdict: Verdict
    mistake: Mistake | None = None
    said: Said | None = None
    """The diagnosis, to be said in words (render/mistakes.py); None without one."""
    worked: str = ""
    """The cell's worked line, as the explain feature shows it."""
    symbol: str = ""
    """The cell's symbol, z¹₂ or θ²₁₁."""
    name: str = ""
    """The cell as typed on the command line, z1[2] or theta2_new[1,1] (1-based); E or yhat alone for a 1×1."""

    @property
    def explanation(self) -> str:
        """The diagnosis sentence in the current language; empty without a diagnosis."""
        return self.said.text() if self.said is not None else ""


@dataclass(frozen=True)
class Score:
    """Counts of right, wrong and skipped answers."""

    right: int = 0
    wrong: int = 0
    skipped: int = 0

    @property
    def answered(self) -> int:
        """Questions answered so far: right, wrong and skipped."""
        return self.right + self.wrong + self.skipped

    def add(self, verdict: Verdict) -> Score:
        """The score with one more answer of `verdict`."""
        return Score(self.right + (verdict is Verdict.RIGHT), self.wrong + (verdict is Verdict.WRONG),
                     self.skipped + (verdict is Verdict.SKIPPED))

    def text(self) -> str:
        """'5 right · 2 wrong · 1 skipped'."""
        return _("{right} right · {wrong} wrong · {skipped} skipped").format(
            right=self.right, wrong=self.wrong, skipped=self.skipped)


def parse_answer(text: str) -> float:
    """A typed answer as a float: a decimal such as 0.619, -0.0713 or 2.5e-3.

    Raises ValueError with a message to show the learner for anything else (inf and NaN too:
    no asked cell holds one).
    """
    cleaned = text.strip().replace("−", "-")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(_("expected a number such as 0.619 or -2.5e-3, got {text}").format(
            text=repr(text.strip()))) from None
    if not math.isfinite(value):
        raise ValueError(_("expected a finite number, got {text}").format(text=repr(text.strip())))
    return value


def asked_keys(step: Step) -> list[Quantity]:
    """The result matrices a step asks, in the order its operations write them: every shown
    matrix one of its operations writes, transposes left out."""
    shown = {m.key for m in step.matrices if m.shown}
    keys: list[Quantity] = []
    for op in step.operations:
        if op.kind is OpKind.TRANSPOSE:
            continue
        keys += [key for key in op.results if key in shown and key not in keys]
    return keys


class QuizSession:
    """The questions of the steps walked in quiz mode, their answers and the score.

    Questions are made per step from the step alone (and the settings and seed), so stepping
    back and forth, or a step rebuilt from the cache, asks the same cells.
    """

    def __init__(self, settings: QuizSettings = QuizSettings(), seed: int = 0, name: str = "scenario") -> None:
        self.settings = settings
        self.seed = seed
        self.name = name
        """The scenario's file name, for the summary."""
        self.tolerance = Tolerance(settings.relative, settings.absolute)
        self.answers: dict[tuple, Answer] = {}
        """Answers by question place, in the order they were given."""
        self.score = Score()
        self._questions: OrderedDict[tuple[int, int], tuple[tuple, list[Question]]] = OrderedDict()
        """Per step: its asked matrices' keys and shapes (to notice an edited network) and questions."""
        self._progress: dict[tuple[int, int], int] = {}
        """Per step, how many of its questions are answered: they are answered in order, so the
        current one is a lookup, never a scan (a 784×128 θ asks 100,352 cells)."""
        self._hidden: tuple[tuple[int, int, int], list[Question], dict] | None = None

    # -- what is asked --------------------------------------------------------------------------

    def questions(self, step: Step) -> list[Question]:
        """Every cell the step asks (none outside the asked phases); cells holding inf or NaN
        (a diverged run) are not asked."""
        place = (step.iteration, step.index)
        shape = tuple((key, step.matrix(key).shape) for key in asked_keys(step))
        cached = self._questions.get(place)
        if cached is None or cached[0] != shape:
            if cached is not None:  # the file was edited to another network: this step is asked afresh
                self._progress.pop(place, None)
            cached = self._questions[place] = (shape, self._make(step))
            while len(self._questions) > QUESTION_CACHE:  # remade identically if visited again
                self._questions.popitem(last=False)
        self._questions.move_to_end(place)
        return cached[1]

    def _make(self, step: Step) -> list[Question]:
        if step.phase not in self.settings.ask:
            return []
        found = []
        for ordinal, key in enumerate(asked_keys(step)):
            values = step.matrix(key).values
            rows, cols = values.shape
            cells = [(r, c) for r in range(rows) for c in range(cols) if math.isfinite(values[r, c])]
            wanted = self.settings.cells
            if wanted is not None and wanted < len(cells):
                # the same cells every time: the draw depends only on the seed and the step's place
                rng = np.random.default_rng([self.seed, step.iteration, step.index, ordinal])
                cells = [cells[i] for i in sorted(rng.choice(len(cells), size=wanted, replace=False))]
            found += [Question(step.iteration, step.index, step.phase, key, cell) for cell in cells]
        return found

    def pending(self, step: Step) -> list[Question]:
        """The step's questions not answered yet, in order."""
        return self.questions(step)[self._progress.get((step.iteration, step.index), 0):]

    def asks(self, step: Step) -> bool:
        """Whether the step has a question left."""
        return self._progress.get((step.iteration, step.index), 0) < len(self.questions(step))

    def current(self, step: Step) -> Question | None:
        """The question the learner is asked now in this step, or None when none is left."""
        asked = self.questions(step)
        done = self._progress.get((step.iteration, step.index), 0)
        return asked[done] if done < len(asked) else None

    def hidden(self, step: Step) -> dict[Quantity, frozenset[tuple[int, int]]]:
        """The cells the step must not show yet, by matrix (its unanswered questions); the same
        dict object until an answer changes it (the app's render cache keys on it)."""
        asked = self.questions(step)  # a new list when the step was asked afresh
        place = (step.iteration, step.index, self._progress.get((step.iteration, step.index), 0))
        if self._hidden is None or self._hidden[0] != place or self._hidden[1] is not asked:
            cells: dict[Quantity, set[tuple[int, int]]] = {}
            for q in self.pending(step):
                cells.setdefault(q.key, set()).add(q.cell)
            self._hidden = (place, asked, {key: frozenset(found) for key, found in cells.items()})
        return self._hidden[2]

    # -- answering ------------------------------------------------------------------------------

    def answer(self, steps: Sequence[Step], step: Step, given: float) -> Answer:
        """Judge `given` for the step's current question; `steps` are the step's iteration, in
        order (the mistakes are recomputed from them).

        Raises LookupError when the step has nothing left to ask.
        """
        question = self._current_or_raise(step)
        expected = float(step.matrix(question.key).values[question.cell])
        if self.tolerance.accepts(given, expected):
            return self._record(step, question, expected, given, Verdict.RIGHT)
        diagnosis = diagnose(steps, step.index, question.key, question.cell, given, self.tolerance)
        if diagnosis is None:
            return self._record(step, question, expected, given, Verdict.WRONG)
        return self._record(step, question, expected, given, Verdict.WRONG, diagnosis.mistake,
                            Said.of(diagnosis, step))

    def skip(self, step: Step) -> Answer:
        """Reveal the step's current question; it counts as skipped.

        Raises LookupError when the step has nothing left to ask.
        """
        question = self._current_or_raise(step)
        expected = float(step.matrix(question.key).values[question.cell])
        return self._record(step, question, expected, None, Verdict.SKIPPED)

    def _current_or_raise(self, step: Step) -> Question:
        question = self.current(step)
        if question is None:
            # a caller's bug (the app and the CLI ask only while something is asked), not the learner's
            raise LookupError(f"step {step.index + 1} of iteration {step.iteration} has nothing left to ask")
        return question

    def _record(self, step: Step, question: Question, expected: float, given: float | None, verdict: Verdict,
                mistake: Mistake | None = None, said: Said | None = None) -> Answer:
        shape = step.matrix(question.key).shape
        answer = Answer(question, expected, given, verdict, mistake, said,
                        worked(step, question.key, question.cell).line, question_symbol(question, step),
                        question.key.ascii if shape == (1, 1) else cell_name(question.key, question.cell, shape).ascii)
        self.answers[question.place] = answer
        place = (step.iteration, step.index)
        self._progress[place] = self._progress.get(place, 0) + 1
        self.score = self.score.add(verdict)
        return answer

    # -- the summary ----------------------------------------------------------------------------

    def by_phase(self) -> dict[Phase, Score]:
        """The score of each asked phase, in step order."""
        scores = {phase: Score() for phase in self.settings.ask}
        for answer in self.answers.values():
            phase = answer.question.phase
            scores[phase] = scores.get(phase, Score()).add(answer.verdict)
        return scores

    def by_mistake(self) -> dict[str, int]:
        """How many wrong answers each mistake code explains (UNRECOGNISED for the rest), most first."""
        counts = Counter((a.mistake.value if a.mistake else UNRECOGNISED)
                         for a in self.answers.values() if a.verdict is Verdict.WRONG)
        return dict(counts.most_common())

    def summary(self) -> dict:
        """The summary as JSON-ready data: score, by phase, by mistake, and every answer."""
        return {
            "scenario": self.name,
            "tolerance": {"relative": self.tolerance.relative, "absolute": self.tolerance.absolute},
            "score": {"right": self.score.right, "wrong": self.score.wrong, "skipped": self.score.skipped},
            "by_phase": {phase.value: {"right": s.right, "wrong": s.wrong, "skipped": s.skipped}
                         for phase, s in self.by_phase().items()},
            "by_mistake": self.by_mistake(),
            "answers": [_answer_data(a) for a in self.answers.values()],
        }

    def score_sentence(self) -> str:
        """The score in one sentence of the interface's language, its counts between ** (bold in
        the markdown, and on the summary screen)."""
        s = self.score
        return _("**{right} right, {wrong} wrong, {skipped} skipped** of {asked} asked (right within {relative} "
                 "relative or {absolute} absolute).").format(
            right=s.right, wrong=s.wrong, skipped=s.skipped, asked=s.answered,
            relative=f"{self.tolerance.relative:g}", absolute=f"{self.tolerance.absolute:g}")

    def markdown(self) -> str:
        """The summary as a markdown document, in the interface's language (mistake codes, cell
        names and numbers as they are)."""
        lines = [_("# Quiz on {name}").format(name=self.name), "", self.score_sentence(),
                 "", "## " + _("By phase"), "", _row([_(c) for c in PHASE_COLUMNS]), "|---|---|---|---|"]
        lines += [_row([phase_word(p), str(x.right), str(x.wrong), str(x.skipped)]) for p, x in self.by_phase().items()]
        lines += ["", "## " + _("By mistake"), ""]
        mistakes = self.by_mistake()
        if mistakes:
            lines += [_row([_(c) for c in MISTAKE_COLUMNS]), "|---|---|"]
            lines += [_row([f"`{code}`", str(n)]) for code, n in mistakes.items()]
        else:
            lines.append(_("No wrong answers."))
        lines += ["", "## " + _("Answers"), "", _row([_(c) for c in ANSWER_COLUMNS]), "|---|---|---|---|---|---|"]
        for a in self.answers.values():
            given = "—" if a.given is None else fmt(a.given)
            lines.append(_row([str(a.question.iteration), f"`{a.name}`", given, fmt(a.expected), verdict_word(a.verdict),
                               a.mistake.value if a.mistake else ""]))
        wrong = [a for a in self.answers.values() if a.verdict is not Verdict.RIGHT]
        if wrong:
            lines += ["", "## " + _("Worked lines of the answers not right"), ""]
            for a in wrong:
                if a.explanation:
                    line = _("`{name}` (iteration {iteration}): {worked}. {why}.")
                else:
                    line = _("`{name}` (iteration {iteration}): {worked}.")
                lines.append("- " + line.format(name=a.name, iteration=a.question.iteration, worked=a.worked,
                                                why=a.explanation))
        return "\n".join(lines) + "\n"

    def save(self, path: Path, replace: bool = False) -> str:
        """Write the summary atomically, as JSON (strict) or markdown by the file's suffix; returns
        the format written.

        Raises FileExistsError when `path` exists and `replace` is False (the caller asks first),
        UserError for a suffix that names no format or a file that cannot be written.
        """
        form = FORMATS.get(path.suffix.lower())
        if form is None:
            raise UserError(_("{path}: expected a file name ending in .json or .md (the summary's formats), got "
                              "{suffix}").format(path=path, suffix=path.suffix or _("no suffix")))
        if not replace and path.exists():
            raise FileExistsError(path)
        text = dumps(self.summary(), indent=2) + "\n" if form == "json" else self.markdown()
        atomic_write_text(path, text, _("quiz summary"))
        return form


PHASE_COLUMNS = (N_("phase"), N_("right"), N_("wrong"), N_("skipped"))
MISTAKE_COLUMNS = (N_("mistake"), N_("answers"))
ANSWER_COLUMNS = (N_("iteration"), N_("cell"), N_("given"), N_("expected"), N_("verdict"), N_("mistake"))
"""The summary's table headings (translated where drawn)."""
VERDICT_WORDS = {Verdict.RIGHT: N_("right"), Verdict.WRONG: N_("wrong"), Verdict.SKIPPED: N_("skipped")}
"""How the summary's tables name a verdict (the JSON keeps the English values: it is data)."""


def verdict_word(verdict: Verdict) -> str:
    """The verdict as the summary's tables name it: right, or 맞음 in Korean."""
    return _(VERDICT_WORDS[verdict])


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def question_symbol(question: Question, step: Step) -> str:
    """The asked cell's symbol as its worked line begins: z¹₂, σ′(z²₁), E; an update's result as
    (θ¹ new)₁₁ (its worked line begins with the old θ¹₁₁ it replaces)."""
    if step.phase is not Phase.UPDATE:
        return worked(step, question.key, question.cell).lhs
    shape = step.matrix(question.key).shape
    if shape == (1, 1):
        return symbol(question.key)
    return cell_symbol(cell_name(question.key, question.cell, shape))


def _answer_data(answer: Answer) -> dict:
    """One answer as the summary's JSON writes it (the fields of `grade`'s answers, 1-based cells)."""
    q = answer.question
    return {"iteration": q.iteration, "step": q.index + 1, "phase": q.phase.value, "quantity": q.key.ascii,
            "cell": [q.cell[0] + 1, q.cell[1] + 1], "given": answer.given, "expected": answer.expected,
            "verdict": answer.verdict.value, "diagnosis": answer.mistake.value if answer.mistake else None,
            "explanation": answer.explanation or None, "worked": answer.worked}
