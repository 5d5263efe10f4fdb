"""The app's `x`: a dialog asks the range, phases, chain weights, format, blanks and file, writes
the handout (and a sheet's key), explains a refused value in place, and replaces a file only
after the user said yes."""

from __future__ import annotations

import tomllib
from pathlib import Path

from textual.widgets import Input, RadioButton, Static

from backprop_tui.tui.app import BackpropApp
from backprop_tui.tui.screens.dialogs import ConfirmDialog
from backprop_tui.tui.screens.handout_dialog import HandoutDialog
from backprop_tui.tui.screens.stepper import StepperScreen

from .helpers import screen_text, wait_for, widget_text

SIZE = (110, 40)


async def _open(app: BackpropApp, pilot) -> HandoutDialog:
    await pilot.press("x")
    await wait_for(pilot, lambda: isinstance(app.screen, HandoutDialog))
    return app.screen


def _type(dialog: HandoutDialog, **fields: str) -> None:
    for name, value in fields.items():
        dialog.query_one(f"#handout-{name}", Input).value = value


async def test_x_writes_a_latex_handout_of_the_chosen_range_phases_and_chain(tmp_path: Path) -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("N", "N")  # walk to iteration 3
        dialog = await _open(app, pilot)
        assert dialog.field("from") == "1" and dialog.field("to") == "3"
        assert dialog.field("path") == "lecture-handout.md"
        await pilot.click("#format-latex")
        await wait_for(pilot, lambda: dialog.field("path") == "lecture-handout.tex")
        target = tmp_path / "week3.tex"
        _type(dialog, **{"from": "2", "to": "3", "phases": "backward, update", "chain": "theta1[1,1]",
                         "path": str(target)})
        dialog.query_one("#handout-path", Input).focus()  # enter on the radio buttons presses them
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, StepperScreen))
        text = target.read_text(encoding="utf-8")
        assert text.startswith("\\documentclass") and "\\section*{Iteration 2}" in text
        assert "\\section*{Iteration 1}" not in text and "weighted sums" not in text
        assert text.count("\\paragraph{Chain rule for theta1[1,1]}") == 2
        assert "Wrote iterations 2 to 3" in "\n".join(n.message for n in app._notifications)


async def test_x_writes_a_sheet_and_its_key_and_asks_before_replacing_either(tmp_path: Path) -> None:
    sheet, key = tmp_path / "sheet.md", tmp_path / "sheet.key.toml"
    key.write_text("my key", encoding="utf-8")
    app = BackpropApp("lecture")
    async with app.run_test(size=SIZE) as pilot:
        dialog = await _open(app, pilot)
        _type(dialog, blanks="forward")
        await wait_for(pilot, lambda: dialog.field("path") == "lecture-sheet.md")
        _type(dialog, path=str(sheet))
        await wait_for(pilot, lambda: "answer key: sheet.key.toml, beside the sheet"
                       in widget_text(dialog.query_one("#handout-key", Static)))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        question = widget_text(app.screen.query_one("#confirm-question", Static))
        assert f"{key} already exists. Replace with the handout?" in " ".join(question.split())
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is dialog)
        assert key.read_text(encoding="utf-8") == "my key" and not sheet.exists()
        assert "Not written" in screen_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, StepperScreen))
    answers = tomllib.loads(key.read_text(encoding="utf-8"))["iteration"]["1"]
    assert list(answers) == ["z1", "a1", "z2", "yhat"]
    assert "______" in sheet.read_text(encoding="utf-8")


async def test_a_bad_field_is_explained_in_place_and_nothing_is_written(tmp_path: Path) -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=SIZE) as pilot:
        dialog = await _open(app, pilot)
        target = tmp_path / "out.md"
        for fields, message in (({"to": "3"}, "--to 3: the walk has 1 iteration so far"),
                                ({"to": "1", "from": "x"}, "--from 'x': expected a whole number"),
                                ({"from": "1", "phases": "fwd"}, "--phases fwd: not a phase"),
                                ({"phases": "", "chain": "theta9[1,1]"}, "--chain theta9[1,1]: the network has layers 1 to 2"),
                                ({"chain": "", "blanks": "z7"}, "--blanks z7: no chosen step writes it")):
            _type(dialog, path=str(target), **fields)
            await pilot.press("enter")
            await wait_for(pilot, lambda: message in " ".join(screen_text(app).split()))
            assert app.screen is dialog and not target.exists()
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, StepperScreen))
        assert not any(tmp_path.iterdir())


async def test_the_format_buttons_are_radio_buttons_markdown_first() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=SIZE) as pilot:
        dialog = await _open(app, pilot)
        buttons = list(dialog.query(RadioButton))
        assert [str(b.label) for b in buttons] == ["markdown", "LaTeX"] and buttons[0].value
