"""The chain rule for the weight or bias under the cursor, as a table: each path's factors (symbols
above values) and product, their sum over paths and samples, the analytic gradient and the
central-difference check."""

from __future__ import annotations

import math
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip
from textual.widgets import Static

from backprop_tui.i18n import N_, _
from backprop_tui.core.dense.chain import DrillDown
from backprop_tui.render.chain_table import chain_sums, chain_table, chain_title, chain_verdict
from backprop_tui.tui.widgets.prerendered import LineStyled, strips_at

MAX_TERMS = 6

NAN_WHY = N_("NaN: no value: the numbers overflowed to inf, and inf − inf or 0·inf has no value "
           "(nor has anything computed from it)")


def chain_group(drill: DrillDown, decimals: int, width: int | None = None) -> Group:
    """The drill-down: a title, the table (render/chain_table.py), the check's verdict, and why a
    NaN has no value where one is shown; within `width` columns the table and the sums break
    between factors and between values, never inside one."""
    parts: list = [chain_title(drill)]
    terms = drill.terms or drill.compact
    if drill.positions:
        parts.append(Text(_("(one term per position the filter visits: δ there · the patch value under this tap; "
                            "the paths above are folded into δ)"), style="dim"))
    elif not drill.terms:
        parts.append(Text(_("(too many paths to list: the compact form δ · a per sample)"), style="dim"))
    parts += [chain_table(drill, decimals, MAX_TERMS, width), chain_sums(drill, decimals, width), chain_verdict(drill)]
    shown = [drill.path_sum, drill.analytic, drill.numeric, *(t.value for t in terms[:MAX_TERMS]),
             *(f.value for t in terms[:MAX_TERMS] for f in t.factors)]
    if any(math.isnan(v) for v in shown):
        parts.append(Text(f"  {_(NAN_WHY)}", style="italic"))
    return Group(*parts)


@dataclass(frozen=True)
class ChainAtWidth:
    """The drill-down laid out for the width it is drawn at (the pane beside or below the step)."""

    drill: DrillDown
    decimals: int

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield chain_group(self.drill, self.decimals, options.max_width)


class ChainLines:
    """A drill-down's lines per width, drawn once and kept for the few drill-downs around the
    current one (the one shown, the next ones, a few behind)."""

    KEPT = 16

    def __init__(self) -> None:
        self._lines: dict[tuple[int, int, int], tuple[DrillDown | None, list[Strip]]] = {}

    def __call__(self, drill: DrillDown | None, decimals: int, width: int) -> list[Strip]:
        """`drill` laid out in `width` columns (no lines for None)."""
        key = (id(drill), decimals, width)
        known = self._lines.get(key)
        if known is None or known[0] is not drill:  # an id is only a key while its drill-down lives
            while len(self._lines) >= self.KEPT:
                del self._lines[next(iter(self._lines))]  # the oldest first
            content = ChainAtWidth(drill, decimals) if drill is not None else Text("")
            known = self._lines[key] = (drill, strips_at(content, width))
        return known[1]

    def __bool__(self) -> bool:
        return bool(self._lines)

    def forget(self) -> None:
        """Drop every drawn drill-down (the language changed)."""
        self._lines.clear()


class ChainPanel(LineStyled, Static):
    """Shows the drill-down the screen computed for the focused weight (beside the step, under the
    drawing, from 110 to 160 columns; elsewhere the step pane draws it).

    Its lines are rendered once per drill-down and width (`prepare` does it for the next step
    before it is shown) and handed to Textual as strips: a Static renders its content twice per
    frame, to measure its height and to draw it, and the chain table was the costliest of a key.
    """

    _shown: tuple[DrillDown | None, int] | None = None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines = ChainLines()
        self._styled: tuple[tuple, list[Strip]] | None = None

    def show(self, drill: DrillDown | None, decimals: int) -> None:
        """Redraw only for another drill-down (the screen caches them) or other decimals."""
        if self._shown is not None and self._shown[0] is drill and self._shown[1] == decimals:
            return
        width = self.content_size.width if self.display else 0  # 0: hidden, drawn when shown
        old_height = len(self._lines_at(width)) if self._shown is not None and width else None
        self._shown = (drill, decimals)
        self.update(ChainAtWidth(drill, decimals) if drill is not None else Text(""),
                    layout=bool(width) and len(self._lines_at(width)) != old_height)

    def forget_drawn(self) -> None:
        """Drop the lines drawn so far (the language changed): the next `show` draws afresh."""
        self._lines.forget()
        self._styled = None
        self._shown = None

    def prepare(self, drill: DrillDown | None, decimals: int) -> None:
        """Render a drill-down at the current width before it is shown."""
        if drill is not None:
            self._lines(drill, decimals, self._width())

    def _width(self) -> int:
        return self.content_size.width or max(self.app.size.width - 2, 1)

    def _lines_at(self, width: int) -> list[Strip]:
        drill, decimals = self._shown if self._shown is not None else (None, 0)
        return self._lines(drill, decimals, width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines_at(width))

    def render_line(self, y: int) -> Strip:
        width, style = self.content_size.width, self.line_style
        key = (id(self._shown[0]) if self._shown else 0, self._shown[1] if self._shown else 0, width, style)
        if self._styled is None or self._styled[0] != key:
            self._styled = (key, [line.crop_extend(0, width, style).apply_style(style)
                                  for line in self._lines_at(width)])
        lines = self._styled[1]
        return lines[y] if y < len(lines) else Strip.blank(width, style)
