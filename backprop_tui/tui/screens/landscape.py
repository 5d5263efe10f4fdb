"""The landscape mode: E over a plane through parameter space, each variant's path on it, and the
learner's current point, which moves as the learner steps through iterations here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from backprop_tui.core.dense.landscape import (
    PCA, WEIGHTS, Landscape, flatten, gradient_cut, landscape, on_plane, path_name,
)
from backprop_tui.core.vocab import Move
from backprop_tui.i18n import N_, _, error_text
from backprop_tui.render.landscape import axis_title, cut_chart, cut_verdict, framed_map, legend_text, scale_text
from backprop_tui.render.describe import scenario_title
from backprop_tui.walk.stepper import Stepper
from backprop_tui.tui.language import translate_bindings
from backprop_tui.tui.screens.language_key import LANGUAGE_KEY, LanguageKey
from backprop_tui.tui.widgets.step_footer import FooterItem, StepFooter

LANDSCAPE_KEYS = [
    FooterItem("escape", "esc", N_("Back to the stepper"), N_("Back")),
    FooterItem("pagedown", "PgDn", N_("Next iteration"), N_("Next")),
    FooterItem("pageup", "PgUp", N_("Previous iteration"), N_("Prev")),
    FooterItem("p", "p", N_("Switch plane (weights / PCA)"), N_("Plane")),
]
"""The footer's keys, fitted to the width beside ? Help and q Quit."""

LABEL_WIDTH = 10
"""Columns the map's y labels and frame take besides the map itself."""


