"""The input plane drawn: scales, the ASCII form (ramp, boundary, regions, points), the colour form
(half blocks, marks), and the thumbnails the network diagram's nodes carry."""

from __future__ import annotations

import numpy as np
from rich.style import Style

from backprop_tui.core.dense.plane import plane_after
from backprop_tui.core.scenario.load import load
from backprop_tui.render.diagram import Lit, Picture, draw
from backprop_tui.render.plane import (BOUNDARY, RAMP, boundary_mask, picture, point_cells, sample, scale_of,
                                       target_label, thumbnail_cells, unit_colours)
from backprop_tui.render.picture import UPPER_HALF


def test_signed_units_get_a_diverging_scale_the_others_a_sequential_one() -> None:
    plane = plane_after(load("xor"), 0)
    tanh, sigmoid = plane.unit(1, 0), plane.unit(2, 0)
    assert (scale_of(tanh).low, scale_of(tanh).high, scale_of(tanh).diverging) == (-1.0, 1.0, True)
    assert (scale_of(sigmoid).low, scale_of(sigmoid).high, scale_of(sigmoid).diverging) == (0.0, 1.0, False)
    solar = plane_after(load("solar"), 0)  # an identity output: the grid's own range, symmetric when signed
    scale = scale_of(solar.unit(2, 0))
    values = solar.unit(2, 0).values
    if values.min() < 0 < values.max():
        assert scale.diverging and scale.high == -scale.low == np.abs(values).max()
    else:
        assert not scale.diverging and (scale.low, scale.high) == (values.min(), values.max())


def test_colours_run_from_one_end_of_the_scale_to_the_other() -> None:
    plane = plane_after(load("xor"), 0)
    scale = scale_of(plane.unit(1, 0))
    ends = unit_colours(np.array([-1.0, 0.0, 1.0, np.nan]), scale)
    assert ends[0].tolist() == [0xb3, 0x58, 0x06]  # orange: negative
    assert ends[1].tolist() == [0xf7, 0xf7, 0xf7]  # white: zero
    assert ends[2].tolist() == [0x21, 0x66, 0xac]  # blue: positive
    assert ends[3].tolist() == [128, 128, 128]  # NaN: grey


def test_ascii_picture_ramp_boundary_and_points() -> None:
    plane = plane_after(load("xor"))
    output = plane.unit(2, 0)
    text = picture(plane, output, 30, 15, colour=False).plain.splitlines()
    assert len(text) == 15 and all(len(line) == 30 for line in text)
    values = sample(plane, output.values, 30, 15)
    line = boundary_mask(values)
    for r in range(15):
        for c in range(30):
            char = text[r][c]
            if char in "01":
                continue
            if line[r, c]:
                assert char == BOUNDARY
            else:
                assert char == RAMP[min(int(values[r, c] * len(RAMP)), len(RAMP) - 1)]
    for row, col, label in point_cells(plane, 30, 15):
        assert text[row][col] == label
    # (0,1) is on the upper left, labelled with its target 1
    assert sorted(point_cells(plane, 30, 15)) == [(2, 5, "1"), (2, 24, "0"), (12, 5, "0"), (12, 24, "1")]


def test_a_hidden_unit_has_no_boundary_and_softmax_draws_regions() -> None:
    xor = plane_after(load("xor"))
    assert BOUNDARY not in picture(xor, xor.unit(1, 0), 30, 15, colour=False).plain
    softmax = plane_after(load("softmax"))
    drawn = picture(softmax, softmax.unit(2, 1), 30, 15, colour=False).plain
    assert set(drawn) <= set("abc123\n")
    stack = np.stack([sample(softmax, u.values, 30, 15) for u in softmax.units if u.layer == 2])
    winners = np.argmax(stack, axis=0)
    for r, line in enumerate(drawn.splitlines()):
        for c, char in enumerate(line):
            if char.isalpha():
                assert char == "abc"[winners[r, c]]


def test_target_labels() -> None:
    assert target_label(np.array([0.0, 1.0, 0.0])) == "2"
    assert target_label(np.array([1.0])) == "1"
    assert target_label(np.array([0.0])) == "0"
    assert target_label(np.array([0.37])) == "o"


