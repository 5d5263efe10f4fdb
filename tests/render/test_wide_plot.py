"""Charts with Hangul titles, labels and legends keep their width (render/wide_plot.py)."""

from __future__ import annotations

import plotext
from rich.cells import cell_len
from rich.text import Text

from backprop_tui.render.wide_plot import MeasuredPlot, without_marks


def chart(plt, width: int = 40, height: int = 12) -> list[str]:
    plt.clear_figure()
    plt.clear_data()
    plt.plotsize(width, height)
    plt.theme("clear")
    plt.title("에포크별 테스트 손실")
    plt.xlabel("에포크")
    plt.plot([0, 1, 2], [3.0, 2.0, 1.5], label="에포크 평균")
    return without_marks(Text.from_ansi(plotext.build())).plain.splitlines()


def test_a_hangul_title_legend_and_label_keep_the_chart_its_width() -> None:
    lines = chart(MeasuredPlot(plotext))
    assert all(cell_len(line) <= 40 for line in lines), [cell_len(line) for line in lines]
    assert "에포크별 테스트 손실" in lines[0] and any("에포크 평균" in line for line in lines)
    assert "에포크" in lines[-1]


def test_unmeasured_hangul_makes_plotext_lines_too_wide() -> None:
    """Why MeasuredPlot exists: plotext alone counts a Hangul syllable as one column."""
    assert any(cell_len(line) > 40 for line in chart(plotext))


def test_a_title_too_wide_for_the_chart_is_left_out_whole_not_cut() -> None:
    lines = chart(MeasuredPlot(plotext), width=20)
    assert all(cell_len(line) <= 20 for line in lines)
    assert not any("에포크별" in line for line in lines)   # plotext leaves out what does not fit, as in English


def test_taking_the_marks_out_keeps_each_styled_run_in_one_piece() -> None:
    """A Hangul label stays one run of text, as an English one is: a terminal or an SVG screenshot
    draws it in one piece (cut at every mark, each syllable was placed on its own)."""
    from rich.console import Console
    from rich.style import Style

    from backprop_tui.render.wide_plot import for_plotext

    picture = Text.assemble(("┤ ", "blue"), (for_plotext("반복 302부터 E가"), "red"), (" │", "blue"))
    picture.stylize("bold", 2, 4)  # a run that ends on a mark: it ends where its character does
    drawn = without_marks(picture)
    assert drawn.plain == "┤ 반복 302부터 E가 │"
    segments = [s for s in drawn.render(Console()) if s.text]
    assert [s.text for s in segments] == ["┤ ", "반", "복 302부터 E가", " │"]
    assert segments[1].style == Style.parse("red bold") and segments[2].style == Style.parse("red")