class LandscapeScreen(LanguageKey, Screen[None]):
    """Computes the landscape in a worker (a long run must not freeze the app), then draws it with
    the stepper's current point; PgDn/PgUp (and > <) move the stepper by iterations."""

    CSS_PATH = Path(__file__).parent.parent / "styles" / "landscape.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding("escape,L", "dismiss", "Back to the stepper", show=True),
        Binding("pagedown,N", "iterate('next_iteration')", "Next iteration", show=True, key_display="PgDn"),
        Binding("pageup,P", "iterate('prev_iteration')", "Previous iteration", show=True, key_display="PgUp"),
        Binding("greater_than_sign", "iterate('ahead')", "10 iterations ahead", show=False),
        Binding("less_than_sign", "iterate('back')", "10 iterations back", show=False),
        Binding("p", "switch_plane", "Switch plane", show=True),
        LANGUAGE_KEY,
    ]

    def __init__(self, stepper: Stepper) -> None:
        super().__init__()
        self.stepper = stepper
        self.scape: Landscape | None = None
        self.failure: Exception | None = None
        """Why the landscape could not be made (said where drawn, so K says it again)."""
        self.plane_spec: str | None = None
        """The plane shown: None for the two weights that move most, PCA for the principal directions."""

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="landscape-title")
        with Horizontal(id="landscape-body"):
            with Vertical(id="landscape-left"):
                yield Static(Text(_("computing the landscape…"), style="italic"), id="landscape-axes")
                yield Static(id="landscape-map")
            with VerticalScroll(id="landscape-side", can_focus=False):
                yield Static(id="landscape-legend")
                yield Static(id="landscape-cut")
                yield Static(id="landscape-verdict")
        yield StepFooter(LANDSCAPE_KEYS)

    def _title(self) -> Text:
        return Text(_("Loss landscape of {title}").format(title=scenario_title(self.stepper.scenario)), style="bold")

    def on_mount(self) -> None:
        translate_bindings(self)
        self._compute()


    def retranslate(self) -> None:
        """Redraw every text of the screen in the current language (called by language.switch)."""
        self.query_one("#landscape-title", Static).update(self._title())
        self.query_one(StepFooter).show(LANDSCAPE_KEYS)
        if self.failure is not None:
            self.query_one("#landscape-axes", Static).update(self._failure_text())
        elif self.scape is None:
            self.query_one("#landscape-axes", Static).update(Text(_("computing the landscape…"), style="italic"))
        self.redraw()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _compute(self) -> None:
        try:
            result: Landscape | Exception = landscape(self.stepper.scenario, include_current=True)
        except Exception as error:  # a landscape that cannot be made is explained, not raised
            result = error
        self.app.call_from_thread(self._show, result)

    def _failure_text(self) -> Text:
        """Why the landscape could not be made, in the language of now."""
        return Text(_("could not draw the landscape: {error}").format(error=error_text(self.failure)), style="bold")

    def action_switch_plane(self) -> None:
        """Switch between the plane of the two weights that move most and the plane of the runs'
        principal directions (the axes' title says which); the paths are kept, only the plane,
        the grid and the coordinates are made again, in a worker."""
        if self.scape is None:
            return
        self.plane_spec = PCA if self.plane_spec is None else None
        self.query_one("#landscape-axes", Static).update(Text(_("computing the plane…"), style="italic"))
        self._replane(self.scape, self.plane_spec)

    @work(thread=True, exclusive=True, group="plane", exit_on_error=False)
    def _replane(self, scape: Landscape, spec: str | None) -> None:
        try:
            result: Landscape | str = on_plane(self.stepper.scenario, scape, spec)
        except Exception as error:  # a plane that cannot be made is explained, not raised
            result = _("could not draw that plane: {error}").format(error=error)
        self.app.call_from_thread(self._replaned, spec, result)

    def _replaned(self, spec: str | None, result: Landscape | str) -> None:
        if spec != self.plane_spec:
            return  # switched again meanwhile: the later worker draws
        if isinstance(result, str):
            self.plane_spec = None if spec is not None else PCA  # back to the plane still shown
            self.notify(result, severity="error")
            self.redraw()
            return
        self._show(result)

    def _show(self, result: Landscape | Exception) -> None:
        if isinstance(result, Exception):
            self.failure = result
            self.query_one("#landscape-axes", Static).update(self._failure_text())
            return
        self.scape = result
        self.redraw()

    def on_resize(self) -> None:
        self.redraw()

    def current(self) -> tuple[int, np.ndarray, int]:
        """(path index, its (u, v), iteration number) of the learner's point now."""
        assert self.scape is not None
        names = [path.name for path in self.scape.paths]
        index = names.index(path_name(self.stepper.scenario))
        params = self.stepper.iteration.before.params
        return index, self.scape.plane.project(flatten(params))[0], self.stepper.position.iteration + 1

    def redraw(self) -> None:
        """Draw the map, the scale and legend, and the cut through the current point."""
        if self.scape is None:
            return
        scape = self.scape
        index, uv, number = self.current()
        area = self.query_one("#landscape-map", Static)
        width = max(area.content_size.width - LABEL_WIDTH, 10)
        height = max(area.content_size.height - 2, 8)
        self.query_one("#landscape-axes", Static).update(Text(axis_title(scape), style="italic"))
        picture = framed_map(scape, width, height, (index, uv))
        picture.no_wrap = True  # the labels' padding must stay: wrapping would strip it
        area.update(picture)
        where = _("iteration {number} of {name}").format(number=number, name=scape.paths[index].name)
        legend = (Text(_("Now: {where}").format(where=where) + "\n", style="bold") + scale_text(scape) + Text("\n")
                  + legend_text(scape, index))
        self.query_one("#landscape-legend", Static).update(legend)
        chart, verdict = self._cut(where)
        self.query_one("#landscape-cut", Static).update(chart)
        self.query_one("#landscape-verdict", Static).update(verdict)

    def _cut(self, where: str) -> tuple[Text, Text]:
        """The chart of the cut along the gradient through the current point, and its verdict
        (only on a two-weight plane, where the gradient's direction is a weight's)."""
        if self.scape is None or self.scape.plane.kind != WEIGHTS:
            return Text(""), Text("")
        cut = gradient_cut(self.stepper.scenario, self.stepper.iteration.before.params)
        if cut is None:
            return Text(""), Text(_("No cut through {where}: its weights or gradient are inf/NaN.").format(where=where))
        chart = cut_chart(cut, where, width=36, height=6)
        chart.no_wrap = True
        return chart, Text(cut_verdict(cut))

    def action_iterate(self, name: str) -> None:
        """Move the stepper by iterations (the stepper shows the same place on return)."""
        try:
            self.stepper.move(Move(name))
        except Exception as error:  # the engine never raises on numbers, but the app must not die
            self.notify(_("Could not compute that iteration: {error}").format(error=error), severity="error")
        self.redraw()
