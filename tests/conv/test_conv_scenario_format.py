"""The convolutional scenario format: what loads, and every shape that does not fit, reported with
its key path in one message (and exit 2 from the CLI, never a traceback)."""

from __future__ import annotations

import pytest

from backprop_tui.cli.main import main
from backprop_tui.core.conv.data import with_images
from backprop_tui.core.errors import UserError
from backprop_tui.core.scenario.conv_load import load_conv, loads_conv
from backprop_tui.core.scenario.conv_model import ConvLayer, FlattenLayer, PoolLayer
from backprop_tui.core.scenario.errors import ScenarioError
from backprop_tui.core.scenario.kind import scenario_kind
from backprop_tui.core.scenario.load import load
from backprop_tui.core.scenario.toml_source import read_toml
from backprop_tui.core.scenario.bundled import bundled_dir
from backprop_tui.core.vocab import ScenarioKind

BASE = """title = "t"
[network]
input_shape = [1, 4, 4]
[[layer]]
type = "conv2d"
filters = 2
kernel = {kernel}
{extra}
[[layer]]
type = "maxpool"
size = {size}
{flatten}
[[layer]]
units = 2
activation = "softmax"
[data]
inputs = [[[[0.0, 1.0, 2.0, 3.0], [1.0, 2.0, 3.0, 0.0], [2.0, 3.0, 0.0, 1.0], [3.0, 0.0, 1.0, 2.0]]]]
targets = [[1.0, 0.0]]
"""


def text(kernel: int = 3, size: int = 2, flatten: bool = True, extra: str = "") -> str:
    return BASE.format(kernel=kernel, size=size, extra=extra,
                       flatten='[[layer]]\ntype = "flatten"' if flatten else "")


def problems(source: str) -> str:
    with pytest.raises(ScenarioError) as caught:
        loads_conv(source, "bad.toml")
    return str(caught.value)


def test_the_bundled_conv_scenario_loads_with_batch_mode_s_layer_words():
    scenario = load_conv("conv")
    assert [type(layer) for layer in scenario.layers] == [ConvLayer, PoolLayer, FlattenLayer,
                                                          type(scenario.layers[3])]
    conv = scenario.layers[0]
    assert conv.weights.shape == (2, 1, 3, 3) and conv.output_shape == (2, 4, 4)
    assert scenario.layers[1].output_shape == (2, 2, 2) and scenario.layers[2].units == 8
    assert scenario.sizes == ("1×6×6", "2×4×4", "2×2×2", "8", "3")
    assert scenario_kind(read_toml(bundled_dir() / "conv.toml")) is ScenarioKind.CONV


def test_a_layer_without_weights_is_drawn_from_the_seed():
    scenario = loads_conv(text(kernel=3, size=2))
    assert scenario.layers[0].weights.shape == (2, 1, 3, 3) and not scenario.layers[0].weights_given
    assert loads_conv(text()).layers[0].weights.tolist() == scenario.layers[0].weights.tolist()


def test_a_kernel_larger_than_its_input():
    message = problems(text(kernel=5))
    assert "bad.toml: layer[1].kernel: a 5×5 kernel is larger than its input of 1×4×4" in message
    # with padding it fits: 4 + 2·1 = 6 ≥ 5, output 2×2, pooled by 2 to 1×1
    assert loads_conv(text(kernel=5, extra="padding = 1")).layers[0].output_shape == (2, 2, 2)


def test_a_dense_layer_after_a_convolution_without_flatten():
    message = problems(text(flatten=False))
    assert 'bad.toml: layer[3]: a dense layer after images (2×1×1) needs a [[layer]] type = "flatten"' in message


def test_a_pool_that_does_not_divide():
    message = problems(text(kernel=2))  # 3×3 maps
    assert "bad.toml: layer[2].size: a 2×2 pool does not divide its input of 2×3×3" in message


def test_inputs_of_the_wrong_shape_and_unknown_keys_are_all_reported_at_once():
    source = text().replace("[[0.0, 1.0, 2.0, 3.0], [1.0", "[[0.0, 1.0, 2.0], [1.0").replace("kernel = 3", "kernel = 3\nfilter = 2")
    message = problems(source)
    assert "data.inputs[1]: expected a 1 × 4 × 4 nested array of numbers" in message
    assert 'layer[1].filter: unknown key (did you mean "filters"?)' in message


