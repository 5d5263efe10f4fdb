"""The header line: scenario title, then iteration i/N, phase, step k/K and the current loss."""

from __future__ import annotations

import math

from rich.text import Text
from textual.widgets import Static

from backprop_tui.render.numbers import cell
from backprop_tui.stepper import Stepper


def status_text(stepper: Stepper, busy: bool = False, playing: bool = False) -> Text:
    """Where the learner is, in one line; a diverged loss is spelt out and flagged."""
    p = stepper.position
    step = stepper.step
    loss = stepper.iteration.loss
    text = Text.assemble(
        ("iteration ", "dim"), (f"{p.iteration + 1}/{stepper.planned}", "bold"), "  ",
        (f" {step.phase.upper()} ", "bold reverse"), "  ",
        ("step ", "dim"), (f"{p.step + 1}/{len(stepper.steps)}", "bold"), "  ",
        ("E = ", "dim"),
    )
    if math.isfinite(loss):
        text.append(cell(loss, 4), "bold")
    else:
        text.append(cell(loss, 4), "bold red reverse")
    if stepper.iteration.diverged:
        text.append("  DIVERGED", "bold red reverse")
    if playing:
        text.append("  ▶ playing", "bold")
    if busy:
        text.append("  computing…", "italic")
    return text


class TitleLine(Static):
    """The scenario's title (and variant), cut with an ellipsis when the terminal is narrow."""

    def show(self, stepper: Stepper) -> None:
        scenario = stepper.scenario
        variant = f" [{scenario.variant}]" if scenario.variant else ""
        self.update(Text(scenario.title + variant, style="bold", no_wrap=True, overflow="ellipsis"))


class StatusLine(Static):
    """Iteration, phase, step and loss: what changes on every key press."""

    def show(self, stepper: Stepper, busy: bool = False, playing: bool = False) -> None:
        self.update(status_text(stepper, busy, playing))
