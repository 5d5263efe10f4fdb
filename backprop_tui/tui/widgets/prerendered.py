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
from textual.geometry import Size
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
    console = Console(width=WIDE, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    blocks = []
    for renderable in renderables:
        lines = [[Segment(text, style or PLAIN) for text, style, _ in line]
                 for line in console.render_lines(renderable, console.options.update(width=WIDE), pad=False)]
        blocks.append((lines, max((Segment.get_line_length(line) for line in lines), default=0)))
    return blocks


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


class Prerendered(Widget):
    """Shows a list of strips at their own width; `show` swaps them in."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._strips: list[Strip] = []
        self._width = 0

    def show(self, strips: list[Strip]) -> None:
        """Swap in new lines; the screen is laid out again only when the size changed."""
        if strips is self._strips:
            return
        old = (self._width, len(self._strips))
        self._strips = strips
        self._width = max((strip.cell_length for strip in strips), default=0)
        self.refresh(layout=(self._width, len(strips)) != old)

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
        if y >= len(self._strips):
            return Strip.blank(width, self.rich_style)
        # the widget's style goes under every segment, so the theme's background (light or dark)
        # shows behind the tables rather than the terminal's default (a black slab on a light theme)
        return self._strips[y].crop_extend(0, width, self.rich_style).apply_style(self.rich_style)
