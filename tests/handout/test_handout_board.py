"""The handout writes each step as the board does: the equation, its numbers as matrices with
their shapes, the result; updates show their change; big matrices are elided; blanks and their
answer key agree with the engine; a long range stays small."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

from backprop_tui import i18n
from backprop_tui.core.errors import UserError
from backprop_tui.core.vocab import Phase, parse_cell, parse_quantity
from backprop_tui.render.answer_key import answer_key
from backprop_tui.render.handout import IterationBoard, Summary
from backprop_tui.render.handout_latex import to_latex
from backprop_tui.render.handout_markdown import BLANK, to_markdown
from backprop_tui.render.latex_text import latex_text
from backprop_tui.render.notation import latex

from .support import handout, walk

LECTURE_FIRST_MARKDOWN = """\
z¹ = θ¹ᵀ·x
     ⎡1.2  0.3⎤         ⎡1.35⎤
   = ⎢1.1  0.7⎥·⎡1.0⎤ = ⎢1.45⎥
     ⎣1.5  0.3⎦ ⎣0.5⎦   ⎣1.65⎦
        3×2      2×1     3×1
"""

LECTURE_FIRST_LATEX = r"""\begin{align*}
z^{1} &= {\theta^{1}}^{\top}\cdot x \\
&= \underset{3\times 2}{\begin{bmatrix} 1.2 & 0.3 \\ 1.1 & 0.7 \\ 1.5 & 0.3 \end{bmatrix}}\cdot \underset{2\times 1}{\begin{bmatrix} 1.0 \\ 0.5 \end{bmatrix}} \\
&= \underset{3\times 1}{\begin{bmatrix} 1.35 \\ 1.45 \\ 1.65 \end{bmatrix}}
\end{align*}"""


def test_the_lecture_s_first_step_is_the_board_s_equation_in_markdown() -> None:
    text = to_markdown(handout("lecture", 1))
    block = text.split("```text\n", 1)[1].split("```", 1)[0]
    assert block == LECTURE_FIRST_MARKDOWN


def test_the_lecture_s_first_step_is_the_board_s_equation_in_latex() -> None:
    text = to_latex(handout("lecture", 1))
    assert text.split("\\begin{align*}", 1)[0].count("\\begin{document}") == 1
    first = "\\begin{align*}" + text.split("\\begin{align*}", 1)[1].split("\\end{align*}", 1)[0] + "\\end{align*}"
    assert first == LECTURE_FIRST_LATEX


def test_every_operation_but_the_transposes_is_a_line_with_the_engine_s_result() -> None:
    h = handout("lecture", 1)
    board = h.iterations[0]
    assert isinstance(board, IterationBoard)
    names = [line.result.key.ascii for step in board.steps for line in step.lines]
    assert names == ["z1", "a1", "z2", "yhat", "y_minus_yhat", "E", "dE_dyhat", "fprime2", "delta2", "dE_dtheta2",
                     "dE_da1", "fprime1", "delta1", "dE_dtheta1", "theta1_new", "theta2_new"]
    for step in board.steps:
        for line in step.lines:
            assert np.array_equal(line.result.values, step.step.matrix(line.result.key).values)


def test_an_update_shows_its_change_with_the_app_s_digits() -> None:
    text = to_markdown(handout("lecture", 1))
    update = text.split("### 11. Layer 1: update θ¹")[1].split("```", 2)[1]
    assert "θ¹ ← θ¹ − γ·∂E/∂θ¹" in update
    # 0.3 → 0.3007: four digits, as worked lines show it (0.3 would not move at 0.300)
    assert "0.3007" in update and "0.701" in update and " 0.5·" in update
    latex_update = to_latex(handout("lecture", 1)).split("update $\\theta^{1}$")[1]
    assert "\\theta^{1} &\\leftarrow \\theta^{1} - \\gamma\\cdot \\frac{\\partial E}{\\partial \\theta^{1}}" in latex_update
    assert "0.3007" in latex_update


def _big_scenario(path: Path) -> Path:
    rng = np.random.default_rng(0)
    w1, w2 = rng.normal(0, 0.3, (10, 8)), rng.normal(0, 0.3, (8, 3))
    rows = lambda m: "[" + ", ".join("[" + ", ".join(f"{v:.3f}" for v in r) + "]" for r in m) + "]"  # noqa: E731
    path.write_text(
        f'title = "Big"\n[network]\ninputs = 10\nloss = "squared_error"\n'
        f'[[layer]]\nunits = 8\nactivation = "tanh"\nweights = {rows(w1)}\n'
        f'[[layer]]\nunits = 3\nactivation = "sigmoid"\nweights = {rows(w2)}\n'
        f'[data]\ninputs = {rows(rng.random((1, 10)))}\ntargets = [[1.0, 0.0, 1.0]]\n'
        f'[training]\nlearning_rate = 0.1\niterations = 1\n', encoding="utf-8")
    return path


def test_a_big_matrix_is_elided_with_dots_and_its_shape_says_how_big(tmp_path: Path) -> None:
    h = handout(str(_big_scenario(tmp_path / "big.toml")), 1)
    text = to_markdown(h)
    first = text.split("```text\n", 1)[1].split("```", 1)[0]
    assert "⋮" in first and "⋯" in first and "⋱" in first and "8×10" in first and "10×1" in first
    assert len(first.splitlines()[2]) < 80  # the first two columns, the dots, the last: never all ten
    tex = to_latex(h)
    assert "\\vdots" in tex and "\\cdots" in tex and "\\ddots" in tex and "\\underset{8\\times 10}" in tex


def test_blanks_leave_the_chosen_results_empty_wherever_they_appear_and_the_key_holds_them() -> None:
    h = handout("lecture", 1, blank_phases=frozenset({Phase.FORWARD}),
                blank_quantities=frozenset({parse_quantity("delta2"), parse_quantity("theta2_new")}))
    text = to_markdown(h)
    assert "1.35" not in text and "0.6191" not in text and "0.7941" not in text  # z¹, ŷ, a¹ nowhere
    assert "-0.08982" not in text and "0.2357" not in text  # δ², θ² new
    assert "-0.3809" in text  # ∂E/∂ŷ is asked nowhere, so it is shown
    assert text.count(BLANK) > 10 and "loss before the update" not in text
    key = tomllib.loads(answer_key(h, "sheet.md"))
    answers = key["iteration"]["1"]
    assert list(answers) == ["z1", "a1", "z2", "yhat", "delta2", "theta2_new"]
    scenario, its, steps = walk("lecture", 1)
    fwd = its[0].forward
    assert answers["z1"] == fwd.z[0][:, 0].tolist()  # exact, a column as a list
    assert answers["yhat"] == fwd.a[-1][0, 0]  # 1×1 as a number
    assert answers["delta2"] == its[0].backward.delta[1][0, 0]
    assert answers["theta2_new"] == its[0].after.params.weights[1].tolist()  # a weight as rows
    tex = to_latex(h)
    assert "\\boxed{\\phantom{-0.0000}}" in tex and "1.35" not in tex


def test_a_sheet_s_notes_and_story_quote_no_number_an_answer_could_be_read_from() -> None:
    sheet = to_markdown(handout("lecture", 1, blank_phases=frozenset(Phase)))
    plain = to_markdown(handout("lecture", 1))
    assert "- E = 0.072544" in plain and "0.0725" not in sheet and "0.619" not in sheet  # nor in the story
    assert "exactly as worked on the board" in plain and "exactly as worked on the board" not in sheet
    assert "exactly as worked" not in to_latex(handout("lecture", 1, blank_phases=frozenset({Phase.LOSS})))
    assert "- σ′(z) = σ(z)(1 − σ(z))" in sheet  # the notes that give no number stay


def test_on_a_sheet_the_chain_rule_names_its_factors_and_leaves_the_numbers_blank() -> None:
    h = handout("lecture", 1, chains=(parse_cell("theta1[1,1]"),), blank_phases=frozenset({Phase.BACKWARD}))
    section = to_markdown(h).split("#### Chain rule for theta1[1,1]")[1].split("###", 1)[0]
    assert "path 1: ∂E/∂ŷ₁ · ∂ŷ₁/∂z²₁" in section and "= ______ · ______" in section
    assert "sum of the terms = ∂E/∂θ¹₁₁ = ______" in section
    assert "-0.00293" not in section and "agrees" not in section


def test_a_blank_no_chosen_step_writes_is_refused() -> None:
    with pytest.raises(UserError, match=r"--blanks z3: no chosen step writes it"):
        handout("lecture", 1, blank_quantities=frozenset({parse_quantity("z3")}))
    with pytest.raises(UserError, match=r"--blanks z1: no chosen step writes it"):
        handout("lecture", 1, phases=(Phase.BACKWARD,), blank_quantities=frozenset({parse_quantity("z1")}))


def test_ranges_and_phases_choose_what_is_written() -> None:
    h = handout("lecture", 3, first=2, last=3, phases=(Phase.LOSS, Phase.UPDATE))
    boards = [b for b in h.iterations if isinstance(b, IterationBoard)]
    assert [b.number for b in boards] == [2, 3] and h.span == (2, 3)
    assert {s.step.phase for b in boards for s in b.steps} == {Phase.LOSS, Phase.UPDATE}
    text = to_markdown(h)
    assert "## Iteration 1" not in text and "## Iteration 2" in text and "weighted sums" not in text
    for first, last, message in ((4, None, "--from 4: the walk has 3 iterations"),
                                 (1, 5, "--to 5: the walk has 3 iterations"),
                                 (3, 2, "--from 3 --to 2: the first iteration is after the last")):
        with pytest.raises(UserError, match=message):
            handout("lecture", 3, first=first, last=last)


def test_how_far_the_walk_went_is_one_whole_sentence_in_each_language() -> None:
    """The CLI and the app each say how far the walk went, and how to go further, in one sentence of
    their own (a fragment glued into another sentence lost "so far" in Korean)."""
    from backprop_tui.render.handout import HandoutOptions, check_range
    from backprop_tui.walk.handout import walked_in_app

    for walk_has, english, korean in (
            (walked_in_app, "--to 5: the walk has 3 iterations so far (step further, then write the handout)",
             "--to 5: 지금까지 진행한 반복이 3회뿐입니다 (단계를 더 진행한 뒤 유인물을 쓰세요)"),
            (None, "--to 5: the walk has 3 iterations (pass --iterations N to walk more)",
             "--to 5: 진행한 반복이 3회뿐입니다 (더 진행하려면 --iterations N을 주세요)")):
        for language, expected in (("en", english), ("ko", korean)):
            i18n.set_language(language)  # conftest sets English back
            with pytest.raises(UserError) as raised:
                check_range(HandoutOptions(1, 5), 3, *([walk_has] if walk_has else []))
            assert str(raised.value) == expected


def test_the_chain_rule_of_a_chosen_weight_follows_its_gradient_and_sums_to_it() -> None:
    h = handout("xor", 1, chains=(parse_cell("theta1[2,1]"), parse_cell("b2[1]")))
    board = h.iterations[0]
    placed = {c.cell.ascii: s.step for s in board.steps for c in s.chains}
    assert placed["theta1[2,1]"].parameter.value == "weights" and placed["theta1[2,1]"].layer == 1
    assert placed["b2[1]"].parameter.value == "bias" and placed["b2[1]"].layer == 2
    chain = next(c for s in board.steps for c in s.chains if c.cell.ascii == "theta1[2,1]")
    assert chain.drill.path_sum == pytest.approx(chain.drill.analytic, rel=1e-12)
    gradient = placed["theta1[2,1]"].matrix(parse_quantity("dE_dtheta1")).values
    assert chain.drill.analytic == gradient[1, 0]
    text = to_markdown(h)
    section = text.split("#### Chain rule for theta1[2,1]")[1].split("###", 1)[0]
    assert "sample 1, path 1: ∂E/∂ŷ₁" in section and "∂z¹₁/∂θ¹₂₁" in section and "agrees" in section
    assert "\n                  = " in section  # the values under the names
    assert "\\paragraph{Chain rule for theta1[2,1]}" in to_latex(h)


def test_a_long_walk_writes_its_first_iterations_and_last_in_full_and_the_rest_as_a_table() -> None:
    short = to_markdown(handout("xor", 126))
    full = to_markdown(handout("xor", 126, detailed=None))
    h = handout("xor", 126)
    kinds = [type(b).__name__ for b in h.iterations]
    assert kinds == ["IterationBoard"] * 3 + ["Summary", "IterationBoard"]
    summary = h.iterations[3]
    assert isinstance(summary, Summary) and [r[0] for r in summary.rows] == list(range(4, 126))
    assert "| 64 | 1, 2, 3, 4 |" in short and "## Iteration 126" in short
    # measured: 34 KB against 879 KB step by step (and 1.39 MB for the old table-per-matrix export)
    assert len(short.encode()) < 60_000 < 500_000 < len(full.encode())
    assert full.count("## Iteration ") == 126


def test_latex_text_escapes_every_special_and_spells_the_notation_as_math() -> None:
    assert latex_text("50% of $5 & #1 {x_1} ~^\\ <a|b>") == (
        "50\\% of \\$5 \\& \\#1 \\{x\\_1\\} \\textasciitilde{}\\textasciicircum{}\\textbackslash{} "
        "\\textless{}a\\textbar{}b\\textgreater{}")
    assert latex_text("θ¹ᵀ₂₁ = ∂E/∂ŷ · σ′") == "$\\theta^{1\\top{}}_{21}$ = $\\partial$E/$\\partial\\hat{y}$ $\\cdot{}$ $\\sigma'$"
    assert latex_text("Zoë → 中") == "Zoe $\\to{}$ [U+4E2D]"


def test_the_latex_of_a_new_velocity_has_no_double_subscript() -> None:
    assert latex(parse_quantity("v_b1_new")) == "{v_{b}^{1}}_{\\text{new}}"
    assert latex(parse_quantity("theta2_new")) == "\\theta^{2}_{\\text{new}}"


def test_only_the_iterations_written_step_by_step_need_their_steps() -> None:
    from backprop_tui.render.handout import HandoutOptions, detailed_iterations

    assert detailed_iterations(HandoutOptions(), 1, 4) == {1, 2, 3, 4}
    assert detailed_iterations(HandoutOptions(), 2, 126) == {2, 3, 4, 126}
    assert detailed_iterations(HandoutOptions(detailed=None), 1, 6) == set(range(1, 7))
    scenario, its, steps = walk("xor", 9)
    kept = [s for s in steps if s.iteration in {1, 2, 3, 9}]
    from backprop_tui.render.handout import build_handout

    assert to_markdown(build_handout(scenario, its, kept, HandoutOptions())) == to_markdown(handout("xor", 9))
