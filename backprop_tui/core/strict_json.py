"""The one way the product writes JSON: strict JSON, readable by any parser.

JSON has no infinity and no NaN; Python's `json` writes them as the bare tokens `Infinity` and
`NaN`, which strict parsers (JavaScript's JSON.parse, jq, Go, Rust's serde_json) refuse. Here
every non-finite float becomes a string instead:

    +inf -> "inf"     -inf -> "-inf"     NaN -> "NaN"

the same words the text output prints (`render.numbers.cell`), and ones Python's `float()` reads
back. Every other value is written as `json` writes it; NumPy scalars and arrays become plain
numbers and lists. Serialising with `allow_nan=False` makes a non-finite float that slipped past
the conversion an error here, never an invalid file.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

NON_FINITE = {"inf": math.inf, "-inf": -math.inf, "NaN": math.nan}
"""The strings that stand for non-finite numbers, with the value each stands for."""


def non_finite_text(value: float) -> str:
    """The string for a non-finite float: "inf", "-inf" or "NaN"."""
    if math.isnan(value):
        return "NaN"
    return "inf" if value > 0 else "-inf"


def plain(value: Any) -> Any:
    """`value` as JSON-ready data: non-finite floats spelt out (see the module), NumPy made plain.

    Dicts, lists and tuples are copied recursively; anything `json` cannot write is left for
    `json` to refuse with a TypeError (a programming error, not bad input).
    """
    if isinstance(value, float):  # also NumPy's float64, a float subclass
        return float(value) if math.isfinite(value) else non_finite_text(value)
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    tolist = getattr(value, "tolist", None)  # NumPy arrays and scalars (float32, int64, bool_)
    if callable(tolist):
        return plain(tolist())
    return value


def dumps(value: Any, *, indent: int | None = None, sort_keys: bool = False, ascii_only: bool = False) -> str:
    """`value` as strict JSON text (see the module for how inf and NaN are written).

    `ascii_only`: escape every non-ASCII character as \\uXXXX (the same JSON value, for an
    output that cannot hold UTF-8). Raises ValueError only if a non-finite float got through.
    """
    return json.dumps(plain(value), indent=indent, sort_keys=sort_keys, ensure_ascii=ascii_only, allow_nan=False)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # outside the basic plane: a UTF-16 surrogate pair, as JSON requires
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def ascii_escaped(text: str) -> str:
    """JSON text with every non-ASCII character escaped as \\uXXXX: the same JSON value.

    Outside strings JSON is ASCII, so escaping every non-ASCII character is always correct.
    """
    return _NON_ASCII.sub(_escape, text)


def loads_strict(text: str) -> Any:
    """Parse JSON as a strict parser does: the bare tokens NaN, Infinity and -Infinity are errors."""

    def refuse(token: str) -> Any:
        raise ValueError(f"not strict JSON: bare {token}")

    return json.loads(text, parse_constant=refuse)
