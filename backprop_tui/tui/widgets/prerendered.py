"""A widget that shows lines rendered beforehand, so Textual neither measures nor re-renders them.

Rich tables are the costly part of a frame; rendering them once (possibly ahead of time, in a
worker) and handing Textual finished strips keeps a key press well inside one frame.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.console import Console, RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

PLAIN = Style()
"""Every segment gets a style: Textual's filters (NO_COLOR's monochrome) expect one."""
WIDE = 10_000
"""Render width: tables take their natural width, never wrapped by the terminal's."""


Block = tuple[list[list[Segment]], int]
"""One renderable's lines and their width."""


def render_blocks(renderables: Sequence[RenderableType]) -> list[Block]:
    """Each renderable rendered once at its natural width."""
    console = _CONSOLE
    blocks = []
    for renderable in renderables:
        lines = [[Segment(text, style or PLAIN) for text, style, _ in line]
                 for line in console.render_lines(renderable, console.options.update(width=WIDE), pad=False)]
        blocks.append((lines, max((Segment.get_line_length(line) for line in lines), default=0)))
    return blocks


def text_strips(lines: Sequence[Text], console: Console | None = None) -> list[Strip]:
    """Lines of text as strips, one per Text, without wrapping or measuring: much cheaper than
    handing Textual a Group of them, which renders them through a console twice (to measure the
    height, then to draw)."""
    console = console or _CONSOLE
    return [Strip([segment if segment.style else Segment(segment.text, PLAIN) for segment in line.render(console)])
            for line in lines]


def strips_at(renderable: RenderableType, width: int) -> list[Strip]:
    """Any renderable's lines at `width` columns (wrapped or laid out as rich does at that width)."""
    lines = _CONSOLE.render_lines(renderable, _CONSOLE.options.update(width=max(width, 1)), pad=False)
    return [Strip([Segment(text, style or PLAIN) for text, style, _ in line]) for line in lines]


_CONSOLE = Console(width=WIDE, file=io.StringIO(), force_terminal=True, color_system="truecolor")
"""Renders off screen; the app's filters (NO_COLOR's monochrome, the theme) apply to the strips after."""


def _row(blocks: list[Block], gap: int) -> list[Strip]:
    """Blocks placed left to right, tops aligned, each padded to its width."""
    height = max((len(lines) for lines, _ in blocks), default=0)
    rows = []
    for y in range(height):
        segments: list[Segment] = []
        for index, (lines, width) in enumerate(blocks):
            if index:
                segments.append(Segment(" " * gap, PLAIN))
            line = lines[y] if y < len(lines) else []
            segments.extend(line)
            missing = width - Segment.get_line_length(line)
            if missing > 0:
                segments.append(Segment(" " * missing, PLAIN))
        rows.append(Strip(segments))
    return rows


def pack(blocks: list[Block], max_width: int = WIDE, gap: int = 2) -> list[Strip]:
    """Blocks left to right in order, starting a new row where the next would pass `max_width`."""
    rows: list[list[Block]] = [[]]
    used = 0
    for block in blocks:
        needed = block[1] + (gap if rows[-1] else 0)
        if rows[-1] and used + needed > max_width:
            rows.append([])
            used, needed = 0, block[1]
        rows[-1].append(block)
        used += needed
    strips: list[Strip] = []
    for row in rows:
        strips.extend(_row(row, gap))
    return strips


def render_side_by_side(renderables: Sequence[RenderableType], gap: int = 2) -> list[Strip]:
    """Each renderable at its natural width, left to right, tops aligned (like a grid row)."""
    return _row(render_blocks(renderables), gap)


class LineStyled:
    """For a widget that draws its own lines (render_line) under its own style: the style is
    worked out once per render, not once per line. Textual derives it from every ancestor's
    background, which was most of the cost of drawing a prepared line."""

    _line_style: Style | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        self._line_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._line_style = None

    @property
    def line_style(self) -> Style:
        """The widget's style (its background and colour under every segment)."""
        return self._line_style if self._line_style is not None else self.rich_style


class Prerendered(LineStyled, Widget):
    """Shows a list of strips at their own width; `show` swaps them in.

    Each line gets the widget's style under every segment once per list of strips (in `prepare`,
    which the stepper calls for the next step before it is shown), not once per frame: styling
    the segments of a page of matrices was most of a frame's time.
    """

    PREPARED = 4
    """Styled lists kept: the one shown and the ones prepared for the next moves."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._strips: list[Strip] = []
        self._width = 0
        self._styled: list[Strip] | None = None
        self._styled_with: Style | None = None
        self._prepared: list[tuple[list[Strip], Style, list[Strip]]] = []

    def show(self, strips: list[Strip]) -> None:
        """Swap in new lines; the screen is laid out again only when the size changed."""
        if strips is self._strips:
            return
        old = (self._width, len(self._strips))
        self._strips = strips
        self._width = _width_of(strips)
        self._styled = None
        self.refresh(layout=(self._width, len(strips)) != old)

    def prepare(self, strips: list[Strip]) -> None:
        """Style `strips` now, so showing them later costs no styling."""
        self._styled_lines(strips, self.rich_style)

    def _styled_lines(self, strips: list[Strip], style: Style) -> list[Strip]:
        for known, known_style, styled in self._prepared:
            if known is strips and known_style == style:
                return styled
        # the widget's style goes under every segment, so the theme's background (light or dark)
        # shows behind the tables rather than the terminal's default (a black slab on a light theme)
        width = _width_of(strips)
        styled = [strip.crop_extend(0, width, style).apply_style(style) for strip in strips]
        self._prepared = [(strips, style, styled), *self._prepared[: self.PREPARED - 1]]
        return styled

    @property
    def text(self) -> str:
        """The lines as plain text (for tests and screen readers)."""
        return "\n".join(strip.text for strip in self._strips)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self._width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._strips)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        style = self.line_style
        if y >= len(self._strips):
            return Strip.blank(width, style)
        if self._styled is None or self._styled_with != style:  # a new list, or a new theme
            self._styled, self._styled_with = self._styled_lines(self._strips, style), style
        line = self._styled[y]
        return line if line.cell_length == width else line.crop_extend(0, width, style)


def _width_of(strips: list[Strip]) -> int:
    return max((strip.cell_length for strip in strips), default=0)
