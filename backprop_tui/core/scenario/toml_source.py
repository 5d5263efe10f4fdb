"""Read a TOML file into plain data, turning every way it can fail into a ScenarioError."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from backprop_tui.core.scenario.errors import Problem, ScenarioError


def parse_toml_text(text: str, file: str) -> dict[str, Any]:
    """Parse TOML text; a syntax error names its line and column."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        # tomllib says "... (at line 3, column 7)"; keep its words, lead with the place.
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        what = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
        if match:
            where = f"line {match.group(1)}, column {match.group(2)}"
        elif "end of document" in message:
            where = "end of file"
        else:
            where = ""
        raise ScenarioError(file, [Problem(where, f"not valid TOML: {what}")]) from None
    except RecursionError:
        raise ScenarioError(file, [Problem("", "not valid TOML: nested too deeply")]) from None


def read_text(path: Path | str) -> str:
    """A scenario file's text; a missing file or a non-UTF-8 byte is reported, not raised raw."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(str(path), [Problem("", "no such file")]) from None
    except IsADirectoryError:
        raise ScenarioError(str(path), [Problem("", "is a directory, not a scenario file")]) from None
    except OSError as error:
        raise ScenarioError(str(path), [Problem("", f"cannot be read: {error.strerror}")]) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        byte = raw[error.start]
        raise ScenarioError(
            path.name,
            [Problem(f"line {line}, column {column}", f"byte 0x{byte:02x} is not UTF-8 text; TOML files must be UTF-8")],
        ) from None


def read_toml(path: Path | str) -> dict[str, Any]:
    """Read and parse a TOML file into plain data."""
    return parse_toml_text(read_text(path), Path(path).name)
