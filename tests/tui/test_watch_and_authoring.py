"""The Textual-free helpers: loading without exceptions, noticing saves, edit targets, export."""

from __future__ import annotations

import os
from pathlib import Path

from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.core.scenario.load import load
from backprop_tui.walk.stepper import Stepper
from backprop_tui.walk.authoring import UndoStack, edit_targets, editable_copy, export_markdown, is_bundled
from backprop_tui.walk.focus import Focus
from backprop_tui.walk.watch import FileWatcher, try_load


def test_try_load_returns_messages_instead_of_raising(tmp_path: Path) -> None:
    assert "no such file" in try_load(tmp_path / "nope.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("title = [", encoding="utf-8")
    message = try_load(broken)
    assert isinstance(message, str) and message.startswith("broken.toml")
    assert try_load("lecture").title.startswith("Lecture")


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


def test_undo_stack_is_last_in_first_out(tmp_path: Path) -> None:
    stack = UndoStack()
    assert stack.pop() is None
    stack.push(tmp_path / "a", "1")
    stack.push(tmp_path / "a", "2")
    assert len(stack) == 2 and stack.pop() == (tmp_path / "a", "2")


def test_export_writes_only_the_iterations_walked(tmp_path: Path) -> None:
    stepper = Stepper(load("lecture"))
    stepper.move("next_iteration")
    target = tmp_path / "walk.md"
    assert export_markdown(stepper, target, 3) == 2
    text = target.read_text(encoding="utf-8")
    assert "## Iteration 2" in text and "## Iteration 3" not in text and "0.619" in text
