"""Reading a handout's options from what a user typed, and writing a handout (and, for a sheet
with blanks, its answer key) without overwriting anything unasked.

Shared by `trace --format markdown|latex`, `sheet` and the app's `x` dialog, so the three accept
the same words and refuse the same mistakes (each a UserError naming the option and the value).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from backprop_tui.core.dense.run import Iteration
from backprop_tui.core.dense.steps import Step
from backprop_tui.core.errors import UserError
from backprop_tui.core.fileio import atomic_write_text
from backprop_tui.core.scenario.conv_model import ConvLayer
from backprop_tui.core.scenario.model import Scenario
from backprop_tui.core.vocab import Cell, Kind, Phase, Quantity, QuantityNameError, parse_cell, parse_quantity
from backprop_tui.i18n import _, ngettext
from backprop_tui.render.answer_key import answer_key
from backprop_tui.render.handout import Handout, HandoutOptions, build_handout, walked_in_cli
from backprop_tui.render.handout_latex import to_latex
from backprop_tui.render.handout_markdown import to_markdown


class HandoutFormat(StrEnum):
    """The forms a handout is written in."""

    MARKDOWN = "markdown"
    LATEX = "latex"

    @property
    def suffix(self) -> str:
        """The file suffix of this form: .md or .tex."""
        return ".md" if self is HandoutFormat.MARKDOWN else ".tex"


KEY_SUFFIX = ".key.toml"
"""An answer key's file ends so: lecture-sheet.md's key is lecture-sheet.key.toml."""
PHASE_NAMES = ", ".join(p.value for p in Phase)


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.replace(" ", ",").split(",") if item.strip()]


def parse_phases(text: str, flag: str = "--phases") -> tuple[Phase, ...]:
    """"forward,loss" → the phases in the lecture's order; UserError for an unknown or empty list."""
    items = _items(text)
    if not items:
        raise UserError(_("{flag} {text}: name one or more phases: {phases}").format(
            flag=flag, text=repr(text), phases=PHASE_NAMES))
    chosen = set()
    for item in items:
        try:
            chosen.add(Phase(item.lower()))
        except ValueError:
            raise UserError(_("{flag} {item}: not a phase; the phases are {phases}").format(
                flag=flag, item=item, phases=PHASE_NAMES)) from None
    return tuple(p for p in Phase if p in chosen)


def parse_chain(texts: list[str], scenario: Scenario, flag: str = "--chain") -> tuple[Cell, ...]:
    """Weights or biases (theta1[1,1], b2[1]) whose chain rule is drawn; UserError for anything
    else: another quantity, a layer the network lacks, a bias it does not have, a cell outside."""
    cells = []
    for text in texts:
        try:
            cell = parse_cell(text)
        except QuantityNameError as error:
            raise UserError(f"{flag} {text}: {error}") from None
        key = cell.key
        if key.kind not in (Kind.THETA, Kind.BIAS) or key.transposed:
            raise UserError(_("{flag} {text}: the chain rule is drawn for one weight, theta1[1,1], or one bias, "
                              "b1[1]").format(flag=flag, text=text))
        layers = len(scenario.layers)
        if not 1 <= (key.layer or 0) <= layers:
            raise UserError(_("{flag} {text}: the network has layers 1 to {layers}").format(
                flag=flag, text=text, layers=layers))
        if not cell.index:
            example = f"{key.ascii}[1{',1' if key.kind is Kind.THETA else ''}]"
            raise UserError(_("{flag} {text}: name one cell, e.g. {example}").format(
                flag=flag, text=text, example=example))
        layer = scenario.layers[key.layer - 1]
        # a conv2d layer's θ is its filters as columns; maxpool and flatten have no parameters
        weights = layer.theta if isinstance(layer, ConvLayer) else getattr(layer, "weights", None)
        if weights is None:
            raise UserError(_("{flag} {text}: layer {layer} ({kind}) has no weights or bias").format(
                flag=flag, text=text, layer=key.layer, kind=layer.activation))
        if key.kind is Kind.BIAS:
            if layer.bias is None:
                raise UserError(_("{flag} {text}: layer {layer} has no bias").format(
                    flag=flag, text=text, layer=key.layer))
            shape = (layer.bias.shape[0], 1)
        else:
            shape = weights.shape
            if len(cell.index) != 2:
                raise UserError(_("{flag} {text}: a weight is named by row and column, e.g. {example}").format(
                    flag=flag, text=text, example=f"{key.ascii}[1,1]"))
        try:
            cell.at((int(shape[0]), int(shape[1])))
        except QuantityNameError as error:
            raise UserError(f"{flag} {text}: {error}") from None
        cells.append(cell)
    return tuple(dict.fromkeys(cells))


