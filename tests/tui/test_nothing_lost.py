"""Issue 8 in the app: no file is overwritten unasked, undo reverts one value, every key press
counts, the Open dialog takes typing, the help and wide tables are reachable by keyboard, and
the messages (divergence, iteration count, chain values, description) tell the truth.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual import events
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from backprop_tui.cli.main import main as cli_main
from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.tui.app import BackpropApp
from backprop_tui.tui.screens.dialogs import ConfirmDialog, EditDialog
from backprop_tui.tui.screens.handout_dialog import HandoutDialog
from backprop_tui.tui.screens.error import ErrorScreen
from backprop_tui.tui.screens.glossary import GlossaryScreen
from backprop_tui.tui.screens.help import SCROLL_HINT, HelpScreen
from backprop_tui.tui.screens.open_dialog import OpenScenarioDialog
from backprop_tui.tui.screens.stepper import StepperScreen
from backprop_tui.walk.stepper import Position

from .big_scenario import write_dense_scenario
from .helpers import FastWatchApp, chain_text, screen_text, wait_for, widget_text
from backprop_tui.tui.widgets.step_pane import StepPane

SIZE = (100, 32)


def stepper_screen(app: BackpropApp) -> StepperScreen:
    screen = app.screen
    assert isinstance(screen, StepperScreen)
    return screen


def notifications(app: BackpropApp) -> str:
    return "\n".join(n.message for n in app._notifications)


# -- 1. nothing is overwritten unasked ------------------------------------------------------------


async def test_export_asks_before_replacing_a_file(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("my own notes", encoding="utf-8")
    app = BackpropApp("lecture")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        dialog = app.screen
        assert isinstance(dialog, HandoutDialog)
        dialog.query_one("#handout-path", Input).value = str(notes)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        question = " ".join(widget_text(app.screen.query_one("#confirm-question", Static)).split())
        assert f"{notes} already exists. Replace with the handout?" in question
        await pilot.press("n")  # no: kept, and the handout dialog stays for another name
        await wait_for(pilot, lambda: app.screen is dialog)
        assert notes.read_text(encoding="utf-8") == "my own notes"
        assert "Not written" in screen_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, StepperScreen))
        assert notes.read_text(encoding="utf-8").startswith("# Lecture")


async def test_export_never_writes_over_the_scenario_shown(lecture_copy: Path) -> None:
    original = lecture_copy.read_text(encoding="utf-8")
    app = BackpropApp(lecture_copy)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        dialog = app.screen
        assert isinstance(dialog, HandoutDialog)
        dialog.query_one("#handout-path", Input).value = str(lecture_copy)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog  # refused in place, no question asked
        assert "is the scenario being shown" in screen_text(app)
        assert lecture_copy.read_text(encoding="utf-8") == original


async def test_undo_reverts_the_edit_only_and_keeps_what_was_typed_since(lecture_copy: Path) -> None:
    app = FastWatchApp(lecture_copy)
    async with app.run_test(size=SIZE) as pilot:
        screen = stepper_screen(app)
        await pilot.press("j", "e")  # θ¹ᵀ₂₁ is θ¹₁₂, 1.1 in the file
        dialog = app.screen
        assert isinstance(dialog, EditDialog)
        dialog.query_one(Input).value = "2.5"
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.stepper.scenario.layers[0].weights[0, 1] == 2.5)
        by_hand = lecture_copy.read_text(encoding="utf-8") + (
            '\n[[variant]]\nname = "by-hand"\ndescription = "typed in an editor"\n\n'
            "[variant.training]\nlearning_rate = 0.1\n")
        lecture_copy.write_text(by_hand, encoding="utf-8")
        await wait_for(pilot, lambda: [v.name for v in screen.stepper.scenario.variants] == ["by-hand"])
        await pilot.press("u")
        await wait_for(pilot, lambda: screen.stepper.scenario.layers[0].weights[0, 1] == 1.1)
        assert lecture_copy.read_text(encoding="utf-8") == by_hand.replace("[[1.2, 2.5, 1.5]", "[[1.2, 1.1, 1.5]")
        assert [v.name for v in screen.stepper.scenario.variants] == ["by-hand"]


async def test_undo_refuses_when_the_value_was_changed_since(lecture_copy: Path) -> None:
    app = FastWatchApp(lecture_copy)
    async with app.run_test(size=SIZE) as pilot:
        screen = stepper_screen(app)
        await pilot.press("e")
        app.screen.query_one(Input).value = "0.75"
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.stepper.scenario.layers[0].weights[0, 0] == 0.75)
        changed = lecture_copy.read_text(encoding="utf-8").replace("[[0.75,", "[[0.8,")
        lecture_copy.write_text(changed, encoding="utf-8")
        await wait_for(pilot, lambda: screen.stepper.scenario.layers[0].weights[0, 0] == 0.8)
        await pilot.press("u")
        await wait_for(pilot, lambda: "Not undone" in notifications(app))
        assert "layer[1].weights[1][1]: is 0.8 now, not the 0.75 the edit wrote" in notifications(app)
        assert lecture_copy.read_text(encoding="utf-8") == changed


# -- 6. messages that tell the truth --------------------------------------------------------------


async def test_past_the_planned_iterations_the_header_says_so() -> None:
    app = BackpropApp("lecture")  # 3 iterations planned
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("N", "N")
        assert "iteration 3/3" in screen_text(app)
        await pilot.press("N")
        text = screen_text(app)
        assert "iteration 4, past the 3 planned" in text and "4/3" not in text


async def test_the_chain_panel_shows_zero_not_minus_zero() -> None:
    app = BackpropApp("activations", "step")  # step units: ∂a/∂z = 0 times a negative input
    async with app.run_test(size=SIZE) as pilot:
        stepper_screen(app)
        await pilot.press("i")
        chain = chain_text(app)
        assert re.search(r"(?m)(^|\s)0(\s|$)", chain)  # the zero factor, in the chain-rule table
        assert not re.search(r"(?<![\d.])-0(?![.\d])", chain), chain


async def test_the_chain_panel_says_why_a_nan_has_no_value(diverging: Path) -> None:
    app = BackpropApp(diverging)
    async with app.run_test(size=SIZE) as pilot:
        stepper_screen(app)
        await pilot.press(*["N"] * 5)
        chain = chain_text(app)
        assert "NaN" in chain and "nan" not in chain
        assert "NaN: no value: the numbers overflowed to inf" in " ".join(chain.split())


def test_one_divergence_convention_in_compare_and_trace(diverging: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The fixture's E first overflows in iteration 4's loss step (after 3 updates), as the app shows."""
    assert cli_main(["compare", str(diverging)]) == 0
    out = capsys.readouterr().out
    assert "base: E is inf/NaN from iteration 4 (after 3 updates)" in out
    assert cli_main(["trace", str(diverging)]) == 0
    rules = [line for line in capsys.readouterr().out.splitlines() if "Iteration " in line]
    first = next(line for line in rules if "inf/NaN" in line)
    assert "Iteration 4: loss before the update E = inf" in first
    assert "diverged at step 5, the first to show inf/NaN" in first  # step 5: the loss, as in the app


