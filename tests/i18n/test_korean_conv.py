"""The convolutional stepper in Korean: `trace conv` / `trace fashion_conv` print Korean titles and
notes with the very numbers of the English trace, every note of the convolutional steps is a Korean
sentence with its slots filled, and the bundled convolutional scenarios have Korean titles."""

from __future__ import annotations

import collections
import os
import re
from pathlib import Path

import numpy as np
import pytest

from backprop_tui import i18n
from backprop_tui.cli.main import main
from backprop_tui.core.dense import conv_run
from backprop_tui.core.dense.conv_steps import build_conv_steps
from backprop_tui.core.scenario.conv_load import load_conv, loads_conv
from backprop_tui.render.describe import note_text, notes, scenario_description, scenario_title, title
from tests.conv.conv_support import conv_text

ROOT = Path(__file__).resolve().parents[2]
HANGUL = re.compile(r"[\uac00-\ud7a3]")
NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?|\d+×\d+")
"""The numbers a trace shows (decimals and shapes): the same in both languages."""
ENGLISH_SENTENCE = re.compile(r"\b(the|is|of|and|with|so|each|every)\b [a-z]+")


def trace(capsys, *args: str) -> str:
    assert main(["trace", *args]) == 0
    return capsys.readouterr().out


def unwrapped(text: str) -> str:
    """The trace with its notes' line breaks (made to fit the terminal) undone."""
    return re.sub(r" *\n(?![•\n])", " ", text)


def test_trace_conv_in_korean_has_korean_titles_and_notes_and_the_english_numbers(capsys) -> None:
    english = trace(capsys, "conv", "--lang", "en")
    korean = trace(capsys, "conv", "--lang", "ko")
    assert korean.startswith("종이 위에서 확인할 수 있는 합성곱\n")                                    # title_ko
    flat = unwrapped(korean)
    assert "순전파 · 레이어 1  im2col, 패치를 열로" in korean
    assert "• P¹은(는) 9×16입니다: 각 열은 4×4개 출력 위치 중 하나에 놓인 3×3 패치를 행 단위로 읽은 것입니다." in flat
    assert "• 각 채널의 2×2 윈도우마다 최댓값만 남깁니다 (4×4 → 2×2)." in flat
    assert ("• 필터 가중치 하나는 필터가 지나는 모든 위치에서 쓰이므로, 그 그래디언트는 위치 16개 전부에 대해 "
            "패치 값 × δ를 더한 것입니다: ∂E/∂θ¹ = P¹·δ¹ᵀ") in flat
    assert "• 학습률 γ = 0.1." in korean
    assert "A convolution you can check on paper" not in korean and "Each 2×2 window" not in korean
    bullets = [line for line in korean.splitlines() if line.startswith("• ")]
    # a note is Korean, or only a formula (E = 0.645068, ∂E/∂ŷ = −y/(m·ŷ))
    assert bullets and all(HANGUL.search(line) or not re.search(r"[A-Za-z]{2,}", line) for line in bullets)
    # the same matrices cell for cell, and the same numbers (values, shapes) everywhere else
    rows = lambda text: [line for line in text.splitlines() if line.startswith("│")]  # noqa: E731
    assert rows(korean) == rows(english) and len(rows(english)) > 300
    assert collections.Counter(NUMBER.findall(korean)) == collections.Counter(NUMBER.findall(english))
    assert english.startswith("A convolution you can check on paper\n") and not HANGUL.search(english)


@pytest.fixture(scope="module")
def real_data() -> None:
    """The real Fashion-MNIST (skipped where it is missing, except in CI, as tests/conv do)."""
    from backprop_tui.core.cnn.data import load_dataset, search_places
    from backprop_tui.core.errors import UserError

    try:
        load_dataset(search_places())
    except UserError:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but the real Fashion-MNIST is unavailable")
        pytest.skip("real Fashion-MNIST not installed (sudo apt-get install dataset-fashion-mnist)")


