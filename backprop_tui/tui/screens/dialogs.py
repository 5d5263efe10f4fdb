"""Small modal dialogs: choose a variant, edit a value, name a file to write, confirm a replace
(the handout's dialog is handout_dialog.py).

Each explains a refused input in place (the loader's message, a bad path) and stays open, so a
mistake never closes the dialog or the app.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from backprop_tui.core.errors import UserError
from backprop_tui.i18n import N_, _
from backprop_tui.render.describe import variant_description
from backprop_tui.render.numbers import cell
from backprop_tui.core.scenario.model import Scenario
from backprop_tui.tui.language import translate_bindings
from backprop_tui.walk.authoring import EditTarget

BASE = "(base)"
EXPORT_PROMPT = N_("Export the steps walked so far as a markdown handout to:")


class VariantDialog(ModalScreen[str | None]):
    """Returns a variant name, BASE for the scenario without a variant, or None when cancelled."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        options = [Option(Text.assemble((_("base scenario"), "bold"), "  " + _("no variant")), id=BASE)]
        options += [Option(Text.assemble((v.name, "bold"), "  " + variant_description(v)), id=v.name)
                    for v in self.scenario.variants]
        with Vertical(classes="dialog-box"):
            yield Static(Text(_("Step through which variant?"), style="bold"))
            yield OptionList(*options, id="variant-list")

    def on_mount(self) -> None:
        translate_bindings(self)
        chosen = self.scenario.variant or BASE
        option_list = self.query_one(OptionList)
        option_list.highlighted = option_list.get_option_index(chosen)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(str(event.option.id))


class EditDialog(ModalScreen[bool]):
    """Pick a number (weight under the cursor, learning rate, an input or target) and type its value.

    `apply(target, value)` writes the file and returns None, or the message to show.
    """

    BINDINGS = [Binding("escape", "dismiss(False)", "Cancel")]

    def __init__(self, targets: list[EditTarget], apply: Callable[[EditTarget, float], str | None],
                 bundled: str | None = None) -> None:
        """`bundled`: the name of the bundled scenario being stepped, whose edits go to a copy."""
        super().__init__()
        self.targets = targets
        self.apply = apply
        self.bundled = bundled

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            title = (_("Edit the scenario file (comments and layout are kept; u undoes)") if self.bundled is None else
                     _("Edit a copy of {name} in the working folder: the bundled file stays as it is "
                       "(comments and layout are kept; u undoes)").format(name=self.bundled))
            yield Static(Text(title, style="bold"))
            yield OptionList(*[Option(f"{t.label} = {cell(t.value, 4)}", id=str(i)) for i, t in enumerate(self.targets)],
                             id="edit-list")
            yield Input(value=self._text(0), id="edit-value")
            yield Static(id="edit-error")

    def _text(self, index: int) -> str:
        return repr(self.targets[index].value)

    def on_mount(self) -> None:
        translate_bindings(self)
        self.query_one(Input).focus()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.query_one(Input).value = self._text(int(event.option.id or 0))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        index = self.query_one(OptionList).highlighted or 0
        try:
            value = float(event.value)
        except ValueError:
            self.query_one("#edit-error", Static).update(_("expected a number, got {text}").format(text=repr(event.value)))
            return
        error = self.apply(self.targets[index], value)
        if error is None:
            self.dismiss(True)
        else:
            self.query_one("#edit-error", Static).update(Text(error))


class ExportDialog(ModalScreen[bool]):
    """Asks for the markdown file's name and calls `write(name, replace)`, which raises
    FileExistsError for a file that exists (the dialog then asks before replacing it) or
    UserError (explained in place; the dialog stays open for another name)."""

    BINDINGS = [Binding("escape", "dismiss(False)", "Cancel")]

    def __init__(self, suggestion: str, write: Callable[[str, bool], None],
                 prompt: str | None = None) -> None:
        super().__init__()
        self.suggestion = suggestion
        self.write = write
        self.prompt = prompt or _(EXPORT_PROMPT)
        """The question above the file name, in the language of the moment it opened."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(Text(self.prompt, style="bold"))
            yield Input(value=self.suggestion, id="export-path")
            yield Static(id="export-error")

    def on_mount(self) -> None:
        translate_bindings(self)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if name:
            write_asking_first(self, lambda replace: self.write(name, replace), lambda _error: (
                _("{name} already exists. Replace it with the export?").format(name=name),
                _("Not written: {name} exists and was kept; type another name.").format(name=name)), self.show_error)

    def show_error(self, message: str) -> None:
        """Explain why nothing was written; the dialog stays open for another name."""
        self.query_one("#export-error", Static).update(Text(message))


class ConfirmDialog(ModalScreen[bool]):
    """Asks a yes/no question; y or enter on "Replace" says yes, n or escape says no (the default)."""

    BINDINGS = [
        Binding("escape,n", "dismiss(False)", "No"),
        Binding("y", "dismiss(True)", "Yes"),
    ]

    def __init__(self, question: str, yes: str | None = None, no: str | None = None) -> None:
        super().__init__()
        self.question = question
        self.yes, self.no = yes or _("Replace"), no or _("Cancel")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(Text(self.question, style="bold"), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(f"{self.no} (n)", id="confirm-no", variant="primary")
                yield Button(f"{self.yes} (y)", id="confirm-yes", variant="error")

    def on_mount(self) -> None:
        translate_bindings(self)
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")


def write_asking_first(dialog: ModalScreen[bool], write: Callable[[bool], None],
                       asked: Callable[[FileExistsError], tuple[str, str]], show_error: Callable[[str], None],
                       replace: bool = False) -> None:
    """The write-then-confirm of every dialog that writes a file: call `write(replace)`, which
    writes atomically and raises FileExistsError for a file it would replace unasked. Then ask
    `asked(error)`'s question (a ConfirmDialog): yes writes again with replace=True, no shows its
    second sentence (what was kept). A UserError is shown with `show_error` and the dialog stays
    open for another try; a write that succeeds closes the dialog with True."""
    try:
        write(replace)
    except FileExistsError as error:
        question, kept = asked(error)
        dialog.app.push_screen(ConfirmDialog(question), lambda yes: write_asking_first(
            dialog, write, asked, show_error, replace=True) if yes else show_error(kept))
        return
    except UserError as error:
        show_error(str(error))
        return
    dialog.dismiss(True)
