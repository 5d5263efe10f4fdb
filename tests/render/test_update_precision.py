"""Precision that follows the size of the change: the old → new table never rounds an update away."""

from __future__ import annotations

import io
import re

from rich.console import Console

from backprop_tui.core.dense.run import run
from backprop_tui.core.dense.steps import build_steps
from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.core.scenario.load import loads
from backprop_tui.core.vocab import Phase
from backprop_tui.render.step import update_table


def table_text(table) -> str:
    console = Console(width=300, file=io.StringIO(), record=True, color_system=None)
    console.print(table)
    return console.export_text()


def test_a_small_update_is_shown_not_rounded_away() -> None:
    text = resolve("lecture").read_text(encoding="utf-8").replace("learning_rate = 0.5", "learning_rate = 0.001")
    scenario = loads(text)
    steps = build_steps(scenario, run(scenario, 1)[0], checks=False)
    seen = 0
    for step in (s for s in steps if s.phase is Phase.UPDATE):
        for old, new, arrow in re.findall(r"(-?[\d.e+-]+) → (-?[\d.e+-]+) ([↑↓=])", table_text(update_table(step, 3))):
            seen += 1
            assert (old == new) == (arrow == "="), (old, new, arrow)
    assert seen == 9  # θ¹ 2×3 and θ² 3×1


def test_change_decimals() -> None:
    from backprop_tui.render.step import change_decimals

    assert change_decimals(0.3, 0.3004, 3) == 4  # 0.300 → 0.300 would hide it
    assert change_decimals(0.3, 0.3, 3) == 3
    assert change_decimals(0.3, 0.5, 3) == 3
    assert change_decimals(1.2, 1.2000029, 3) == 6
