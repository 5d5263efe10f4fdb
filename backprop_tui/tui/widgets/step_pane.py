"""The step pane: the scenario's description, the step (heading, matrices, worked line, old → new,
notes) and the chain rule below it (beside it from 160 columns), drawn as the lines of one widget.

A step's parts change height from one step to the next. As widgets of their own, every change
laid the whole screen out again and re-rendered every widget whose place moved: most of a key
press's time. As lines of one scrolling widget that keeps its size, a new step is one widget's
refresh. The matrices and the old → new table scroll sideways (`{` `}`, or the mouse's sideways
wheel) while the text around them stays where it is.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBarRender
from textual.strip import Strip
from textual.widget import Widget

from backprop_tui.core.dense.chain import DrillDown
from backprop_tui.core.dense.steps import Step
from backprop_tui.core.scenario.model import Scenario
from backprop_tui.core.vocab import Quantity, parse_quantity
from backprop_tui.i18n import language
from backprop_tui.render.step import shown_matrices
from backprop_tui.walk.focus import Focus, Pointer, resolve
from backprop_tui.tui.widgets.about_panel import about_text
from backprop_tui.tui.widgets.chain_panel import ChainLines
from backprop_tui.tui.widgets.prerendered import LineStyled, strips_at, text_strips
from backprop_tui.tui.widgets.step_view import (Hidden, RenderedStep, StepCache, heading, notes_part,
                                                without_numbers, worked_part)

PARTS = ("about", "heading", "matrices", "worked", "update", "notes", "chain")
"""The pane's parts, top to bottom (the chain rule in a column of its own from 160 columns)."""
RULE = "step-pane--rule"
"""The component class of the rules between parts."""
CHAIN_SHARE = 0.45
"""The chain rule's share of the pane's width when it sits beside the step (from 160 columns)."""


@dataclass(frozen=True)
class ShownStep:
    """What `StepPane.show` was given: the step and how to draw it."""

    iteration: int
    step: Step
    focus: Focus
    decimals: int
    show_sources: bool
    diverged_here: bool
    pointer: Pointer | None
    hidden: Hidden | None