def test_trace_fashion_conv_in_korean(capsys, real_data) -> None:
    korean = unwrapped(trace(capsys, "fashion_conv", "--lang", "ko", "--iterations", "1"))
    assert korean.startswith("실제 Fashion-MNIST 이미지 두 장에 쓰는 작은 CNN ")
    assert ("• P¹은(는) 9×1568입니다: 각 열은 샘플 2개 각각에서 28×28개 출력 위치 (패딩 1: 이미지 둘레의 0) 중 "
            "하나에 놓인 3×3 패치를 행 단위로 읽은 것입니다.") in korean
    assert "(0 패딩 위의 칸은 버립니다)" in korean


def _scenario(**geometry) -> object:
    """Two samples of two channels: every optional clause of the im2col note is in play."""
    rng = np.random.default_rng(0)
    images, filters = rng.normal(size=(2, 2, 7, 7)), rng.normal(size=(2, 2, 3, 3))
    return loads_conv(conv_text(images, np.eye(3)[[0, 1]], filters, np.zeros(2), rng.normal(size=(8, 3)) * 0.1,
                                np.zeros(3), **geometry))


@pytest.mark.parametrize("geometry", [dict(stride=2, padding=1), dict(activation="leaky_relu", pool=2)],
                         ids=["stride-padding", "leaky-relu"])
def test_every_note_of_a_convolutional_step_is_a_korean_sentence_with_its_slots_filled(geometry) -> None:
    if "activation" in geometry:  # 7×7 with a 3×3 kernel gives 5×5: pad the image so the pool divides it
        geometry = {**geometry, "padding": 0}
        rng = np.random.default_rng(1)
        scenario = loads_conv(conv_text(rng.normal(size=(1, 1, 6, 6)), np.eye(3)[[0]], rng.normal(size=(2, 1, 3, 3)),
                                        np.zeros(2), rng.normal(size=(8, 3)) * 0.1, np.zeros(3), **geometry))
    else:
        scenario = _scenario(**geometry)
    steps = build_conv_steps(scenario, conv_run.run(scenario, 1)[0])
    english = [text for step in steps for text in notes(step)]
    assert all("{" not in text for text in english), english          # LReLU′'s slope was left as '{slope}'
    i18n.set_language("ko")
    texts = [text for step in steps for text in [title(step), *notes(step)]]
    assert len(texts) > 20
    for text in texts:
        assert "{" not in text and not ENGLISH_SENTENCE.search(text), text
    korean_notes = [text for step in steps for text in notes(step)]
    if "stride" in geometry:
        assert ("P¹은(는) 18×32입니다: 각 열은 샘플 2개 각각에서 4×4개 출력 위치 (스트라이드 2) (패딩 1: 이미지 둘레의 0) "
                "중 하나에 놓인 3×3 패치 (채널 2개 모두)를 행 단위로 읽은 것입니다.") in korean_notes
    else:
        assert "LReLU′(z) = z > 0이면 1, 아니면 0.01" in korean_notes


def test_the_bundled_convolutional_scenarios_have_korean_titles_and_descriptions() -> None:
    for name in ("conv", "fashion_conv"):
        scenario = load_conv(name)
        english_title, english_description = scenario_title(scenario), scenario_description(scenario)
        i18n.set_language("ko")
        assert HANGUL.search(scenario_title(scenario)) and HANGUL.search(scenario_description(scenario)), name
        i18n.set_language("en")
        assert (english_title, english_description) == (scenario.title, scenario.description)


def test_a_tie_note_reads_the_same_in_english() -> None:
    """The notes are whole sentences now; the English ones read word for word as before."""
    scenario = load_conv("conv")
    steps = build_conv_steps(scenario, conv_run.run(scenario, 1)[0])
    texts = [note_text(note) for step in steps for note in step.notes]
    assert ("P¹ is 9×16: each column is the 3×3 patch under one of the 4×4 output positions, read row by row."
            in texts)
    assert ("θ¹ᵀ holds the 2 filters (2×1×3×3 in the file) as rows, each read row by row like a patch: 2×9; θ¹ (9×2) "
            "is stored inputs × units as in the lecture.") in texts


