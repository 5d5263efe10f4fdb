"""The `backprop-tui` command: argparse subcommands over the engine, the app and batch mode.

Every user error ends as one message on stderr and exit code 2, never a traceback; Ctrl-C, at
any moment of any command, ends as the one line "interrupted" and exit code 130. Every command's
output goes through `textout.ascii_safe_output`, so a terminal that cannot show θ or ∂ gets an
ASCII form instead of a UnicodeEncodeError. Building the parser imports no NumPy, so `--help`
stays fast: each area's handlers import what they need.

This module imports only the standard library at the top, and `main` catches a KeyboardInterrupt
from its first line on, so a Ctrl-C while the heavy modules load is handled like any other.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

AREAS = ("backprop_tui.cli.dense", "backprop_tui.cli.author", "backprop_tui.cli.cnn", "backprop_tui.cli.export",
         "backprop_tui.cli.landscape", "backprop_tui.cli.explain", "backprop_tui.cli.quiz",
         "backprop_tui.cli.grade", "backprop_tui.cli.plane", "backprop_tui.cli.sheet")
"""The modules that each add their subcommands with `register(subparsers)`."""

INTERRUPTED = 130
"""The exit code after Ctrl-C (128 + SIGINT), as shells report a process stopped by Ctrl-C."""

DEFAULT_COMMAND = "open"
"""What runs when the first argument is not a subcommand: `backprop-tui xor` opens xor."""



def build_parser() -> tuple[argparse.ArgumentParser, frozenset[str]]:
    """The full parser and its subcommand names; each area registers its own subcommands."""
    import importlib

    from backprop_tui.cli.args import Parser
    from backprop_tui.i18n import LANGUAGES, _

    # built after the language is chosen (`_run`), so every help text is in it
    parser = Parser(
        prog="backprop-tui",
        description=_("Step through backpropagation key by key. With no command, opens the app on "
                      "SCENARIO (default: the bundled lecture scenario)."),
    )
    parser.add_argument("--lang", choices=LANGUAGES,
                        help=_("interface language, anywhere on the line (default: $BACKPROP_TUI_LANG, "
                               "else the locale, e.g. LANG=ko_KR.UTF-8, else en)"))
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for area in AREAS:
        importlib.import_module(area).register(subparsers)
    return parser, frozenset(subparsers.choices)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI on `argv` (default: the process's arguments); returns the exit code.

    0 success, 2 bad input (one message on stderr), 130 after Ctrl-C (one line), or what the
    command returns (1 for a diverged training run). argparse's own usage errors exit 2 through
    SystemExit, as argparse does.
    """
    try:
        from backprop_tui.cli.textout import ascii_safe_output

        with ascii_safe_output():
            return _run(list(sys.argv[1:] if argv is None else argv))
    except KeyboardInterrupt:
        return interrupted()


def _run(args_list: list[str]) -> int:
    from backprop_tui.core.errors import UserError
    from backprop_tui.i18n import _, error_text

    try:
        args_list = _choose_language(args_list)
    except ValueError as error:
        print(_("error: {message}").format(message=error_text(error)), file=sys.stderr)
        return 2
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
        print(_("error: {message}").format(message=error_text(error)), file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:
        _silence_stdout()
        return 0


def _choose_language(args_list: list[str]) -> list[str]:
    """Set the interface language from `--lang X` (or `--lang=X`) anywhere before `--`, else the
    environment (i18n.choose), and return the arguments without it, so every subcommand takes it
    in any position. Raises ValueError (its message an i18n.Message) for a language with no
    catalogue, after setting the environment's language to say so in."""
    from backprop_tui import i18n

    rest: list[str] = []
    requested: str | None = None
    missing = False
    items = iter(args_list)
    for item in items:
        if item == "--":
            rest += [item, *items]
            break
        if item == "--lang":
            requested = next(items, None)
            missing = requested is None
        elif item.startswith("--lang="):
            requested = item.split("=", 1)[1]
        else:
            rest.append(item)
    try:
        if missing:
            choices = i18n.Message("{others} or {last}", others=", ".join(i18n.LANGUAGES[:-1]), last=i18n.LANGUAGES[-1])
            raise ValueError(i18n.Message("--lang needs a language: {choices}", choices=choices))
        language = i18n.choose(requested)
    except ValueError:
        _use_language(i18n.choose(None))  # the language the environment asks for says what was wrong
        raise
    _use_language(language)
    return rest


def _use_language(language: str) -> None:
    """Draw every message in `language`, or in English when stdout cannot show it (with a note)."""
    from backprop_tui import i18n
    from backprop_tui.cli.textout import encodes

    # a stream that names no encoding is taken to hold the language (utf-8)
    if language != i18n.DEFAULT and not encodes(sys.stdout, i18n.own_name(language), unnamed="utf-8"):
        # an ASCII terminal would show Korean as "??"; English keeps the ASCII fallback readable.
        # The note is English: it is said because this output cannot show the other language.
        print(ENCODING_NOTE.format(encoding=sys.stdout.encoding, language=repr(language)), file=sys.stderr)
        language = i18n.DEFAULT
    i18n.set_language(language)


ENCODING_NOTE = "note: this output's encoding ({encoding}) cannot show {language} text; writing English"
"""Said in English when stdout cannot show the language asked for."""


def interrupted() -> int:
    """Say "interrupted" on stderr, with further Ctrl-C ignored while saying it; returns 130."""
    with _sigint_ignored():
        try:
            print(_interrupted_text(), file=sys.stderr, flush=True)
        except (OSError, ValueError):  # stderr closed: the exit code still says it
            pass
    return INTERRUPTED


def _interrupted_text() -> str:
    """"interrupted" in the interface language; English before the language module is even loaded
    (a Ctrl-C in the first instant), without importing anything while the signal is ignored."""
    i18n = sys.modules.get("backprop_tui.i18n")
    return i18n._("interrupted") if i18n is not None else "interrupted"


class _sigint_ignored:
    """Ignore SIGINT inside the block (main thread only), then restore the previous handler."""

    def __enter__(self) -> None:
        import signal
        import threading

        self.previous = None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, signal.SIG_IGN)

    def __exit__(self, *exc: object) -> None:
        import signal

        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)


def _silence_stdout() -> None:
    """After the reader of a pipe went away (`| head`): send what is still buffered nowhere, so
    the interpreter's final flush cannot print a BrokenPipeError either."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
