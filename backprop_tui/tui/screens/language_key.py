"""`K` on the screens beside the stepper: switch the interface language live, as on the stepper.

A screen mixes in `LanguageKey`, lists `LANGUAGE_KEY` in its BINDINGS and has a `retranslate()`
that draws its text again (language.switch calls it on every screen of the stack).
"""

from __future__ import annotations

from textual.binding import Binding

from backprop_tui.i18n import _, own_name
from backprop_tui.tui.language import switch

LANGUAGE_KEY = Binding("K", "switch_language", "Switch language (English/한국어)", show=False)


class LanguageKey:
    """The action of `LANGUAGE_KEY`, mixed into a Screen (which provides app and notify)."""

    def action_switch_language(self) -> None:
        """Switch the interface language (English ↔ 한국어): this screen and those under it."""
        now = switch(self.app)
        self.notify(_("Language: {name}").format(name=own_name(now)), timeout=2)
