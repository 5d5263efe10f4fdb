"""In-place edits: values change, comments and layout stay, undo reverts that value alone (and refuses
when it was changed since), bad values are refused."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.core.scenario.edit import edit_file, path_text, set_value, undo_edit
from backprop_tui.core.scenario.errors import ScenarioError
from backprop_tui.core.scenario.load import load, loads


@pytest.fixture
def lecture(tmp_path):
    path = tmp_path / "lecture.toml"
    shutil.copy(resolve("lecture"), path)
    return path


def comments(text: str) -> list[str]:
    return [line[line.index("#"):] for line in text.splitlines() if "#" in line]


def changed_lines(a: str, b: str) -> list[tuple[str, str]]:
    return [(x, y) for x, y in zip(a.splitlines(), b.splitlines()) if x != y]


def test_set_value_changes_one_number_and_keeps_everything_else():
    text = resolve("lecture").read_text(encoding="utf-8")
    new = set_value(text, ("layer", 0, "weights", 1, 2), 0.9)
    assert comments(new) == comments(text)
    assert changed_lines(text, new) == [("           [0.3, 0.7, 0.3]]", "           [0.3, 0.7, 0.9]]")]
    assert loads(new).layers[0].weights[1, 2] == 0.9


@pytest.mark.parametrize(
    "path, value, read",
    [(("training", "learning_rate"), 0.05, lambda s: s.training.learning_rate),
     (("data", "inputs", 0, 1), 0.75, lambda s: s.x[0, 1]),
     (("data", "targets", 0, 0), 0.5, lambda s: s.y[0, 0]),
     (("layer", 1, "weights", 2, 0), -0.4, lambda s: s.layers[1].weights[2, 0]),
     (("training", "iterations"), 7.0, lambda s: s.training.iterations)],
)
def test_edit_file_round_trip_with_undo(lecture, path, value, read):
    before = lecture.read_text(encoding="utf-8")
    edit = edit_file(lecture, path, value)
    assert edit.after == value and edit.before == read(load(resolve("lecture")))
    after = lecture.read_text(encoding="utf-8")
    assert read(load(lecture)) == value
    assert comments(after) == comments(before)
    assert len(changed_lines(before, after)) == 1
    undo_edit(edit)
    assert lecture.read_text(encoding="utf-8") == before


def test_integers_stay_integers(lecture):
    edit_file(lecture, ("training", "iterations"), 7.0)
    assert "iterations = 7\n" in lecture.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "path, value, message",
    [(("training", "learning_rate"), -1.0, "training.learning_rate: expected a number above 0, got -1"),
     (("training", "learning_rate"), float("nan"), "training.learning_rate: expected a finite number"),
     (("training", "iterations"), 2.5, "training.iterations: expected a whole number"),
     (("layer", 0, "weights", 0, 0), float("inf"), "layer[1].weights: expected finite numbers only")],
)
def test_invalid_values_are_refused_with_the_loaders_message(lecture, path, value, message):
    before = lecture.read_text(encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        edit_file(lecture, path, value)
    assert f"lecture.toml: {message}" in str(caught.value)
    assert lecture.read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    "path, where",
    [(("layer", 5, "weights", 0, 0), "layer[6]"), (("data", "inputs", 0, 9), "data.inputs[1][10]"),
     (("layer", 0, "bias", 0), "layer[1].bias")],
)
def test_paths_that_lead_nowhere_are_refused(lecture, path, where):
    before = lecture.read_text(encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        edit_file(lecture, path, 1.0)
    assert where in str(caught.value)
    assert lecture.read_text(encoding="utf-8") == before


def test_missing_tables_and_keys_are_created():
    text = 'title = "t"  # kept\n[network]\ninputs = 1\n[[layer]]\nunits = 1\nweights = [[0.5]]\n[data]\ninputs = [[1.0]]\ntargets = [[0.0]]\n'
    new = set_value(text, ("training", "learning_rate"), 0.25)
    assert "# kept" in new and loads(new).training.learning_rate == 0.25
    newer = set_value(new, ("training", "momentum"), 0.5)
    assert loads(newer).training.momentum == 0.5 and loads(newer).training.learning_rate == 0.25


def test_a_random_layer_is_written_out_and_nothing_else_changes(tmp_path):
    path = tmp_path / "xor.toml"
    shutil.copy(resolve("xor"), path)
    before = load(path)
    old = path.read_text(encoding="utf-8")
    edit = edit_file(path, ("layer", 0, "weights", 1, 0), 0.25)
    after = load(path)
    expected = before.layers[0].weights.copy()
    expected[1, 0] = 0.25
    assert np.array_equal(after.layers[0].weights, expected)
    assert np.array_equal(after.layers[1].weights, before.layers[1].weights)   # same random stream
    assert all(layer.weights_given for layer in after.layers)
    new_text = path.read_text(encoding="utf-8")
    assert "written out by an edit" in new_text
    assert [line for line in new_text.splitlines() if line in old.splitlines()] == old.splitlines()  # only additions
    undo_edit(edit)
    assert path.read_text(encoding="utf-8") == old  # random again: the written-out θ are gone


def test_editing_a_later_random_layer_leaves_earlier_ones_random():
    text = resolve("xor").read_text(encoding="utf-8")
    new = set_value(text, ("layer", 1, "weights", 0, 0), 1.0)
    before, after = loads(text), loads(new)
    assert not after.layers[0].weights_given
    assert np.array_equal(after.layers[0].weights, before.layers[0].weights)
    assert after.layers[1].weights[0, 0] == 1.0


def test_variant_overrides_can_be_edited():
    text = resolve("learning-rate").read_text(encoding="utf-8")
    new = set_value(text, ("variant", 2, "training", "learning_rate"), 3.0)
    assert loads(new).variants[2].training["learning_rate"] == 3.0


def test_not_toml_and_missing_files_are_scenario_errors(tmp_path):
    with pytest.raises(ScenarioError, match="not valid TOML"):
        set_value("title = ", ("title",), 1.0)
    with pytest.raises(ScenarioError, match="no such file"):
        edit_file(tmp_path / "absent.toml", ("training", "learning_rate"), 0.1)


def test_path_text_matches_the_loaders_one_based_paths():
    assert path_text(("layer", 1, "weights", 0, 2)) == "layer[2].weights[1][3]"
    assert path_text(("training", "learning_rate")) == "training.learning_rate"


def test_training_path_follows_the_stepped_variant():
    from backprop_tui.core.scenario.edit import training_path

    assert training_path(load("learning-rate"), "learning_rate") == ("training", "learning_rate")
    assert training_path(load("learning-rate", "too-large"), "learning_rate") == ("variant", 2, "training", "learning_rate")
    assert training_path(load("learning-rate", "too-large"), "iterations") == ("training", "iterations")


def test_a_variant_training_table_is_created_when_missing():
    text = resolve("activations").read_text(encoding="utf-8")
    new = set_value(text, ("variant", 1, "training", "learning_rate"), 0.5)
    scenario = loads(new)
    assert scenario.variants[1].training == {"learning_rate": 0.5}
    assert scenario.variants[1].activations == ("sigmoid", "sigmoid")
    assert all(v.training == {} for i, v in enumerate(scenario.variants) if i != 1)


def test_path_helpers_map_step_cells_to_the_file(lecture):
    from backprop_tui.core.dense.run import run
    from backprop_tui.core.scenario.edit import input_path, target_path, weight_path

    edit_file(lecture, weight_path(2, 1, 0), 0.35)
    assert load(lecture).layers[1].weights[1, 0] == 0.35
    iteration = run(load(lecture), 1)[0]
    edit_file(lecture, input_path(int(iteration.batch[0]), 1), 0.25)   # x cell (1, 0)
    edit_file(lecture, target_path(int(iteration.batch[0]), 0), 0.5)   # y cell (0, 0)
    again = run(load(lecture), 1)[0]
    assert again.x[1, 0] == 0.25 and again.y[0, 0] == 0.5


def test_a_file_with_a_byte_order_mark_can_be_edited(lecture):
    """A BOM (Notepad's UTF-8) is accepted by the loader, so the in-app editor accepts it too."""
    lecture.write_bytes(b"\xef\xbb\xbf" + lecture.read_bytes())
    edit_file(lecture, ("training", "learning_rate"), 0.25)
    assert load(lecture).training.learning_rate == 0.25


def test_undo_reverts_that_value_alone_and_keeps_what_was_typed_since(lecture):
    edit = edit_file(lecture, ("training", "learning_rate"), 0.05)
    typed = lecture.read_text(encoding="utf-8") + '\n[[variant]]\nname = "typed-by-hand"\n\n[variant.training]\nlearning_rate = 0.2\n'
    lecture.write_text(typed.replace("# ", "# edited: ", 1), encoding="utf-8")
    undo_edit(edit)
    text = lecture.read_text(encoding="utf-8")
    assert 'name = "typed-by-hand"' in text and "# edited: " in text
    assert load(lecture).training.learning_rate == 0.5
    assert changed_lines(typed.replace("# ", "# edited: ", 1), text) == [("learning_rate = 0.05", "learning_rate = 0.5")]


def test_undo_refuses_when_the_value_was_changed_since(lecture):
    edit = edit_file(lecture, ("training", "learning_rate"), 0.05)
    lecture.write_text(lecture.read_text(encoding="utf-8").replace("learning_rate = 0.05", "learning_rate = 0.07"),
                       encoding="utf-8")
    changed = lecture.read_text(encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"lecture.toml: training.learning_rate: is 0.07 now, not the 0.05"):
        undo_edit(edit)
    assert lecture.read_text(encoding="utf-8") == changed


def test_undo_of_a_key_the_edit_added_removes_it_again(lecture):
    text = lecture.read_text(encoding="utf-8")
    edit = edit_file(lecture, ("training", "momentum"), 0.5)
    assert edit.before is None and "momentum = 0.5" in lecture.read_text(encoding="utf-8")
    undo_edit(edit)
    assert lecture.read_text(encoding="utf-8") == text
