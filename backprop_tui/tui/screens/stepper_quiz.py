"""The stepper's quiz mode: each asked step hides its results until the learner has typed them.

A mixin, so the stepping screen's own module stays about stepping. The questions, the judging
and the summary are walk/quiz.py's (no Textual); this module asks, shows the feedback and the
score, and opens the summary. `a` toggles the mode; in it, Enter answers, Tab skips (and reveals),
Esc leaves, A opens the summary (which also opens after the last question of the scenario's
planned iterations).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Input

from backprop_tui.core.dense.steps import Step
from backprop_tui.core.vocab import Phase
from backprop_tui.i18n import _
from backprop_tui.walk.focus import Pointer
from backprop_tui.tui.widgets.quiz_panel import AnswerInput, QuizPanel
from backprop_tui.tui.widgets.step_view import Hidden

if TYPE_CHECKING:
    from backprop_tui.walk.quiz import Answer, QuizSession

# The quiz's modules (its questions, the mistakes it names, its summary) load when a quiz starts:
# the first frame of a plain walk needs none of them.


class QuizActions:
    """Actions mixed into StepperScreen (which provides stepper, pointer, redraw, app, query_one)."""

    quiz_session: QuizSession | None = None
    """The quiz's questions and answers; kept when the mode is left, so `a` resumes it."""
    quiz_on: bool = False
    _quiz_answer: Answer | None = None
    """The last answer given, shown until the learner answers again or leaves the step."""
    _quiz_problem: str = ""

    # -- the mode -------------------------------------------------------------------------------

    def action_toggle_quiz(self) -> None:
        """Enter quiz mode (resuming the quiz's score), or leave it: every value shows again."""
        if self.quiz_on:
            self.action_quiz_leave()
            return
        self._hide_about()
        if self.quiz_session is None:
            self.quiz_session = self._new_session()
        self.quiz_on = True
        self.query_one(QuizPanel).display = True
        self.notify(_("Quiz: type each ? (⏎ answers; A: summary)"), timeout=3)
        self.redraw()
        self.refresh_bindings()  # the footer's quiz keys

    def quiz_restart(self) -> None:
        """Another scenario was opened: its quiz starts afresh (the old answers were to other steps)."""
        self._quiz_answer, self._quiz_problem = None, ""
        self.quiz_session = None
        if self.quiz_on:
            self.quiz_session = self._new_session()

    def _new_session(self) -> QuizSession:
        from backprop_tui.walk.quiz import QuizSession

        scenario = self.stepper.scenario
        name = scenario.source.name if scenario.source is not None else scenario.title
        return QuizSession(scenario.quiz, scenario.seed, name)

    def action_quiz_leave(self) -> None:
        """Leave quiz mode; the score is kept for the summary and for `a` again."""
        if not self.quiz_on:
            return
        self.quiz_on = False
        self._quiz_answer, self._quiz_problem = None, ""
        panel = self.query_one(QuizPanel)
        panel.display = False
        panel.query_one("#quiz-input", AnswerInput).disabled = True
        self.set_focus(None)
        self.redraw()
        self.refresh_bindings()

    # -- what the screen hides ------------------------------------------------------------------

    def quiz_hidden(self, step: Step) -> Hidden | None:
        """The cells of `step` to draw as "?" (None outside quiz mode); puts the cursor on the
        asked cell, so it is highlighted and its operands underlined."""
        if not self.quiz_on or self.quiz_session is None:
            return None
        question = self.quiz_session.current(step)
        if question is not None:
            self.pointer = Pointer.at(step, question.key, question.cell)
        return self.quiz_session.hidden(step) or None

    def quiz_conceals_iteration(self) -> bool:
        """Whether anything of the current iteration is still asked (the chain-rule panel, which
        shows gradients ahead of their steps, stays hidden until it is all answered)."""
        if not self.quiz_on or self.quiz_session is None:
            return False
        return any(self.quiz_session.asks(s) for s in self.stepper.steps)

    def quiz_conceals_loss(self) -> bool:
        """Whether the current iteration's loss step still asks something (the loss chart, whose
        caption and last point give E away, stays hidden until it is answered)."""
        if not self.quiz_on or self.quiz_session is None:
            return False
        return any(self.quiz_session.asks(s) for s in self.stepper.steps if s.phase is Phase.LOSS)

    def quiz_show(self, step: Step) -> None:
        """Ask the step's current question (the field focused) or say there is none; show the
        score and the feedback on the last answer given in this step."""
        if not self.quiz_on or self.quiz_session is None:
            return
        session = self.quiz_session
        question = session.current(step)
        answer = self._quiz_answer
        if answer is not None and (answer.question.iteration, answer.question.index) != (step.iteration, step.index):
            answer = self._quiz_answer = None
        from backprop_tui.walk.quiz import question_symbol

        asked = question_symbol(question, step) if question is not None else None
        self.query_one(QuizPanel).show(asked, session.score, answer, self._quiz_problem)
        field = self.query_one("#quiz-input", AnswerInput)
        if question is not None:
            self.playing = False  # playing stops at a step that asks something
            field.focus()
        elif field.has_focus:
            self.set_focus(None)

    # -- answering ------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the answer field: judge the typed value (a mixin's handler goes by its name)."""
        if event.input.id != "quiz-input" or self.quiz_session is None:
            return
        event.stop()
        from backprop_tui.walk.quiz import parse_answer

        try:
            given = parse_answer(event.value)
        except ValueError as error:
            self._quiz_problem = str(error)
            self.redraw()
            return
        step = self.stepper.step
        if self.quiz_session.current(step) is None:
            return
        self._quiz_problem = ""
        self._quiz_answer = self.quiz_session.answer(self.stepper.steps, step, given)
        event.input.value = ""
        self._quiz_after(step)

    def action_quiz_skip(self) -> None:
        """Reveal the asked cell; it counts as skipped."""
        step = self.stepper.step
        if self.quiz_session is None or self.quiz_session.current(step) is None:
            return
        self._quiz_problem = ""
        self._quiz_answer = self.quiz_session.skip(step)
        self.query_one("#quiz-input", AnswerInput).value = ""
        self._quiz_after(step)

    def _quiz_after(self, step: Step) -> None:
        """Redraw (the next cell asked, or the step whole); after the last question of the
        planned iterations, the summary."""
        answer = self._quiz_answer
        if answer is not None:  # the cursor stays on the answered cell until the next is asked
            self.pointer = Pointer.at(step, answer.question.key, answer.question.cell)
        self.redraw()
        self.refresh_bindings()  # tab skips only while something is asked
        if self._quiz_finished(step):
            self.action_quiz_summary()

    def _quiz_finished(self, step: Step) -> bool:
        """Whether `step` was the last asked step of the scenario's last planned iteration, now answered."""
        session = self.quiz_session
        if session is None or step.iteration != self.stepper.planned or session.asks(step):
            return False
        asked = [s.index for s in self.stepper.steps if session.questions(s)]
        return bool(asked) and step.index == asked[-1]

    def action_quiz_summary(self) -> None:
        """The summary by phase and by mistake, with save."""
        if self.quiz_session is None:
            self.notify(_("No quiz yet: a starts one."))
            return
        from backprop_tui.tui.screens.quiz_summary import QuizSummaryScreen

        self.app.push_screen(QuizSummaryScreen(self.quiz_session, self._quiz_file_name()))

    def _quiz_file_name(self) -> str:
        source = self.stepper.scenario.source
        return f"{source.stem if source else 'scenario'}-quiz.json"

    def quiz_check(self, action: str) -> bool | None:
        """check_action for the quiz's keys: skip only while something is asked, leave and the
        summary only in the mode (so the footer shows them there); None for actions that are not
        the quiz's."""
        if action == "quiz_skip":
            return self.quiz_on and self.quiz_session is not None and self.quiz_session.current(self.stepper.step) is not None
        if action == "quiz_leave":
            return self.quiz_on
        if action == "quiz_summary":
            return self.quiz_on and self.quiz_session is not None
        return None
