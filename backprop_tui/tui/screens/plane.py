"""The input-plane mode: what every unit computes over the plane of two inputs, for the weights the
stepper's current iteration computes with; stepping iterations here redraws it, and the learner
moves the diagram's cursor from unit to unit to enlarge each one."""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from backprop_tui.core.dense.plane import RESOLUTION, InputPlane, UnitPlane, check_inputs, input_plane
from backprop_tui.core.errors import UserError
from backprop_tui.core.vocab import Move
from backprop_tui.i18n import N_, _, ngettext
from backprop_tui.render.describe import scenario_title
from backprop_tui.render.plane import held_note, shown_name
from backprop_tui.tui.commands import StepperCommands
from backprop_tui.tui.language import translate_bindings
from backprop_tui.tui.screens.language_key import LANGUAGE_KEY, LanguageKey
from backprop_tui.tui.widgets.plane_view import PlaneView
from backprop_tui.tui.widgets.step_footer import FooterItem, StepFooter
from backprop_tui.walk.stepper import Stepper


RELOAD_CHECK = 0.25
"""Seconds between looks at whether the stepper was replaced (the file saved, another opened)."""

PLANE_KEYS = [
    FooterItem("escape", "esc", N_("Back to the stepper"), N_("Back")),
    FooterItem("pagedown", "PgDn", N_("Next iteration"), N_("Next")),
    FooterItem("pageup", "PgUp", N_("Previous iteration"), N_("Prev")),
    FooterItem("right", "→", N_("Next unit"), N_("Unit")),
    FooterItem("left", "←", N_("Previous unit"), N_("Prev unit")),
]
"""The footer's keys, fitted to the width beside ? Help and q Quit (Textual's footer clipped them
at 80 columns: ← and ? Help went off the edge, in English and more so in Korean)."""
INPUTS_KEY = FooterItem("i", "i", N_("Next pair of inputs"), N_("Inputs"))
"""Shown where there are more than two inputs to choose a pair from."""


