"""No message continues a sentence that another message began (Korean word order differs, so a
sentence is one message with named slots): a message that starts with white space was made to be
glued after something else. The few left are named below, each with why, so they cannot grow unseen."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

CATALOGUE = Path(__file__).resolve().parents[2] / "backprop_tui/locale/ko/LC_MESSAGES/backprop_tui.po"

INDENTED_OR_APPENDED: dict[str, str] = {
    " and ": "joins a list of names (flags, conventions): a conjunction, not a sentence",
    # a note after a line that is complete without it, in parentheses
    " (already trained all {count} epoch; raise {flag} to continue)": "a note after the run's one-line summary",
    " (resuming at epoch {epoch}, batch {batch})": "a note after the run's one-line summary",
    " (true)": "marks the true class in predict's table",
    " (of all {channels} channels)": "an optional clause of the im2col note, placed by its slot",
    " (row {row}, sample {sample})": "an optional clause of the saturation note, placed by its slot",
    ' (did you mean "{word}"?)': "a near miss appended to a loader's message (core/scenario: ko5's)",
    # column layout: the spaces align the text under a table or a list
    "   <- used only with {flag}": "a mark beside a listed data folder",
    "   <- used": "a mark beside a listed data folder",
    "   <- found, but damaged": "a mark beside a listed data folder",
    "  - sudo apt-get install dataset-fashion-mnist   (Debian/Ubuntu; installs to {folder})": "a list item",
    "  - backprop-tui data download                   (into the cache folder above)": "a list item",
    "  - download {files} from": "a list item, its URL on the next line",
    "    and pass the folder with --data-dir or $FASHION_MNIST_DIR.": "the same list item's last line",
    "   acc": "a column heading",
    "  ▀ input plane (O)": "a legend line under the network diagram",
    "  ▀ plane (O)": "a legend line under the network diagram",
}
"""The messages that start with white space on purpose (or not yet rewritten), and why."""


def _leading_space_messages() -> set[str]:
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    found = set()
    for message in catalogue:
        first = message.id[0] if isinstance(message.id, tuple) else message.id
        if first and first[0].isspace():
            found.add(first)
    return found


def test_no_message_is_made_to_be_glued_after_another() -> None:
    glued = _leading_space_messages() - set(INDENTED_OR_APPENDED)
    assert not glued, f"messages that continue another's sentence (write one message with slots): {sorted(glued)}"


def test_the_named_exceptions_still_exist() -> None:
    gone = set(INDENTED_OR_APPENDED) - _leading_space_messages()
    assert not gone, f"no longer in the catalogue: drop them from INDENTED_OR_APPENDED: {sorted(gone)}"
