"""The header line: scenario title, then iteration i/N, phase, step k/K and the current loss."""

from __future__ import annotations

from typing import TYPE_CHECKING

import math

from rich.text import Text
from textual.strip import Strip
from textual.widget import Widget

from backprop_tui.i18n import _, language
from backprop_tui.render.describe import phase_name, scenario_title
from backprop_tui.render.numbers import cell
from backprop_tui.walk.stepper import Stepper
from backprop_tui.tui.widgets.prerendered import LineStyled, text_strips

if TYPE_CHECKING:
    from backprop_tui.walk.quiz import Score  # loaded when a quiz starts


def iteration_text(number: int, planned: int) -> tuple[tuple[str, str], ...]:
    """'iteration 2/3' within the scenario's planned iterations; past them, 'iteration 4, past
    the 3 planned' (the stepper goes on computing; the file plans only `planned`)."""
    if number <= planned:
        return (_("iteration") + " ", "dim"), (f"{number}/{planned}", "bold")
    return ((_("iteration") + " ", "dim"), (str(number), "bold"),
            (_(", past the {planned} planned").format(planned=planned), "dim"))


def status_text(stepper: Stepper, busy: bool = False, playing: bool = False, quiz: Score | None = None) -> Text:
    """Where the learner is, in one line; a diverged loss is spelt out and flagged. In quiz mode
    (`quiz`: the score) the score takes the loss's place, which the loss step asks."""
    p = stepper.position
    step = stepper.step
    loss = stepper.iteration.loss
    variant = stepper.scenario.variant
    text = Text.assemble(
        (f"[{variant}]  " if variant else "", "bold"),
        *iteration_text(p.iteration + 1, stepper.planned), "  ",
        (f" {phase_name(step.phase)} ", "bold reverse"), "  ",
        (_("step") + " ", "dim"), (f"{p.step + 1}/{len(stepper.steps)}", "bold"), "  ",
    )
    if quiz is not None:
        text.append_text(Text.assemble(("quiz ", "dim"), (f"✓{quiz.right} ✗{quiz.wrong} ↷{quiz.skipped}", "bold")))
    elif math.isfinite(loss):
        text.append("E = ", "dim")
        text.append(cell(loss, 4), "bold")
    else:
        text.append("E = ", "dim")
        text.append(cell(loss, 4), "bold red reverse")
    if stepper.iteration.diverged:
        text.append("  " + _("DIVERGED"), "bold red reverse")
    if playing:
        text.append("  ▶ " + _("playing"), "bold")
    if busy:
        text.append("  " + _("computing…"), "italic")
    return text


def header_line(stepper: Stepper, width: int, busy: bool = False, playing: bool = False,
                quiz: Score | None = None) -> Text:
    """The file name and title on the left, cut with an ellipsis to leave the variant and status
    their room on the right, `width` columns in all (the status alone, cut, when even that is
    too wide)."""
    scenario = stepper.scenario
    status = status_text(stepper, busy, playing, quiz)
    title = Text(scenario_title(scenario), style="bold")
    if scenario.source is not None:  # which file this is, so a reload or an edit names what it read
        title = Text.assemble((scenario.source.name, "dim"), " ", title)
    room = width - status.cell_len - GAP
    if room < 1:
        status.truncate(width, overflow="ellipsis")
        return status
    title.truncate(room, overflow="ellipsis", pad=True)
    return Text.assemble(title, " " * GAP, status)


GAP = 2
"""Columns between the title and the status."""


class StatusLine(LineStyled, Widget):
    """One line that never changes size, so updating it never lays the screen out again; drawn
    as one line of text rather than a table, which rich lays out anew at every step."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: tuple | None = None
        self._drawn: tuple[tuple, Strip] | None = None

    def show(self, stepper: Stepper, busy: bool = False, playing: bool = False, quiz: Score | None = None) -> None:
        """Redraw the line; `quiz` (the score, in quiz mode) in place of the loss."""
        self._shown = (stepper, busy, playing, quiz)
        self._drawn = None
        self.refresh()

    def _line(self) -> Strip:
        width = self.size.width
        key = (width, language())
        if self._drawn is None or self._drawn[0] != key:
            if self._shown is None:
                line = Text("")
            else:
                stepper, busy, playing, quiz = self._shown
                line = header_line(stepper, width, busy, playing, quiz)
            self._drawn = (key, text_strips([line])[0])
        return self._drawn[1]

    def render_line(self, y: int) -> Strip:
        style = self.line_style
        return self._line().crop_extend(0, self.size.width, style).apply_style(style)
