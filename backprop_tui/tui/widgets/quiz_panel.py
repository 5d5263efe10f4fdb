"""The quiz's strip under the step: the asked cell and an input for its value, then the feedback
on the last answer (right; or the true value, the worked line and the mistake named)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from backprop_tui import i18n
from backprop_tui.i18n import _
from backprop_tui.render.worked import fmt
from backprop_tui.tui.language import translate_bindings

if TYPE_CHECKING:
    from backprop_tui.walk.quiz import Answer, Score  # loaded when a quiz starts

NUMBER_CHARACTERS = r"[-+0-9.eE−]*"
"""What the answer field lets through: a decimal, with a sign and an exponent."""


def feedback_text(answer: Answer | None, problem: str = "") -> Text:
    """The verdict on `answer` as lines of text: ✓ and the value; ✗, what was typed, the value, the
    worked line and (only when a mistake is recognised) its code and sentence; or skipped, the value
    and the worked line. `problem` (an answer that was not a number) comes first."""
    text = Text()
    if problem:
        text.append(f"{problem}\n", "bold")
    if answer is None:
        return text
    from backprop_tui.walk.quiz import Verdict  # loaded with the quiz, which made `answer`

    value = f"{answer.symbol} = {fmt(answer.expected)}"
    if answer.verdict is Verdict.RIGHT:
        text.append(_("✓ right: "), "bold")
        text.append(_("{value} (you typed {given})").format(value=value, given=fmt(answer.given or 0.0)))
        return text
    if answer.verdict is Verdict.WRONG:
        text.append(_("✗ wrong: "), "bold")
        text.append(_("you typed {given}; {value}").format(given=fmt(answer.given or 0.0), value=value))
    else:
        text.append(_("↷ skipped: "), "bold")
        text.append(value)
    text.append("\n" + _("worked: "), "dim")
    text.append(answer.worked)
    if answer.mistake is not None:
        text.append("\n" + _("mistake {code}: ").format(code=answer.mistake.value), "bold")
        text.append(answer.explanation)
    return text


def score_text(score: Score) -> Text:
    """The running score, for the quiz strip."""
    return Text.assemble((_("quiz "), "bold"), score.text())


class AnswerInput(Input):
    """The answer field: Enter answers; its letter keys (summary) are bound first, as a letter is
    never part of an answer (e and E aside, which stay typeable)."""

    BINDINGS = [Binding("A", "screen.quiz_summary", "Quiz summary (and save it)", show=True, priority=True)]

    language: str = ""
    """The language its binding descriptions are in (the footer shows them while it has the focus)."""

    def translate(self) -> None:
        """Its binding descriptions and placeholder in the current language (after K, too)."""
        if self.language != i18n.language():
            translate_bindings(self)
            self.language = i18n.language()
        self.placeholder = _("a number, e.g. 0.619")


class QuizPanel(Vertical):
    """The asked cell's prompt and answer field (only while the step asks something), the score,
    and the feedback on the last answer. Not displayed until the screen turns quiz mode on."""

    DEFAULT_CSS = """
    QuizPanel { display: none; height: auto; max-height: 8; border-top: solid $primary-darken-2; padding: 0 1; }
    QuizPanel #quiz-ask { height: 1; }
    QuizPanel #quiz-prompt { width: auto; height: 1; }
    QuizPanel #quiz-input { width: 24; }
    QuizPanel #quiz-score { width: 1fr; height: 1; text-align: right; }
    QuizPanel #quiz-feedback { height: auto; }
    """

    def compose(self) -> ComposeResult:
        with Horizontal(id="quiz-ask"):
            yield Static(id="quiz-prompt")
            # disabled while nothing is asked, so it never takes the focus (and the stepper's keys) then
            yield AnswerInput(placeholder=_("a number, e.g. 0.619"), restrict=NUMBER_CHARACTERS, compact=True,
                              id="quiz-input", disabled=True)
            yield Static(id="quiz-score")
        yield Static(id="quiz-feedback")

    def show(self, asked: str | None, score: Score, answer: Answer | None, problem: str = "") -> None:
        """Ask for `asked` (a cell's symbol; None: nothing to type here), show the score and the
        feedback on `answer`."""
        field = self.query_one("#quiz-input", AnswerInput)
        field.translate()
        field.display = asked is not None
        field.disabled = asked is None
        if asked is None:
            prompt = Text(_("nothing to type here: → goes on"), style="dim")
        else:
            prompt = Text.assemble((f"{asked} = ", "bold"))
        self.query_one("#quiz-prompt", Static).update(prompt)
        self.query_one("#quiz-score", Static).update(score_text(score))
        self.query_one("#quiz-feedback", Static).update(feedback_text(answer, problem))
