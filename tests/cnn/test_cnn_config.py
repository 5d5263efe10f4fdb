"""The CNN scenario loader: the bundled default, and errors with key paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from backprop_tui.core.cnn.config import (
    LayerSpec,
    load_cnn_scenario,
    scenario_from_data,
    scenario_from_json,
)
from backprop_tui.core.scenario.errors import ScenarioError
from backprop_tui.core.scenario.kind import scenario_kind
from backprop_tui.core.vocab import ScenarioKind
from backprop_tui.core.scenario.toml_source import read_toml

from cnn_support import GOOD_LAYERS



def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "net.toml"
    path.write_text(text)
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_cnn_scenario(write(tmp_path, text))
    return [f"{p.path}: {p.message}" for p in caught.value.problems]


def test_bundled_default_is_the_issue_architecture() -> None:
    scenario = load_cnn_scenario("fashion_cnn")
    assert scenario.input == (1, 28, 28)
    assert scenario.layers == (
        LayerSpec("conv2d", filters=16, kernel=3, stride=1, padding=1),
        LayerSpec("relu"),
        LayerSpec("maxpool", size=2),
        LayerSpec("conv2d", filters=32, kernel=3, stride=1, padding=1),
        LayerSpec("relu"),
        LayerSpec("maxpool", size=2),
        LayerSpec("flatten"),
        LayerSpec("dense", units=128),
        LayerSpec("relu"),
        LayerSpec("dense", units=10),
    )
    assert scenario.training.epochs == 10
    assert scenario_kind(read_toml(Path(__file__).parents[2] / "scenarios" / "fashion_cnn.toml")) is ScenarioKind.CNN
    assert scenario_kind({"title": "dense", "layer": []}) is ScenarioKind.DENSE


def test_json_round_trip() -> None:
    scenario = load_cnn_scenario("fashion_cnn").with_training(epochs=3, learning_rate=0.2)
    assert scenario_from_json(scenario.to_json(), "x") == scenario


def test_minimal_file_gets_defaults(tmp_path: Path) -> None:
    scenario = load_cnn_scenario(write(tmp_path, GOOD_LAYERS))
    assert scenario.training.optimizer == "momentum" and scenario.seed == 0


def test_unknown_key_with_suggestion(tmp_path: Path) -> None:
    text = GOOD_LAYERS.replace("filters = 4", "filter = 4") + "\n[training]\nlearning_rat = 0.1\n"
    found = problems(tmp_path, text)
    assert any(p.startswith('model.layer[1].filter: unknown key (did you mean "filters"?)') for p in found)
    assert "model.layer[1].filters: required key is missing" in found
    assert any(p.startswith('training.learning_rat: unknown key (did you mean "learning_rate"?)') for p in found)


def test_dense_after_conv_without_flatten(tmp_path: Path) -> None:
    text = GOOD_LAYERS.replace('type = "flatten"', 'type = "relu"')
    assert problems(tmp_path, text) == [
        'model.layer[5]: dense needs a flat input, got 4x14x14 (channels x height x width); add { type = "flatten" } before it'
    ]


def test_pool_that_does_not_divide(tmp_path: Path) -> None:
    text = GOOD_LAYERS.replace("size = 2", "size = 3")
    assert problems(tmp_path, text) == ["model.layer[3].size: pool size 3 does not divide the input 28x28"]


def test_conv_after_flatten_and_bad_last_layer(tmp_path: Path) -> None:
    text = GOOD_LAYERS.replace("units = 10", "units = 7") + '[[model.layer]]\ntype = "conv2d"\nfilters = 2\nkernel = 3\n'
    found = problems(tmp_path, text)
    assert "model.layer[6]: conv2d needs an image-shaped input (channels x height x width), got a flat vector of 7" in found
    assert any(p.startswith("model.layer[6]: the last layer must be a dense layer with 10 units") for p in found)


def test_type_errors_and_choices(tmp_path: Path) -> None:
    text = GOOD_LAYERS.replace('type = "relu"', 'type = "rellu"').replace("filters = 4", "filters = 0") + (
        '\n[training]\noptimizer = "adamw"\nbatch_size = "64"\nbetas = [0.9, 1.5]\n')
    found = problems(tmp_path, text)
    assert "model.layer[1].filters: expected at least 1, got 0" in found
    assert any(p.startswith('model.layer[2].type: expected one of conv2d, relu') and 'did you mean "relu"' in p for p in found)
    assert any(p.startswith('training.optimizer: expected one of sgd, momentum, adam, got "adamw"') for p in found)
    assert 'training.batch_size: expected a whole number, got the string "64"' in found
    assert "training.betas: expected two numbers from 0 up to (not including) 1, got [0.9, 1.5]" in found


def test_missing_model_and_wrong_input(tmp_path: Path) -> None:
    assert problems(tmp_path, 'title = "x"\n')[0].startswith("model: required table is missing")
    found = problems(tmp_path, GOOD_LAYERS.replace("input = [1, 28, 28]", "input = [3, 32, 32]"))
    assert found == ["model.input: expected [1, 28, 28] (channels, height, width of a Fashion-MNIST image), got [3, 32, 32]"]


def test_bad_toml_names_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"net.toml: line 4, column 1: not valid TOML"):
        load_cnn_scenario(write(tmp_path, GOOD_LAYERS.replace("input = [1, 28, 28]", "input = [1, 28")))


def test_error_file_name_and_scenario_from_data() -> None:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_data({"model": {"layer": []}}, "stored.json")
    assert str(caught.value) == "stored.json: model.layer: expected at least one layer"


HUGE = 'title = "huge"\n' + GOOD_LAYERS.replace("filters = 4", "filters = FILTERS").replace(
    "units = 10", "units = UNITS") + '[[model.layer]]\ntype = "dense"\nunits = 10\n'


def test_too_many_parameters_is_refused_at_the_layer(tmp_path: Path) -> None:
    found = problems(tmp_path, HUGE.replace("FILTERS", "4096").replace("UNITS", "65536"))
    assert found == [
        "model.layer[5].units: dense with 65536 units on an input of 802816 adds 52,613,414,912 parameters, "
        "making 52,613,455,872 so far, more than this tool's limit of 50,000,000; use fewer filters or units "
        "(or pool before this layer)"
    ]


def test_too_much_activation_memory_is_refused(tmp_path: Path) -> None:
    found = problems(tmp_path, HUGE.replace("FILTERS", "4096").replace("UNITS", "8"))
    assert found == ["model.layer[1].filters: an evaluation batch of 250 images would need about 6.0 GiB of "
                     "activations up to layer 2, more than this tool's limit of 4.0 GiB; use fewer filters or "
                     "units, or a smaller training.batch_size"]
    wide = HUGE.replace("FILTERS", "512").replace("UNITS", "8")
    assert load_cnn_scenario(write(tmp_path, wide)).training.batch_size == 64
    found = problems(tmp_path, wide + "[training]\nbatch_size = 4096\n")
    assert len(found) == 1
    assert found[0].startswith("model.layer[1].filters: a training batch of 4096 images would need about 12.5 GiB")


def test_stored_scenario_is_held_to_the_same_limits(tmp_path: Path) -> None:
    scenario = load_cnn_scenario(write(tmp_path, HUGE.replace("FILTERS", "8").replace("UNITS", "64")))
    text = scenario.to_json().replace('"units": 64', '"units": 65536')
    with pytest.raises(ScenarioError, match=r"model.layer\[5\].units: .* more than this tool's limit of 50,000,000"):
        scenario_from_json(text, "c.npz (stored scenario)")


def test_the_decay_schedule_is_step_decay_and_old_step_still_reads(tmp_path: Path) -> None:
    """Issue 9: "step" is the dense threshold activation; the CNN schedule is "step_decay". Files
    and checkpoints that say "step" still load, as the same schedule, and are written back new."""
    import json

    from backprop_tui.core.cnn.config import OPTIMIZERS, SCHEDULES
    from backprop_tui.core.vocab import CnnOptimizerName, ScheduleName

    assert SCHEDULES == tuple(ScheduleName) == ("constant", "step_decay", "cosine")
    assert OPTIMIZERS == tuple(CnnOptimizerName) == ("sgd", "momentum", "adam")
    base = "seed = 1\n" + GOOD_LAYERS + '[training]\nstep_epochs = 2\nschedule = '
    new = load_cnn_scenario(write(tmp_path, base + '"step_decay"\n'))
    old = load_cnn_scenario(write(tmp_path, base + '"step"\n'))
    assert new.training.schedule == old.training.schedule == ScheduleName.STEP_DECAY
    assert json.loads(old.to_json())["training"]["schedule"] == "step_decay"
    stored = json.loads(new.to_json())
    stored["training"]["schedule"] = "step"  # a checkpoint written before the rename
    assert scenario_from_json(json.dumps(stored), "old.npz").training.schedule == ScheduleName.STEP_DECAY
    assert problems(tmp_path, base + '"stepdecay"\n') == [
        'training.schedule: expected one of constant, step_decay, cosine, got "stepdecay" (did you mean "step_decay"?)']
