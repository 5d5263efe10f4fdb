"""Lines rendered beforehand, so Textual neither measures nor re-renders them.

Rich tables are the costly part of a frame; rendering them once (possibly ahead of time, after
the last frame) and handing Textual finished strips keeps a key press well inside one frame.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.console import Console, RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip

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