async def test_the_app_and_the_compare_screen_name_the_same_iteration() -> None:
    app = BackpropApp("learning-rate", "too-large")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = stepper_screen(app)
        await pilot.press(*["greater_than_sign"] * 31)
        await wait_for(pilot, lambda: not screen.busy and screen.stepper.position.iteration == 310)
        caption = " ".join(widget_text(screen.query_one("#loss-caption", Static), width=30).split())
        assert "E is inf/NaN from iteration 302 (after 301 updates)" in caption
        await pilot.press("c")
        compare = app.screen
        await wait_for(pilot, lambda: getattr(compare, "comparison", None) is not None)
        assert "too-large (E is inf/NaN from iteration 302 (after 301 updates))" in screen_text(app)


async def test_the_description_shows_on_opening_and_on_demand(tmp_path: Path) -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = stepper_screen(app)
        assert "The lecture's worked example" in screen_text(app)
        assert "The first move hides this; i shows it again." in screen_text(app)
        await pilot.press("right")  # the first move is taken, and hides it
        assert screen.stepper.position == Position(0, 1)
        assert "The lecture's worked example" not in screen_text(app)
        await pilot.press("i")
        assert "The lecture's worked example" in screen_text(app)
        await pilot.press("i", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("end")
        assert "The lecture's worked example" in " ".join(screen_text(app).split()) or "worked example" in " ".join(
            widget_text(static) for static in app.screen.query(Static))
        await pilot.press("escape", "o")
        dialog = app.screen
        assert isinstance(dialog, OpenScenarioDialog)
        await pilot.press(*"xor", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, StepperScreen) and "XOR" in screen_text(app))
        assert "XOR cannot be learned by a single linear unit" in screen_text(app)


# -- 7. every key press counts ---------------------------------------------------------------------


def quick_presses(app: BackpropApp, key: str, character: str, times: int) -> None:
    """Key events queued at once, as a fast typist's (Pilot.press waits for each to be handled)."""
    for _ in range(times):
        app.post_message(events.Key(key, character))