def test_colour_picture_is_half_blocks_with_points_as_marks() -> None:
    plane = plane_after(load("xor"))
    drawn = picture(plane, plane.unit(2, 0), 20, 10, colour=True)
    lines = drawn.plain.splitlines()
    assert len(lines) == 10 and all(len(line) == 20 for line in lines)
    assert sum(line.count(UPPER_HALF) for line in lines) == 20 * 10 - 4
    for row, col, label in point_cells(plane, 20, 10):
        assert lines[row][col] == label


def test_thumbnail_cells_are_the_units_colours_two_pixels_a_cell() -> None:
    plane = plane_after(load("xor"))
    unit = plane.unit(1, 1)
    cells = thumbnail_cells(plane, unit, 6, 3)
    rgb = unit_colours(sample(plane, unit.values, 6, 6), scale_of(unit))
    assert len(cells) == 3 and all(len(row) == 6 for row in cells)
    char, style = cells[1][4]
    assert char == UPPER_HALF
    assert style == Style(color="rgb({},{},{})".format(*rgb[2, 4]), bgcolor="rgb({},{},{})".format(*rgb[3, 4]))


def _picture(sizes, thumbnail) -> Picture:
    weights = tuple(np.full((sizes[i], sizes[i + 1]), 0.5) for i in range(len(sizes) - 1))
    values = tuple(np.full(units, 0.25) for units in sizes)
    return Picture(sizes, weights, (None,) * len(weights), tuple(f"L{i}" for i in range(len(sizes))), values, Lit(),
                   thumbnail=thumbnail)


def _marker(layer, unit, width, lines):
    return [[(str(unit), Style())] * width for _ in range(lines)]


def test_diagram_nodes_carry_thumbnails_where_every_node_has_room() -> None:
    drawn = [line.plain for line in draw(_picture((2, 3, 1), _marker), 60, 40)]
    assert "▀ input plane (O)" in "\n".join(drawn)
    for unit in "012":  # under each hidden node, 3 lines as wide as its value "0.250"
        below = [r for r, line in enumerate(drawn) if unit * 5 in line and line.index(unit * 5) == 27]
        assert len(below) == 3 and drawn[below[0] - 1][27:32] == "0.250"
    plain = [line.plain for line in draw(_picture((2, 3, 1), None), 60, 40)]
    assert "input plane" not in "\n".join(plain)


def test_a_crowded_diagram_draws_no_thumbnails() -> None:
    drawn = "\n".join(line.plain for line in draw(_picture((2, 3, 1), _marker), 60, 14))
    assert "00000" not in drawn and "input plane" not in drawn


def test_a_diverged_plane_draws_nan_as_a_mark_the_legend_explains() -> None:
    from backprop_tui.render.plane import legend_text

    plane = plane_after(load("solar").with_training(learning_rate=1e300), 3)
    output = plane.unit(2, 0)
    assert np.isnan(output.values).all()
    assert set(picture(plane, output, 10, 5, colour=False).plain) <= set("?o\n")
    assert "? NaN: the weights diverged" in legend_text(plane, output, colour=False).plain
    finite = plane_after(load("solar"), 3)
    assert "NaN" not in legend_text(finite, finite.unit(2, 0), colour=False).plain


def test_the_line_key_names_the_thumbnails_whole_or_not_at_all() -> None:
    # at 56 columns the key and its hint ("input plane (O)") used to be cut to "input pla"
    for width, hint in ((60, "▀ input plane (O)"), (52, "▀ plane (O)"), (40, None)):
        drawn = "\n".join(line.plain for line in draw(_picture((2, 3, 1), _marker), width, 40))
        key = next(line for line in drawn.splitlines() if "large |θ|" in line)
        assert key.rstrip().endswith(hint or "negative"), (width, key)


def test_the_line_key_is_never_clipped_in_a_narrow_panel() -> None:
    # at 80x24 the network panel is 27 columns: "━ large |θ|  ─ small  ━ ━ ━" lost "negative"
    for width, key in ((40, "━ large |θ|  ─ small  ━ ━ ━ negative"), (27, "━ big ─ small ━ ━ negative"), (20, None)):
        drawn = [line.plain.rstrip() for line in draw(_picture((2, 3, 1), None), width, 30)]
        keys = [line for line in drawn if "small" in line]
        assert keys == ([key] if key else []), (width, keys)
