"""The Textual-free helpers: loading with typed errors, noticing saves, edit targets, export."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.core.scenario.load import load
from backprop_tui.walk.stepper import Stepper
from backprop_tui.walk.authoring import UndoStack, edit_targets, editable_copy, export_handout_of_walk, is_bundled
from backprop_tui.walk.handout import HandoutRequest
from backprop_tui.walk.focus import Focus
from backprop_tui.core.errors import UserError
from backprop_tui.core.scenario.edit import edit_file, weight_path
from backprop_tui.core.scenario.errors import ScenarioError
from backprop_tui.walk.watch import FileWatcher, LoadFailed, open_scenario


def test_open_scenario_raises_typed_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UserError, match="no such file"):
        open_scenario(tmp_path / "nope.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("title = [", encoding="utf-8")
    with pytest.raises(ScenarioError) as raised:
        open_scenario(broken)
    assert str(raised.value).startswith("broken.toml")
    assert open_scenario("lecture").title.startswith("Lecture")

    def crash(*_: object) -> None:
        raise ZeroDivisionError("a loader bug")

    monkeypatch.setattr("backprop_tui.walk.watch.load", crash)
    with pytest.raises(LoadFailed, match="could not be loaded .ZeroDivisionError: a loader bug"):
        open_scenario("lecture")


def test_file_watcher_sees_each_save_once(lecture_copy: Path) -> None:
    watcher = FileWatcher(lecture_copy)
    assert not watcher.changed()
    lecture_copy.write_text(lecture_copy.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    os.utime(lecture_copy, ns=(1, 2))
    assert watcher.changed()
    assert not watcher.changed()
    lecture_copy.unlink()
    assert not watcher.changed()  # missing mid-save: wait for it to come back


def test_edit_targets_name_the_focused_weight_the_rate_and_the_data() -> None:
    stepper = Stepper(load("lecture"))
    labels = [t.label for t in edit_targets(stepper, Focus(1, 1, 2))]
    assert labels[0].startswith("θ¹₂₃") and labels[1] == "γ learning rate"
    assert "x input 2 of sample 1" in labels and "y target 1 of sample 1" in labels
    assert edit_targets(stepper, Focus(1, 1, 2))[0].value == 0.3


def test_a_bundled_scenario_is_copied_before_editing(tmp_path: Path) -> None:
    bundled = resolve("lecture")
    assert is_bundled(bundled)
    first = editable_copy(bundled, tmp_path)
    second = editable_copy(bundled, tmp_path)
    assert first.name == "lecture-edited.toml" and second.name == "lecture-edited-2.toml"
    assert not is_bundled(first)


def test_undo_stack_is_last_in_first_out(lecture_copy: Path) -> None:
    stack = UndoStack()
    assert stack.pop() is None
    first = edit_file(lecture_copy, weight_path(1, 0, 0), 0.25)
    second = edit_file(lecture_copy, weight_path(1, 0, 0), 0.5)
    stack.push(first)
    stack.push(second)
    assert len(stack) == 2 and stack.pop() == second and stack.pop() == first


def test_an_editable_copy_never_replaces_a_file(tmp_path: Path) -> None:
    taken = tmp_path / "lecture-edited.toml"
    taken.write_text("mine", encoding="utf-8")
    copy = editable_copy(resolve("lecture"), tmp_path)
    assert copy.name == "lecture-edited-2.toml" and taken.read_text(encoding="utf-8") == "mine"


def test_export_refuses_the_scenario_itself_and_an_existing_file_unless_told(lecture_copy: Path) -> None:
    stepper = Stepper(load(lecture_copy))
    original = lecture_copy.read_text(encoding="utf-8")
    for replace in (False, True):
        with pytest.raises(UserError, match="is the scenario being shown"):
            export_handout_of_walk(stepper, HandoutRequest(str(lecture_copy)), replace)
    assert lecture_copy.read_text(encoding="utf-8") == original
    other = lecture_copy.parent / "notes.md"
    other.write_text("my notes", encoding="utf-8")
    with pytest.raises(FileExistsError):
        export_handout_of_walk(stepper, HandoutRequest(str(other)))
    assert other.read_text(encoding="utf-8") == "my notes"
    handout, _ = export_handout_of_walk(stepper, HandoutRequest(str(other)), replace=True)
    assert handout.span == (1, 1)
    assert other.read_text(encoding="utf-8").startswith("# Lecture")


def test_export_writes_only_the_iterations_walked(tmp_path: Path) -> None:
    stepper = Stepper(load("lecture"))
    stepper.move("next_iteration")
    target = tmp_path / "walk.md"
    assert export_handout_of_walk(stepper, HandoutRequest(str(target)))[0].span == (1, 2)
    text = target.read_text(encoding="utf-8")
    assert "## Iteration 2" in text and "## Iteration 3" not in text and "0.619" in text
    with pytest.raises(UserError, match="--to 3: the walk has 2 iterations so far"):
        export_handout_of_walk(stepper, HandoutRequest(str(tmp_path / "more.md"), last="3"))


@pytest.mark.parametrize("bundled", [True, False])
async def test_the_edit_dialog_says_when_the_edit_goes_to_a_copy(tmp_path: Path, bundled: bool) -> None:
    from backprop_tui.tui.app import BackpropApp
    from backprop_tui.tui.screens.dialogs import EditDialog

    from .helpers import screen_text, wait_for

    path = resolve("lecture")
    if not bundled:
        path = tmp_path / "lecture.toml"
        path.write_text(resolve("lecture").read_text(encoding="utf-8"), encoding="utf-8")
    app = BackpropApp(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EditDialog))
        text = " ".join(screen_text(app).split())
        copy = "Edit a copy of lecture.toml in the working folder: the bundled file stays as it is"
        assert (copy in text) == bundled
        assert ("Edit the scenario file" in text) != bundled
        await pilot.press("escape")