class PlaneScreen(LanguageKey, Screen[None]):
    """The chosen unit large, every unit small, following the stepper's iteration."""

    COMMANDS = {StepperCommands}
    CSS_PATH = Path(__file__).parent.parent / "styles" / "plane.tcss"
    BINDINGS = [
        Binding("escape,O", "dismiss", "Back to the stepper", show=True),
        Binding("pagedown,N", "iterate('next_iteration')", "Next iteration", show=True, key_display="PgDn"),
        Binding("pageup,P", "iterate('prev_iteration')", "Previous iteration", show=True, key_display="PgUp"),
        Binding("greater_than_sign", "iterate('ahead')", "10 iterations ahead", show=False),
        Binding("less_than_sign", "iterate('back')", "10 iterations back", show=False),
        Binding("right,l", "unit(1)", "Next unit", show=True, key_display="→"),
        Binding("left,h", "unit(-1)", "Previous unit", show=True, key_display="←"),
        Binding("i", "inputs", "Next pair of inputs", show=True),
        LANGUAGE_KEY,
    ]

    def __init__(self, stepper_of: Callable[[], Stepper], chosen: tuple[int, int] | None = None) -> None:
        """`stepper_of` gives the stepper screen's stepper now (a reload or an opened scenario
        replaces it); `chosen`: (layer, unit), 1-based layer and 0-based unit, enlarged first
        (default: the first output). Raises PlaneError for a network with one input."""
        super().__init__()
        self.stepper_of = stepper_of
        self.stepper = stepper_of()
        self.cursor = 0
        self._setup(chosen)

    def _setup(self, chosen: tuple[int, int] | None) -> None:
        """Input pairs and the units' order for `self.stepper`, the cursor on `chosen` (else the output)."""
        scenario = self.stepper.scenario
        check_inputs(scenario, None)
        self.pairs = list(combinations(range(scenario.inputs), 2))
        self.pair = 0
        layers = len(scenario.layers)
        self.unit_order = [(layer, index) for layer in range(1, layers + 1)
                           for index in range(scenario.layers[layer - 1].units)]
        self.cursor = self.unit_order.index(chosen) if chosen in self.unit_order else \
            self.unit_order.index((layers, 0))
        self._cache: dict[tuple[int, int], InputPlane] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="plane-title")
        yield PlaneView(id="plane-view")
        yield StepFooter(self.footer_keys())

    def footer_keys(self) -> list[FooterItem]:
        """The footer's keys for this scenario (the input-pair key only with a pair to choose)."""
        return PLANE_KEYS + ([INPUTS_KEY] if len(self.pairs) > 2 else [])

    def on_mount(self) -> None:
        translate_bindings(self)
        self.set_interval(RELOAD_CHECK, self._follow_reload)
        self.redraw()


    def retranslate(self) -> None:
        """Redraw every text of the screen in the current language (called by language.switch)."""
        self.query_one(StepFooter).show(self.footer_keys())
        self.redraw()

    def _follow_reload(self) -> None:
        """Redraw for the stepper a saved file or an opened scenario put in place of this one;
        leave, saying why, if its network has fewer than two inputs."""
        current = self.stepper_of()
        if current is self.stepper:
            return
        chosen = self.unit_order[self.cursor]
        self.stepper = current
        try:
            self._setup(chosen)
        except UserError as error:
            self.notify(_("No input plane: {error}.").format(error=error), severity="warning")
            self.dismiss()
            return
        self.query_one(StepFooter).show(self.footer_keys())
        self.redraw()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The input-pair key only where there are more than two inputs to choose from."""
        if action == "inputs":
            return len(self.pairs) > 2
        return True

    @property
    def plane(self) -> InputPlane:
        """The plane of the current iteration's weights (before its update) and input pair, cached."""
        iteration = self.stepper.position.iteration
        key = (iteration, self.pair)
        if key not in self._cache:
            params = self.stepper.iteration.before.params
            self._cache[key] = input_plane(self.stepper.scenario, params, iteration, self.pairs[self.pair],
                                           RESOLUTION + 20)
        return self._cache[key]

    @property
    def chosen(self) -> UnitPlane:
        """The unit under the cursor (the one enlarged)."""
        return self.plane.unit(*self.unit_order[self.cursor])

    def redraw(self) -> None:
        """Title line and view from the stepper's iteration and the cursor."""
        plane = self.plane
        number = self.stepper.position.iteration + 1
        updates = plane.updates
        title = Text(_("Input plane · {title}").format(title=scenario_title(self.stepper.scenario)), style="bold")
        note = held_note(plane)
        if note:
            title.append("\n" + _("{note}; i: another pair").format(note=f"{note[0].upper()}{note[1:]}"))
        self.query_one("#plane-title", Static).update(title)
        caption = ngettext("{name} · iteration {number}, after {updates} update",
                           "{name} · iteration {number}, after {updates} updates", updates).format(
            name=shown_name(plane, self.chosen), number=number, updates=updates)
        self.query_one(PlaneView).show(plane, self.chosen, self.stepper, caption)

    def action_unit(self, change: int) -> None:
        """Move the cursor to the next (or previous) unit in the diagram's order, wrapping around."""
        self.cursor = (self.cursor + change) % len(self.unit_order)
        self.redraw()

    def action_inputs(self) -> None:
        """Draw the next pair of inputs (the others held at their mean)."""
        self.pair = (self.pair + 1) % len(self.pairs)
        self.redraw()

    def action_iterate(self, name: str) -> None:
        """Move the stepper by iterations (the stepper shows the same place on return)."""
        try:
            self.stepper.move(Move(name))
        except Exception as error:  # the engine never raises on numbers, but the app must not die
            self.notify(_("Could not compute that iteration: {error}").format(error=error), severity="error")
        self.redraw()


def open_error(stepper: Stepper) -> str | None:
    """Why the plane cannot be shown for this scenario, or None where it can."""
    try:
        check_inputs(stepper.scenario, None)
    except UserError as error:
        return _("No input plane: {error}.").format(error=error)
    return None