@pytest.mark.parametrize(("cell", "korean", "english"), [
    ("dE_da1[1,2]", "∂E/∂a¹₁₂ = a¹₁₂이(가) 윈도우의 최댓값이면 ∂E/∂a²₁₁, 아니면 0 = -0.1166   (a¹₁₂ = 0.5이(가) 윈도우의 최댓값)",
     "∂E/∂a¹₁₂ = ∂E/∂a²₁₁ if a¹₁₂ is its window's maximum, else 0 = -0.1166   (a¹₁₂ = 0.5 won its window)"),
    ("dE_da1[1,1]", "∂E/∂a¹₁₁ = a¹₁₁이(가) 윈도우의 최댓값이면 ∂E/∂a²₁₁, 아니면 0 = 0   (윈도우의 최댓값은 a¹₁₂ = 0.5)",
     "∂E/∂a¹₁₁ = ∂E/∂a²₁₁ if a¹₁₁ is its window's maximum, else 0 = 0   (the window's maximum is a¹₁₂ = 0.5)"),
    ("dE_dx[1,1]", "∂E/∂x₁₁ = ∂E/∂P¹₁₁ = 0   (이 픽셀에서 복사된 패치 칸을 모두 더함)",
     "∂E/∂x₁₁ = ∂E/∂P¹₁₁ = 0   (every patch cell copied from this pixel, added)"),
])
def test_the_convolutional_worked_lines_in_korean(capsys, cell, korean, english) -> None:
    """`explain conv CELL`: the words of a worked line in Korean, its symbols and numbers as in English."""
    assert main(["explain", "conv", cell, "--lang", "ko"]) == 0
    assert capsys.readouterr().out == korean + "\n"
    assert main(["explain", "conv", cell, "--lang", "en"]) == 0
    assert capsys.readouterr().out == english + "\n"


def test_a_pixel_on_the_zero_padding_in_korean(capsys) -> None:
    from backprop_tui.render.worked import worked

    scenario = _scenario(stride=2, padding=1)
    steps = build_conv_steps(scenario, conv_run.run(scenario, 1)[0])
    step = next(s for s in steps if s.operation.kind.value == "im2col")
    i18n.set_language("ko")
    assert worked(step, step.operation.result, (0, 0)).line == "P¹₁₁ = (0 패딩) = 0"


def _broken_conv(tmp_path) -> str:
    """conv.toml with a 2×2 kernel (its 3×3 weights no longer fit, and 5×5 maps do not pool by 2),
    momentum (the stepper steps with gd or sgd), and a conv2d after the flatten."""
    text = (ROOT / "scenarios" / "conv.toml").read_text(encoding="utf-8")
    text = text.replace("kernel = 3", "kernel = 2").replace('optimizer = "gd"', 'optimizer = "momentum"')
    text = text.replace('[[layer]]                        # layer 4', '[[layer]]\ntype = "conv2d"\nfilters = 1\nkernel = 1\n\n'
                        '[[layer]]                        # layer 4')
    path = tmp_path / "broken_conv.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_bad_convolutional_scenario_s_errors_in_korean_name_the_file_and_key_and_exit_2(tmp_path, capsys) -> None:
    path = _broken_conv(tmp_path)
    assert main(["validate", path, "--lang", "ko"]) == 2
    korean = capsys.readouterr().err.splitlines()
    assert "broken_conv.toml: layer[1].weights: 2 × 1 × 2 × 2 모양의 중첩된 수 배열이어야 함 (받은 값: 2 × 1 × 3 × 3)" in korean
    assert "broken_conv.toml: layer[2].size: 2×2 풀링으로 입력 2×5×5을(를) 나눌 수 없음: 높이와 너비가 2의 배수여야 함" in korean
    assert 'broken_conv.toml: training.optimizer: 합성곱 시나리오는 gd나 sgd로 단계를 밟음 (받은 값: "momentum")' in korean
    assert "Traceback" not in "\n".join(korean)
    assert main(["trace", path, "--lang", "ko"]) == 2
    assert capsys.readouterr().err.startswith("오류: broken_conv.toml: layer[1].weights: 2 × 1 × 2 × 2 모양의")
    assert main(["validate", path, "--lang", "en"]) == 2
    english = capsys.readouterr().err.splitlines()
    assert ("broken_conv.toml: layer[2].size: a 2×2 pool does not divide its input of 2×5×5: height and width must be "
            "multiples of 2") in english
    assert 'broken_conv.toml: training.optimizer: a convolutional scenario steps with gd or sgd, got "momentum"' in english


