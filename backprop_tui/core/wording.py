"""Counts and articles for messages, in one place: "1 epoch", "3 epochs", "an 8x3 matrix", "an int64".

Every message that puts a number before a noun, or "a" before a word it does not know in
advance, goes through these, so no message says "1 epochs" or "a int64".
"""

from __future__ import annotations

_AN_PREFIXES_NOT = ("uni", "uint", "use", "usu", "uti", "one", "once", "eu")
"""Words spelt with a vowel but spoken with a consonant first: "a unit", "a uint8", "a one-hot row"."""

_LETTERS_SPOKEN_WITH_A_VOWEL = frozenset("aefhilmnorsx")
"""Single letters (and letter names such as "x" or "f") spoken with a vowel: "an x", "an f"."""


_IRREGULAR = {"batch": "batches", "matrix": "matrices", "index": "indices", "patch": "patches"}
"""Plurals the regular rule gets wrong ("epoch" is regular: its ch is spoken k)."""


def plural(count: int, noun: str, many: str | None = None) -> str:
    """`noun` or its plural for `count` (`many`, default the regular plural: "epochs", "batches",
    "matrices"), without the number."""
    if count == 1:
        return noun
    if many is not None:
        return many
    last = noun.rsplit(" ", 1)[-1]
    if last in _IRREGULAR:
        return noun[: len(noun) - len(last)] + _IRREGULAR[last]
    if noun.endswith(("s", "x", "sh")):
        return noun + "es"
    return noun + "s"


def count(number: int, noun: str, many: str | None = None) -> str:
    """'1 epoch', '0 epochs', '3 matrices' (with many="matrices")."""
    return f"{number} {plural(number, noun, many)}"


def article(word: str) -> str:
    """'a' or 'an' for `word` as it is spoken, for the words messages use.

    Numbers by their spoken first sound (an 8, an 11, an 18, an 80, an 800, a 1, a 100);
    letters and words by their first letter, with the usual exceptions (a unit, a one-hot, an x,
    an int64).
    """
    text = word.strip()
    if not text:
        return "a"
    digits = len(text) - len(text.lstrip("0123456789"))
    if digits:
        number = text[:digits]
        if number.startswith("8"):
            return "an"
        # eleven and eighteen, also as eleven thousand or eighteen million
        return "an" if number[:2] in ("11", "18") and (digits - 2) % 3 == 0 else "a"
    lower = text.lower()
    if len(lower) == 1 or not lower[1].isalpha():  # a letter on its own: "an x", "a y"
        return "an" if lower[0] in _LETTERS_SPOKEN_WITH_A_VOWEL else "a"
    if lower.startswith(_AN_PREFIXES_NOT):
        return "a"
    return "an" if lower[0] in "aeiou" else "a"