class StepPane(LineStyled, ScrollView, can_focus=False):
    """The current step and what goes with it, as lines of one widget (see the module's doc)."""

    COMPONENT_CLASSES = {RULE}
    """The rules above the chain rule, below the description and beside the chain rule's column
    (styled in stepper.tcss)."""
    STYLED_KEPT = 24
    """Styled parts kept: the ones shown and the ones prepared for the next moves."""
    PARTS_KEPT = 48
    """Drawn parts kept (see `_part`)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cache = StepCache()
        self.chain_lines = ChainLines()
        self.sideways = 0
        """Columns the wide parts are scrolled to the right."""
        self._about: Scenario | None = None
        self._shown: ShownStep | None = None
        self._chain: tuple[DrillDown | None, int] = (None, 0)
        self._chain_wanted = False
        self._parts: OrderedDict[tuple, tuple[object, list[Strip]]] = OrderedDict()
        """Parts drawn, by what they were drawn from (see `_part`)."""
        self._drawn: dict[str, list[Strip]] = {}
        """The parts shown now, by name."""
        self._rows: list[tuple[list[Strip] | None, int, int]] = []
        """The step column's lines: (a part's styled lines, the line, how far the part scrolls
        sideways); (None, the part's width, how far) for the bar under a part wider than the pane."""
        self._chain_rows: list[Strip] = []
        self._chain_width = 0
        """Columns of the chain rule's own column (0: below the step, or not shown)."""
        self._styled: OrderedDict[tuple, tuple[list[Strip], list[Strip]]] = OrderedDict()
        self._placed: dict[str, Region] = {}
        self._border: tuple[Style, Strip] | None = None
        self._rows_style: Style | None = None
        """The style the rows were styled under (a theme change restyles them when drawn)."""
        self._bars: dict[tuple, Strip] = {}
        self._inked: OrderedDict[int, tuple[list[Strip], int]] = OrderedDict()

    # -- what to show -----------------------------------------------------------------------------

    @property
    def about_shown(self) -> bool:
        """Whether the scenario's description shows above the step."""
        return self._about is not None

    @property
    def chain_shown(self) -> bool:
        """Whether the chain rule shows in this pane (below or beside the step)."""
        return self._chain_wanted and self._chain_place() != "side" and self._chain[0] is not None

    def show_about(self, scenario: Scenario | None) -> None:
        """Show `scenario`'s description above the step, or hide it with None (every move does:
        it costs nothing when it is hidden already)."""
        if scenario is None and self._about is None:
            return
        self._about = scenario
        self._update()

    def show(self, iteration: int, step: Step, focus: Focus, decimals: int, show_sources: bool,
             diverged_here: bool, pointer: Pointer | None = None, hidden: Hidden | None = None, *,
             drill: DrillDown | None = None, chain_wanted: bool = False) -> None:
        """Draw `step`; `hidden` cells (the quiz's) as "?", with their numbers kept back; and the
        chain rule `drill` of the focused weight when `chain_wanted` and the screen does not show
        it under the drawing (110 to 160 columns)."""
        if pointer is not None and (pointer.iteration, pointer.step) != (step.iteration, step.index):
            pointer = None  # it holds only in its own step; elsewhere it would only split the caches
        self._shown = ShownStep(iteration, step, focus, decimals, show_sources, diverged_here, pointer, hidden)
        self._chain, self._chain_wanted = (drill, decimals), chain_wanted
        self._update()

    def warm(self, iteration: int, step: Step, focus: Focus, decimals: int, show_sources: bool,
             diverged_here: bool, drill: DrillDown | None, chain_wanted: bool) -> None:
        """Draw and style a step (and its chain rule) before it is shown, as `show` would."""
        width = self._content_width()
        if width <= 0 or not self.is_attached:
            return
        chain = (drill, decimals) if chain_wanted and drill is not None and self._chain_place() != "side" else None
        column = self._chain_column(width) if chain is not None else 0
        step_width = width - column
        shown = ShownStep(iteration, step, focus, decimals, show_sources, diverged_here, None, None)
        style = self.rich_style
        for name, lines, sideways in self._draw(None, shown, chain, step_width, column - 3 if column else 0,
                                                self.get_component_rich_style(RULE, partial=True)):
            self._styled_part(lines, style, sideways, column - 3 if name == "chain" and column else step_width)

    def forget_drawn(self) -> None:
        """Drop everything drawn (the language changed): the next `show` draws afresh."""
        self.cache.clear()
        self.chain_lines.forget()
        self._parts.clear()
        self._styled.clear()
        self._update()

    # -- what tests and the screen ask ------------------------------------------------------------

    def placed(self, name: str) -> Region | None:
        """Where part `name` is drawn in the pane's content (before scrolling), if it is."""
        return self._placed.get(name)

    def part_text(self, name: str) -> str:
        """Part `name` as plain text, all of it (what is scrolled out of view too)."""
        return "\n".join(strip.text.rstrip() for strip in self.part_lines(name))

    def part_lines(self, name: str) -> list[Strip]:
        """Part `name`'s lines as drawn (unstyled), all of them; none when it is not shown."""
        return list(self._drawn.get(name, []))

    def scroll_sideways(self, columns: int) -> None:
        """Scroll the wide parts (matrices, old → new) `columns` to the right (left if negative)."""
        wanted = min(max(self.sideways + columns, 0), self._max_sideways())
        if wanted != self.sideways:
            self.sideways = wanted
            self.refresh()

    # -- laying out -------------------------------------------------------------------------------

    def _content_width(self) -> int:
        return self.scrollable_content_region.width

    def _chain_place(self) -> str:
        """'side' from 110 to 160 columns (the screen draws it under the network, unless the side
        pane is folded away), 'column' from 160 (a column of its own in this pane), 'below' the
        step otherwise."""
        classes = self.screen.classes if self.is_attached else frozenset()
        if "-beside" in classes:  # unless f folded the drawing away: then it follows the step
            return "below" if "-folded" in classes else "side"
        return "column" if "-widest" in classes else "below"

    def _chain_column(self, width: int) -> int:
        """Columns of the chain rule's own column (margin, rule and padding included)."""
        return round(width * CHAIN_SHARE) if self._chain_place() == "column" else 0

    def _part(self, name: str, owner: object, key: tuple, draw: Callable[[], list[Strip]]) -> list[Strip]:
        """Part `name`'s lines, drawn again only when what they are drawn from changed: `owner`
        (a step, scenario or drill-down, by identity) and `key` (the rest, by value). The parts of
        the few steps around the current one are kept, so a step drawn ahead is only looked up."""
        index = (name, id(owner), *key)
        known = self._parts.get(index)
        if known is None or known[0] is not owner:  # an id is only a key while its owner lives
            known = self._parts[index] = (owner, draw())
            while len(self._parts) > self.PARTS_KEPT:
                self._parts.popitem(last=False)
        else:
            self._parts.move_to_end(index)
        return known[1]

    def _draw(self, about: Scenario | None, shown: ShownStep | None, chain: tuple[DrillDown | None, int] | None,
              step_width: int, chain_width: int, rule: Style) -> list[tuple[str, list[Strip], bool]]:
        """The parts top to bottom as (name, lines, sideways), the chain rule last (in a column of
        its own when `chain_width`); each drawn once and kept."""
        lang = language()
        parts: list[tuple[str, list[Strip], bool]] = []
        if about is not None:
            parts.append(("about", self._part("about", about, (step_width, lang, rule), lambda: [
                *strips_at(about_text(about), step_width), _rule(step_width, rule), Strip.blank(step_width)]), False))
        if shown is not None:
            step, hidden = shown.step, shown.hidden
            parts.append(("heading", self._part("heading", step, (shown.diverged_here, step_width, lang),
                                                lambda: _heading_lines(step, shown.diverged_here, step_width)), False))
            rendered: RenderedStep = self.cache.get(shown.iteration, step, shown.focus, shown.decimals,
                                                    shown.show_sources, shown.pointer, hidden)
            parts.append(("matrices", rendered.rows(step_width), True))
            target = resolve(step, shown_matrices(step, shown.show_sources), shown.focus, shown.pointer)
            parts.append(("worked", self._part("worked", step, (target, _hidden_key(hidden), step_width, lang),
                                               lambda: strips_at(worked_part(step, target, hidden), step_width)), False))
            if rendered.update is not None:
                parts.append(("update", rendered.update, True))
            parts.append(("notes", self._part("notes", step, (bool(hidden), step_width, lang), lambda: strips_at(
                notes_part(without_numbers(step) if hidden else step), step_width)), False))
        if chain is not None and chain[0] is not None:
            drill, decimals = chain
            if chain_width:
                parts.append(("chain", self._part("chain", drill, (decimals, chain_width, lang),
                                                  lambda: self.chain_lines(drill, decimals, chain_width)), False))
            else:
                parts.append(("chain", self._part("chain", drill, (decimals, step_width, lang, rule), lambda: [
                    Strip.blank(step_width), _rule(step_width, rule),
                    *self.chain_lines(drill, decimals, step_width)]), False))
        return parts

    def _update(self, _again: bool = False) -> None:
        """Lay the parts out again at the current width and repaint; the screen is laid out again
        only when the scrollbar comes or goes (then the parts are laid out once more, at the width
        it leaves: text wraps narrower, so what needed a scrollbar still needs it)."""
        width = self._content_width()
        if width <= 0 or not self.is_attached:
            return
        self._lay_out(width, self.rich_style)
        # never shorter than the view: steps that fit then leave the scrollbar as it is, unrepainted
        self._set_virtual_size(Size(width, max(len(self._rows), len(self._chain_rows),
                                               self.scrollable_content_region.height)))
        if self._content_width() != width and not _again:
            self._update(_again=True)  # the scrollbar came or went: lay out again at the width it leaves
            return
        self.refresh()

    def _lay_out(self, width: int, style: Style) -> None:
        """The rows of the step column (and of the chain rule's column) at `width`, under `style`."""
        rule = self.get_component_rich_style(RULE, partial=True)
        column = self._chain_column(width) if self.chain_shown else 0
        step_width = width - column
        parts = self._draw(self._about, self._shown, self._chain if self.chain_shown else None,
                           step_width, column - 3 if column else 0, rule)
        rows: list[tuple[list[Strip] | None, int, int]] = []
        chain_rows: list[Strip] = []
        placed: dict[str, Region] = {}
        for name, lines, sideways in parts:
            if name == "chain" and column:
                chain_rows = self._styled_part(lines, style, False, column - 3)
                placed[name] = Region(width - column + 3, 0, column - 3, len(lines))
                continue
            if not lines:
                continue
            styled = self._styled_part(lines, style, sideways, step_width)
            part_width = styled[0].cell_length if sideways else step_width
            if part_width > step_width:  # a table's padding past its last column need not show
                part_width = self._ink_width(lines)
            skip = 2 if name == "chain" else 0  # the chain rule's margin and rule
            placed[name] = Region(0, len(rows) + skip, part_width, len(lines) - skip)
            reach = max(part_width - step_width, 0)  # how far it scrolls sideways
            rows.extend((styled, y, reach) for y in range(len(styled)))
            if reach:  # cut at the pane's edge: a bar says how much is out of view
                rows.append((None, part_width, reach))
        self._drawn = {name: lines for name, lines, _ in parts}
        self._rows, self._chain_rows, self._placed = rows, chain_rows, placed
        self._chain_width, self._rows_style = column, style
        self.sideways = min(self.sideways, self._max_sideways())

    def _bar(self, part_width: int, width: int, shift: int, style: Style) -> Strip:
        """The scrollbar under a part wider than the pane: how much of it shows, and where (drawn
        as Textual draws a horizontal scrollbar, in the pane's scrollbar colours)."""
        key = (part_width, width, shift, style)
        if key not in self._bars:  # a step has a bar under its matrices, its old → new, or both
            if len(self._bars) > 8:
                self._bars.clear()
            styles = self.styles
            background = styles.scrollbar_background
            if background.a < 1:
                background = self.background_colors[0] + background
            color = background + styles.scrollbar_color
            segments = ScrollBarRender.render_bar(size=width, virtual_size=part_width, window_size=width,
                                                  position=shift, thickness=1, vertical=False,
                                                  back_color=background.rich_color, bar_color=color.rich_color)
            # the same look without the scrollbar's mouse actions, which belong to Textual's own bars
            line = next(Segment.split_lines(segments.segments))  # one row, without the line break
            plain = [Segment(s.text, Style(color=s.style.color, bgcolor=s.style.bgcolor, reverse=s.style.reverse)
                             if s.style else style) for s in line]
            self._bars[key] = Strip(plain).crop_extend(0, width, style)
        return self._bars[key]

    def _max_sideways(self) -> int:
        """How far the widest part scrolls sideways (0: every part fits)."""
        return max((reach for _, _, reach in self._rows), default=0)

    def _set_virtual_size(self, size: Size) -> None:
        """Set the scrollable size without laying the screen out (Textual's reactive would)."""
        if size != self.virtual_size:
            self.set_reactive(Widget.virtual_size, size)
            self._scroll_update(size)

    def _ink_width(self, lines: list[Strip]) -> int:
        """Columns up to the last non-blank one of any line (worked out once per part)."""
        known = self._inked.get(id(lines))
        if known is None or known[0] is not lines:
            known = self._inked[id(lines)] = (lines, max((cell_len(line.text.rstrip()) for line in lines), default=0))
            while len(self._inked) > self.STYLED_KEPT:
                self._inked.popitem(last=False)
        return known[1]

    def _styled_part(self, lines: list[Strip], style: Style, sideways: bool, width: int) -> list[Strip]:
        """`lines` with the pane's style under every segment, each as wide as the widest of them
        (a sideways part) or as the column: styled once per part, not once per frame."""
        key = (id(lines), style, sideways, width)
        known = self._styled.get(key)
        if known is not None and known[0] is lines:
            self._styled.move_to_end(key)
            return known[1]
        span = max((strip.cell_length for strip in lines), default=0) if sideways else width
        styled = [strip.crop_extend(0, span, style).apply_style(style) for strip in lines]
        self._styled[key] = (lines, styled)  # the lines kept alive, so their id stays theirs
        while len(self._styled) > self.STYLED_KEPT:
            self._styled.popitem(last=False)
        return styled

    def on_resize(self) -> None:
        """Another width: the parts are laid out again for it."""
        self._update()

    # -- drawing ----------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        style = self.line_style
        width = self._content_width()
        if style != self._rows_style:  # another theme: the parts under its colours
            self._lay_out(width, style)
        row = y + self.scroll_offset.y
        step_width = width - self._chain_width
        if row < len(self._rows):
            lines, index, reach = self._rows[row]
            shift = min(self.sideways, reach)  # each wide part scrolls as far as its own right end
            if lines is None:  # the bar under a wide part (`index`: the part's width)
                return self._joined(self._bar(index, step_width, shift, style), row, style)
            line = lines[index]
            if shift > 0:
                line = line.crop(shift, shift + step_width)
            if line.cell_length != step_width:
                line = line.crop_extend(0, step_width, style)
        else:
            line = Strip.blank(step_width, style)
        return self._joined(line, row, style)

    def _joined(self, line: Strip, row: int, style: Style) -> Strip:
        """The step column's line, and beside it the chain rule's column when it has one."""
        if not self._chain_width:
            return line
        chain = self._chain_rows[row] if row < len(self._chain_rows) else Strip.blank(self._chain_width - 3, style)
        if self._border is None or self._border[0] != style:
            rule = self.get_component_rich_style(RULE, partial=True)
            self._border = (style, Strip([Segment(" ", style), Segment("│", style + rule), Segment(" ", style)]))
        return Strip.join([line, self._border[1], chain])

    def on_click(self, event: events.Click) -> None:
        """A click on a matrix cell puts the cursor there (each drawn cell carries its place)."""
        place = (event.style.meta or {}).get("cell") if event.style else None
        if place is None:
            return
        name, row, col = place
        event.stop()
        self.post_message(self.CellClicked(parse_quantity(name), (int(row), int(col))))

    def on_mouse_scroll_right(self, event: events.MouseScrollRight) -> None:
        self.scroll_sideways(4)

    def on_mouse_scroll_left(self, event: events.MouseScrollLeft) -> None:
        self.scroll_sideways(-4)

    class CellClicked(Message):
        """The learner clicked cell (row, column), 0-based as displayed, of the matrix `key`."""

        def __init__(self, key: Quantity, cell: tuple[int, int]) -> None:
            super().__init__()
            self.key = key
            self.cell = cell


def _rule(width: int, style: Style) -> Strip:
    """A horizontal rule across the column, as a border draws it."""
    return Strip([Segment("─" * width, style)])


def _heading_lines(step: Step, diverged_here: bool, width: int) -> list[Strip]:
    """The heading's two lines, each cut with an ellipsis at `width` (never wrapped)."""
    lines = heading(step, diverged_here).split("\n")
    for line in lines:
        line.truncate(width, overflow="ellipsis")
    return text_strips(lines)


def _hidden_key(hidden: Hidden | None) -> frozenset:
    return frozenset((hidden or {}).items())
