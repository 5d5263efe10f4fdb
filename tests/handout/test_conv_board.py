"""A convolutional scenario's handout writes each step as the board does: the convolution as the
filters' matrix times the patch matrix, folded into feature maps; pooling per map with its
winners; flatten, unflatten, routing, col2im per map; every number checked against direct loops
over the image (the oracle), not against the renderer."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from backprop_tui.cli.conv import conv_iterations, load_conv_scenario
from backprop_tui.core.dense.operation import OpKind
from backprop_tui.core.errors import UserError
from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.core.vocab import Phase, parse_cell
from backprop_tui.render.conv_board import board_lines, worked_notes
from backprop_tui.render.handout import HandoutOptions, IterationBoard, build_handout
from backprop_tui.render.handout_latex import to_latex
from backprop_tui.render.handout_markdown import to_markdown

CONV_FIRST_MARKDOWN = """\
z¹ = θ¹ᵀ·P¹ + b¹
                         ⎡  0  2.0  ⋯  1.0⎤
   = ⎡1.0    0  ⋯  -1.0⎤·⎢2.0    0  ⋯    0⎥ + ⎡ 0.5⎤ = ⎡-3.5   0.5  ⋯   0.5⎤
     ⎣1.0  2.0  ⋯  -1.0⎦ ⎢  ⋮    ⋮  ⋱    ⋮⎥   ⎣-0.5⎦   ⎣-0.5  -2.5  ⋯  -2.5⎦
             2×9         ⎣2.0  1.0  ⋯    0⎦    2×1              2×16
                                9×16

z¹ (map 1) = fold(z¹[1, :])
                                         ⎡-3.5   0.5  4.5  3.5⎤
           = fold([-3.5  0.5  ⋯  0.5]) = ⎢-0.5  -2.5  3.5  1.5⎥
                          1×16           ⎢ 2.5  -2.5  3.5  0.5⎥
                                         ⎣ 1.5   0.5  1.5  0.5⎦
                                                  4×4

z¹ (map 2) = fold(z¹[2, :])
                                           ⎡-0.5  -2.5  -4.5  -5.5⎤
           = fold([-0.5  -2.5  ⋯  -2.5]) = ⎢ 0.5   2.5   0.5  -1.5⎥
                           1×16            ⎢-2.5  -1.5   0.5   1.5⎥
                                           ⎣ 0.5   1.5   0.5  -2.5⎦
                                                     4×4
"""
"""The conv scenario's first convolution, as the board writes it (step 2 of its handout)."""

CONV_FIRST_LATEX = r"""\begin{align*}
z^{1}\ (\text{map 1}) &= \mathrm{fold}\left(z^{1}[1,\,:]\right) \\
&= \mathrm{fold}\left(\underset{1\times 16}{\begin{bmatrix} -3.5 & 0.5 & \cdots & 0.5 \end{bmatrix}}\right) \\
&= \underset{4\times 4}{\begin{bmatrix} -3.5 & 0.5 & 4.5 & 3.5 \\ -0.5 & -2.5 & 3.5 & 1.5 \\ 2.5 & -2.5 & 3.5 & 0.5 \\ 1.5 & 0.5 & 1.5 & 0.5 \end{bmatrix}}
\end{align*}"""
"""Its first feature map in the LaTeX handout."""


def walk_conv(name: str, iterations: int = 1):
    """A bundled convolutional scenario, its first `iterations` and their steps."""
    scenario = load_conv_scenario(resolve(name), None)
    its, steps = conv_iterations(scenario, iterations)
    return scenario, its, steps


