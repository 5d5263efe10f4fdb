"""`backprop-tui new` in Korean: the scenario file's comments and description in Korean, its keys
and numbers exactly those of the English file, valid as written; its option errors in Korean."""

from __future__ import annotations

import re

from backprop_tui import i18n
from backprop_tui.cli.main import main
from backprop_tui.core.scenario.load import load

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _data_lines(text: str) -> list[str]:
    """The file without its comments, description and title: what the loader reads."""
    body = text.split('"""', 2)[2]
    return [line.split("#", 1)[0].rstrip() for line in body.splitlines() if line.split("#", 1)[0].strip()]


def test_new_in_korean_writes_korean_comments_around_the_same_numbers(tmp_path, capsys) -> None:
    korean, english = tmp_path / "ko.toml", tmp_path / "en.toml"
    assert main(["new", str(korean), "--layers", "2,3,2", "--loss", "cross_entropy", "--lang", "ko"]) == 0
    assert main(["new", str(english), "--layers", "2,3,2", "--loss", "cross_entropy", "--lang", "en"]) == 0
    capsys.readouterr()
    text = korean.read_text(encoding="utf-8")
    assert "`backprop-tui new`가 쓴 2-3-2 신경망 (시드 0)." in text
    assert "[[layer]]                    # 레이어 2 (출력)" in text
    assert "# θ²: 3×2 (입력 × 노드); 순전파는 z = θᵀ·a + b를 계산함" in text
    assert "learning_rate = 0.5          # θ ← θ − γ·∂E/∂θ의 γ (학습률)" in text
    words = text.split("# [[variant]]", 1)[0]               # the commented-out variant after it is TOML
    comments = [line.split("#", 1)[1] for line in words.splitlines() if "#" in line]
    assert comments and all(HANGUL.search(c) for c in comments), comments
    assert _data_lines(text) == _data_lines(english.read_text(encoding="utf-8"))
    assert not HANGUL.search(english.read_text(encoding="utf-8"))
    scenario = load(korean)                                             # valid as written
    assert scenario.layers[1].activation == "softmax"


def test_new_s_option_errors_in_korean_name_the_flag_and_exit_2(tmp_path, capsys) -> None:
    path = tmp_path / "x.toml"
    assert main(["new", str(path), "--layers", "2,300,1", "--lang", "ko"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("오류: --layers 2,300,1: 노드 300개인 레이어는 new가 쓰는 한도 (레이어마다 최대 64개)보다 큼")
    assert main(["new", str(path), "--activation", "sigmod", "--lang", "ko"]) == 2
    assert capsys.readouterr().err == ('오류: --activation: step, identity, sigmoid, tanh, relu, leaky_relu, softmax '
                                       '중 하나여야 함 (받은 값: "sigmod") ("sigmoid"을(를) 뜻했나요?)\n')
    assert main(["new", str(path), "--activation", "sigmod", "--lang", "en"]) == 2
    assert capsys.readouterr().err == ('error: --activation: expected one of step, identity, sigmoid, tanh, relu, '
                                       'leaky_relu, softmax, got "sigmod" (did you mean "sigmoid"?)\n')
    assert not path.exists()


def test_the_template_s_default_title_follows_the_language() -> None:
    from backprop_tui.core.scenario.template import scenario_text

    assert scenario_text([2, 1]).startswith('title = "My scenario"\n')
    i18n.set_language("ko")
    assert scenario_text([2, 1]).startswith('title = "내 시나리오"\n')
