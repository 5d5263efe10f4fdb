"""The header line: scenario title, then iteration i/N, phase, step k/K and the current loss."""

from __future__ import annotations

import math

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from backprop_tui.i18n import _
from backprop_tui.render.describe import phase_name, scenario_title
from backprop_tui.render.numbers import cell
from backprop_tui.walk.quiz import Score
from backprop_tui.walk.stepper import Stepper


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


def header_grid(stepper: Stepper, busy: bool = False, playing: bool = False, quiz: Score | None = None) -> Table:
    """The file name and title (cut with an ellipsis when narrow) on the left, the variant and status on the right."""
    scenario = stepper.scenario
    grid = Table.grid(expand=True, padding=(0, 1))
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(no_wrap=True, justify="right")
    title = Text(scenario_title(scenario), style="bold")
    if scenario.source is not None:  # which file this is, so a reload or an edit names what it read
        title = Text.assemble((scenario.source.name, "dim"), " ", title)
    grid.add_row(title, status_text(stepper, busy, playing, quiz))
    return grid


class StatusLine(Static):
    """One line that never changes size, so updating it never lays the screen out again."""

    def show(self, stepper: Stepper, busy: bool = False, playing: bool = False, quiz: Score | None = None) -> None:
        """Redraw the line; `quiz` (the score, in quiz mode) in place of the loss."""
        self.update(header_grid(stepper, busy, playing, quiz), layout=False)
