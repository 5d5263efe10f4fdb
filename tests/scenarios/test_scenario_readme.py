"""scenarios/README.md documents every key the loader knows, and its example loads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backprop_tui.core.dense.activations import NAMES as ACTIVATIONS
from backprop_tui.core.dense.losses import NAMES as LOSSES
from backprop_tui.core.scenario import load as loader
from backprop_tui.core.scenario.errors import ScenarioError
from backprop_tui.core.scenario.model import INITS, OPTIMIZERS

README = Path(__file__).resolve().parents[2] / "scenarios" / "README.md"


def readme() -> str:
    return README.read_text(encoding="utf-8")


def test_every_key_and_choice_is_documented():
    text = readme()
    keys = {*loader.TOP_KEYS, *loader.NETWORK_KEYS, *loader.LAYER_KEYS, *loader.DATA_KEYS,
            *loader.TRAINING_KEYS, *loader.VARIANT_KEYS}
    for word in {*keys, *ACTIVATIONS, *LOSSES, *INITS, *OPTIMIZERS}:
        assert f"`{word}`" in text or f"[{word}]" in text or f"[[{word}]]" in text, word


def test_the_complete_example_loads():
    blocks = re.findall(r"```toml\n(.*?)```", readme(), flags=re.S)
    scenario = loader.loads(blocks[0], "README example")
    assert scenario.sizes == (2, 3, 1) and [v.name for v in scenario.variants] == ["faster"]


def test_the_cnn_section_points_to_its_file():
    assert "## CNN scenarios" in readme() and "fashion_cnn.toml" in readme()


@pytest.mark.parametrize("data", ["[data]\ntargets = [[1.0]]\n", "[data]\n"])
def test_missing_data_keys_are_reported_not_crashed_on(data):
    text = "[network]\ninputs = 1\n[[layer]]\nunits = 1\n" + data
    with pytest.raises(ScenarioError, match="data.inputs: required key is missing"):
        loader.loads(text)
