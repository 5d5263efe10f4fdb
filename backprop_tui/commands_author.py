"""CLI subcommands for scenario authors: compare variants, write a new scenario."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Registers nothing yet: `compare` and `new` arrive with the authoring work."""
