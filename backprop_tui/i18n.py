"""The interface language: gettext catalogues under `backprop_tui/locale`, one per language.

English is the source language (the messages in the code are the catalogue's keys), so an
English interface needs no catalogue and a third language is one new `.po` file and nothing
else. The language is chosen once per process (`--lang`, then BACKPROP_TUI_LANG, then the
locale: LC_ALL, LC_MESSAGES, LANG as POSIX orders them) and can be switched while the app runs.

Every layer may import this module: it uses only the standard library, so the core stays free
of views. Text built when a module is imported (binding descriptions, table headings) is marked
with `N_` and translated with `_` where it is drawn, so a live switch reaches it too.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

DOMAIN = "backprop_tui"
LOCALE_DIR = Path(__file__).parent / "locale"
"""Where the compiled catalogues live: locale/<lang>/LC_MESSAGES/backprop_tui.mo (shipped in the wheel)."""
DEFAULT = "en"
LANGUAGES = (DEFAULT, *sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")))
"""The interface languages: English (the source) and every language whose catalogue is installed,
so a new catalogue is a new language with nothing else to change."""
ENV_VAR = "BACKPROP_TUI_LANG"

_current = DEFAULT
_translations: gettext.NullTranslations = gettext.NullTranslations()


def from_locale(environ: Mapping[str, str]) -> str | None:
    """The interface language the POSIX locale asks for, or None when it asks for none we have.

    The first non-empty of LC_ALL, LC_MESSAGES and LANG decides (POSIX's order); "ko_KR.UTF-8"
    and "ko" give "ko". "C", "POSIX" and unknown languages give None (the English default).
    """
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            language = value.split(".", 1)[0].split("@", 1)[0].split("_", 1)[0].lower()
            return language if language in LANGUAGES else None
    return None


def choose(requested: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language to use: `requested` (from --lang), else BACKPROP_TUI_LANG, else the locale,
    else English. Raises ValueError for a requested language that has no catalogue."""
    environ = os.environ if environ is None else environ
    if requested is not None:
        if requested not in LANGUAGES:
            raise ValueError(_unknown(requested))
        return requested
    wanted = environ.get(ENV_VAR, "").strip().lower()
    if wanted in LANGUAGES:
        return wanted
    return from_locale(environ) or DEFAULT


def set_language(language: str) -> None:
    """Use `language` ("en" or "ko") for every message drawn from now on. Raises ValueError for
    a language we have no catalogue for, and FileNotFoundError when its catalogue is missing."""
    global _current, _translations
    if language not in LANGUAGES:
        raise ValueError(_unknown(language))
    if language == DEFAULT:
        _translations = gettext.NullTranslations()
    else:
        # no fallback: a wheel without its catalogue is a packaging bug, not a reason to show English
        _translations = gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language])
    _current = language


def _unknown(language: str) -> Message:
    """The message for a language we have no catalogue for (a Message: said in the language chosen after)."""
    return Message("no interface language {language}; choose one of {choices}", language=repr(language),
                   choices=", ".join(LANGUAGES))


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Draw messages in `language` inside the block, and in the language before it after (for
    text written in every language at once, as a file's title and its title_ko)."""
    previous = _current
    set_language(language)
    try:
        yield
    finally:
        set_language(previous)


def own_name(language: str) -> str:
    """The language's name in its own words ("한국어"): each catalogue translates "English" so."""
    if language == DEFAULT:
        return "English"
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language]).gettext("English")


def language() -> str:
    """The language messages are drawn in now."""
    return _current


def _(message: str) -> str:
    """`message` (an English catalogue key) in the current language."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural message for `n`, in the current language (Korean has one form)."""
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for the catalogue without translating it yet (it is translated where drawn)."""
    return message


class Message(str):
    """A message made before the language is known (the core's errors): as a str it is the
    English text, so code that only prints English needs nothing; `translated()` gives it in the
    current language, its slots filled (a slot that is itself a Message translated in turn).

    `template` names its slots as {name}; it is the catalogue key (extracted as `Message(...)`).
    """

    template: str
    slots: dict[str, object]

    def __new__(cls, template: str, **slots: object) -> Message:
        text = super().__new__(cls, fill(template, slots, translate=False))
        text.template, text.slots = template, slots
        return text

    def translated(self) -> str:
        """The message in the current language."""
        return fill(self.template, self.slots)


def fill(template: str, slots: dict[str, object], translate: bool = True) -> str:
    """`template` (translated unless told not to) with its {slots} filled; a slot that is a
    Message is filled in the same language. Without slots, braces are left as they are."""
    text = _(template) if translate else template
    if not slots:
        return text
    values = {name: value.translated() if translate and isinstance(value, Message) else value
              for name, value in slots.items()}
    return text.format_map(values)


def translated(text: str) -> str:
    """`text` in the current language: a Message translated with its slots, any other str looked
    up in the catalogue as it is (English when it is not a catalogue key; "" stays "", where
    gettext would give the catalogue's header)."""
    if isinstance(text, Message):
        return text.translated()
    return _(text) if text else text


def error_text(error: BaseException) -> str:
    """An error's message in the current language: the Message it carries (made before the
    language was known, as the core's are) translated, any other message as it is."""
    message = error.args[0] if len(error.args) == 1 else None
    return message.translated() if isinstance(message, Message) else str(error)
