"""Read a TOML file into plain data, turning every way it can fail into a ScenarioError."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from backprop_tui.i18n import Message
from backprop_tui.core.scenario.errors import Problem, ScenarioError


BOM = "\ufeff"
"""A byte order mark: some editors (Notepad) start UTF-8 files with one; it is not TOML, so it is
dropped rather than reported as an invalid statement at line 1, column 1."""



def parse_toml_text(text: str, file: str) -> dict[str, Any]:
    """Parse TOML text; a syntax error names its line and column (with a hint where one helps)."""
    text = text.removeprefix(BOM)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        # tomllib says "... (at line 3, column 7)"; keep its words, lead with the place.
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        what = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
        problem = Message("not valid TOML: {what}", what=what)  # tomllib's own words, in English
        if match:
            line, column = int(match.group(1)), int(match.group(2))
            where = Message("line {line}, column {column}", line=line, column=column)
            if _inside_unclosed_inline_table(text, line, column):
                problem = Message("not valid TOML: {what}; an inline table {{ ... }} must fit on one line in TOML 1.0: "
                                  "close it on the line where it opens, or write it as a [section] table", what=what)
        elif "end of document" in message:
            where = Message("end of file")
        else:
            where = ""
        raise ScenarioError(file, [Problem(where, problem)]) from None
    except RecursionError:
        raise ScenarioError(file, [Problem("", Message("not valid TOML: nested too deeply"))]) from None


def _inside_unclosed_inline_table(text: str, line: int, column: int) -> bool:
    """True when the error sits at the end of a line on which an inline table `{` is still open.

    tomllib reports a table continued on the next line at the line break ("Invalid initial
    character for a key part"); only the rest of that line is read, outside strings and comments.
    """
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return False
    source = lines[line - 1]
    before, after = source[:column - 1], source[column - 1:]
    if after.strip() and not after.lstrip().startswith("#"):
        return False  # the error is in the middle of the line, not where it breaks
    depth = 0
    quote = ""
    index = 0
    while index < len(before):
        char = before[index]
        if quote:
            if char == "\\" and quote == '"':
                index += 1
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            break
        elif char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        index += 1
    return depth > 0


def read_text(path: Path | str) -> str:
    """A scenario file's text, without a leading byte order mark (see `BOM`).

    A missing file or a non-UTF-8 byte is reported as a ScenarioError, not raised raw.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(str(path), [Problem("", Message("no such file"))]) from None
    except IsADirectoryError:
        raise ScenarioError(str(path), [Problem("", Message("is a directory, not a scenario file"))]) from None
    except OSError as error:
        raise ScenarioError(str(path), [Problem("", Message("cannot be read: {reason}", reason=error.strerror))]) from None
    try:
        return raw.decode("utf-8").removeprefix(BOM)
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        byte = raw[error.start]
        raise ScenarioError(
            path.name,
            [Problem(Message("line {line}, column {column}", line=line, column=column),
                     Message("byte {byte} is not UTF-8 text; TOML files must be UTF-8", byte=hex_byte(byte)))],
        ) from None


def read_toml(path: Path | str) -> dict[str, Any]:
    """Read and parse a TOML file into plain data."""
    return parse_toml_text(read_text(path), Path(path).name)


def hex_byte(byte: int) -> str:
    """A byte as messages quote it: 0xff."""
    return f"0x{byte:02x}"
