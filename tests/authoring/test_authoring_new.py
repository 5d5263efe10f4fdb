"""`backprop-tui new` writes a commented scenario that loads as written, and never clobbers."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_tui.cli.main import main
from backprop_tui.core.errors import UserError
from backprop_tui.core.scenario.load import load, loads
from backprop_tui.core.scenario.template import scenario_text


def test_new_writes_a_valid_commented_file(tmp_path, capsys):
    path = tmp_path / "mine.toml"
    assert main(["new", str(path)]) == 0
    text = path.read_text(encoding="utf-8")
    assert text.count("#") > 5
    scenario = load(path)
    assert scenario.sizes == (2, 3, 1)
    assert all(layer.weights_given for layer in scenario.layers)
    assert all(np.array_equal(layer.weights, np.round(layer.weights, 3)) for layer in scenario.layers)
    assert main(["trace", str(path), "--iterations", "1", "--format", "json"]) == 0


def test_new_refuses_to_overwrite_without_force(tmp_path, capsys):
    path = tmp_path / "mine.toml"
    path.write_text("keep me", encoding="utf-8")
    assert main(["new", str(path)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == "keep me"
    assert main(["new", str(path), "--force", "--seed", "3"]) == 0
    assert load(path).seed == 3


@pytest.mark.parametrize(
    "sizes, activation, loss",
    [([2, 3, 1], "sigmoid", "squared_error"), ([3, 4, 4, 3], "relu", "cross_entropy"),
     ([1, 2], "tanh", "mse"), ([2, 2, 1], "tanh", "binary_cross_entropy"), ([5, 1], "identity", "squared_error"),
     ([2, 3, 2], "step", "squared_error"), ([2, 2, 2], "leaky_relu", "mse")],
)
def test_every_combination_loads_as_written(sizes, activation, loss):
    scenario = loads(scenario_text(sizes, activation, loss, seed=7))
    assert scenario.sizes == tuple(sizes) and scenario.loss == loss
    assert scenario.layers[0].activation == activation or len(sizes) == 2


def test_the_seed_decides_the_weights():
    assert scenario_text([2, 3, 1], seed=1) == scenario_text([2, 3, 1], seed=1)
    assert scenario_text([2, 3, 1], seed=1) != scenario_text([2, 3, 1], seed=2)


@pytest.mark.parametrize(
    "args, message",
    [(["--activation", "sigmod"], 'did you mean "sigmoid"'), (["--loss", "mse2"], "--loss"),
     (["--layers", "3"], "at least two"), (["--layers", "2,3,1", "--activation", "softmax"], "output layer"),
     (["--layers", "2,65,1"], "--layers 2,65,1: a layer of 65 units is more than new writes (at most 64 per layer)"),
     (["--layers", "70,3,1"], "--layers 70,3,1: 70 inputs are more than new writes (at most 64 per layer)")],
)
def test_bad_options_are_user_errors(tmp_path, capsys, args, message):
    path = tmp_path / "x.toml"
    assert main(["new", str(path), *args]) == 2
    assert message in capsys.readouterr().err
    assert not path.exists()


def test_template_errors_are_user_errors():
    with pytest.raises(UserError):
        scenario_text([2, 3, 1], loss="cross_entropy")   # one output cannot hold classes


def test_too_many_units_says_why_and_what_to_do_instead(tmp_path, capsys):
    assert main(["new", str(tmp_path / "x.toml"), "--layers", "2,100,1"]) == 2
    err = capsys.readouterr().err
    assert "--layers 2,100,1: a layer of 100 units is more than new writes (at most 64 per layer)" in err
    assert "every weight" in err and "4096" in err  # the reason, and the way to a bigger layer


@pytest.mark.parametrize("loss, output", [("cross_entropy", "softmax"), ("binary_cross_entropy", "sigmoid")])
def test_an_output_activation_chosen_by_the_loss_is_announced(tmp_path, capsys, loss, output):
    path = tmp_path / "x.toml"
    assert main(["new", str(path), "--layers", "2,3,2", "--activation", "relu", "--loss", loss]) == 0
    err = capsys.readouterr().err
    assert f"note: --loss {loss} needs a {output} output layer: the output layer is {output}, " \
           f"the hidden layer relu (--activation)" in err
    assert [layer.activation for layer in load(path).layers] == ["relu", output]


def test_an_activation_that_no_layer_uses_is_announced(tmp_path, capsys):
    assert main(["new", str(tmp_path / "x.toml"), "--layers", "4,3", "--activation", "tanh",
                 "--loss", "cross_entropy"]) == 0
    err = capsys.readouterr().err
    assert "--activation tanh is not used: a 4-3 network has no hidden layer" in err


def test_an_activation_used_as_asked_is_not_announced(tmp_path, capsys):
    assert main(["new", str(tmp_path / "y.toml"), "--loss", "mse", "--activation", "tanh"]) == 0
    assert "note:" not in capsys.readouterr().err


@pytest.mark.parametrize("layers, article", [("8,3,1", "an 8-3-1"), ("2,3,1", "a 2-3-1"), ("11,2", "an 11-2"),
                                             ("1,2", "a 1-2"), ("18,2,1", "an 18-2-1")])
def test_the_written_message_has_the_right_article(tmp_path, capsys, layers, article):
    assert main(["new", str(tmp_path / "x.toml"), "--layers", layers]) == 0
    assert f"wrote {tmp_path / 'x.toml'}: {article} network" in capsys.readouterr().err
