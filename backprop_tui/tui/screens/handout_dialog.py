"""The `x` dialog: write a handout of the walk (range, phases, chain-rule weights, format,
blanks, file), asking before any file is replaced.

The fields take the same words as `trace --format markdown|latex` (each labelled with its flag),
so a refused value is explained in place with the CLI's message and the dialog stays open.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from backprop_tui.i18n import _, ngettext
from backprop_tui.tui.language import translate_bindings
from backprop_tui.tui.screens.dialogs import write_asking_first
from backprop_tui.walk.handout import HandoutFormat, HandoutRequest, key_path_for

PHASE_WORDS = "forward, loss, backward, update"
"""The phases field's start: every phase, as `--phases` takes them."""
LATEX = "LaTeX"
"""The format's name."""
FIELDS = ("from", "to", "phases", "chain", "blanks", "path")
"""The text fields, in order (ids are handout-NAME)."""


class HandoutDialog(ModalScreen[bool]):
    """Asks what to write and calls `write(request, replace)`, which raises FileExistsError (its
    args the existing files: the dialog asks before replacing them) or UserError (explained in
    place; the dialog stays open)."""

    BINDINGS = [Binding("escape", "dismiss(False)", "Cancel")]

    def __init__(self, stem: str, walked: int, write: Callable[[HandoutRequest, bool], None]) -> None:
        super().__init__()
        self.stem, self.walked, self.write = stem, walked, write

    def compose(self) -> ComposeResult:
        """One line per field: range, phases, chain, format, blanks, file; the error; Write."""
        title = ngettext("Write a handout of the walk ({count} iteration walked so far)",
                         "Write a handout of the walk ({count} iterations walked so far)", self.walked)
        with Vertical(classes="dialog-box", id="handout-box"):
            yield Static(Text(title.format(count=self.walked), style="bold"), id="handout-title")
            with Horizontal(classes="handout-row"):
                yield Label(_("from (--from)"), classes="handout-label")
                yield Input(value="1", id="handout-from", classes="handout-short")
                yield Label("  " + _("to (--to)"), classes="handout-label")
                yield Input(value=str(self.walked), id="handout-to", classes="handout-short")
            # the phases as `--phases` takes them: words typed, the same in every language
            yield from self._row(_("phases"), value=PHASE_WORDS, id="handout-phases")
            yield from self._row(_("chain rule of"), placeholder=_("e.g. theta1[1,1] b2[1] (empty: none)"),
                                 id="handout-chain")
            with Horizontal(classes="handout-row"):
                yield Label(_("format"), classes="handout-label")
                with RadioSet(id="handout-format"):
                    yield RadioButton("markdown", value=True, id="format-markdown")
                    yield RadioButton(LATEX, id="format-latex")
            yield from self._row(_("blanks"), placeholder=_("a sheet: all, phases, or z1, delta2 …"),
                                 id="handout-blanks")
            yield from self._row(_("file"), value=f"{self.stem}-handout.md", id="handout-path")
            yield Static(id="handout-key")
            yield Static(id="handout-error")
            with Horizontal(id="handout-buttons"):
                yield Button(_("Write (enter)"), id="handout-write", variant="primary")

    def _row(self, label: str, id: str, value: str = "", placeholder: str = "") -> ComposeResult:
        with Horizontal(classes="handout-row"):
            yield Label(label, classes="handout-label")
            yield Input(value=value, placeholder=placeholder, id=id)

    def on_mount(self) -> None:
        """Start on the file name: the field most often changed."""
        translate_bindings(self)
        self.query_one("#handout-path", Input).focus()

    @on(Input.Changed, "#handout-path, #handout-blanks")
    def _show_key(self) -> None:
        """Say where a sheet's answer key goes (beside the sheet), so no file appears unannounced."""
        path, blanks = self.field("path").strip(), self.field("blanks").strip()
        text = _("answer key: {name}, beside the sheet").format(name=key_path_for(Path(path)).name) \
            if path and blanks else ""
        self.query_one("#handout-key", Static).update(Text(text, style="dim"))

    def field(self, name: str) -> str:
        """The text typed in one field (`FIELDS`)."""
        return self.query_one(f"#handout-{name}", Input).value

    @property
    def form(self) -> HandoutFormat:
        """The chosen format (markdown unless LaTeX is pressed)."""
        pressed = self.query_one(RadioSet).pressed_button
        return HandoutFormat.LATEX if pressed is not None and pressed.id == "format-latex" else HandoutFormat.MARKDOWN

    @on(RadioSet.Changed)
    def _format_changed(self, event: RadioSet.Changed) -> None:
        """Keep the file's suffix in step with the format (only the suggested one, .md ↔ .tex)."""
        path = self.query_one("#handout-path", Input)
        suffix = self.form.suffix
        for old in (".md", ".tex"):
            if path.value.endswith(old) and old != suffix:
                path.value = path.value[: -len(old)] + suffix

    @on(Input.Changed, "#handout-blanks")
    def _blanks_changed(self, event: Input.Changed) -> None:
        """A sheet with blanks is named a sheet (when the name is still the suggested one)."""
        path = self.query_one("#handout-path", Input)
        kind = "sheet" if event.value.strip() else "handout"
        for name in (f"{self.stem}-handout", f"{self.stem}-sheet"):
            for suffix in (".md", ".tex"):
                if path.value == name + suffix:
                    path.value = f"{self.stem}-{kind}{suffix}"
                    return

    def request(self) -> HandoutRequest:
        """What the fields ask for."""
        return HandoutRequest(path=self.field("path"), first=self.field("from"), last=self.field("to"),
                              phases=self.field("phases"), chains=self.field("chain"), blanks=self.field("blanks"),
                              form=self.form)

    @on(Input.Submitted)
    @on(Button.Pressed, "#handout-write")
    def _submitted(self) -> None:
        request = self.request()
        write_asking_first(self, lambda replace: self.write(request, replace), _replace_question, self.show_error)

    def show_error(self, message: str) -> None:
        """Explain why nothing was written; the dialog stays open."""
        self.query_one("#handout-error", Static).update(Text(message))


def _replace_question(error: FileExistsError) -> tuple[str, str]:
    """Whether to replace the files that exist (the error's args), and what is said when not."""
    files = [str(Path(p)) for p in error.args]
    names = files[0] if len(files) == 1 else _("{first} and {second}").format(
        first=", ".join(files[:-1]), second=files[-1])
    question = ngettext("{names} already exists. Replace with the handout?",
                        "{names} already exist. Replace with the handout?", len(files))
    return question.format(names=names), _("Not written: {names} kept; type another name.").format(names=names)
