"""Output that survives any terminal: text an output cannot encode is written in ASCII.

The product prints θ, ∂, ¹, ŷ, σ, arrows and box drawing. A terminal or pipe whose encoding
cannot hold them (`PYTHONIOENCODING=ascii`, a Latin-1 locale) would end the command in
UnicodeEncodeError. `ascii_safe_output()`, entered once by `cli.main.main` for every command,
puts a `TransliteratingStream` in front of such a stdout and stderr: every character the stream
cannot encode is written in a readable ASCII form (θ¹ᵀ -> theta1^T, ∂E/∂ŷ -> dE/dyhat,
σ′ -> sigma', ← -> <-, box drawing -> + - |, anything else unknown -> ?). Streams that can
encode everything (UTF-8, the usual case) are left exactly as they are.

Tables keep their columns: a form longer than its character (θ -> theta) takes the extra
width from the padding next to it (see `transliterate`). The real streams also get the
`backprop-tui-ascii` error handler, so output that bypasses `sys.stdout` (Textual writes to
`sys.__stderr__`) is transliterated too rather than escaped or fatal.
"""

from __future__ import annotations

import codecs
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

ERROR_HANDLER = "backprop-tui-ascii"
"""The codec error handler (see `codecs.register_error`) that writes ASCII forms."""

FORMS: dict[str, str] = {
    "∂": "d", "∇": "grad", "Σ": "sum", "∑": "sum", "∏": "prod", "ŷ": "yhat", "ᵀ": "^T",
    "·": "*", "⋅": "*", "×": "x", "⊙": ".*", "−": "-", "±": "+/-", "√": "sqrt",
    "≤": "<=", "≥": ">=", "≠": "!=", "≈": "~=", "∞": "inf", "∈": " in ",
    "←": "<-", "→": "->", "↑": "^", "↓": "v", "⟶": "->", "⟵": "<-", "⇒": "=>", "↔": "<->",
    "▶": ">", "◀": "<", "▲": "^", "▼": "v", "►": ">", "◄": "<",
    "′": "'", "″": "''", "‘": "'", "’": "'", "“": '"', "”": '"', "«": '"', "»": '"',
    "–": "-", "—": "--", "…": "...", "⋮": ":", "⋯": "...", "•": "*", "◦": "o", "°": " deg",
    "✓": "ok", "✔": "ok", "✗": "x", "✘": "x", "⚠": "!", "█": "#", "▓": "#", "▒": "%", "░": ".",
    "\u00a0": " ", "\u2009": " ", "\u200b": "", "\ufeff": "", "⁄": "/",
}
"""ASCII forms that the generic rules (`ascii_form`) would get wrong or not find."""

_SUPERSCRIPTS = {ord(c): d for c, d in zip("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")}
_SUBSCRIPTS = {ord(c): d for c, d in zip("₀₁₂₃₄₅₆₇₈₉", "0123456789")}


def _greek(name: str) -> str | None:
    """'GREEK SMALL LETTER THETA' -> 'theta'; capitals keep a capital: 'Delta'."""
    for prefix, case in (("GREEK SMALL LETTER ", str.lower), ("GREEK CAPITAL LETTER ", str.capitalize)):
        if name.startswith(prefix) and " WITH " not in name:
            return case(name[len(prefix):].split()[0])
    return None


def _drawing(name: str) -> str | None:
    """Box drawing and block elements by their Unicode names: horizontal -, vertical |, else +."""
    if name.startswith("BOX DRAWINGS"):
        words = set(name.split())
        if "DIAGONAL" in words:
            return "X" if "CROSS" in words else ("/" if "UPPER RIGHT" in name else "\\")
        across = bool(words & {"HORIZONTAL", "LEFT", "RIGHT"})
        down = bool(words & {"VERTICAL", "UP", "DOWN"})
        if across and down:
            return "+"
        if across:
            return "=" if "DOUBLE" in words else "-"
        return "|"
    if name.endswith(" BLOCK") or name.startswith(("UPPER ", "LOWER ", "LEFT ", "RIGHT ", "QUADRANT ")):
        if name.startswith(("LEFT ", "RIGHT ")):
            return "|"
        if name.startswith("LOWER ONE EIGHTH") or name.startswith("LOWER ONE QUARTER"):
            return "_"
        if name.startswith("UPPER ONE EIGHTH") or name.startswith("UPPER ONE QUARTER"):
            return "-"
        return "#"
    if name.startswith("BRAILLE PATTERN"):
        return "." if name != "BRAILLE PATTERN BLANK" else " "
    return None


