"""Finite differences of every convolutional step kind: each backward step's own check agrees, the
padding border's pixels agree entry by entry, and a tied pooling window is named as a kink (the
first maximum takes δ) rather than failed."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_tui.core.dense import conv_run
from backprop_tui.core.dense.conv_steps import build_conv_steps
from backprop_tui.core.dense.gradcheck import Status, check_entry
from backprop_tui.core.dense.operation import OpKind
from backprop_tui.core.scenario.conv_load import load_conv, loads_conv
from backprop_tui.core.vocab import Phase
from backprop_tui.render.describe import note_text

from conv_support import conv_text
from test_conv_engine import CASES, _case


@pytest.mark.parametrize("name", ["conv", *CASES])
def test_every_backward_step_carries_an_agreeing_check(name):
    scenario = load_conv("conv") if name == "conv" else _case(name)[0]
    it = conv_run.run(scenario, 1)[0]
    steps = build_conv_steps(scenario, it)
    backward = [s for s in steps if s.phase is Phase.BACKWARD]
    kinds = {op.kind for s in backward for op in s.operations}
    assert OpKind.COL2IM in kinds and OpKind.UNFLATTEN in kinds
    for step in backward:
        assert step.check is not None, step.index
        assert step.check.status in (Status.AGREES, Status.KINK), (step.index, step.check.verdict)
        if name == "conv":  # made without ties or units at z = 0: every check agrees outright
            assert step.check.status is Status.AGREES, (step.index, step.check.verdict)
        for entry in step.check.entries:
            if entry.status is Status.KINK:
                # a ReLU at z = 0 or a tied window (ReLU's zeros tie): one side's slope is the convention's
                assert step.check.kinks
                assert min(abs(entry.forward - entry.analytic), abs(entry.backward - entry.analytic)) <= \
                    1e-5 * max(1.0, abs(entry.analytic)), (step.index, entry)
            else:
                assert entry.status in (Status.AGREES, Status.WITHIN_NOISE), (step.index, entry)


def test_every_pixel_of_a_padded_input_agrees_corners_included():
    scenario, _ = _case("padding border")
    it = conv_run.run(scenario, 1)[0]
    params, y, m = it.before.params, it.y, it.samples
    f = lambda a: conv_run.loss_from_input(scenario, params, 0, a, y, m)  # noqa: E731
    analytic = it.backward.grad_in[0]
    for index in np.ndindex(analytic.shape):  # 25 pixels, the border's 16 among them
        entry = check_entry(f, it.x, index, float(analytic[index]))
        assert entry.status in (Status.AGREES, Status.WITHIN_NOISE), (index, entry)


def _tied_scenario():
    """One 4×4 image whose filter is the identity tap, so z¹ = x + 0.5: the first 2×2 window holds
    two equal maxima (3.0 at its top right and bottom left)."""
    image = np.array([[[[1.0, 3.0, 0.0, 1.0],
                        [3.0, 2.0, 2.0, 0.5],
                        [0.5, 1.0, 1.5, 0.0],
                        [2.0, 0.0, 1.0, 2.5]]]])
    filters = np.array([[[[1.0]]]])
    dense = np.array([[0.3, -0.2], [0.1, 0.4], [-0.3, 0.2], [0.2, 0.1]])
    text = conv_text(image, np.array([[1.0, 0.0]]), filters, np.array([0.5]), dense, np.array([0.0, 0.0]),
                     activation="identity")
    return loads_conv(text)


def test_a_tied_pooling_window_is_a_kink_with_the_convention_named():
    scenario = _tied_scenario()
    it = conv_run.run(scenario, 1)[0]
    steps = build_conv_steps(scenario, it)
    pool_step = next(s for s in steps if s.operation.kind is OpKind.MAXPOOL)
    assert any("1 window(s) have a tied maximum" in note_text(n) for n in pool_step.notes)
    routed = next(s for s in steps if s.operation.kind is OpKind.MAXPOOL_BACKWARD)
    # the tied pair: column 1 (row 1, col 2) wins, column 4 (row 2, col 1) ties and gets 0
    grad = it.backward.grad_in[1]
    assert grad[0, 1] != 0.0 and grad[0, 4] == 0.0
    params, y, m = it.before.params, it.y, it.samples
    f = lambda a: conv_run.loss_from_input(scenario, params, 1, a, y, m)  # noqa: E731
    winner = check_entry(f, it.forward.a[1], (0, 1), float(grad[0, 1]), kinked=True)
    loser = check_entry(f, it.forward.a[1], (0, 4), float(grad[0, 4]), kinked=True)
    # raising the winner raises the max; lowering it hands the window to its twin: one-sided slopes differ
    assert winner.forward == pytest.approx(grad[0, 1], rel=1e-5) and abs(winner.backward) < 1e-9
    assert winner.status is Status.KINK and loser.status is Status.KINK
    assert routed.check is not None and routed.check.kinks == ("max pooling's tie rule (the first maximum takes δ)",)
    assert routed.check.status in (Status.KINK, Status.AGREES)  # the checked entries may miss the tie
    assert "first maximum" in routed.check.verdict or routed.check.status is Status.AGREES
