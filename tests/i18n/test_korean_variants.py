"""Variants' descriptions in Korean: each `[[variant]]` table's description_ko, read and checked by
the loader as a scenario's own is, and shown wherever a variant's description is (the variant
dialog `v`, the compare screen's table) when the interface is Korean; English otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import OptionList

from backprop_tui import i18n
from backprop_tui.cli.main import main
from backprop_tui.core.dense.compare import compare
from backprop_tui.core.scenario.bundled import bundled_names, resolve
from backprop_tui.core.scenario.errors import ScenarioError
from backprop_tui.core.scenario.kind import file_kind
from backprop_tui.core.scenario.load import load, loads
from backprop_tui.core.vocab import ScenarioKind
from backprop_tui.render.compare import curves_table
from backprop_tui.render.describe import variant_description
from backprop_tui.render.glossary import GLOSSARY
from backprop_tui.tui.screens.compare import CompareScreen
from backprop_tui.tui.screens.dialogs import VariantDialog
from backprop_tui.tui.screens.stepper import StepperScreen
from tests.tui.helpers import FastWatchApp, screen_text, wait_for

BASE = ('title = "rates"\ndescription = "Two rates.\\nMore."\ndescription_ko = "두 학습률.\\n더."\n[network]\n'
        'inputs = 1\n[[layer]]\nunits = 1\nactivation = "sigmoid"\nweights = [[0.5]]\n[data]\ninputs = [[1.0]]\n'
        'targets = [[1.0]]\n[training]\nlearning_rate = 0.5\niterations = 2\n')


def with_variant(*lines: str) -> str:
    return BASE + '\n[[variant]]\nname = "fast"\n' + "\n".join(lines) + "\n[variant.training]\nlearning_rate = 2.0\n"


# -- the loader -------------------------------------------------------------------------------------


def test_a_variant_s_description_ko_is_read_beside_its_description() -> None:
    scenario = loads(with_variant('description = "γ = 2: faster"', 'description_ko = "γ = 2: 더 빠름"'))
    (variant,) = scenario.variants
    assert variant.description == "γ = 2: faster" and variant.descriptions == {"ko": "γ = 2: 더 빠름"}
    assert variant_description(variant) == "γ = 2: faster"
    i18n.set_language("ko")
    assert variant_description(variant) == "γ = 2: 더 빠름"


@pytest.mark.parametrize("lines", [('description = "faster"',), ('description = "faster"', 'description_ko = ""')],
                         ids=["absent", "empty"])
def test_without_a_korean_description_the_variant_s_own_is_shown_in_korean(lines) -> None:
    (variant,) = loads(with_variant(*lines)).variants
    assert variant.descriptions == {}
    i18n.set_language("ko")
    assert variant_description(variant) == "faster"


@pytest.mark.parametrize(("value", "found_en", "found_ko"), [
    ("3", "an integer", "정수"), ("[\"a\"]", "an array", "배열"), ("{ text = \"a\" }", "a table", "테이블"),
])
def test_a_description_ko_that_is_no_string_is_an_error_naming_the_file_and_key(
        tmp_path: Path, capsys, value: str, found_en: str, found_ko: str) -> None:
    text = with_variant('description = "faster"', f"description_ko = {value}")
    with pytest.raises(ScenarioError) as raised:
        loads(text, "rates.toml")
    assert str(raised.value) == f"rates.toml: variant[1].description_ko: expected a string, got {found_en}"
    path = tmp_path / "rates.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert err.endswith(f"rates.toml: variant[1].description_ko: expected a string, got {found_en}\n")
    assert "Traceback" not in err
    assert main(["validate", str(path), "--lang", "ko"]) == 2
    err = capsys.readouterr().err
    assert "rates.toml: variant[1].description_ko: " in err and found_ko in err and "Traceback" not in err


def test_a_variant_has_no_title_ko_and_says_which_keys_it_has(tmp_path: Path, capsys) -> None:
    path = tmp_path / "rates.toml"
    path.write_text(with_variant('title_ko = "빠름"'), encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "rates.toml: variant[1].title_ko: unknown key" in err and "description_ko" in err


def test_a_translated_description_does_not_change_what_a_variant_computes() -> None:
    plain = loads(with_variant('description = "faster"'))
    translated = loads(with_variant('description = "faster"', 'description_ko = "더 빠름"'))
    assert plain.variants == translated.variants   # compare=False: data, not a difference in the network


# -- the bundled scenarios ----------------------------------------------------------------------------


def bundled_variants():
    for name in bundled_names():
        if file_kind(resolve(name)) is ScenarioKind.DENSE:
            yield from ((name, variant) for variant in load(resolve(name)).variants)


def test_every_bundled_variant_has_a_korean_description_in_the_glossary_s_terms() -> None:
    variants = list(bundled_variants())
    assert len(variants) == 12                                   # activations 4, learning-rate 3, local-minimum 2, sgd 3
    assert not [(name, v.name) for name, v in variants if not v.descriptions.get("ko")]
    found = [(v.name, term.korean, avoided) for _name, v in variants for term in GLOSSARY
             for avoided in term.avoided if avoided in v.descriptions["ko"]]
    assert not found
    # symbols and numbers are the same in both languages
    learning = {v.name: v for v in load(resolve("learning-rate")).variants}
    assert learning["too-large"].descriptions["ko"].startswith("γ = 1.8: ")
    assert "inf/NaN" in learning["too-large"].descriptions["ko"]


# -- compare --------------------------------------------------------------------------------------


def table_text(comparison) -> str:
    console = Console(width=120, record=True, color_system=None)
    console.print(curves_table(comparison))
    return console.export_text()


def test_the_compare_table_shows_each_variant_s_description_in_the_interface_language() -> None:
    comparison = compare(load(resolve("learning-rate")), 20)
    assert [c.descriptions["ko"] for c in comparison.curves] == [
        "γ = 0.01: 기어갑니다", "γ = 0.5: 꾸준히 줄어듭니다", "γ = 1.8: 오르내리다가 inf/NaN으로 발산합니다"]
    english = table_text(comparison)
    assert "γ = 0.01: crawls" in english and "기어갑니다" not in english
    i18n.set_language("ko")
    korean = table_text(comparison)
    assert "γ = 0.01: 기어갑니다" in korean and "γ = 0.5: 꾸준히 줄어듭니다" in korean and "crawls" not in korean


def test_a_scenario_without_variants_is_compared_with_the_first_line_of_its_description_in_korean() -> None:
    (curve,) = compare(loads(BASE), 2).curves
    assert (curve.name, curve.description, curve.descriptions) == ("base", "Two rates.", {"ko": "두 학습률."})


async def test_the_compare_screen_in_korean_shows_the_korean_descriptions_and_K_switches_them() -> None:
    i18n.set_language("ko")
    app = FastWatchApp(resolve("learning-rate"))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, StepperScreen))
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen) and app.screen.comparison is not None
                       and "꾸준히 줄어듭니다" in screen_text(app))
        assert "γ = 0.01: 기어갑니다" in screen_text(app) and "falls steadily" not in screen_text(app)
        await pilot.press("K")
        await wait_for(pilot, lambda: "γ = 0.5: falls steadily" in screen_text(app))
        assert "기어갑니다" not in screen_text(app)


# -- the variant dialog -----------------------------------------------------------------------------


async def dialog_options(language: str) -> list[str]:
    i18n.set_language(language)
    app = FastWatchApp(resolve("sgd"))
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, StepperScreen))
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, VariantDialog))
        return [str(option.prompt) for option in app.screen.query_one(OptionList).options]


async def test_the_variant_dialog_shows_the_descriptions_in_korean() -> None:
    options = await dialog_options("ko")
    assert options[1:] == ["gd  전체 배치: 업데이트마다 샘플 16개, 매끄러운 곡선",
                           "sgd-4  샘플 4개씩의 미니배치: 걸음은 가볍고 곡선은 흔들립니다",
                           "sgd-1  업데이트마다 샘플 하나: 가장 가볍고 가장 요란합니다"]


async def test_the_variant_dialog_in_english_is_as_before() -> None:
    options = await dialog_options("en")
    assert options[1:] == ["gd  full batch: 16 samples per update, a smooth curve",
                           "sgd-4  mini-batches of 4: cheaper steps, a wobbly curve",
                           "sgd-1  one sample per update: the cheapest and noisiest"]
