"""The x dialog at 80x24: every field, the format buttons and Write fit the smallest terminal.

Regenerate after an intended change with `pytest tests/tui/test_handout_snapshot.py --snapshot-update`
and look at the SVG before committing it.
"""

from __future__ import annotations

from textual.pilot import Pilot

from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.tui.app import BackpropApp
from backprop_tui.tui.screens.handout_dialog import HandoutDialog

from .helpers import wait_for


async def _open_dialog(pilot: Pilot) -> None:
    await pilot.press("x")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HandoutDialog))
    for field in pilot.app.screen.query("Input"):
        field.cursor_blink = False


def test_the_handout_dialog_fits_80x24(snap_compare) -> None:
    assert snap_compare(BackpropApp(resolve("lecture")), terminal_size=(80, 24), run_before=_open_dialog)
