"""Argument types shared by every subcommand, so a bad flag reads the same everywhere."""

from __future__ import annotations

import argparse


def whole_number(minimum: int):
    """An argparse type: an int of at least `minimum`."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            wanted = "0 or more" if minimum == 0 else f"at least {minimum}"
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {value}")
        return value

    parse.__name__ = "whole number"
    return parse


positive = whole_number(1)
natural = whole_number(0)
