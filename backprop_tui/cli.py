"""The `backprop-tui` command: argparse subcommands over the engine, the app and batch mode.

Every user error ends as one message on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from backprop_tui.errors import UserError


def build_parser() -> argparse.ArgumentParser:
    """The full parser; each area registers its own subcommands."""
    from backprop_tui import commands_author, commands_dense
    from backprop_tui.cnn import commands as commands_cnn

    parser = argparse.ArgumentParser(
        prog="backprop-tui",
        description=(
            "Step through backpropagation key by key. With no command, opens the app on "
            "SCENARIO (default: the bundled lecture scenario)."
        ),
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands_dense.register(subparsers)
    commands_author.register(subparsers)
    commands_cnn.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    commands = _subcommand_names(parser)
    if not args_list or (args_list[0] not in commands and not args_list[0].startswith("-")):
        args_list = ["open", *args_list]
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


def _subcommand_names(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()