def parse_blanks(text: str, flag: str = "--blanks") -> tuple[frozenset[Phase], frozenset[Quantity]]:
    """"all", phase names and ASCII quantity names (z1, delta2, theta2_new) → what to leave blank."""
    phases: set[Phase] = set()
    quantities: set[Quantity] = set()
    items = _items(text)
    if not items:
        raise UserError(_("{flag} {text}: name phases ({phases}, or all) or results (z1, delta2, theta2_new)").format(
            flag=flag, text=repr(text), phases=PHASE_NAMES))
    for item in items:
        if item.lower() == "all":
            phases |= set(Phase)
            continue
        try:
            phases.add(Phase(item.lower()))
            continue
        except ValueError:
            pass
        try:
            key = parse_quantity(item)
        except QuantityNameError as error:
            raise UserError(_("{flag} {item}: neither a phase ({phases}, all) nor a result: {error}").format(
                flag=flag, item=item, phases=PHASE_NAMES, error=error)) from None
        if key.transposed:
            raise UserError(_("{flag} {item}: a transpose is not a result of its own; blank {stored}").format(
                flag=flag, item=item, stored=key.stored.ascii))
        quantities.add(key)
    return frozenset(phases), frozenset(quantities)


def render(handout: Handout, form: HandoutFormat) -> str:
    """The handout's text in `form`."""
    return to_markdown(handout) if form is HandoutFormat.MARKDOWN else to_latex(handout)


@dataclass(frozen=True)
class HandoutFiles:
    """Where a handout goes: the sheet, and (with blanks) its answer key."""

    sheet: Path
    key: Path | None = None

    @property
    def all(self) -> list[Path]:
        """Every file to write: the sheet, then the key if there is one."""
        return [self.sheet, *([self.key] if self.key else [])]


def key_path_for(sheet: Path) -> Path:
    """The answer key beside a sheet: lecture-sheet.md → lecture-sheet.key.toml."""
    return sheet.with_name(sheet.name.rsplit(".", 1)[0] + KEY_SUFFIX if "." in sheet.name else sheet.name + KEY_SUFFIX)


def handout_files(output: str, stem: str, form: HandoutFormat, blanks: bool, key: Path | None = None) -> HandoutFiles:
    """The files to write for -o OUTPUT: into a folder (an existing one, or a path ending in /)
    as STEM-sheet.md (or STEM-handout.md without blanks), else OUTPUT itself; the key beside
    the sheet unless `key` names it."""
    folder = Path(output)
    if folder.is_dir() or output.endswith(("/", "\\")):  # as typed: Path() drops a trailing slash
        sheet = folder / f"{stem}-{'sheet' if blanks else 'handout'}{form.suffix}"
    else:
        sheet = folder
    if not blanks:
        return HandoutFiles(sheet)
    key = key if key is not None else key_path_for(sheet)
    if key.resolve() == sheet.resolve():
        raise UserError(_("{key}: the answer key cannot be the sheet itself; name the key FILE{suffix}").format(
            key=key, suffix=KEY_SUFFIX))
    return HandoutFiles(sheet, key)


def refuse_existing(files: HandoutFiles, replace: bool, protected: tuple[Path, ...] = ()) -> None:
    """UserError, before anything is written, if a file exists and `replace` is False, or if one
    of them is a `protected` file (the scenario shown)."""
    for path in files.all:
        for other in protected:
            if path.exists() and other.exists() and os.path.samefile(path, other):  # links followed
                raise UserError(_("{path}: is the scenario being shown; write the handout to another file").format(
                    path=path))
        if path.exists() and not replace:
            raise UserError(_("{path} exists: pass --force to replace it").format(path=path))


