"""How a number looks in a matrix cell, the same on screen, in text and in markdown."""

from __future__ import annotations

import math


def cell(value: float, decimals: int = 3) -> str:
    """Fixed decimals; inf and NaN spelt out; huge or tiny values in scientific notation."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value != 0 and (abs(value) >= 10 ** (9 - decimals) or abs(value) < 0.5 * 10 ** (-decimals)):
        return f"{value:.{max(decimals - 1, 1)}e}"
    text = f"{value:.{decimals}f}"
    return "0." + "0" * decimals if text.strip("-0.") == "" else text


def shape(rows: int, cols: int) -> str:
    """A shape written as the lecture writes it: 3×2."""
    return f"{rows}×{cols}"


def number(value: float) -> str:
    """A value as the maps' labels print it (the landscape's and the input plane's): 4
    significant digits, or inf / nan."""
    return f"{value:.4g}" if math.isfinite(value) else ("nan" if math.isnan(value) else "inf")
