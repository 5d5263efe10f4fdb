"""The stepper's authoring actions: edit a value in place, undo, export markdown, switch variant, compare.

A mixin, so the stepping screen's own module stays about stepping; every file write goes through
scenario.edit (style-preserving, validated) or fileio (atomic), and the app reloads in place.
"""

from __future__ import annotations

from pathlib import Path

from backprop_tui.core.errors import UserError
from backprop_tui.core.scenario.edit import edit_file, restore_file
from backprop_tui.walk.authoring import EditTarget, edit_targets, export_markdown
from backprop_tui.tui.screens.compare import CompareScreen
from backprop_tui.tui.screens.dialogs import BASE, EditDialog, ExportDialog, VariantDialog


class AuthoringActions:
    """Actions mixed into StepperScreen (which provides stepper, decimals, focus_weight, app)."""

    def action_edit(self) -> None:
        """Open the edit dialog on the weight under the cursor (and the other editable numbers)."""
        self.app.push_screen(EditDialog(edit_targets(self.stepper, self.focus_weight()), self._apply_edit))

    def _apply_edit(self, target: EditTarget, value: float) -> str | None:
        try:
            path = self.app.editable_path()
            old = edit_file(path, target.path, value)
        except UserError as error:
            return str(error)
        self.app.undo.push(path, old)
        self.app.action_reload()
        self.notify(f"{target.label.split(' ')[0]} = {value:g} written to {path.name}; u undoes", timeout=4)
        return None

    def action_undo(self) -> None:
        """Put the file back as it was before the last edit, and reload."""
        entry = self.app.undo.pop()
        if entry is None:
            self.notify("Nothing to undo")
            return
        path, text = entry
        try:
            restore_file(path, text)
        except UserError as error:
            self.notify(str(error), severity="error")
            return
        self.app.action_reload()
        self.notify(f"Undone: {path.name} restored", timeout=3)

    def action_export(self) -> None:
        """Ask for a file name and write the iterations walked so far as markdown."""
        source = self.stepper.scenario.source
        self.app.push_screen(ExportDialog(f"{source.stem if source else 'scenario'}-trace.md", self._write_export))

    def _write_export(self, name: str) -> str | None:
        path = Path(name).expanduser()
        try:
            count = export_markdown(self.stepper, path, self.decimals)
        except UserError as error:
            return str(error)
        self.notify(f"Wrote {count} iteration{'s' if count > 1 else ''} to {path}", timeout=4)
        return None

    def action_variant(self) -> None:
        """Choose the variant to step through (the place is kept)."""
        if not self.stepper.scenario.variants:
            self.notify("This scenario has no [[variant]] tables to switch between.")
            return
        self.app.push_screen(VariantDialog(self.stepper.scenario), self._variant_chosen)

    def _variant_chosen(self, name: str | None) -> None:
        if name is not None:
            self.app.set_variant(None if name == BASE else name)

    def action_compare(self) -> None:
        """The loss curves of every variant on one chart."""
        self.app.push_screen(CompareScreen(self.stepper.scenario))