def ascii_form(char: str) -> str:
    """A readable ASCII form of one character ("?" when none is known).

    In order: the table `FORMS`; superscript and subscript digits as digits; Greek letters by
    name (θ -> theta); box drawing and blocks by shape; the compatibility decomposition without
    accents (é -> e, ¹ -> 1, ₖ -> k, ½ -> 1/2); combining marks vanish.
    """
    if char.isascii():
        return char
    if char in FORMS:
        return FORMS[char]
    if ord(char) in _SUPERSCRIPTS:
        return _SUPERSCRIPTS[ord(char)]
    if ord(char) in _SUBSCRIPTS:
        return _SUBSCRIPTS[ord(char)]
    name = unicodedata.name(char, "")
    found = _greek(name) or _drawing(name)
    if found is not None:
        return found
    if unicodedata.combining(char):
        return ""
    decomposed = unicodedata.normalize("NFKD", char)
    stripped = "".join(ascii_form(c) if c in FORMS else c for c in decomposed if not unicodedata.combining(c))
    if stripped and stripped != char and stripped.isascii():
        return stripped
    return "?"


def cell_width(char: str) -> int:
    """Columns a terminal gives `char`: 2 for wide East Asian forms, 0 for combining marks, else 1."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def text_width(text: str) -> int:
    """Columns a terminal gives `text` (Hangul two each): what `len` is for ASCII."""
    return sum(cell_width(c) for c in text)


def pad(text: str, width: int, right: bool = False) -> str:
    """`text` padded with spaces to `width` columns (on the left when `right`), as format's
    `:<width` does for ASCII; Korean words take two columns per syllable."""
    spaces = " " * max(0, width - text_width(text))
    return spaces + text if right else text + spaces


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """`text`'s words in lines of at most `width` columns, each after `indent` (a word longer than
    the room stays whole). textwrap counts characters, so its lines of Hangul overflowed; text of
    one column a character is wrapped by textwrap, as it was."""
    if text_width(text) == len(text) and text_width(indent) == len(indent):
        import textwrap

        return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent)
    room = width - text_width(indent)
    lines: list[str] = []
    line, used = "", 0
    for word in text.split():
        size = text_width(word)
        if line and used + 1 + size > room:
            lines.append(indent + line)
            line, used = "", 0
        line, used = (f"{line} {word}", used + 1 + size) if line else (word, size)
    if line:
        lines.append(indent + line)
    return lines


def _token_form(token: str, encodable: Callable[[str], bool]) -> tuple[str, int]:
    """A run of non-space characters in encodable form, and how many columns wider it got.

    Marks the notation so it still reads as notation: a subscript run after a letter gets an
    underscore (yₖ -> y_k, θ¹₁₂ -> theta1_12); a superscript after a bracket is a power
    ((y − ŷ)² -> (y - yhat)^2).
    """
    out: list[str] = []
    growth = 0
    previous = ""
    for char in token:
        if encodable(char):
            out.append(char)
        else:
            form = ascii_form(char)
            if ord(char) in _SUBSCRIPTS or unicodedata.name(char, "").startswith("LATIN SUBSCRIPT"):
                if previous and ord(previous) not in _SUBSCRIPTS and not unicodedata.name(previous, "").startswith("LATIN SUBSCRIPT"):
                    form = "_" + form
            elif ord(char) in _SUPERSCRIPTS and previous in (")", "]"):
                form = "^" + form
            out.append(form)
            growth += len(form) - cell_width(char)
        previous = char
    return "".join(out), growth


_PIECES = re.compile(r"( {2,})|([^ ]+)|( )")


def _line(line: str, encodable: Callable[[str], bool]) -> str:
    """One line transliterated; extra width is taken from the padding next to where it grew.

    The extra columns of a token come out of the run of two or more spaces right after it, else
    right before it (a right-aligned cell), else the next such run on the line; a run keeps at
    least one space. Where no padding is left the line grows, which loses alignment, not text.
    """
    pieces: list[list[Any]] = []  # [text, is_padding]
    for match in _PIECES.finditer(line):
        pieces.append([match.group(), match.group(1) is not None])
    for index, piece in enumerate(pieces):
        text, padding = piece
        if padding or text == " " or all(encodable(c) for c in text):
            continue
        form, growth = _token_form(text, encodable)
        piece[0] = form
        if growth < 0:
            piece[0] += " " * -growth
            continue
        order = [index + 1, index - 1, *range(index + 2, len(pieces))]
        for other in order:
            if growth == 0:
                break
            if 0 <= other < len(pieces) and pieces[other][1]:
                spare = len(pieces[other][0]) - 1
                taken = min(spare, growth)
                pieces[other][0] = " " * (spare + 1 - taken)
                growth -= taken
    return "".join(piece[0] for piece in pieces)


def transliterate(text: str, encodable: Callable[[str], bool] = str.isascii) -> str:
    """`text` with each character that `encodable` refuses replaced by its ASCII form, line by line."""
    if all(encodable(c) for c in text):
        return text
    return "\n".join(_line(line, encodable) for line in text.split("\n"))


def encoder_test(encoding: str) -> Callable[[str], bool]:
    """A test of whether one character can be written in `encoding`."""
    known: dict[str, bool] = {}

    def encodable(char: str) -> bool:
        if char.isascii():
            return True
        if char not in known:
            try:
                char.encode(encoding)
                known[char] = True
            except UnicodeEncodeError:
                known[char] = False
            except LookupError:
                known[char] = False
        return known[char]

    return encodable


def _handler(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: the unencodable run in ASCII forms (no column bookkeeping)."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    chunk = error.object[error.start:error.end]
    form, _ = _token_form(chunk, lambda char: False)
    return form, error.end


codecs.register_error(ERROR_HANDLER, _handler)

PROBE = "θ∂¹ᵀŷσ→─│┌…"
"""Characters the product prints; a stream that cannot encode all of them gets the fallback."""


def encodes(stream: Any, text: str, unnamed: str = "ascii") -> bool:
    """Whether `stream` can write `text` (PYTHONIOENCODING=ascii and LC_ALL=C cannot). A stream
    that names no encoding is taken to have `unnamed` (ASCII unless the caller knows better); an
    encoding Python does not know cannot write it."""
    try:
        text.encode(getattr(stream, "encoding", None) or unnamed)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def needs_fallback(stream: Any) -> bool:
    """True when `stream` has an encoding that cannot hold the product's symbols (a stream that
    names none is left alone)."""
    return not encodes(stream, PROBE, unnamed="utf-8")


class TransliteratingStream:
    """A text stream in front of another: writes what it cannot encode in ASCII forms.

    Everything else (isatty, fileno, encoding, flush, buffer) is the wrapped stream's, so rich
    and argparse see the real terminal; rich also sees the encoding and draws its own ASCII
    boxes.
    """

    def __init__(self, stream: TextIO):
        self.stream = stream
        self._encodable = encoder_test(stream.encoding)

    def write(self, text: str) -> int:
        self.stream.write(transliterate(text, self._encodable))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:
        return self.stream.encoding

    @property
    def errors(self) -> str | None:
        return self.stream.errors

    @property
    def closed(self) -> bool:
        return self.stream.closed

    def __getattr__(self, name: str) -> Any:  # buffer, line_buffering, reconfigure, ...
        return getattr(self.stream, name)


@contextmanager
def ascii_safe_output() -> Iterator[None]:
    """For the duration: stdout and stderr that cannot hold the product's symbols write ASCII forms.

    UTF-8 streams (and test captures) are left untouched. Restores the previous streams on exit.
    """
    saved = sys.stdout, sys.stderr
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None or isinstance(stream, TransliteratingStream) or not needs_fallback(stream):
            continue
        real = getattr(sys, f"__{name}__", None)
        for raw in {id(s): s for s in (stream, real) if s is not None}.values():
            reconfigure = getattr(raw, "reconfigure", None)
            if callable(reconfigure) and needs_fallback(raw):
                try:
                    reconfigure(errors=ERROR_HANDLER)
                except (ValueError, OSError):  # a stream that cannot be reconfigured keeps its handler
                    pass
        setattr(sys, name, TransliteratingStream(stream))
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            if isinstance(stream, TransliteratingStream):
                try:
                    stream.flush()
                except (OSError, ValueError):
                    pass
        sys.stdout, sys.stderr = saved


def json_for(stream: Any, text: str) -> str:
    """JSON text as `stream` can hold it: unchanged, or with non-ASCII escaped as \\uXXXX.

    JSON is not transliterated: escapes keep every string exactly (θ stays θ for any parser).
    """
    from backprop_tui.core.strict_json import ascii_escaped

    return text if encodes(stream, text, unnamed="utf-8") else ascii_escaped(text)
