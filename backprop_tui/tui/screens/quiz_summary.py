"""The quiz's summary: the score, by phase and by mistake, the answers not right; s saves it as
JSON or markdown (asking before replacing a file), escape or q goes back to the stepper."""

from __future__ import annotations

from pathlib import Path

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from backprop_tui.i18n import _
from backprop_tui.render.worked import fmt
from backprop_tui.tui.language import translate_bindings
from backprop_tui.tui.screens.dialogs import ExportDialog
from backprop_tui.tui.screens.scrolling import SCROLL_BINDINGS, scroll
from backprop_tui.render.describe import phase_word
from backprop_tui.walk.quiz import MISTAKE_COLUMNS, PHASE_COLUMNS, QuizSession, Verdict


def _bold_marked(text: str) -> Text:
    """`text` with each part between ** in bold, as markdown shows it (the marks left out)."""
    return Text.assemble(*[(part, "bold") if i % 2 else part for i, part in enumerate(text.split("**"))])


def summary_renderable(session: QuizSession) -> RenderableType:
    """Score, a table by phase, a table by mistake, and each answer that was not right."""
    parts: list[RenderableType] = [
        Text(_("Quiz on {name}").format(name=session.name), style="bold"),
        _bold_marked(session.score_sentence()),
    ]
    phases = Table(title=_("By phase"), title_justify="left", box=None, padding=(0, 1))
    for index, column in enumerate(PHASE_COLUMNS):
        phases.add_column(_(column), justify="left" if index == 0 else "right")
    for phase, score in session.by_phase().items():
        phases.add_row(phase_word(phase), str(score.right), str(score.wrong), str(score.skipped))
    mistakes = Table(title=_("By mistake"), title_justify="left", box=None, padding=(0, 1))
    mistakes.add_column(_(MISTAKE_COLUMNS[0]))
    mistakes.add_column(_(MISTAKE_COLUMNS[1]), justify="right")
    for code, count in session.by_mistake().items():
        mistakes.add_row(code, str(count))
    parts += [Text(""), phases, Text(""), mistakes if session.by_mistake() else Text(_("No wrong answers."))]
    missed = [a for a in session.answers.values() if a.verdict is not Verdict.RIGHT]
    if missed:
        parts += [Text(""), Text(_("Not right"), style="bold underline")]
        for a in missed:
            given = _("skipped") if a.given is None else _("you typed {value}").format(value=fmt(a.given))
            line = Text.assemble((_("iteration {iteration} · {symbol}").format(
                                      iteration=a.question.iteration, symbol=a.symbol), "bold"),
                                 f": {given}; {a.worked}")
            if a.mistake is not None:
                line.append(f"  [{a.mistake.value}] {a.explanation}")
            parts.append(line)
    return Group(*parts)


class QuizSummaryScreen(ModalScreen[None]):
    """The summary of a quiz; s saves it (the suffix chooses JSON or markdown)."""

    DEFAULT_CSS = """
    QuizSummaryScreen { align: center middle; }
    QuizSummaryScreen #quiz-summary { width: 90%; height: 85%; border: round $primary; background: $surface;
                                      padding: 0 1; }
    """

    BINDINGS = [
        Binding("s", "save", "Save the summary (.json or .md)", show=True),
        Binding("escape,q", "dismiss", "Back to the stepper", show=True),
        *SCROLL_BINDINGS,
    ]

    def __init__(self, session: QuizSession, suggestion: str) -> None:
        super().__init__()
        self.session = session
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="quiz-summary", can_focus=False):
            yield Static(summary_renderable(self.session), id="quiz-summary-text")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        translate_bindings(self)
        self.refresh_bindings()

    def action_scroll(self, where: str) -> None:
        """Scroll the summary (it takes no focus, so these keys are bound here)."""
        scroll(self.query_one("#quiz-summary", VerticalScroll), where)

    def action_save(self) -> None:
        """Ask for a file name (.json: strict JSON, .md: markdown); a file that exists is only
        replaced when the learner says so."""
        self.app.push_screen(ExportDialog(self.suggestion, self._write,
                                          prompt=_("Save the quiz summary (.json or .md) to:")))

    def _write(self, name: str, replace: bool) -> None:
        path = Path(name).expanduser()
        form = self.session.save(path, replace)
        self.notify(_("Saved the quiz summary ({format}) to {path}").format(format=form, path=path), timeout=4)
