"""Keep the message catalogues in step with the code (Babel): extract, update, compile, check.

    python tools/catalogues.py update    # extract the messages of SOURCES, merge them into every .po
    python tools/catalogues.py compile   # write each .po's .mo beside it (committed: the wheel ships it)
    python tools/catalogues.py check     # exit 1 if a message has no translation or a .mo is stale
    python tools/catalogues.py resolve   # after `git merge` conflicted in a .po: keep both sides' translations

A translator edits backprop_tui/locale/<lang>/LC_MESSAGES/backprop_tui.po, then runs `compile`.
A new language is `python tools/catalogues.py init <lang>` and its translations: nothing else changes.
The tests (tests/i18n) run the same extraction, so a message added to a covered module without a
translation fails them.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
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

SOURCES = tuple(sorted(str(p.relative_to(ROOT)) for p in (ROOT / "backprop_tui").rglob("*.py")))
"""Every module of the package: the extraction finds the marked messages wherever they are, and the
tests scan every module for text that is not marked (tests/i18n/test_catalogue.py)."""

PENDING = frozenset({
    "backprop_tui/cli/args.py",
    "backprop_tui/cli/author.py",
    "backprop_tui/cli/cnn.py",
    "backprop_tui/cli/cnn_browse.py",
    "backprop_tui/cli/cnn_output.py",
    "backprop_tui/cli/cnn_paths.py",
    "backprop_tui/cli/cnn_resume.py",
    "backprop_tui/cli/cnn_session.py",
    "backprop_tui/cli/cnn_watch.py",
    "backprop_tui/cli/conv.py",
    "backprop_tui/cli/explain.py",
    "backprop_tui/cli/export.py",
    "backprop_tui/cli/grade.py",
    "backprop_tui/cli/handout.py",
    "backprop_tui/cli/landscape.py",
    "backprop_tui/cli/main.py",
    "backprop_tui/cli/plane.py",
    "backprop_tui/cli/progress.py",
    "backprop_tui/cli/quiz.py",
    "backprop_tui/cli/sheet.py",
    "backprop_tui/cli/textout.py",
    "backprop_tui/core/cnn/blas.py",
    "backprop_tui/core/cnn/checkpoint.py",
    "backprop_tui/core/cnn/config.py",
    "backprop_tui/core/cnn/data.py",
    "backprop_tui/core/cnn/decoded.py",
    "backprop_tui/core/cnn/download.py",
    "backprop_tui/core/cnn/fast.py",
    "backprop_tui/core/cnn/idx.py",
    "backprop_tui/core/cnn/layers.py",
    "backprop_tui/core/cnn/model.py",
    "backprop_tui/core/cnn/parallel.py",
    "backprop_tui/core/cnn/train.py",
    "backprop_tui/core/conv/checkpoint.py",
    "backprop_tui/core/conv/data.py",
    "backprop_tui/core/dense/answers.py",
    "backprop_tui/core/dense/conv_chain.py",
    "backprop_tui/core/dense/conv_run.py",
    "backprop_tui/core/dense/conv_steps.py",
    "backprop_tui/core/dense/explain.py",
    "backprop_tui/core/dense/gradcheck.py",
    "backprop_tui/core/dense/landscape.py",
    "backprop_tui/core/dense/losses.py",
    "backprop_tui/core/dense/mistakes.py",
    "backprop_tui/core/dense/notation.py",
    "backprop_tui/core/dense/operation.py",
    "backprop_tui/core/dense/plane.py",
    "backprop_tui/core/dense/replay.py",
    "backprop_tui/core/dense/student.py",
    "backprop_tui/core/fileio.py",
    "backprop_tui/core/scenario/conv_load.py",
    "backprop_tui/core/scenario/edit.py",
    "backprop_tui/core/scenario/model.py",
    "backprop_tui/core/scenario/quiz_table.py",
    "backprop_tui/core/scenario/template.py",
    "backprop_tui/core/strict_json.py",
    "backprop_tui/core/vocab.py",
    "backprop_tui/i18n.py",
    "backprop_tui/render/answer_key.py",
    "backprop_tui/render/board.py",
    "backprop_tui/render/cnn_report.py",
    "backprop_tui/render/conv_pictures.py",
    "backprop_tui/render/export.py",
    "backprop_tui/render/glossary.py",
    "backprop_tui/render/handout.py",
    "backprop_tui/render/handout_latex.py",
    "backprop_tui/render/handout_markdown.py",
    "backprop_tui/render/latex_text.py",
    "backprop_tui/render/mistakes.py",
    "backprop_tui/tui/screens/dialogs.py",
    "backprop_tui/tui/screens/handout_dialog.py",
    "backprop_tui/tui/screens/quiz_summary.py",
    "backprop_tui/tui/screens/stepper_quiz.py",
    "backprop_tui/tui/screens/training.py",
    "backprop_tui/tui/training_app.py",
    "backprop_tui/tui/widgets/quiz_panel.py",
    "backprop_tui/tui/widgets/training_panels.py",
    "backprop_tui/walk/handout.py",
    "backprop_tui/walk/quiz.py",
})
"""Modules whose text is not translated yet (issue 16): their unmarked strings are not reported and
their messages need no translation yet. A module leaves this set when its every user-facing string is
marked and translated (the scan test fails while a finished module is still listed)."""

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
    # no line numbers: they would change on every edit of a module and make parallel changes to
    # the catalogue conflict where only a location moved
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=False, ignore_obsolete=True,
             include_lineno=False)
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
    sources: dict[str, set[str]] = {}
    for message, source, _line in extracted():
        sources.setdefault(message if isinstance(message, str) else message[0], set()).add(source)
    wanted = {message for message, where in sources.items() if not where <= PENDING}
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


def _merge_side(language: str, stage: int) -> Catalog | None:
    """One side of a conflicted merge of a language's .po (git's index stage 2 = ours, 3 = theirs)."""
    path = po_path(language).relative_to(ROOT).as_posix()
    shown = subprocess.run(["git", "show", f":{stage}:{path}"], cwd=ROOT, capture_output=True)
    return read_po(io.BytesIO(shown.stdout), locale=language, domain=DOMAIN) if shown.returncode == 0 else None


def resolve() -> list[str]:
    """Resolve a merge that conflicted in the catalogues: re-extract from the merged code and keep
    every translation either side made (ours where both translated a message differently), then
    compile. Returns the messages both sides translated differently, for a translator to look at."""
    clashes = []
    for language in languages():
        sides = [side for stage in (3, 2) if (side := _merge_side(language, stage)) is not None]
        if not sides:
            continue  # this language did not conflict
        known: dict[object, object] = {}
        for side in sides:  # theirs first, so ours wins a clash
            for message in side:
                if message.id and message.string and not message.fuzzy:
                    if message.id in known and known[message.id] != message.string:
                        clashes.append(f"{language}: {message.id!r}: kept {message.string!r}, not {known[message.id]!r}")
                    known[message.id] = message.string
        catalog = sides[-1]
        catalog.update(template(), no_fuzzy_matching=True)
        for message in catalog:
            if message.id in known:
                message.string = known[message.id]
        write(language, catalog)
    compile_all()
    return clashes


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
    elif command == "resolve":
        clashes = resolve()
        print("\n".join(clashes) or "no message translated differently on the two sides")
        print("now: git add backprop_tui/locale")
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
