"""The stepper's authoring actions: edit a value in place, undo, export markdown, switch variant, compare.

A mixin, so the stepping screen's own module stays about stepping; every file write goes through
scenario.edit (style-preserving, validated) or fileio (atomic), and the app reloads in place.
"""

from __future__ import annotations

from pathlib import Path

from backprop_tui.core.errors import UserError
from backprop_tui.core.scenario.edit import edit_file, path_text, undo_edit
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
            edit = edit_file(path, target.path, value)
        except UserError as error:
            return str(error)
        self.app.undo.push(edit)
        self.app.action_reload()
        self.notify(f"{target.label.split(' ')[0]} = {value:g} written to {path.name}; u undoes", timeout=4)
        return None

    def action_undo(self) -> None:
        """Put back the value the last in-app edit changed (the rest of the file stays as it is
        now), and reload; refused, with the reason, when that value was changed since."""
        edit = self.app.undo.pop()
        if edit is None:
            self.notify("Nothing to undo")
            return
        try:
            undo_edit(edit)
        except UserError as error:
            self.notify(f"Not undone: {error}", severity="error", timeout=8)
            return
        self.app.action_reload()
        before = "removed again" if edit.before is None else f"back to {edit.before!r}"
        self.notify(f"Undone: {path_text(edit.key_path)} {before} in {edit.file.name}", timeout=4)

    def action_export(self) -> None:
        """Ask for a file name and write the iterations walked so far as markdown."""
        source = self.stepper.scenario.source
        self.app.push_screen(ExportDialog(f"{source.stem if source else 'scenario'}-trace.md", self._write_export))

    def _write_export(self, name: str, replace: bool) -> None:
        """Write the export (see ExportDialog for the errors it raises)."""
        path = Path(name).expanduser()
        count = export_markdown(self.stepper, path, self.decimals, replace)
        self.notify(f"Wrote {count} iteration{'s' if count > 1 else ''} to {path}", timeout=4)

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
