"""Scenario validation: every kind of bad input gives the loader's error, with file and key path."""

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from backprop_tui.core.scenario.errors import ScenarioError
from backprop_tui.core.scenario.load import apply_variant, load, loads
from backprop_tui.core.scenario.toml_source import read_toml

GOOD = Path(__file__).parents[2] / "scenarios" / "lecture.toml"


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        loads(text, "lecture.toml")
    return str(info.value).splitlines()


def lecture_text() -> str:
    return GOOD.read_text()


def test_bundled_scenarios_load():
    assert load("lecture").sizes == (2, 3, 1)
    assert load("xor").training.optimizer == "momentum"


def test_wrong_weight_shape_names_layer_and_shapes():
    text = lecture_text().replace("weights = [[0.2],\n           [0.3],\n           [0.1]]", "weights = [[0.2], [0.3]]")
    assert problems(text) == ["lecture.toml: layer[2].weights: expected 3x1, got 2x1"]


def test_misspelt_key_and_value_get_suggestions_and_are_reported_together():
    text = lecture_text().replace('loss = "squared_error"', 'los = "squared_error"').replace(
        'optimizer = "gd"', 'optimizer = "momentun"')
    lines = problems(text)
    assert any('network.los: unknown key (did you mean "loss"?)' in line for line in lines)
    assert any('training.optimizer: expected one of gd, sgd, momentum, got "momentun" (did you mean "momentum"?)' in line
               for line in lines)


@pytest.mark.parametrize("change,expected", [
    (("learning_rate = 0.5", "learning_rate = -1"), "training.learning_rate: expected a number above 0, got -1"),
    (("learning_rate = 0.5", 'learning_rate = "fast"'), 'training.learning_rate: expected a number, got the string "fast"'),
    (("units = 3", "units = 0"), "layer[1].units: expected at least 1, got 0"),
    (('activation = "sigmoid"', 'activation = "sigmoind"'), 'did you mean "sigmoid"'),
    (("inputs  = [[1.0, 0.5]]", "inputs  = [[1.0, 0.5, 2.0]]"), "data.inputs: expected 2 values per sample (network.inputs), got 3"),
    (("targets = [[1.0]]", "targets = [[1.0], [0.0]]"), "data.targets: expected one row per input sample (1), got 2 rows"),
    (("targets = [[1.0]]", "targets = [[1.0, 2.0]]"), "data.targets: expected 1 values per sample"),
    (("inputs  = [[1.0, 0.5]]", "inputs  = [[1.0, 0.5], [1.0]]"), "data.inputs: rows have different lengths"),
    (("inputs  = [[1.0, 0.5]]", "inputs  = [[1.0, true]]"), "data.inputs: expected numbers only, got a boolean"),
    (("inputs  = [[1.0, 0.5]]", "inputs  = [[1.0, nan]]"), "data.inputs: expected finite numbers only"),
    (("[data]", "[dataa]"), 'dataa: unknown key (did you mean "data"?)'),
    (("iterations = 3", "iterations = 2.5"), "training.iterations: expected a whole number, got a number"),
    (('loss = "squared_error"', 'loss = "cross_entropy"'), "network.loss: cross_entropy expects a softmax output layer"),
])
def test_each_kind_of_bad_value(change, expected):
    old, new = change
    text = lecture_text()
    assert old in text
    lines = problems(text.replace(old, new, 1))
    assert any(expected in line for line in lines), lines
    assert all(line.startswith("lecture.toml") for line in lines)


def test_missing_required_keys():
    lines = problems("[network]\n")
    assert "lecture.toml: network.inputs: required key is missing" in lines
    assert "lecture.toml: layer: required key is missing" in lines
    assert "lecture.toml: data: required key is missing" in lines


def test_malformed_toml_reports_line_and_column():
    lines = problems('title = "x"\n[network]\ninputs = = 2\n')
    assert lines[0].startswith("lecture.toml: line 3, column")
    assert "not valid TOML" in lines[0]


def test_non_utf8_byte_is_named(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_bytes(b'title = "caf\xe9"\n')
    with pytest.raises(ScenarioError) as info:
        read_toml(path)
    assert str(info.value) == "bad.toml: line 1, column 13: byte 0xe9 is not UTF-8 text; TOML files must be UTF-8"


def test_missing_file_and_unknown_bundled_name():
    with pytest.raises(ScenarioError, match="no such file"):
        load("/nonexistent/x.toml")
    with pytest.raises(ScenarioError, match='did you mean "lecture"'):
        load("lectur")


def test_unknown_variant():
    with pytest.raises(ScenarioError, match="no variant named"):
        apply_variant(load("lecture"), "fast")


def test_variant_overrides_training_and_activations():
    text = lecture_text() + '\n[[variant]]\nname = "tanh"\nactivations = ["tanh", "sigmoid"]\n[variant.training]\nlearning_rate = 2.0\n'
    scenario = loads(text)
    variant = apply_variant(scenario, "tanh")
    assert variant.training.learning_rate == 2.0 and scenario.training.learning_rate == 0.5
    assert [l.activation for l in variant.layers] == ["tanh", "sigmoid"]


def test_bad_variant_is_reported_with_its_path():
    text = lecture_text() + '\n[[variant]]\nname = "x"\nactivations = ["tanh"]\n[variant.training]\nlearnin_rate = 2.0\n'
    lines = problems(text)
    assert any("variant[1].activations: expected 2 activation names" in l for l in lines)
    assert any('variant[1].training.learnin_rate: unknown key (did you mean "learning_rate"?)' in l for l in lines)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('[]="\'.,0123456789abcdeflnrstuwyx_ \n#{}-+e')), max_size=200))
def test_any_text_loads_or_raises_the_loaders_error(text):
    try:
        loads(text, "fuzz.toml")
    except ScenarioError as error:
        assert str(error).startswith("fuzz.toml")


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_mutated_lecture_loads_or_raises_the_loaders_error(data):
    text = lecture_text()
    position = data.draw(st.integers(0, len(text) - 1))
    insert = data.draw(st.text(max_size=8))
    cut = data.draw(st.integers(0, 6))
    try:
        loads(text[:position] + insert + text[position + cut:], "fuzz.toml")
    except ScenarioError:
        pass


def test_variants_are_checked_like_the_base():
    text = lecture_text() + ('\n[[variant]]\nname = "big"\n[variant.training]\nbatch_size = 5\n'
                             '\n[[variant]]\nname = "ce"\nactivations = ["tanh", "identity"]\n')
    text = text.replace('loss = "squared_error"', 'loss = "binary_cross_entropy"')
    lines = problems(text)
    assert any("variant[1].training.batch_size: expected at most 1 (the number of samples), got 5" in l for l in lines)
    assert any('variant[2].activations: binary_cross_entropy expects a sigmoid output layer, got "identity"' in l
               for l in lines)


def test_an_empty_variant_name_is_not_ignored():
    with pytest.raises(ScenarioError, match="no variant named"):
        load("lecture", variant="")


def test_integers_too_large_for_a_float_are_reported(tmp_path):
    digits = "1" + "0" * 400
    text = lecture_text().replace("learning_rate = 0.5", f"learning_rate = {digits}").replace(
        "targets = [[1.0]]", f"targets = [[{digits}]]")
    lines = problems(text)
    assert any("training.learning_rate: expected a finite number, got 100000000000… (401 digits)" in l for l in lines)
    assert any("data.targets: expected finite numbers only" in l for l in lines)


def test_a_directory_is_not_a_scenario(tmp_path):
    with pytest.raises(ScenarioError, match="is a directory"):
        load(tmp_path)
