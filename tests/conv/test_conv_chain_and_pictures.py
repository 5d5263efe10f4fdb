"""The chain rule for a filter weight (summed over every position the filter visits) and the
pictures of a convolutional step (heat maps, marks, legends, the greyscale ramp without colour)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from rich.console import Console

from backprop_tui.core.dense import conv_run
from backprop_tui.core.dense.conv_chain import conv_drilldown
from backprop_tui.core.dense.conv_steps import build_conv_steps
from backprop_tui.core.dense.gradcheck import Status
from backprop_tui.core.dense.operation import OpKind
from backprop_tui.core.scenario.conv_load import load_conv
from backprop_tui.core.vocab import Kind, Parameter, parse_quantity
from backprop_tui.render.chain_table import chain_sums, chain_table, chain_title
from backprop_tui.render.conv_pictures import (
    RAMP, Panel, halved, heatmap, legend, pictures, receptive_field, step_panels,
)

from test_conv_engine import _case


def text_of(renderable, width: int = 120) -> str:
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.export_text()


@pytest.mark.parametrize("name", ["conv", "stride, channels, batch"])
def test_a_filter_weight_s_terms_are_its_positions_and_sum_to_its_gradient(name):
    scenario = load_conv("conv") if name == "conv" else _case(name)[0]
    it = conv_run.run(scenario, 1)[0]
    theta = it.before.params.weights[0]
    per_sample = it.backward.delta[0].shape[1] // it.samples
    for row, col in np.ndindex(theta.shape):
        drill = conv_drilldown(scenario, it, 1, row, col)
        assert len(drill.compact) == it.samples * per_sample and drill.positions == per_sample
        assert drill.path_sum == pytest.approx(drill.analytic, rel=1e-12, abs=1e-15)
        assert drill.status in (Status.AGREES, Status.KINK, Status.WITHIN_NOISE)
        # each term: δ at that position times the patch value under this tap
        first = drill.compact[0].factors
        assert first[0].wrt.key.kind is Kind.Z and first[1].value == it.forward.patches[0][row, 0]
    bias = conv_drilldown(scenario, it, 1, 0, 0, Parameter.BIAS)
    assert bias.path_sum == pytest.approx(float(it.backward.grad_b[0][0]), rel=1e-12)
    with pytest.raises(ValueError):
        conv_drilldown(scenario, it, 2, 0, 0)  # the pool layer has no weights


def test_the_chain_table_counts_positions_not_samples():
    scenario = load_conv("conv")
    it = conv_run.run(scenario, 1)[0]
    drill = conv_drilldown(scenario, it, 1, 4, 1)
    text = text_of(chain_title(drill)) + text_of(chain_table(drill)) + text_of(chain_sums(drill))
    assert "one product of partials per position the filter visits" in text
    assert "position 1" in text and "position 6" in text and "… 10 more terms" in text
    assert "Σ over the positions = -0.07773" in text and "sample" not in text


def test_the_pictures_of_a_step_with_receptive_field_winners_and_filters():
    scenario = load_conv("conv")
    it = conv_run.run(scenario, 1)[0]
    steps = build_conv_steps(scenario, it, checks=False)
    product = steps[1]
    cursor = (parse_quantity("z1"), (1, 5))  # filter 2 at output position (2, 2)
    panels = step_panels(scenario, product, 0, cursor)
    assert [p.caption for p in panels] == ["x", "θ¹ filter 1", "θ¹ filter 2", "z¹ ch 1", "z¹ ch 2"]
    assert panels[0].outline == receptive_field(scenario.layers[0], 1, 1) == frozenset(
        (y, x) for y in (1, 2, 3) for x in (1, 2, 3))
    assert panels[1].signed and panels[1].values.tolist() == [[1, 0, -1], [2, 0, -2], [1, 0, -1]]
    assert not panels[0].signed and panels[0].low == 0.0 and panels[0].high == 2.0
    pool = next(s for s in steps if s.operation.kind is OpKind.MAXPOOL)
    a1 = it.forward.a[1][0].reshape(4, 4)  # map 1 of a¹
    want = set()
    for wy in (0, 2):
        for wx in (0, 2):
            window = a1[wy:wy + 2, wx:wx + 2]
            dy, dx = np.unravel_index(np.argmax(window), (2, 2))
            want.add((wy + int(dy), wx + int(dx)))
    assert step_panels(scenario, pool)[0].winners == frozenset(want)


def test_without_colour_every_pixel_is_a_ramp_character_and_marks_stay():
    panel = Panel("t", np.array([[0.0, 1.0], [2.0, 3.0]]), 0.0, 3.0, False, frozenset({(0, 0)}), frozenset({(1, 1)}))
    lines = [line.plain for line in heatmap(panel, colour=False)]
    assert lines == ["[]" + RAMP[len(RAMP) // 3] * 2, RAMP[2 * len(RAMP) // 3] * 2 + "<>"]
    assert all(not span.style for line in heatmap(panel, colour=False) for span in line.spans)
    coloured = heatmap(panel, colour=True)
    assert coloured[0].spans[0].style.bgcolor is not None
    signed = Panel("f", np.array([[-2.0, 2.0]]), -2.0, 2.0, True)
    assert "'" + RAMP[0] + "' −2 … '" + RAMP[len(RAMP) // 2] + "' 0 … '" + RAMP[-1] + "' +2" in legend([signed], False).plain
    assert "−2" in legend([signed]).plain and "+2" in legend([signed]).plain


def test_large_images_use_half_blocks_and_only_the_rows_that_fit():
    big = [Panel(f"m{i}", np.arange(28 * 28, dtype=float).reshape(28, 28), 0, 783, False, frozenset({(5, 7)}))
           for i in range(9)]
    lines = heatmap(big[0])
    assert len(lines) == 14 and lines[0].plain == "▀" * 28
    # at full size two 28-wide pictures fit a row of 60 columns, and one row of 15 lines in 20 lines
    # (two left for the count and the legend); halved (14×14, 8 lines) three a row, two rows: more shown
    drawn = text_of(pictures(big, width=60, height=20), width=60)
    assert "m5 ½" in drawn and "m6" not in drawn and "(+3 more pictures: a taller terminal shows them)" in drawn
    assert halved(big[0]).outline == frozenset({(2, 3)}) and halved(big[0]).values.shape == (14, 14)
    assert halved(big[0]).values[0, 0] == np.mean([0, 1, 28, 29])
    # with room for all at full size, nothing is halved
    full = text_of(pictures(big[:2], width=60, height=40), width=60)
    assert "m1" in full and "½" not in full and "more picture" not in full


def test_a_step_without_images_says_where_its_numbers_are():
    assert "no images in this step" in text_of(pictures([], width=40, height=20))


def test_the_pictures_follow_the_chosen_sample():
    scenario, args = _case("two samples padded")
    it = conv_run.run(scenario, 1)[0]
    step = build_conv_steps(scenario, it, checks=False)[0]  # im2col: x, 2 samples of 1×4×4
    first, second = step_panels(scenario, step, 0)[0], step_panels(scenario, step, 1)[0]
    assert np.array_equal(first.values, args[0][0, 0]) and np.array_equal(second.values, args[0][1, 0])
    assert np.array_equal(step_panels(scenario, step, 7)[0].values, second.values)  # clamped to the batch


def test_a_pooled_cell_under_the_cursor_outlines_its_window_in_its_channel():
    scenario = load_conv("conv")
    it = conv_run.run(scenario, 1)[0]
    steps = build_conv_steps(scenario, it, checks=False)
    pool = next(s for s in steps if s.operation.kind is OpKind.MAXPOOL)
    panels = step_panels(scenario, pool, 0, (parse_quantity("a2"), (1, 3)))  # map 2, window (2, 2)
    by_caption = {p.caption: p for p in panels}
    assert by_caption["a¹ ch 2"].outline == frozenset({(2, 2), (2, 3), (3, 2), (3, 3)})
    assert by_caption["a¹ ch 1"].outline == frozenset()
    routed = next(s for s in steps if s.operation.kind is OpKind.MAXPOOL_BACKWARD)
    panels = step_panels(scenario, routed, 0, (parse_quantity("dE_da2"), (0, 0)))
    assert {p.caption: p for p in panels}["a¹ ch 1"].outline == frozenset({(0, 0), (0, 1), (1, 0), (1, 1)})
