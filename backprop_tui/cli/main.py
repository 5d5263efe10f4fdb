"""The `backprop-tui` command: argparse subcommands over the engine, the app and batch mode.

Every user error ends as one message on stderr and exit code 2, never a traceback. Building the
parser imports no NumPy, so `--help` stays fast: each area's handlers import what they need.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from backprop_tui.core.errors import UserError

AREAS = ("backprop_tui.cli.dense", "backprop_tui.cli.author", "backprop_tui.cli.cnn", "backprop_tui.cli.export",
         "backprop_tui.cli.landscape")
"""The modules that each add their subcommands with `register(subparsers)`."""

DEFAULT_COMMAND = "open"
"""What runs when the first argument is not a subcommand: `backprop-tui xor` opens xor."""


def build_parser() -> tuple[argparse.ArgumentParser, frozenset[str]]:
    """The full parser and its subcommand names; each area registers its own subcommands."""
    parser = argparse.ArgumentParser(
        prog="backprop-tui",
        description=(
            "Step through backpropagation key by key. With no command, opens the app on "
            "SCENARIO (default: the bundled lecture scenario)."
        ),
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for area in AREAS:
        importlib.import_module(area).register(subparsers)
    return parser, frozenset(subparsers.choices)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser, commands = build_parser()
    if not args_list or (args_list[0] not in commands and not args_list[0].startswith("-")):
        args_list = [DEFAULT_COMMAND, *args_list]
    args = parser.parse_args(args_list)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
