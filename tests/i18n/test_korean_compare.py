"""`compare` in Korean: the title_ko, the table's and the plot's words in Korean, the losses exactly
those of the English output, the columns aligned with the double-width heading."""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.console import Console

from backprop_tui import i18n
from backprop_tui.cli.main import main
from backprop_tui.core.dense.compare import compare
from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.core.scenario.load import load
from backprop_tui.render.compare import curves_table

NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?|nan|inf")


def _table(text: str) -> list[str]:
    """The loss table: from its heading to the blank line after it."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith(("iteration", "반복")))
    return lines[start:lines.index("", start)]


def test_compare_in_korean_has_korean_words_and_the_english_losses(capsys) -> None:
    assert main(["compare", "learning-rate", "--lang", "ko"]) == 0
    korean = capsys.readouterr().out
    assert main(["compare", "learning-rate", "--lang", "en"]) == 0
    english = capsys.readouterr().out
    assert korean.startswith("학습률: 너무 작으면 기어가고, 너무 크면 발산한다\n")
    assert ("업데이트 k번 뒤 전체 데이터에 대한 손실 E (k = 0: 처음 가중치), 변형마다 업데이트 320번: "
            "too-small, right, too-large") in korean
    assert "too-large: 반복 302부터 E가 inf/NaN (업데이트 301번 뒤)" in korean
    assert "(그래프에서 20.15보다 큰 손실은 20.15에 그림)" in korean
    assert "전체 데이터에 대한 손실 E (로그 눈금)" in korean and "범례: •• too-small" in korean
    assert "Loss E on all the data" not in korean and "legend:" not in korean
    ko_table, en_table = _table(korean), _table(english)
    assert [NUMBER.findall(line) for line in ko_table] == [NUMBER.findall(line) for line in en_table]
    # right-aligned in terminal cells: with "반복" two cells wide, every line still ends at the same column
    assert len({cell_len(line) for line in ko_table}) == 1
    assert ko_table[0].startswith("반복  too-small") and en_table[0].startswith("iteration  too-small")

def test_the_korean_text_chart_centres_its_title_and_label_by_their_cells_as_the_english_one(capsys) -> None:
    """plotext alone counts a syllable as one column: the Korean title and axis label were drawn
    six and five cells right of where the English ones are centred."""
    def chart(language: str) -> tuple[str, str, str]:
        assert main(["compare", "learning-rate", "--lang", language]) == 0
        lines = capsys.readouterr().out.splitlines()
        top = next(i for i, line in enumerate(lines) if "┌" in line)
        return lines[top - 1], lines[top], lines[-2]

    for language, title, label in (("en", "loss E on all the data (log scale)", "iteration (updates done)"),
                                   ("ko", "전체 데이터에 대한 손실 E (로그 눈금)", "반복 (마친 업데이트 수)")):
        title_line, frame, label_line = chart(language)
        assert title_line.strip() == title and label in label_line and "\ue000" not in title_line + label_line
        middle = (frame.index("┌") + frame.index("┐") + 1) / 2
        assert abs(cell_len(title_line[:title_line.index(title)]) + cell_len(title) / 2 - middle) <= 1, title_line
        assert abs(cell_len(label_line[:label_line.index(label)]) + cell_len(label) / 2 - middle) <= 1.5, label_line


def test_the_compare_screen_s_table_headings_in_korean() -> None:
    comparison = compare(load(resolve("learning-rate")), 20)
    i18n.set_language("ko")
    console = Console(width=120, record=True, color_system=None)
    console.print(curves_table(comparison))
    text = console.export_text()
    assert text.splitlines()[0].split() == ["변형", "처음", "E", "20번", "뒤", "E", "보여", "주는", "것"]