async def test_every_press_counts_while_an_iteration_computes(tmp_path: Path) -> None:
    path = write_dense_scenario(tmp_path / "big.toml")
    app = BackpropApp(path)
    async with app.run_test(size=SIZE) as pilot:
        screen = stepper_screen(app)
        assert screen.stepper.slow
        await pilot.press("i")
        quick_presses(app, "N", "N", 10)
        await wait_for(pilot, lambda: screen.stepper.position == Position(10, 0) and not screen.busy, timeout=60)
        quick_presses(app, "greater_than_sign", ">", 10)
        await wait_for(pilot, lambda: screen.stepper.position == Position(110, 0) and not screen.busy, timeout=120)
        quick_presses(app, "right", "", 2)
        quick_presses(app, "P", "P", 1)
        await wait_for(pilot, lambda: screen.stepper.position == Position(109, 2) and not screen.busy, timeout=60)
        await pilot.pause(0.2)  # nothing more arrives: no press was taken twice either
        assert screen.stepper.position == Position(109, 2) and not screen._pending
        await app.workers.wait_for_complete()


async def test_open_dialog_filters_as_you_type_and_opens_the_match() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        dialog = app.screen
        assert isinstance(dialog, OpenScenarioDialog)
        options = dialog.query_one("#open-bundled")
        assert options.get_option_at_index(options.highlighted).id == "lecture"  # the one shown
        await pilot.press(*"learning-rate")
        assert dialog.query_one(Input).value == "learning-rate"
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == ["learning-rate"]
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, StepperScreen))
        assert app.screen.stepper.scenario.title.startswith("Learning rate")
        await pilot.press("o", *"nothing-like-this", "enter")
        await wait_for(pilot, lambda: "nothing-like-this" in screen_text(app) and "no" in screen_text(app))
        assert isinstance(app.screen, OpenScenarioDialog)


async def test_help_scrolls_with_the_keyboard_at_80x24() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        box = help_screen.query_one("#help-box", VerticalScroll)
        assert box.max_scroll_y > 0  # it does not fit at 80x24
        assert SCROLL_HINT.split(";")[0] in screen_text(app)  # and says how to scroll it
        await pilot.press("end")
        await wait_for(pilot, lambda: box.scroll_y == box.max_scroll_y)
        assert "Show/hide the scenario's description" in screen_text(app) or "This scenario" in screen_text(app)
        await pilot.press("home")
        await wait_for(pilot, lambda: box.scroll_y == 0)
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: box.scroll_y > 0)


async def test_the_glossary_scrolls_with_the_help_s_keys_at_80x24() -> None:
    """The glossary takes the help's scrolling keys, end and home too (they share SCROLL_BINDINGS)."""
    app = BackpropApp("lecture")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, GlossaryScreen))
        box = app.screen.query_one("#help-box", VerticalScroll)
        assert box.max_scroll_y > 0  # it does not fit at 80x24
        await pilot.press("end")
        await wait_for(pilot, lambda: box.scroll_y == box.max_scroll_y)
        await pilot.press("home")
        await wait_for(pilot, lambda: box.scroll_y == 0)
        await pilot.press("G")
        await wait_for(pilot, lambda: box.scroll_y == box.max_scroll_y)
        await pilot.press("k")
        await wait_for(pilot, lambda: box.scroll_y == box.max_scroll_y - 1)


async def test_the_old_new_table_scrolls_sideways_with_the_keyboard_at_80x24() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = stepper_screen(app)
        await pilot.press("down", "down", "down")  # the update of θ¹: old → new in 3 wide columns
        pane = screen.query_one(StepPane)
        await wait_for(pilot, lambda: pane.placed("update") is not None)
        update, width = pane.placed("update"), pane.scrollable_content_region.width
        assert update.width > width  # cut off at 80 columns
        last_column = pane.part_text("update").splitlines()[-1].rstrip()[-6:]
        assert last_column not in screen_text(app)
        assert pane.sideways == 0
        pane.scroll_to(y=update.y, animate=False)  # the table in view (it is below the fold at 80x24)
        await wait_for(pilot, lambda: pane.scroll_offset.y > 0)
        await pilot.press(*["right_curly_bracket"] * 5)
        await wait_for(pilot, lambda: pane.sideways == update.width - width)
        assert last_column in screen_text(app)  # the table's right end is in view
        await pilot.press(*["left_curly_bracket"] * 5)
        await wait_for(pilot, lambda: pane.sideways == 0)


# -- 9. typed errors -------------------------------------------------------------------------------


async def test_a_loader_failure_reaches_the_error_screen_as_a_typed_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*_: object) -> None:
        raise KeyError("a loader bug")

    monkeypatch.setattr("backprop_tui.walk.watch.load", crash)
    app = BackpropApp(resolve("lecture"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        assert "lecture: could not be loaded (KeyError" in " ".join(screen_text(app).split()) or \
            "could not be loaded (KeyError" in screen_text(app)
        assert "Traceback" not in screen_text(app)