def write_handout(scenario: Scenario, iterations: list[Iteration], steps: list[Step], options: HandoutOptions,
                  form: HandoutFormat, files: HandoutFiles, replace: bool = False,
                  walk_has: Callable[[int], str] = walked_in_cli) -> Handout:
    """Build the handout, then write its sheet (and its answer key) atomically.

    Raises UserError, writing nothing, for a bad range or blank, or a file that exists unasked.
    """
    protected = (scenario.source,) if scenario.source else ()
    refuse_existing(files, replace, protected)
    handout = build_handout(scenario, iterations, steps, options, walk_has)
    sheet_text = render(handout, form)
    key_text = answer_key(handout, files.sheet.name) if files.key is not None else None
    atomic_write_text(files.sheet, sheet_text)
    if files.key is not None and key_text is not None:
        atomic_write_text(files.key, key_text)
    return handout


@dataclass(frozen=True)
class HandoutRequest:
    """A handout as the app's dialog asks for it: each field as typed (the CLI's words)."""

    path: str
    first: str = "1"
    last: str = ""
    """Empty: the last iteration walked."""
    phases: str = ""
    """Empty: every phase."""
    chains: str = ""
    """Weights or biases, separated by spaces: theta1[1,1] b2[1]."""
    blanks: str = ""
    """Empty: no blanks (a plain handout, no answer key)."""
    form: HandoutFormat = HandoutFormat.MARKDOWN


def _whole(text: str, flag: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise UserError(_("{flag} {text}: expected a whole number of an iteration (from 1)").format(
            flag=flag, text=repr(text.strip()))) from None


def request_options(request: HandoutRequest, scenario: Scenario) -> HandoutOptions:
    """The options a dialog's fields ask for; UserError naming the field (by its CLI flag)."""
    first = _whole(request.first or "1", "--from")
    last = _whole(request.last, "--to") if request.last.strip() else None
    phases = parse_phases(request.phases) if request.phases.strip() else tuple(Phase)
    chains = parse_chain(request.chains.split(), scenario) if request.chains.strip() else ()
    blank_phases, blank_quantities = parse_blanks(request.blanks) if request.blanks.strip() else (frozenset(), frozenset())
    return HandoutOptions(first, last, phases, chains, blank_phases, blank_quantities)


def walked_in_app(count: int) -> str:
    """How far the app's walk went, and how it walks further: one whole sentence."""
    return ngettext("the walk has {count} iteration so far (step further, then write the handout)",
                    "the walk has {count} iterations so far (step further, then write the handout)",
                    count).format(count=count)


def export_handout(scenario: Scenario, iterations: list[Iteration], steps: list[Step], request: HandoutRequest,
                   replace: bool = False) -> tuple[Handout, HandoutFiles]:
    """Write the handout a dialog asks for from the walk (`iterations` walked so far, `steps` of
    at least the chosen ones).

    Raises UserError (bad field, the scenario's own file, a folder that is not there) and, when
    a file exists and `replace` is False, FileExistsError whose args are the existing paths (ask,
    then call again with replace=True).
    """
    options = request_options(request, scenario)
    path = request.path.strip()
    if not path:
        raise UserError(_("name the file to write"))
    stem = scenario.source.stem if scenario.source else "scenario"
    files = handout_files(str(Path(path).expanduser()) + ("/" if path.endswith("/") else ""), stem, request.form,
                          options.blanks)
    refuse_existing(files, replace=True, protected=(scenario.source,) if scenario.source else ())
    build_handout(scenario, iterations, steps, options, walked_in_app)  # every refusal before any question
    existing = [p for p in files.all if p.exists()]
    if existing and not replace:
        raise FileExistsError(*existing)
    return write_handout(scenario, iterations, steps, options, request.form, files, True, walked_in_app), files