def test_a_worded_size_in_a_convolutional_error_is_korean_too() -> None:
    """A flat layer's size ("8 values") is a message of its own, filled into the sentence in the same language."""
    from backprop_tui.core.scenario.errors import ScenarioError

    text = (ROOT / "scenarios" / "conv.toml").read_text(encoding="utf-8").replace(
        '[[layer]]                        # layer 4', '[[layer]]\ntype = "maxpool"\n\n[[layer]]                        # layer 4')
    with pytest.raises(ScenarioError) as raised:
        loads_conv(text, "pool_after_flatten.toml")
    problem = next(p for p in raised.value.problems if p.path == "layer[4].type")
    assert str(problem.message) == "maxpool expects images (channels × height × width), but its input is flat (8 values); pool before flatten"
    i18n.set_language("ko")
    assert problem.message.translated() == ("maxpool은 이미지 (채널 × 높이 × 너비)를 받아야 하는데, 입력이 평평함 (값 8개); "
                                            "풀링은 flatten 앞에 하세요")


def korean_conv():
    from backprop_tui.core.scenario.bundled import resolve
    from tests.tui.helpers import FastWatchApp

    i18n.set_language("ko")  # as `--lang ko` leaves it before the app starts (conftest resets it)
    return FastWatchApp(resolve("conv"))


class TestKoreanConvSnapshots:
    """The convolutional stepper in Korean: its pictures' captions and legend, titles and notes."""

    def test_pooling_step_80x24(self, snap_compare) -> None:
        assert snap_compare(korean_conv(), terminal_size=(80, 24), press=["right", "right", "right"])

    def test_col2im_step_120x36(self, snap_compare) -> None:
        assert snap_compare(korean_conv(), terminal_size=(120, 36), press=["down", "down"] + ["right"] * 9)


def test_korean_asked_of_an_ascii_output_gives_the_english_convolutional_trace_and_errors(tmp_path) -> None:
    """As the dense trace does (cli/textout.py): English, said on stderr, never a crash or '?'."""
    from tests.i18n.test_language_choice import _trace

    result = _trace(["trace", "conv", "--iterations", "1", "--lang", "ko"], PYTHONIOENCODING="ascii")
    assert result.returncode == 0, result.stderr
    assert "note: this output's encoding (ascii) cannot show 'ko' text; writing English" in result.stderr
    assert "FORWARD * layer 1  Layer 1: im2col, the patches as columns" in result.stdout
    assert "?" not in result.stdout and "Traceback" not in result.stderr
    broken = _broken_conv(tmp_path)
    result = _trace(["validate", broken, "--lang", "ko"], PYTHONIOENCODING="ascii")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "broken_conv.toml: layer[2].size: a 2x2 pool does not divide its input of 2x5x5" in result.stderr


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_pictures_count_and_legend_are_never_cut_off_in_a_narrow_pane(language) -> None:
    """The legend and the count of pictures left out wrap in a narrow pane (more in Korean):
    the rows drawn leave room for every line of them, wherever the first row leaves any."""
    from rich.console import Console

    from backprop_tui.core.dense.operation import OpKind
    from backprop_tui.render.conv_pictures import step_panels, pictures

    scenario = load_conv("conv")
    steps = build_conv_steps(scenario, conv_run.run(scenario, 1)[0])
    pool = next(s for s in steps if s.operation.kind is OpKind.MAXPOOL)
    i18n.set_language(language)
    panels = step_panels(scenario, pool, 0, (pool.operation.result, (0, 0)))  # the cursor's window outlined
    for width in (27, 40):
        for height in range(10, 30):  # 10: the first row (6 lines), the legend (3), the count
            console = Console(width=width, record=True, color_system=None)
            console.print(pictures(panels, width, True, height))
            lines = console.export_text().rstrip("\n").split("\n")
            assert len(lines) <= height, (width, height, lines)
