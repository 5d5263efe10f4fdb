"""The network diagram decides from keys and operations which θ is in play and where z is shown."""

from __future__ import annotations

from backprop_tui.core.dense.run import run
from backprop_tui.core.dense.steps import build_steps
from backprop_tui.core.scenario.load import load
from backprop_tui.tui.widgets.network import computes_weighted_sums, uses_weights


def test_theta_is_highlighted_exactly_where_a_step_reads_or_writes_it() -> None:
    scenario = load("activations")  # with biases, so bias gradients and updates are among the steps
    steps = build_steps(scenario, run(scenario, 1)[0], checks=False)
    in_play = [(s.operation.result.ascii, [l for l in (1, 2) if uses_weights(s, l)]) for s in steps]
    assert in_play == [
        ("z1", [1]), ("a1", []), ("z2", [2]), ("yhat", []), ("E", []),
        ("delta2", []), ("dE_dtheta2", [2]), ("dE_db2", [2]), ("dE_da1", [2]),
        ("delta1", []), ("dE_dtheta1", [1]), ("dE_db1", [1]),
        ("theta1_new", [1]), ("b1_new", [1]), ("theta2_new", [2]), ("b2_new", [2]),
    ]
    assert [s.index for s in steps if any(computes_weighted_sums(s, l) for l in (1, 2))] == [0, 2]
