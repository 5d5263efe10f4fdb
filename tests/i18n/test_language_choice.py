"""The interface language: --lang, else BACKPROP_TUI_LANG, else the locale, else English; and the
`trace` command in Korean from the locale alone, overridden by --lang en."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from backprop_tui import i18n
from backprop_tui.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("requested", "environ", "expected"), [
    (None, {}, "en"),
    (None, {"LANG": "ko_KR.UTF-8"}, "ko"),
    (None, {"LANG": "ko"}, "ko"),
    (None, {"LC_ALL": "ko_KR.UTF-8", "LANG": "en_US.UTF-8"}, "ko"),
    (None, {"LC_ALL": "en_US.UTF-8", "LANG": "ko_KR.UTF-8"}, "en"),        # LC_ALL wins, as in POSIX
    (None, {"LC_MESSAGES": "ko_KR.UTF-8", "LANG": "C.UTF-8"}, "ko"),
    (None, {"LANG": "de_DE.UTF-8"}, "en"),                                 # no German catalogue
    (None, {"LANG": "C"}, "en"),
    (None, {"BACKPROP_TUI_LANG": "ko", "LANG": "en_US.UTF-8"}, "ko"),
    (None, {"BACKPROP_TUI_LANG": "en", "LANG": "ko_KR.UTF-8"}, "en"),
    ("en", {"BACKPROP_TUI_LANG": "ko", "LANG": "ko_KR.UTF-8"}, "en"),      # --lang wins
    ("ko", {}, "ko"),
])
def test_the_language_is_chosen_by_flag_then_variable_then_locale(requested, environ, expected) -> None:
    assert i18n.choose(requested, environ) == expected


def test_a_language_without_a_catalogue_is_refused() -> None:
    with pytest.raises(ValueError, match="'xx'"):
        i18n.choose("xx", {})
    with pytest.raises(ValueError):
        i18n.set_language("xx")


def _trace(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", i18n.ENV_VAR)}
    environ.update({"PYTHONIOENCODING": "utf-8", **env, "PYTHONPATH": str(ROOT)})
    return subprocess.run([sys.executable, "-m", "backprop_tui", *args], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=120)


def test_a_korean_locale_alone_makes_trace_korean_and_lang_en_overrides_it() -> None:
    korean = _trace(["trace", "lecture", "--iterations", "1"], LANG="ko_KR.UTF-8")
    assert korean.returncode == 0, korean.stderr
    assert "순전파 · 레이어 1  가중합 (weighted sums)" in korean.stdout
    assert "강의: 2-3-1 신경망의 순전파와 역전파" in korean.stdout                    # title_ko
    assert "θ¹은(는) 강의처럼 입력 × 노드" in korean.stdout                                # a note
    assert "역전파 · 레이어 2  δ² = ∂E/∂z²" in korean.stdout
    assert "FORWARD" not in korean.stdout and "Layer 1" not in korean.stdout

    english = _trace(["trace", "lecture", "--iterations", "1", "--lang", "en"], LANG="ko_KR.UTF-8")
    assert english.returncode == 0, english.stderr
    assert "FORWARD · layer 1  Layer 1: weighted sums" in english.stdout
    assert "Lecture: forward and back through a 2-3-1 network" in english.stdout
    assert not any("\uac00" <= ch <= "\ud7a3" for ch in english.stdout)   # no Hangul at all


def test_lang_is_taken_anywhere_on_the_line_and_a_bad_one_is_one_message(capsys) -> None:
    assert main(["--lang", "ko", "trace", "lecture", "--iterations", "1"]) == 0
    assert "반복 1: 업데이트 전 손실 E = 0.072544" in capsys.readouterr().out
    assert main(["trace", "lecture", "--lang=en", "--iterations", "1"]) == 0
    assert "Iteration 1: loss before the update E = 0.072544" in capsys.readouterr().out
    assert main(["trace", "lecture", "--lang", "xx"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no interface language 'xx'") and "Traceback" not in err


def test_the_environment_variable_reaches_the_cli(monkeypatch, capsys) -> None:
    monkeypatch.setenv(i18n.ENV_VAR, "ko")
    assert main(["trace", "lecture", "--iterations", "1"]) == 0
    assert "손실  오차 (error): squared_error" in capsys.readouterr().out


def test_every_note_of_every_bundled_scenario_is_korean_and_fills_its_slots() -> None:
    """Each note of every step of each bundled dense scenario renders in Korean with no slot left
    unfilled and no English sentence left (symbols and formulas stay)."""
    import re

    from backprop_tui.core.dense.run import run
    from backprop_tui.core.dense.steps import build_steps
    from backprop_tui.core.scenario.bundled import bundled_names
    from backprop_tui.core.scenario.load import apply_variant, load
    from backprop_tui.core.scenario.bundled import resolve
    from backprop_tui.render.describe import notes, title

    i18n.set_language("ko")
    english_sentence = re.compile(r"\b(the|is|of|and|with|so)\b [a-z]+")
    seen = 0
    from backprop_tui.core.scenario.kind import file_kind
    from backprop_tui.core.vocab import ScenarioKind

    from backprop_tui.core.dense import conv_run
    from backprop_tui.core.dense.conv_steps import build_conv_steps
    from backprop_tui.core.scenario.conv_load import load_conv

    conv = load_conv("conv")  # the convolutional steps (fashion_conv's need the data set: tests/i18n/test_korean_conv.py)
    for step in build_conv_steps(conv, conv_run.run(conv, 1)[0]):
        for text in [title(step), *notes(step)]:
            seen += 1
            assert "{" not in text and not english_sentence.search(text), ("conv", text)
    for name in bundled_names():
        if file_kind(resolve(name)) is not ScenarioKind.DENSE:
            continue
        scenario = load(resolve(name))
        for variant in [None, *[v.name for v in scenario.variants]]:
            s = apply_variant(scenario, variant) if variant else scenario
            for it in run(s, 1):
                for step in build_steps(s, it):
                    for text in [title(step), *notes(step)]:
                        seen += 1
                        assert "{" not in text and not english_sentence.search(text), (name, variant, text)
    assert seen > 200


def test_the_saturation_note_is_korean_with_its_worded_slots_filled() -> None:
    """The note whose slots are themselves messages (network.unshown_factors) in both languages."""
    from tests.engine.test_saturation import first_iteration, one_layer, output_delta_step
    from backprop_tui.render.describe import notes

    scenario, it = first_iteration(one_layer("sigmoid", "binary_cross_entropy", [800.0], [0.0]))
    step = output_delta_step(scenario, it)
    english = notes(step)[1]
    assert english == ("ŷ rounds to 1 at z = 800: ∂E/∂ŷ overflows and σ′(z) underflows, so the factors "
                       "∂E/∂ŷ and σ′(z) are not shown. δ = ∂E/∂z is computed from z, and its true value is shown.")
    i18n.set_language("ko")
    assert notes(step)[1] == ("z = 800에서 ŷ가 1로 반올림됨: ∂E/∂ŷ는 오버플로, σ′(z)는 언더플로가 나고 있어서 "
                              "인수 ∂E/∂ŷ와 σ′(z)는 보여 주지 않습니다. δ = ∂E/∂z는 z에서 계산하며, 그 참값을 보여 줍니다.")


def test_the_readme_has_a_korean_section_with_the_same_two_quickstart_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    english = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    korean = readme.split("## 한국어: 설치와 실행", 1)[1].split("\n## ", 1)[0]
    commands = [line.strip() for line in english.splitlines() if line.startswith("    ")]
    assert len(commands) == 2 and all(command in korean for command in commands)


def test_korean_asked_of_an_ascii_output_gives_english_and_says_why() -> None:
    result = _trace(["trace", "lecture", "--iterations", "1", "--lang", "ko"], PYTHONIOENCODING="ascii")
    assert result.returncode == 0
    assert "note: this output's encoding (ascii) cannot show 'ko' text; writing English" in result.stderr
    assert "FORWARD * layer 1  Layer 1: weighted sums" in result.stdout and "?" not in result.stdout


def test_the_scenario_list_shows_korean_titles_in_korean(capsys) -> None:
    assert main(["scenarios", "--lang", "ko"]) == 0
    listing = capsys.readouterr().out
    assert "lecture        steps  강의: 2-3-1 신경망의 순전파와 역전파" in listing
    assert "fashion_cnn    cnn    Fashion-MNIST 합성곱 신경망" in listing   # a CNN scenario's title_ko
    assert main(["scenarios"]) == 0
    assert "Lecture: forward and back through a 2-3-1 network" in capsys.readouterr().out


def test_the_loader_s_errors_in_korean_name_the_file_and_key_as_they_are(tmp_path, capsys) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('title = "x"\nseed = -1\n[network]\ninputs = 2\nloss = "squared_eror"\n\n[[layer]]\nunits = 1\n'
                      'activation = "sigmoid"\nweights = [[1.0], [2.0], [3.0]]\n\n[data]\ninputs = [[1.0, 2.0]]\n'
                      'targets = [[1.0]]\n', encoding="utf-8")
    assert main(["validate", str(broken), "--lang", "ko"]) == 2
    korean = capsys.readouterr().err.splitlines()
    assert "broken.toml: seed: 0 이상이어야 함 (받은 값: -1)" in korean
    assert ('broken.toml: network.loss: squared_error, mse, cross_entropy, binary_cross_entropy 중 하나여야 함 '
            '(받은 값: "squared_eror") ("squared_error"을(를) 뜻했나요?)') in korean
    assert "broken.toml: layer[1].weights: 2x1 모양이어야 함 (받은 값: 3x1)" in korean
    assert main(["validate", str(broken)]) == 2
    english = capsys.readouterr().err.splitlines()
    assert "broken.toml: seed: expected at least 0, got -1" in english
    assert "broken.toml: layer[1].weights: expected 2x1, got 3x1" in english


def test_a_message_is_english_as_a_string_and_translated_with_its_slots() -> None:
    from backprop_tui.i18n import Message

    found = Message("expected a table, got {found}", found=Message("an integer"))
    assert found == "expected a table, got an integer" and f"{found}" == "expected a table, got an integer"
    i18n.set_language("ko")
    assert found.translated() == "테이블이어야 함 (받은 값: 정수)"
    assert str(found) == "expected a table, got an integer"      # the str stays English (logs, JSON)


def test_a_note_made_the_older_way_still_reads_as_it_did() -> None:
    """_note(key, text, Number…): code written before notes had messages still gives its sentence."""
    from backprop_tui.core.dense.steps import Number, _note
    from backprop_tui.core.vocab import Kind, Quantity
    from backprop_tui.render.describe import note_text

    note = _note(Quantity(Kind.THETA, 1), " is {stored} as ", Number(0.5), ".")
    assert note_text(note) == "θ¹ is {stored} as 0.5."
    i18n.set_language("ko")
    assert note_text(note) == "θ¹ is {stored} as 0.5."   # no catalogue entry: English, intact
