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
    (("targets = [[1.0]]", "targets = [[1.0, 2.0]]"), "data.targets: expected 1 value per sample"),
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


# -- messages that tell the truth -----------------------------------------------------------------


def test_a_byte_order_mark_is_accepted(tmp_path):
    """Notepad writes UTF-8 with a BOM; it is not a syntax error at line 1, column 1."""
    path = tmp_path / "notepad.toml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.read_bytes())
    assert load(path).sizes == (2, 3, 1)
    assert loads("\ufeff" + lecture_text()).sizes == (2, 3, 1)


@pytest.mark.parametrize("table", ["x = {a = 1,\n  b = 2}", "x = {a = 1, b = {c = 2,\n d = 3}}", "x = {\n}",
                                   "x = {a = 1, # a comment\n b = 2}"])
def test_a_multi_line_inline_table_gets_a_hint(table):
    lines = problems(lecture_text() + "\n[[variant]]\nname = \"v\"\n" + table + "\n")
    assert len(lines) == 1 and "not valid TOML" in lines[0]
    assert "inline table" in lines[0] and "one line" in lines[0] and "TOML 1.0" in lines[0], lines


def test_other_syntax_errors_get_no_inline_table_hint():
    for text in ('title = "x"\n[network]\ninputs = = 2\n', 'x = "{"\ny = = 1\n', "x = [1,\n2,\n  = 3]\n"):
        assert "inline table" not in problems(text)[0]


def test_dependent_problems_are_all_reported():
    """A ragged output-layer matrix does not hide that its sigmoid cannot feed cross_entropy."""
    text = lecture_text().replace('loss = "squared_error"', 'loss = "cross_entropy"').replace(
        "weights = [[0.2],\n           [0.3],\n           [0.1]]", "weights = [[0.2], [0.3, 0.5], [0.1]]")
    lines = problems(text)
    assert any("layer[2].weights: rows have different lengths" in line for line in lines), lines
    assert any("network.loss: cross_entropy expects a softmax output layer" in line for line in lines), lines


def test_dependent_problems_of_data_are_all_reported():
    """Ragged inputs do not hide targets of the wrong width for the output layer."""
    text = lecture_text().replace("inputs  = [[1.0, 0.5]]", "inputs  = [[1.0, 0.5], [1.0]]").replace(
        "weights = [[0.2],\n           [0.3],\n           [0.1]]", "weights = [[0.2], [0.3, 0.5], [0.1]]").replace(
        "targets = [[1.0]]", "targets = [[1.0, 0.0], [0.0, 1.0]]")
    lines = problems(text)
    assert any("data.inputs: rows have different lengths" in line for line in lines), lines
    assert any("data.targets: expected 1 value per sample (the last layer's units), got 2" in line
               for line in lines), lines


def test_a_layer_with_bad_weights_still_tells_the_next_layer_its_size():
    """Layer 1's units are known even when its weights are wrong: layer 2 is checked against them."""
    lines = problems(lecture_text().replace("units = 3", "units = 1", 1))
    assert any("layer[1].weights: expected 2x1, got 2x3" in line for line in lines), lines
    assert any("layer[2].weights: expected 1x1, got 3x1" in line for line in lines), lines


def test_articles_agree_with_the_number():
    text = lecture_text().replace("inputs = 2", "inputs = 8").replace(
        "weights = [[1.2, 1.1, 1.5],\n           [0.3, 0.7, 0.3]]", "weights = 3")
    assert any("layer[1].weights: expected an 8x3 matrix" in line for line in problems(text))  # not "a 8x3"


def test_one_row_and_one_name_are_singular():
    text = lecture_text().replace("inputs  = [[1.0, 0.5]]", "inputs  = [[1.0, 0.5], [1.0, 0.5]]")
    assert any(line.endswith("expected one row per input sample (2), got 1 row") for line in problems(text))
    text = lecture_text() + '\n[[variant]]\nname = "x"\nactivations = ["tanh", "tanh", "tanh"]\n'
    assert any("expected 2 activation names (one per layer), got 3" in l for l in problems(text))
    one_layer = lecture_text() + '\n[[variant]]\nname = "x"\nactivations = ["tanh"]\n'
    assert any("expected 2 activation names (one per layer), got 1" in l for l in problems(one_layer))
