"""Argument types shared by every subcommand, so a bad flag reads the same everywhere; and the
parser every subcommand is built with, which speaks the interface language.

argparse writes its own words ("usage:", "options:", "show this help message and exit", its error
lines) through `gettext.gettext` in the global domain, not through our catalogue. `Parser` and
`HelpFormatter` translate them through our catalogue instead (the English texts are marked below,
so the catalogue has them), and wrap help text by terminal cells, since a Hangul syllable takes
two columns where argparse counts one.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Callable
from typing import NoReturn

from backprop_tui.cli.textout import text_width, wrap
from backprop_tui.i18n import N_, _


def whole_number(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """An argparse type: an int of at least `minimum` (and at most `maximum`).

    Its ArgumentTypeError is in the interface language (the parser is built after it is chosen).
    """

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            message = _("expected a whole number, got {found}").format(found=repr(text))
            raise argparse.ArgumentTypeError(message) from None
        if value < minimum:
            if minimum == 0:
                raise argparse.ArgumentTypeError(_("expected 0 or more, got {found}").format(found=value))
            raise argparse.ArgumentTypeError(_("expected at least {minimum}, got {found}").format(
                minimum=minimum, found=value))
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(_("expected at most {maximum}, got {found}").format(
                maximum=maximum, found=value))
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
        raise argparse.ArgumentTypeError(_("expected a number, got {found}").format(found=repr(text))) from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(_("expected a finite number, got {found}").format(found=text))
    return value


def number_in(minimum: float, maximum: float, above: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite float from `minimum` (or, with `above`, above it) to `maximum`.

    `above` suits a learning rate (0 excluded), the default a momentum coefficient.
    """

    def parse(text: str) -> float:
        value = finite_number(text)
        if above and not value > minimum:
            raise argparse.ArgumentTypeError(_("expected a number above {above}, got {found}").format(
                above=f"{minimum:g}", found=text))
        if above and value > maximum:
            raise argparse.ArgumentTypeError(_("expected at most {maximum}, got {found}").format(
                maximum=f"{maximum:g}", found=text))
        if not above and not minimum <= value <= maximum:
            raise argparse.ArgumentTypeError(_("expected a number from {minimum} to {maximum}, got {found}").format(
                minimum=f"{minimum:g}", maximum=f"{maximum:g}", found=text))
        return value

    parse.__name__ = "number"
    return parse


ARGPARSE_WORDS = (
    N_("usage: "), N_("positional arguments"), N_("options"), N_("show this help message and exit"),
)
"""argparse's own words in a help page (Python 3.11's argparse.py), translated where drawn."""

ARGPARSE_ERRORS = (
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("expected %s argument"),
    N_("expected %s arguments"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ignored explicit argument %r"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
)
"""The messages argparse gives `ArgumentParser.error`, already filled in, in English (its
argparse.py, Python 3.11): `argparse_message` finds which one a message is and fills our
catalogue's translation of it with the same values."""

_PLACEHOLDER = re.compile(r"%\((\w+)\)[sr]|%[sr]")


def _pattern(template: str) -> re.Pattern[str]:
    """A regular expression matching `template` filled in: each %-placeholder a group."""
    pieces, last = [], 0
    for number, match in enumerate(_PLACEHOLDER.finditer(template)):
        pieces += [re.escape(template[last:match.start()]), f"(?P<p{number}>.+?)"]
        last = match.end()
    return re.compile("".join(pieces) + re.escape(template[last:]), re.DOTALL)


def argparse_message(message: str) -> str:
    """An error message argparse wrote in English, in the interface language.

    The message is matched against argparse's templates (ARGPARSE_ERRORS); the translation gets
    the same values in its placeholders, by name (or in order where unnamed). The message of
    `argument X: MESSAGE` is translated in turn (our own types' messages are translated already,
    and any message that matches no template is returned as it is).
    """
    for template in ARGPARSE_ERRORS:
        match = _pattern(template).fullmatch(message)
        if match is None:
            continue
        placeholders = list(_PLACEHOLDER.finditer(template))
        values = {(p.group(1) or str(number)): match.group(f"p{number}") for number, p in enumerate(placeholders)}
        if "message" in values:
            values["message"] = argparse_message(values["message"])
        translated = _(template)
        unnamed = iter(value for key, value in values.items() if key.isdigit())
        return _PLACEHOLDER.sub(lambda p: values[p.group(1)] if p.group(1) else next(unnamed, p.group()), translated)
    return message


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help layout, with argparse's own words translated and text wrapped by cells."""

    def start_section(self, heading: str | None) -> None:
        """A section ("options", "positional arguments" or a group's title) under its translated heading."""
        super().start_section(_(heading) if heading else heading)

    def _get_help_string(self, action: argparse.Action) -> str | None:
        # -h's help is argparse's ("show this help message and exit"); ours are translated already
        return _(action.help) if action.help else action.help

    # textwrap counts characters: a line of Hangul (two columns a syllable) overflowed the terminal
    # (text of one column a character is left to argparse, so English help is as it was)
    def _split_lines(self, text: str, width: int) -> list[str]:
        return super()._split_lines(text, width) if text_width(text) == len(text) else wrap(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text_width(text) == len(text):
            return super()._fill_text(text, width, indent)
        return "\n".join(wrap(text, width, indent))


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks the interface language (its subcommands' parsers too).

    Help pages use `HelpFormatter`; the usage line starts with the translated "usage: " (its
    continuation lines indented to match); errors are translated by `argparse_message` and still
    exit 2 after the usage line, as argparse's do.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def format_usage(self) -> str:
        """The usage line, its "usage: " in the interface language."""
        return _translated_usage(super().format_usage())

    def format_help(self) -> str:
        """The help page, its "usage: " in the interface language."""
        return _translated_usage(super().format_help())

    def error(self, message: str) -> NoReturn:
        """Print the usage and `message` (translated) on stderr and exit 2, as argparse does."""
        self.print_usage(sys.stderr)
        # argparse's "%(prog)s: error: %(message)s", with the tag every failed command's message has
        self.exit(2, f"{self.prog}: " + _("error: {message}").format(message=argparse_message(message)) + "\n")


def _translated_usage(text: str) -> str:
    """`text` (argparse's help or usage) with its leading "usage: " translated; the lines of the
    usage that follow are indented by the difference in width, so the flags stay in columns."""
    english = "usage: "
    prefix = _(english)
    if prefix == english or not text.startswith(english):
        return text
    shift = text_width(prefix) - len(english)
    usage, blank, rest = text.partition("\n\n")
    first, *others = usage.split("\n")
    return "\n".join([prefix + first[len(english):], *(_shifted(line, shift) for line in others)]) + blank + rest


def _shifted(line: str, shift: int) -> str:
    """`line` moved `shift` columns right (left when negative, by its leading spaces only)."""
    if shift >= 0:
        return " " * shift + line if line else line
    spaces = len(line) - len(line.lstrip(" "))
    return line[min(spaces, -shift):]
