"""The interface language in the app: binding descriptions in the current language, and `K`.

Binding descriptions are English catalogue keys in the classes' BINDINGS (built once, when the
module is imported); each screen and the app get a translated copy of them, which the footer
and the command palette read. Switching language redraws every screen in the stack.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from backprop_tui import i18n
from backprop_tui.i18n import N_, _


def translate_bindings(node: DOMNode) -> None:
    """Give `node` (a screen or the app) its bindings with descriptions in the current language.

    Textual keeps a node's live bindings in `_bindings` (the class's BINDINGS, plus any the node
    added itself, such as the app's command-palette key); the English ones are kept aside the
    first time, and each call replaces the live map with a translation of them, so nothing of the
    class changes and no binding is lost."""
    english: BindingsMap | None = getattr(node, "_english_bindings", None)
    if english is None:
        english = node._bindings.copy()
        node._english_bindings = english
    keys: dict[str, list[Binding]] = {
        key: [replace(b, description=_(b.description)) if b.description else b for b in bindings]
        for key, bindings in english.key_to_bindings.items()
    }
    node._bindings = BindingsMap.from_keys(keys)


def other_language() -> str:
    """The language `K` switches to: the next one after the current, English after the last."""
    languages = i18n.LANGUAGES
    return languages[(languages.index(i18n.language()) + 1) % len(languages)]


TEXTUAL_DESCRIPTIONS = (N_("palette"),)
"""Descriptions of Textual's own bindings (the command palette's key in the footer), translated
like ours since translate_bindings translates every description it finds."""


def switch(app, language: str | None = None) -> str:
    """Switch the whole app to `language` (default: the next one) and redraw every screen:
    bindings (footer, palette) translated again, and each screen's `retranslate()` called where
    it has one. Returns the language now in use."""
    i18n.set_language(language or other_language())
    translate_bindings(app)
    for screen in app.screen_stack:
        translate_bindings(screen)
        retranslate = getattr(screen, "retranslate", None)
        if retranslate is not None:
            retranslate()
        screen.refresh_bindings()
    return i18n.language()

OWN_NAME = N_("English")
"""Each catalogue translates this as its language's own name ("한국어"): i18n.own_name reads it."""