def test_the_dense_loader_is_not_used_for_a_conv_file_and_the_cli_says_what_is_wrong(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(text(kernel=5), encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "layer[1].kernel" in err and "Traceback" not in err
    assert main(["trace", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: bad.toml: layer[1].kernel:") and "Traceback" not in err


def test_fashion_mnist_images_named_by_index_and_a_missing_data_set(tmp_path):
    source = ("title = \"t\"\n[network]\ninput_shape = [1, 28, 28]\n[[layer]]\ntype = \"conv2d\"\nfilters = 1\n"
              "kernel = 3\n[[layer]]\ntype = \"maxpool\"\nsize = 2\n[[layer]]\ntype = \"flatten\"\n[[layer]]\n"
              "units = 10\nactivation = \"softmax\"\n[data]\nfashion_mnist = { split = \"test\", indices = [42, 7] }\n")
    path = tmp_path / "real.toml"
    path.write_text(source, encoding="utf-8")
    scenario = load_conv(path)
    assert scenario.fashion.indices == (42, 7) and scenario.x is None
    with pytest.raises(UserError) as caught:
        with_images(scenario, places=[])
    message = str(caught.value)
    assert message.startswith("real.toml: data.fashion_mnist: Fashion-MNIST was not found")
    assert "backprop-tui data download" in message
    assert "indices[1]: expected an image number from 0 to 9999" in problems(source.replace("[42, 7]", "[10000]"))
    assert "the last layer needs 10 units" in problems(source.replace("units = 10", "units = 3"))


@pytest.mark.parametrize("command", ["compare", "landscape"])
def test_a_command_for_dense_networks_says_a_conv_scenario_is_stepped_elsewhere(command, capsys):
    assert main([command, "conv"]) == 2
    err = capsys.readouterr().err
    assert err == ("error: conv.toml: is a convolutional scenario (network.input_shape, typed [[layer]]s): open, "
                   "trace, explain and validate step through it; this command takes dense scenarios only\n")
    with pytest.raises(ScenarioError):
        load("conv")


def test_a_patch_matrix_too_large_to_step_through_is_refused():
    source = text().replace("input_shape = [1, 4, 4]", "input_shape = [64, 64, 64]").replace(
        "kernel = 3", "kernel = 9").replace("inputs = [[[[0.0, 1.0, 2.0, 3.0], [1.0, 2.0, 3.0, 0.0], [2.0, 3.0, 0.0, 1.0], [3.0, 0.0, 1.0, 2.0]]]]",
                                            'fashion_mnist = { split = "test", indices = [1] }').replace("targets = [[1.0, 0.0]]\n", "")
    message = problems(source)
    assert "layer[1]: its patch matrix would hold 16,257,024 values (5184 × 3136)" in message


def test_trace_of_a_real_data_scenario_without_the_data_set_says_where_it_looked(tmp_path, monkeypatch, capsys):
    from backprop_tui.core.cnn import data as data_module

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("FASHION_MNIST_DIR", raising=False)
    monkeypatch.setattr(data_module, "DEBIAN_DIR", tmp_path / "no-debian")
    monkeypatch.chdir(tmp_path)
    assert main(["trace", "fashion_conv"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: fashion_conv.toml: data.fashion_mnist: Fashion-MNIST was not found. "
                          "Looked in, in this order:")
    assert f"1. {tmp_path / 'cache'}" in err and str(tmp_path / "no-debian") in err
    assert "backprop-tui data download" in err and "Traceback" not in err


def test_batch_mode_s_relu_layer_says_where_the_activation_goes():
    source = text().replace('[[layer]]\ntype = "maxpool"', '[[layer]]\ntype = "relu"\n[[layer]]\ntype = "maxpool"')
    assert ('layer[2].type: "relu" is a layer of batch mode; here a conv2d or dense layer carries its activation '
            '(activation = "relu"), and there is no dropout') in problems(source)
