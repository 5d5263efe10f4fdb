"""The network drawn: nodes with their values for one sample, edges weighted by |θ| and coloured by sign.

The drawing itself is `render.diagram` (no Textual); this widget gathers the numbers of the
current step from the stepper and redraws at whatever size the layout gives it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from textual.strip import Strip
from textual.theme import Theme
from textual.widget import Widget

from backprop_tui.i18n import _
from backprop_tui.core.dense import notation as n
from backprop_tui.core.dense.plane import InputPlane, input_plane
from backprop_tui.core.dense.run import Iteration
from backprop_tui.core.dense.steps import Step
from backprop_tui.core.scenario.conv_model import ConvScenario
from backprop_tui.core.scenario.model import Scenario
from backprop_tui.core.vocab import Cell, Parameter, Phase, Quantity
from backprop_tui.render.conv_pictures import Panel, pictures, step_panels
from backprop_tui.render.diagram import Flow, Palette, Picture, draw, focus_path, lit
from backprop_tui.render.notation import cell_symbol, symbol
from backprop_tui.render.numbers import cell
from backprop_tui.render.plane import thumbnail_cells
from backprop_tui.walk.focus import Focus
from backprop_tui.walk.stepper import Stepper
from backprop_tui.tui.widgets.prerendered import LineStyled, strips_at, text_strips


def picture(stepper: Stepper, focus: Focus | None, sample: int = 0, decimals: int = 3) -> Picture:
    """The current step's picture for batch column `sample` (0-based, clamped to the batch)."""
    return picture_of(stepper.scenario, stepper.iteration, stepper.step, focus, sample, decimals)


def picture_of(scenario: Scenario, it: Iteration, step: Step, focus: Focus | None, sample: int = 0,
               decimals: int = 3) -> Picture:
    """`step`'s picture in iteration `it`, for batch column `sample` (0-based, clamped to the batch).

    Nodes show a (z while the step computes z, δ once the backward pass has reached the layer);
    edges show θ before this iteration's update, or its change θ_new − θ in an update step.
    """
    layers = len(scenario.layers)
    s = min(max(sample, 0), it.x.shape[1] - 1)
    shown = lit(step, layers)
    labels, values = [symbol(n.activation(0, layers))], [it.forward.a[0][:, s]]
    backward = step.phase in (Phase.BACKWARD, Phase.UPDATE)
    for l in range(1, layers + 1):
        delta_done = step.phase is Phase.UPDATE or (backward and step.layer is not None and l >= step.layer)
        if backward and delta_done:
            labels.append(symbol(n.delta(l)))
            values.append(it.backward.delta[l - 1][:, s])
        elif any(op.result == n.z(l) for op in step.operations):
            labels.append(symbol(n.z(l)))  # the weighted sums, before f is applied
            values.append(it.forward.z[l - 1][:, s])
        else:
            done = step.phase is not Phase.FORWARD or (step.layer is not None and l <= step.layer)
            labels.append(symbol(n.activation(l, layers)))
            values.append(it.forward.a[l][:, s] if done else None)
    before, after = it.before.params, it.after.params
    weights = tuple(after.weights[l] - before.weights[l] if shown.edges.get(l + 1) is Flow.UPDATE
                    else before.weights[l] for l in range(layers))
    biases = tuple(None if b is None else
                   ((after.biases[l] - b) if shown.biases.get(l + 1) is Flow.UPDATE else b).reshape(-1)
                   for l, b in enumerate(before.biases))
    edge, path, label = None, frozenset(), ""
    if focus is not None and focus.parameter is Parameter.WEIGHTS:
        edge = (focus.layer, focus.row, focus.col)
        path = focus_path(focus.layer, focus.row, focus.col, scenario.sizes)
        flow = shown.edges.get(focus.layer)
        key = n.theta(focus.layer)
        value = float(before.weights[focus.layer - 1][focus.row, focus.col])
        if flow is Flow.GRADIENT:
            key, value = n.partial(key), float(it.backward.grad_w[focus.layer - 1][focus.row, focus.col])
        name = cell_symbol(Cell(key, (focus.row, focus.col)))
        label = f"{name} = {cell(value, decimals)}"
        if flow is Flow.UPDATE:
            change = float(weights[focus.layer - 1][focus.row, focus.col])
            label += f", Δ {'+' if change >= 0 else ''}{cell(change, decimals)}"
    return Picture(tuple(scenario.sizes), weights, biases, tuple(labels), tuple(values), shown,
                   edge, path, label, decimals)


