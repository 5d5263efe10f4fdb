"""Charts (plotext: the app's textual-plotext widgets and the CLI's text charts) whose titles,
axis labels and legends hold double-width text.

plotext counts every character as one column, so a Hangul title or legend is laid out half as
wide as the terminal draws it: the line comes out too long, the widget wraps it, and the chart
below shifts by a line (or a title that cannot fit is drawn and then cut; a centred one is drawn
off centre). Here the text given to plotext carries a mark after each wide character, so plotext
measures it by its columns and places it, or leaves it out, as it does English text; the marks
are taken out of the picture. No Textual here: rich's Text and cell widths only.
"""

from __future__ import annotations

from itertools import accumulate
from typing import Any

from rich.cells import cell_len
from rich.text import Span, Text

WIDE_MARK = "\ue000"
"""A private-use character that stands for the second column of a double-width character while
plotext lays a chart out; removed from the picture."""

_TEXT_CALLS = frozenset({"title", "xlabel", "ylabel"})
"""plotext calls whose first argument is text."""


def for_plotext(text: str) -> str:
    """`text` as plotext should measure it: each double-width character followed by WIDE_MARK
    (text without such characters, English, is returned as it is)."""
    if cell_len(text) == len(text):
        return text
    return "".join(char + WIDE_MARK if cell_len(char) == 2 else char for char in text)


def without_marks(picture: Text) -> Text:
    """A plotext picture with the WIDE_MARKs taken out: each wide character then fills the two
    columns plotext gave it; styles are kept, each over the same characters as before.

    The styled runs are moved, not cut at each mark: a label stays one run of text, as English
    text is, so whatever draws it (a terminal, an SVG screenshot) places it in one piece.
    """
    plain = picture.plain
    if WIDE_MARK not in plain:
        return picture
    # where each offset of `plain` lands once the marks before it are gone
    moved = list(accumulate((char != WIDE_MARK for char in plain), initial=0))
    spans = [Span(moved[span.start], moved[span.end], span.style) for span in picture.spans
             if moved[span.end] > moved[span.start]]
    return Text(plain.replace(WIDE_MARK, ""), style=picture.style, justify=picture.justify,
                overflow=picture.overflow, no_wrap=picture.no_wrap, end=picture.end, tab_size=picture.tab_size,
                spans=spans)


class MeasuredPlot:
    """plotext's `plt` with every title, axis label and legend label passed through
    `for_plotext`; everything else is plotext's own."""

    def __init__(self, plt: Any) -> None:
        self._plt = plt

    def __getattr__(self, name: str) -> Any:
        call = getattr(self._plt, name)
        if not callable(call):
            return call

        def measured(*args: Any, **kwargs: Any) -> Any:
            if name in _TEXT_CALLS and args and isinstance(args[0], str):
                args = (for_plotext(args[0]), *args[1:])
            if isinstance(kwargs.get("label"), str):
                kwargs["label"] = for_plotext(kwargs["label"])
            return call(*args, **kwargs)

        return measured