def loop_convolution(image: np.ndarray, filters: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """F × Ho × Wo: each output cell the sum of filter × patch, one multiplication at a time
    (stride 1, no padding, one channel: the conv scenario's layer)."""
    f, k = filters.shape[0], filters.shape[-1]
    h, w = image.shape
    out = np.zeros((f, h - k + 1, w - k + 1))
    for j in range(f):
        for y in range(h - k + 1):
            for x in range(w - k + 1):
                total = 0.0
                for u in range(k):
                    for v in range(k):
                        total += image[y + u, x + v] * filters[j, 0, u, v]
                out[j, y, x] = total + bias[j]
    return out


def _maps_in(text: str) -> list[list[list[float]]]:
    """The 4×4 results of the fold lines in a markdown block: the numbers after the last '= ' of each row."""
    maps, rows = [], []
    for line in text.splitlines():
        if "⎡" in line or "⎢" in line or "⎣" in line:
            last = re.split(r"[⎡⎢⎣]", line)[-1]
            numbers = [float(t) for t in re.findall(r"-?\d+\.?\d*", last)]
            if len(numbers) == 4 and "z¹ (map" not in line:
                rows.append(numbers)
        if len(rows) == 4:
            maps.append(rows)
            rows = []
    return maps


def test_the_first_convolution_is_the_board_s_equation_with_the_loop_convolution_s_numbers() -> None:
    scenario, its, steps = walk_conv("conv")
    text = to_markdown(build_handout(scenario, its, steps, HandoutOptions()))
    block = text.split("### 2. ", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    assert block == CONV_FIRST_MARKDOWN
    layer = scenario.layers[0]
    z = loop_convolution(scenario.x[0, 0], layer.weights, layer.bias)
    assert z[0, 0, 0] == -3.5  # worked by hand in the scenario's description: −4 + b¹₁ = 0.5
    maps = _maps_in(CONV_FIRST_MARKDOWN.split("z¹ (map 1)", 1)[1])
    assert len(maps) == 2
    np.testing.assert_array_equal(np.array(maps), z)  # the literal's maps are the loops' numbers
    assert CONV_FIRST_MARKDOWN.count("4×4") == 2 and "2×16" in CONV_FIRST_MARKDOWN and "9×16" in CONV_FIRST_MARKDOWN


def test_the_first_feature_map_in_latex() -> None:
    scenario, its, steps = walk_conv("conv")
    text = to_latex(build_handout(scenario, its, steps, HandoutOptions()))
    assert CONV_FIRST_LATEX in text
    assert "a LaTeX handout" not in text


def _stored(values: list[np.ndarray], channels: int) -> np.ndarray:
    """Maps (sample-major, channel inside) back to the engine's C × (m·H·W) layout."""
    samples = len(values) // channels
    return np.hstack([np.vstack([values[s * channels + c].reshape(1, -1) for c in range(channels)])
                      for s in range(samples)])


DEEP = Path(__file__).with_name("deep_conv.toml")
"""Two conv2d layers (the second reading 3 channels), padding 1, tanh, two samples of two channels."""


@pytest.mark.parametrize("name", ["conv", str(DEEP)])
def test_every_convolutional_step_kind_has_lines_whose_maps_are_the_engine_s_result(name: str) -> None:
    scenario, its, steps = walk_conv(name)
    seen = set()
    for step in steps:
        lines = board_lines(scenario, step)
        assert lines, step.index
        for op in step.operations:
            if op.kind not in (OpKind.MAXPOOL, OpKind.MAXPOOL_BACKWARD, OpKind.UNFLATTEN, OpKind.COL2IM):
                continue
            seen.add(op.kind)
            mine = [line for line in lines if line.lhs == op.result]
            assert all(line.label is not None for line in mine)  # one line per map, labelled
            channels = op.image[0]
            np.testing.assert_array_equal(_stored([line.result.values for line in mine], channels),
                                          step.matrix(op.result).values)
        kinds = {op.kind for op in step.operations}
        if OpKind.IM2COL in kinds or OpKind.FLATTEN in kinds:
            seen |= kinds
            (line,) = lines
            assert line.result.values is step.matrix(line.lhs).values or np.array_equal(
                line.result.values, step.matrix(line.lhs).values)
    assert seen >= {OpKind.IM2COL, OpKind.MAXPOOL, OpKind.FLATTEN, OpKind.UNFLATTEN, OpKind.MAXPOOL_BACKWARD,
                    OpKind.COL2IM}


def test_pooling_and_its_backward_pass_agree_with_loops_and_the_winners_are_named() -> None:
    scenario, its, steps = walk_conv("conv")
    z = loop_convolution(scenario.x[0, 0], scenario.layers[0].weights, scenario.layers[0].bias)
    a = np.maximum(z, 0.0)
    pool = next(s for s in steps if any(op.kind is OpKind.MAXPOOL for op in s.operations))
    lines = board_lines(scenario, pool)
    assert [line.label.unicode for line in lines] == ["map 1", "map 2"]
    for j, line in enumerate(lines):
        np.testing.assert_array_equal(line.substituted[1].values, a[j])  # the map before
        for y in range(2):
            for x in range(2):
                assert line.result.values[y, x] == a[j, 2 * y:2 * y + 2, 2 * x:2 * x + 2].max()  # and after
    notes = worked_notes(pool)
    assert len(notes) == 8
    # the description's hand-worked window: 0, 0.5, 0, 0 -> 0.5, won by a¹₁₂
    assert notes[0] == "a²₁₁ = max(a¹₁₁, a¹₁₂, a¹₁₅, a¹₁₆) = max(0, 0.5, 0, 0) = 0.5: a¹₁₂ won its window"
    route = next(s for s in steps if any(op.kind is OpKind.MAXPOOL_BACKWARD for op in s.operations))
    up = route.matrix(route.operations[0].operands[0]).values
    for j, line in enumerate(board_lines(scenario, route)):
        expected, won = np.zeros((4, 4)), np.zeros((4, 4))
        for y in range(2):
            for x in range(2):
                window = a[j, 2 * y:2 * y + 2, 2 * x:2 * x + 2]
                wy, wx = np.unravel_index(np.argmax(window), (2, 2))  # the first maximum in row-major order
                expected[2 * y + wy, 2 * x + wx] = up[j, 2 * y + x]
                won[2 * y + wy, 2 * x + wx] = 1.0
        np.testing.assert_array_equal(line.result.values, expected)
        np.testing.assert_array_equal(line.substituted[3].values, won)  # argmax(a¹): the winners as 1s
        np.testing.assert_array_equal(line.substituted[1].values, up[j].reshape(2, 2))


def test_col2im_adds_each_patch_gradient_back_where_the_patches_overlap() -> None:
    scenario, its, steps = walk_conv("conv")
    step = next(s for s in steps if any(op.kind is OpKind.COL2IM for op in s.operations))
    d_patches = step.matrix(step.operations[0].result).values
    expected = np.zeros((6, 6))
    for p in range(16):  # loops: position p's 3×3 patch gradient added back onto the pixels it copied
        y, x = divmod(p, 4)
        for u in range(3):
            for v in range(3):
                expected[y + u, x + v] += d_patches[u * 3 + v, p]
    (line,) = [line for line in board_lines(scenario, step) if line.lhs == step.operations[1].result]
    np.testing.assert_allclose(line.result.values, expected, rtol=0, atol=1e-15)
    assert line.symbols[1].unicode == "∂E/∂P¹"  # all of it: one sample, one channel


def test_the_bias_gradient_of_a_convolution_sums_over_positions() -> None:
    scenario, its, steps = walk_conv("conv")
    step = next(s for s in steps if any(op.kind is OpKind.BATCH_SUM and op.image for op in s.operations))
    (line,) = board_lines(scenario, step)
    assert line.substituted[0].unicode == "Σ_positions "
    text = to_markdown(build_handout(scenario, its, steps, HandoutOptions()))
    assert "∂E/∂b¹ = Σ_positions δ¹" in text and "∂E/∂b⁴ = Σ_samples δ⁴" in text


def test_the_chain_rule_of_a_filter_weight_sums_over_every_position_it_visits() -> None:
    scenario, its, steps = walk_conv("conv")
    options = HandoutOptions(phases=(Phase.BACKWARD,), chains=(parse_cell("theta1[1,1]"), parse_cell("b1[2]")))
    handout = build_handout(scenario, its, steps, options)
    board = handout.iterations[0]
    assert isinstance(board, IterationBoard)
    chains = [c for s in board.steps for c in s.chains]
    assert [c.cell.ascii for c in chains] == ["theta1[1,1]", "b1[2]"]
    weight = chains[0].drill
    assert len(weight.compact) == 16 and weight.positions == 16
    # ∂E/∂θ¹₁₁ = Σₚ δ¹[1, p]·P¹[1, p]: the loops' sum, against the engine's gradient
    delta, patches = its[0].backward.delta[0], its[0].forward.patches[0]
    assert sum(delta[0, p] * patches[0, p] for p in range(16)) == pytest.approx(weight.analytic, abs=1e-15)
    text = to_markdown(handout)
    assert "#### Chain rule for theta1[1,1]" in text
    assert "(one term per position the filter visits" in text and "… 10 more terms" in text
    assert "position 2: ∂E/∂z¹₁₂ · ∂z¹₁₂/∂θ¹₁₁\n" in text and "path 1:" not in text


def test_a_sheet_with_blanks_of_a_convolutional_scenario_is_refused() -> None:
    scenario, its, steps = walk_conv("conv")
    with pytest.raises(UserError, match="conv.toml: a sheet with blanks of a convolutional scenario is not written yet"):
        build_handout(scenario, its, steps, HandoutOptions(blank_phases=frozenset({Phase.UPDATE})))


def test_in_korean_a_map_s_numbers_stand_under_its_equation() -> None:
    from rich.cells import cell_len

    from backprop_tui import i18n

    i18n.set_language("ko")  # conftest sets English back
    scenario, its, steps = walk_conv("conv")
    text = to_markdown(build_handout(scenario, its, steps, HandoutOptions(phases=(Phase.FORWARD,))))
    block = text.split("a² (맵 1) = maxpool(a¹[1, :])\n", 1)[1]
    equation = "a² (맵 1) = maxpool(a¹[1, :])"
    row = next(line for line in block.splitlines() if "= maxpool(" in line)
    # Hangul is two columns wide: the "=" of the numbers stands under the equation's "="
    assert cell_len(row[:row.index("=")]) == cell_len(equation[:equation.index("=")])


def test_in_korean_a_filter_weight_s_chain_rule_writes_positions_with_their_values_under_them() -> None:
    from rich.cells import cell_len

    from backprop_tui import i18n

    i18n.set_language("ko")  # conftest sets English back
    scenario, its, steps = walk_conv("conv")
    options = HandoutOptions(phases=(Phase.BACKWARD,), chains=(parse_cell("theta1[1,1]"),))
    text = to_markdown(build_handout(scenario, its, steps, options))
    names = next(line for line in text.splitlines() if line.startswith("위치 2: "))
    values = text.splitlines()[text.splitlines().index(names) + 1]
    assert cell_len(values[:values.index("=")]) == cell_len("위치 2: ")  # the values start under the names
