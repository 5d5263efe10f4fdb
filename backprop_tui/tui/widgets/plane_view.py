"""The input plane drawn at whatever size the layout gives: the chosen unit large (framed, with its
scale, the data points and the boundary), and beside it the network with the chosen unit marked
above a small picture of every unit in the diagram's order.

The pictures are `render.plane`'s; the diagram is `render.diagram`'s, with the edges into the
chosen unit as its highlighted path. Without colour (NO_COLOR) every picture is ASCII characters.
"""

from __future__ import annotations

from dataclasses import replace

from rich.console import Group, RenderableType
from rich.text import Text
from textual.widget import Widget

from backprop_tui.core.dense.plane import InputPlane, UnitPlane
from backprop_tui.i18n import _
from backprop_tui.render.diagram import draw
from backprop_tui.render.plane import (axes_caption, beside, framed_plane, is_softmax, legend_text, picture,
                                       scale_text, shown_name, small_block)
from backprop_tui.tui.widgets.network import picture as network_picture, theme_palette
from backprop_tui.walk.stepper import Stepper

GAP = 2
"""Columns between the large picture and the side column."""
LABEL_WIDTH = 9
"""Columns the frame's y labels and borders take at most."""
MIN_DIAGRAM = 9
"""Lines the diagram needs to be readable; with less room it is left out."""


def thumb_size(width: int) -> int:
    """Characters a side of a small picture: larger on a larger screen."""
    return 10 if width < 100 else 14 if width < 160 else 18


def big_size(plane: InputPlane, width: int, height: int) -> tuple[int, int]:
    """(characters, lines) of the large picture within `width` × `height`, keeping the plane's
    aspect (a character is about twice as tall as wide, so two half-block pixels are square)."""
    aspect = float((plane.x[-1] - plane.x[0]) / (plane.y[-1] - plane.y[0]))
    lines = max(min(height, int(width / (2 * aspect))), 3)
    return max(min(width, int(round(2 * lines * aspect))), 6), lines


class PlaneView(Widget):
    """The input plane of one iteration, the chosen unit enlarged."""

    DEFAULT_CSS = "PlaneView { height: 1fr; }"

    plane: InputPlane | None = None
    chosen: UnitPlane | None = None
    stepper: Stepper | None = None
    caption: str = ""

    def show(self, plane: InputPlane, chosen: UnitPlane, stepper: Stepper, caption: str) -> None:
        """Draw `plane` with `chosen` enlarged; the diagram is the stepper's network."""
        self.plane, self.chosen, self.stepper, self.caption = plane, chosen, stepper, caption
        self.refresh()

    @property
    def colour(self) -> bool:
        """Half-block colours, or ASCII characters where colours are off (NO_COLOR)."""
        return not self.app.no_color

    def render(self) -> RenderableType:
        if self.plane is None or self.chosen is None:
            return Text(_("computing the input plane…"), style="italic")
        width, height = self.content_region.width, self.content_region.height
        side = self.side_lines(width, height)
        side_width = max((line.cell_len for line in side), default=0)
        main = self.main_lines(width - side_width - GAP, height)
        rows = []
        for r in range(max(len(main), len(side))):
            line = main[r].copy() if r < len(main) else Text()
            line.truncate(width - side_width - GAP)  # the side column always starts at one place
            line.pad_right(width - side_width - line.cell_len)
            if r < len(side):
                line.append_text(side[r])
            line.no_wrap, line.overflow = True, "crop"
            rows.append(line)
        return Group(*rows[:height])

    def main_lines(self, width: int, height: int) -> list[Text]:
        """The caption, the large picture in its frame, its scale and legend."""
        plane, chosen = self.plane, self.chosen
        assert plane is not None and chosen is not None
        softmax = is_softmax(plane, chosen.layer)
        scale = scale_text(chosen, self.colour, softmax, plane.layer_values(chosen.layer).shape[0])
        legend = legend_text(plane, chosen, self.colour)
        wrapped = [list(text.wrap(self.app.console, max(width, 10)))
                   for text in (Text(self.caption, style="bold"), Text(axes_caption(plane)), scale, legend)]
        columns, lines = big_size(plane, width - LABEL_WIDTH, height - 2 - sum(len(w) for w in wrapped))
        big = framed_plane(plane, picture(plane, chosen, columns, lines, self.colour))
        return [*wrapped[0], *big.split("\n"), *(line for lines in wrapped[1:] for line in lines)]

    def side_lines(self, width: int, height: int) -> list[Text]:
        """The diagram (where it fits) over every unit's small picture, the chosen one's name reversed."""
        plane, chosen = self.plane, self.chosen
        assert plane is not None and chosen is not None
        size = thumb_size(width)
        per_row = 3 if width >= 100 or len(plane.units) > 4 else 2
        blocks = [small_block(plane, unit, size, max(size // 2, 3), self.colour, chosen=unit == chosen)
                  for unit in plane.units]
        thumbs = beside(blocks, per_row * (size + GAP) - GAP).split("\n")
        side_width = per_row * (size + GAP) - GAP
        room = height - len(thumbs) - 1
        diagram = self.diagram_lines(side_width, min(room, 16)) if room >= MIN_DIAGRAM else []
        return [*diagram, *([Text()] if diagram else []), *thumbs]

    def diagram_lines(self, width: int, height: int) -> list[Text]:
        """The network with the edges into the chosen unit highlighted and the unit underlined."""
        plane, chosen, stepper = self.plane, self.chosen, self.stepper
        assert plane is not None and chosen is not None and stepper is not None
        base = network_picture(stepper, None)
        sizes = stepper.scenario.sizes
        into = frozenset((chosen.layer, i, chosen.index) for i in range(sizes[chosen.layer - 1]))
        marked = replace(base, focus=(chosen.layer, -1, chosen.index), path=into,
                         focus_label=_("{name} enlarged").format(name=shown_name(plane, chosen)))
        return draw(marked, width, height, theme_palette(self.app.current_theme))
