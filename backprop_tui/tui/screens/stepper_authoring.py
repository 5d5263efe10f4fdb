"""The stepper's authoring actions: edit a value in place, undo, write a handout, switch variant, compare.

A mixin, so the stepping screen's own module stays about stepping; every file write goes through
scenario.edit (style-preserving, validated) or fileio (atomic), and the app reloads in place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backprop_tui.core.errors import UserError
from backprop_tui.i18n import _

if TYPE_CHECKING:
    from backprop_tui.walk.authoring import EditTarget
    from backprop_tui.walk.handout import HandoutRequest

# Editing (tomlkit), handouts and the compare screen load when their key is first pressed: they
# are a good part of the start-up time, and the first frame needs none of them.


class AuthoringActions:
    """Actions mixed into StepperScreen (which provides stepper, decimals, focus_weight, app)."""

    def action_edit(self) -> None:
        """Open the edit dialog on the weight under the cursor (and the other editable numbers)."""
        from backprop_tui.tui.screens.dialogs import EditDialog
        from backprop_tui.walk.authoring import edit_targets, is_bundled

        source = self.stepper.scenario.source
        bundled = source.name if source is not None and is_bundled(source) else None
        self.app.push_screen(EditDialog(edit_targets(self.stepper, self.focus_weight()), self._apply_edit, bundled))

    def _apply_edit(self, target: EditTarget, value: float) -> str | None:
        from backprop_tui.core.scenario.edit import edit_file

        try:
            path = self.app.editable_path()
            edit = edit_file(path, target.path, value)
        except UserError as error:
            return str(error)
        self.app.undo.push(edit)
        self.app.action_reload()
        self.notify(_("{symbol} = {value} written to {file}; u undoes").format(
            symbol=target.label.split(" ")[0], value=f"{value:g}", file=path.name), timeout=4)
        return None

    def action_undo(self) -> None:
        """Put back the value the last in-app edit changed (the rest of the file stays as it is
        now), and reload; refused, with the reason, when that value was changed since."""
        from backprop_tui.core.scenario.edit import path_text, undo_edit

        edit = self.app.undo.pop()
        if edit is None:
            self.notify(_("Nothing to undo"))
            return
        try:
            undo_edit(edit)
        except UserError as error:
            self.notify(_("Not undone: {error}").format(error=error), severity="error", timeout=8)
            return
        self.app.action_reload()
        key, file = path_text(edit.key_path), edit.file.name
        undone = (_("Undone: {key} removed again in {file}").format(key=key, file=file) if edit.before is None
                  else _("Undone: {key} back to {value} in {file}").format(key=key, value=repr(edit.before), file=file))
        self.notify(undone, timeout=4)

    def action_export(self) -> None:
        """Ask what to write (range, phases, chain rule, format, blanks, file) and write a handout."""
        from backprop_tui.tui.screens.handout_dialog import HandoutDialog  # loaded when asked for

        source = self.stepper.scenario.source
        self.app.push_screen(HandoutDialog(source.stem if source else "scenario", self.stepper.walked,
                                           self._write_handout))

    def _write_handout(self, request: HandoutRequest, replace: bool) -> None:
        """Write the handout (see HandoutDialog for the errors it raises)."""
        from backprop_tui.walk.authoring import export_handout_of_walk

        handout, files = export_handout_of_walk(self.stepper, request, replace)
        first, last = handout.span
        paths = [str(p) for p in files.all]
        written = paths[0] if len(paths) == 1 else _("{first} and {second}").format(first=paths[0], second=paths[1])
        wrote = (_("Wrote iteration {first} to {files}") if first == last
                 else _("Wrote iterations {first} to {last} to {files}"))
        self.notify(wrote.format(first=first, last=last, files=written), timeout=4)

    def action_variant(self) -> None:
        """Choose the variant to step through (the place is kept)."""
        if not self.stepper.scenario.variants:
            self.notify(_("This scenario has no [[variant]] tables to switch between."))
            return
        from backprop_tui.tui.screens.dialogs import VariantDialog

        self.app.push_screen(VariantDialog(self.stepper.scenario), self._variant_chosen)

    def _variant_chosen(self, name: str | None) -> None:
        from backprop_tui.tui.screens.dialogs import BASE

        if name is not None:
            self.app.set_variant(None if name == BASE else name)

    def action_compare(self) -> None:
        """The loss curves of every variant on one chart."""
        from backprop_tui.tui.screens.compare import CompareScreen

        self.app.push_screen(CompareScreen(self.stepper.scenario))
