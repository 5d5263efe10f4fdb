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


def positive_number(text: str) -> float:
    """An argparse type: a float above 0 (a learning rate)."""
    value = finite_number(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number above 0, got {text}")
    return value


def unit_fraction(text: str) -> float:
    """An argparse type: a float in [0, 1) (a momentum coefficient)."""
    value = finite_number(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a number from 0 up to (not including) 1, got {text}")
    return value


def positive_number_up_to(maximum: float):
    """An argparse type: a float above 0 and at most `maximum` (a capped learning rate)."""

    def parse(text: str) -> float:
        value = positive_number(text)
        if value > maximum:
            raise argparse.ArgumentTypeError(f"expected at most {maximum:g}, got {text}")
        return value

    parse.__name__ = "number"
    return parse


def fraction_up_to(maximum: float):
    """An argparse type: a float from 0 to `maximum` (below 1; a capped momentum coefficient)."""

    def parse(text: str) -> float:
        value = unit_fraction(text)
        if value > maximum:
            raise argparse.ArgumentTypeError(f"expected a number from 0 to {maximum:g}, got {text}")
        return value

    parse.__name__ = "number"
    return parse
