"""Keep the message catalogues in step with the code (Babel): extract, update, compile, check.

    python tools/catalogues.py update    # extract the messages of SOURCES, merge them into every .po
    python tools/catalogues.py compile   # write each .po's .mo beside it (committed: the wheel ships it)
    python tools/catalogues.py check     # exit 1 if a message has no translation or a .mo is stale

A translator edits backprop_tui/locale/<lang>/LC_MESSAGES/backprop_tui.po, then runs `compile`.
A new language is `python tools/catalogues.py init <lang>` and its translations: nothing else changes.
The tests (tests/i18n) run the same extraction, so a message added to a covered module without a
translation fails them.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "backprop_tui" / "locale"
DOMAIN = "backprop_tui"

SOURCES = (
    "backprop_tui/core/dense/activations.py",
    "backprop_tui/core/dense/network.py",
    "backprop_tui/core/dense/steps.py",
    "backprop_tui/core/scenario/bundled.py",
    "backprop_tui/core/scenario/check.py",
    "backprop_tui/core/scenario/errors.py",
    "backprop_tui/core/scenario/load.py",
    "backprop_tui/core/scenario/toml_source.py",
    "backprop_tui/render/describe.py",
    "backprop_tui/render/notation.py",
    "backprop_tui/render/step.py",
    "backprop_tui/render/legend.py",
    "backprop_tui/render/diagram.py",
    "backprop_tui/render/verdict.py",
    "backprop_tui/render/worked.py",
    "backprop_tui/render/compare.py",
    "backprop_tui/render/chain_table.py",
    "backprop_tui/render/loss_plot.py",
    "backprop_tui/tui/app.py",
    "backprop_tui/tui/language.py",
    "backprop_tui/tui/commands.py",
    "backprop_tui/tui/screens/help.py",
    "backprop_tui/tui/screens/glossary.py",
    "backprop_tui/tui/screens/stepper.py",
    "backprop_tui/tui/widgets/about_panel.py",
    "backprop_tui/tui/widgets/status_line.py",
    "backprop_tui/tui/widgets/step_view.py",
    "backprop_tui/tui/widgets/loss_chart.py",
    "backprop_tui/tui/widgets/network.py",
    "backprop_tui/tui/widgets/chain_panel.py",
    "backprop_tui/tui/widgets/step_footer.py",
    "backprop_tui/cli/dense.py",
)
"""The modules whose user-facing text is translated (the rest follow; see docs/glossary.md)."""

KEYWORDS = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "_note": None,            # steps.py: a note's message
    "Message": None,          # i18n.Message: a message made before the language is known (the loader's errors)
    "Binding": (3,),          # textual's Binding(key, action, description)
    "_move": (3,),            # stepper.py: a move's Binding(key, action, description)
}
"""The calls whose string argument is a message, and which argument (Babel's keyword spec)."""


def extracted() -> Iterator[tuple[str, str, int]]:
    """(message, file, line) of every message in SOURCES."""
    for source in SOURCES:
        # Babel warns of every f-string passed to a keyword call, even in an argument that is no
        # message (Binding's action: move('{action}')); the messages themselves are literals
        with contextlib.redirect_stderr(io.StringIO()):
            found = list(extract_from_file("python", ROOT / source, keywords=KEYWORDS, options={"encoding": "utf-8"}))
        for line, message, _comments, _context in found:
            yield message, source, line


def template() -> Catalog:
    """The catalogue template: every extracted message, untranslated."""
    catalog = Catalog(project="backprop-tui", domain=DOMAIN)
    for message, source, line in extracted():
        catalog.add(message, locations=[(source, line)])
    return catalog


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages() -> list[str]:
    return sorted(p.name for p in LOCALE.iterdir() if po_path(p.name).exists())


def read(language: str) -> Catalog:
    with po_path(language).open("rb") as f:
        return read_po(f, locale=language, domain=DOMAIN)


def write(language: str, catalog: Catalog) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=False, ignore_obsolete=True)
    po_path(language).write_bytes(buffer.getvalue())


def mo_bytes(catalog: Catalog) -> bytes:
    """The compiled catalogue (fuzzy entries left out, as msgfmt does)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def update() -> None:
    for language in languages():
        catalog = read(language)
        catalog.update(template(), no_fuzzy_matching=True)
        write(language, catalog)


def compile_all() -> None:
    for language in languages():
        po_path(language).with_suffix(".mo").write_bytes(mo_bytes(read(language)))


def problems() -> list[str]:
    """Untranslated messages and stale .mo files, one line each."""
    found = []
    wanted = {message if isinstance(message, str) else message[0] for message, _s, _l in extracted()}
    for language in languages():
        catalog = read(language)
        for message in sorted(wanted):
            entry = catalog.get(message)
            strings = entry.string if entry is not None and isinstance(entry.string, tuple) else (
                (entry.string,) if entry is not None else ())
            if entry is None or not strings or not all(strings) or entry.fuzzy:
                found.append(f"{language}: no translation of {message!r}")
        mo = po_path(language).with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != mo_bytes(catalog):
            found.append(f"{language}: {mo.relative_to(ROOT)} is not compiled from its .po (run compile)")
    return found


def init(language: str) -> None:
    path = po_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog = template()
    catalog.locale = language
    write(language, catalog)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "init" and len(argv) == 2:
        init(argv[1])
    elif command == "check":
        found = problems()
        print("\n".join(found) or "catalogues complete and compiled")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
