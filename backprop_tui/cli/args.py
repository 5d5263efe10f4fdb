"""Argument types shared by every subcommand, so a bad flag reads the same everywhere."""

from __future__ import annotations

import argparse
import math


def whole_number(minimum: int, maximum: int | None = None):
    """An argparse type: an int of at least `minimum` (and at most `maximum`)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            wanted = "0 or more" if minimum == 0 else f"at least {minimum}"
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {value}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"expected at most {maximum}, got {value}")
        return value

    parse.__name__ = "whole number"
    return parse


positive = whole_number(1)
natural = whole_number(0)


def finite_number(text: str) -> float:
    """An argparse type: a finite float."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text}")
    return value


def number_in(minimum: float, maximum: float, above: bool = False):
    """An argparse type: a finite float from `minimum` (or, with `above`, above it) to `maximum`.

    `above` suits a learning rate (0 excluded), the default a momentum coefficient.
    """

    def parse(text: str) -> float:
        value = finite_number(text)
        if above and not value > minimum:
            raise argparse.ArgumentTypeError(f"expected a number above {minimum:g}, got {text}")
        if above and value > maximum:
            raise argparse.ArgumentTypeError(f"expected at most {maximum:g}, got {text}")
        if not above and not minimum <= value <= maximum:
            raise argparse.ArgumentTypeError(f"expected a number from {minimum:g} to {maximum:g}, got {text}")
        return value

    parse.__name__ = "number"
    return parse
