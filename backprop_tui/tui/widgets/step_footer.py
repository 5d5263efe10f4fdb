"""The stepper's footer: the keys that matter in the current step, with ? Help and q Quit always in
view at the right, whatever the width.

Textual's Footer lists every binding marked `show`, in binding order, and clips what does not fit,
so at 80 columns the step's own keys (the chain rule in the backward pass, decimals in an update,
the sample in a batch) never showed and ? Help went off the edge. This footer is told which keys
the step needs (`step_keys`) and fits them to the width, most important first.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len

from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from backprop_tui.core.vocab import Phase
from backprop_tui.i18n import N_, _, language


@dataclass(frozen=True)
class FooterItem:
    """One key in the footer: the key Textual sends when it is clicked, how it reads, and its
    label in full and short (the short one is used when the full ones do not all fit)."""

    key: str
    display: str
    label: str
    short: str

    def text(self, short: bool) -> str:
        """The label in the interface's language (the labels here are English message ids)."""
        return _(self.short if short else self.label)

    def width(self, short: bool) -> int:
        """Columns taken in the compact footer: key, space, label, and one column of margin
        (in terminal cells: a Hangul syllable takes two)."""
        return cell_len(self.display) + 1 + cell_len(self.text(short)) + 1


NAVIGATION = (
    FooterItem("right", "→", N_("Next step"), N_("Next")),
    FooterItem("left", "←", N_("Prev step"), N_("Prev")),
    FooterItem("down", "↓", N_("Next phase"), N_("Phase")),
    FooterItem("space", "space", N_("Play/pause"), N_("Play")),
)
"""Stepping keys, shown in every step."""

PINNED = (FooterItem("question_mark", "?", N_("Help"), N_("Help")), FooterItem("q", "q", N_("Quit"), N_("Quit")))
"""Always shown, at the right edge, so no width or step can push them off."""

PALETTE = FooterItem("ctrl+p", "^p", N_("palette"), N_("palette"))

CELL = FooterItem("semicolon", ";", N_("Next cell's arithmetic"), N_("Next cell"))
CHAIN = FooterItem("l", "hjkl", N_("Chain rule of another weight"), N_("Chain rule"))
SHOW_CHAIN = FooterItem("w", "w", N_("Show the chain rule here too"), N_("Show chain"))
HIDE_CHAIN = FooterItem("w", "w", N_("Hide the chain rule"), N_("Hide chain"))
DECIMALS = FooterItem("d", "d/D", N_("More/fewer decimals"), N_("Decimals"))
SAMPLE = FooterItem("s", "s/S", N_("Next/previous sample"), N_("Sample"))
GO_TO = FooterItem("colon", ":", N_("Go to iteration"), N_("Go to"))

QUIZ_KEYS = (
    (FooterItem("tab", "tab", N_("Skip (reveal the asked cell)"), N_("Skip")), "quiz_skip"),
    (FooterItem("escape", "esc", N_("Leave the quiz"), N_("Leave quiz")), "quiz_leave"),
    (FooterItem("A", "A", N_("Quiz summary"), N_("Summary")), "quiz_summary"),
)
"""The quiz's keys with the action that says (check_action) whether the quiz has them now."""


def step_keys(phase: Phase, batch: bool, chain_in_forward: bool) -> list[FooterItem]:
    """The keys the current step calls for, most important first (after the stepping keys):
    the chain-rule drill-down in the backward pass and the update, decimals where small changes
    are read (the update), the next cell's arithmetic, the sample selector with a batch."""
    keys: list[FooterItem] = []
    if phase is Phase.FORWARD:
        keys += [CELL, HIDE_CHAIN if chain_in_forward else SHOW_CHAIN]
    elif phase is Phase.LOSS:
        keys += [CELL]
    elif phase is Phase.BACKWARD:
        keys += [CHAIN, CELL]
    else:
        keys += [DECIMALS, CHAIN, CELL]
    if batch:
        keys.insert(1, SAMPLE)
    return keys + [GO_TO]


def fit(items: list[FooterItem], width: int) -> tuple[list[tuple[FooterItem, bool]], bool]:
    """The items that fit in `width` columns beside the pinned keys, each with whether it takes
    its short label, and whether the palette key fits too. The least important give way first:
    the palette key, then the labels of the last items (shortened from the end), then the last
    items themselves."""
    pinned = sum(item.width(False) for item in PINNED)
    n = len(items)
    for shortened in range(n + 1):
        labels = [(item, i >= n - shortened) for i, item in enumerate(items)]
        total = pinned + sum(item.width(short) for item, short in labels)
        if total + PALETTE.width(False) <= width:
            return labels, True
        if total <= width:
            return labels, False
    shown: list[tuple[FooterItem, bool]] = []
    used = pinned
    for item in items:
        if used + item.width(True) > width:
            break
        shown.append((item, True))
        used += item.width(True)
    return shown, False


class StepFooter(Footer):
    """A footer that shows the keys it is given (`show`), fitted to the width, ? Help and q Quit
    pinned right: the stepping screen's (the keys of the current step) and the landscape's."""

    DEFAULT_CSS = """
    StepFooter #pinned {
        dock: right;
        width: auto;
    }
    """

    def __init__(self, items: list[FooterItem] | None = None) -> None:
        super().__init__(compact=True, show_command_palette=False)
        self.items: list[FooterItem] = list(NAVIGATION if items is None else items)
        self._composed_for: tuple[tuple[FooterItem, ...], int, str] | None = None

    def show(self, items: list[FooterItem]) -> None:
        """Show `items` (stepping keys first); recomposed only when they change."""
        self.items = list(items)
        self._recompose_if_changed()  # the language may have changed too (K), not only the items

    def on_resize(self) -> None:
        self._recompose_if_changed()

    def _recompose_if_changed(self) -> None:
        if self.is_attached and self._composed_for != (tuple(self.items), self._width(), language()):
            self.call_after_refresh(self.recompose)

    def _width(self) -> int:
        return self.size.width or self.app.size.width

    def compose(self) -> ComposeResult:
        width = self._width()
        self._composed_for = (tuple(self.items), width, language())
        shown, palette = fit(self.items, width)
        for item, short in shown:
            yield self._key(item, short)
        with HorizontalGroup(id="pinned"):
            for item in PINNED:
                yield self._key(item, False)
            if palette:
                yield self._key(PALETTE, False)

    def _key(self, item: FooterItem, short: bool, classes: str = "") -> FooterKey:
        return FooterKey(item.key, item.display, item.text(short), "",
                         classes=f"-compact {classes}")  # FooterKey is compact unless told otherwise