def theme_palette(theme: Theme) -> Palette:
    """The diagram's sign colours and accent from a Textual theme."""
    return Palette(positive=theme.success or "green", negative=theme.error or "red",
                   accent=theme.accent or theme.warning or "yellow")


def _same(drawn: tuple, wanted: tuple) -> bool:
    """Whether a prepared picture is of this (iteration, step, focus, sample, decimals): the
    iteration and step by identity (a reloaded scenario makes new ones), the rest by value."""
    return drawn[0] is wanted[0] and drawn[1] is wanted[1] and drawn[2:] == wanted[2:]


def _drawn_from(stepper: Stepper, step: Step, focus: Focus | None, cursor: tuple[Quantity, tuple[int, int]] | None,
               sample: int, decimals: int) -> tuple:
    """What a step's drawing is made of (compared by `_same`): a convolutional scenario's pictures
    follow the cursor cell, a dense network's the focused weight and the decimals."""
    if isinstance(stepper.scenario, ConvScenario):
        return (stepper.iteration, step, cursor, sample, None)
    return (stepper.iteration, step, focus, sample, decimals)


THUMB_RESOLUTION = 16
"""Grid points per axis of the nodes' thumbnails (a few characters wide: more would not show)."""


class NetworkDiagram(LineStyled, Widget):
    """The drawn network for the current step; fills the space the layout gives it."""

    DEFAULT_CSS = "NetworkDiagram { height: 1fr; }"

    _picture: Picture | None = None
    _panels: list[Panel] | None = None
    """A convolutional scenario's pictures of the step (drawn instead of the network)."""
    caption_text: str = ""

    def show_network(self, stepper: Stepper, focus: Focus | None = None, sample: int = 0,
                     decimals: int = 3, conceal: bool = False,
                     cursor: tuple[Quantity, tuple[int, int]] | None = None) -> None:
        """Redraw for the stepper's current step, the weight under the cursor and batch column `sample`;
        `conceal` (the quiz asks this step) keeps every number but the inputs back. A convolutional
        scenario shows its images, filters and feature maps instead, the receptive field of the
        `cursor` cell outlined (what the step computes is left out while concealed)."""
        m = len(stepper.iteration.batch)
        what = _("network")
        key = _drawn_from(stepper, stepper.step, focus, cursor, sample, decimals)
        prepared = self._prepared if not conceal and self._prepared is not None and _same(self._prepared[0], key) \
            else None  # drawn after the last frame
        if isinstance(stepper.scenario, ConvScenario):
            self._picture, what = None, _("pictures")
            self._panels = prepared[1] if prepared else step_panels(stepper.scenario, stepper.step, sample, cursor,
                                                                    conceal=conceal)
        else:
            self._panels = None
            self._picture = prepared[1] if prepared else replace(picture(stepper, focus, sample, decimals),
                                                                 thumbnail=self.thumbnails(stepper))
            if conceal:
                values = (self._picture.values[0], *(None for _ in self._picture.values[1:]))
                # the units' pictures would show the asked values' colours: they wait too
                self._picture = replace(self._picture, values=values, focus_label="", thumbnail=None)
        if prepared:
            self._lines = prepared[2]
        self.border_title = (_("{what} · sample {sample} of {samples} (s)").format(
            what=what, sample=min(sample, m - 1) + 1, samples=m) if m > 1 else what)
        self.refresh()

    _prepared: tuple[tuple, Picture | list[Panel], tuple[object, tuple, list[Strip]]] | None = None
    """The next step's picture (or pictures) and lines, drawn before they are shown: (what it is of,
    picture, lines)."""

    def forget_drawn(self) -> None:
        """Drop the lines drawn so far and the next step's (the language changed)."""
        self._lines = None
        self._prepared = None
        self.refresh()

    def prepare(self, stepper: Stepper, step: Step, focus: Focus | None, sample: int, decimals: int,
                cursor: tuple[Quantity, tuple[int, int]] | None = None) -> None:
        """Draw `step` of the stepper's current iteration now (nothing concealed), so showing it
        next costs no drawing: a dense network's picture, or a convolutional scenario's pictures
        with the `cursor` cell's receptive field outlined."""
        if not self.content_region.area:
            return
        key = _drawn_from(stepper, step, focus, cursor, sample, decimals)
        if self._prepared is not None and _same(self._prepared[0], key):
            return
        shown = (step_panels(stepper.scenario, step, sample, cursor, conceal=False)
                 if isinstance(stepper.scenario, ConvScenario) else
                 replace(picture_of(stepper.scenario, stepper.iteration, step, focus, sample, decimals),
                         thumbnail=self.thumbnails(stepper)))
        self._prepared = (key, shown, (shown, self._drawn_as(), self._styled_lines(shown)))

    _planes: tuple[Stepper, int, InputPlane] | None = None

    def thumbnails(self, stepper: Stepper) -> Callable[[int, int, int, int], list] | None:
        """Each unit's input-plane picture for the nodes (networks of two inputs, in colour), from
        the weights the current iteration computes with; None where there are none to draw. The
        plane is computed on the first picture asked for (a small diagram asks for none)."""
        if stepper.scenario.inputs != 2 or self.app.no_color:
            return None
        iteration = stepper.position.iteration

        def cells(layer: int, unit: int, width: int, lines: int) -> list:
            if self._planes is None or self._planes[:2] != (stepper, iteration):
                plane = input_plane(stepper.scenario, stepper.iteration.before.params, iteration,
                                    resolution=THUMB_RESOLUTION)
                self._planes = (stepper, iteration, plane)
            plane = self._planes[2]
            return thumbnail_cells(plane, plane.unit(layer, unit), width, lines)

        return cells

    def palette(self) -> Palette:
        """The sign colours and the accent from the app's theme, so light themes read too."""
        return theme_palette(self.app.current_theme)

    def _drawn_as(self) -> tuple:
        """What the lines depend on besides the picture: size, theme, colour and style."""
        return (self.content_region.width, self.content_region.height, self.app.current_theme.name,
                self.app.no_color, self.line_style)

    def _styled_lines(self, shown: Picture | list[Panel] | None) -> list[Strip]:
        # the widget's style under every segment, so the theme's background shows through
        width, height, style = self.content_region.width, self.content_region.height, self.line_style
        return [line.crop_extend(0, width, style).apply_style(style) for line in self._draw(shown, width, height)]

    def render_line(self, y: int) -> Strip:
        # drawn once per picture, size and style, as strips: a Group of Texts would be rendered
        # twice per frame by Textual (to measure, then to draw), a fifth of a key press
        shown = self._panels if self._panels is not None else self._picture
        what = self._drawn_as()
        if self._lines is None or self._lines[0] is not shown or self._lines[1] != what:
            self._lines = (shown, what, self._styled_lines(shown))
        lines = self._lines[2]
        return lines[y] if y < len(lines) else Strip.blank(what[0], what[4])

    _lines: tuple[object, tuple, list[Strip]] | None = None
    """(the picture or panels drawn, (size, theme, no colour), its lines)."""

    def _draw(self, shown: Picture | list[Panel] | None, width: int, height: int) -> list[Strip]:
        if shown is None:
            return []
        if isinstance(shown, Picture):
            return text_strips(draw(shown, width, height, self.palette()))
        return strips_at(pictures(shown, width, not self.app.no_color, height), width)
