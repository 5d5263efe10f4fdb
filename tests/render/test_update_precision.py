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


def _changed_cells_read_differently(step, decimals: int) -> int:
    """Render the step's matrix tables (as the app and `trace` draw them) and check every cell of
    every old → new pair: a value that changed never reads the same on both sides. Returns how
    many changed cells were compared."""
    from backprop_tui.render.matrix import View, change_pair
    from backprop_tui.render.step import matrix_tables, shown_matrices

    shown = shown_matrices(step, True)
    tables = dict(zip((m.key for m in shown), matrix_tables(step, shown, View(decimals=decimals))))
    compared = 0
    for m in shown:
        pair = change_pair(step, m.key)
        if pair is None or m.key != pair[1] or pair[0] not in tables:
            continue
        old_cells = [list(c.cells)[:] for c in tables[pair[0]].columns[1:]]
        new_cells = [list(c.cells)[:] for c in tables[pair[1]].columns[1:]]
        old_v, new_v = step.matrix(pair[0]).values, step.matrix(pair[1]).values
        for c, (old_col, new_col) in enumerate(zip(old_cells, new_cells)):
            for r, (a, b) in enumerate(zip(old_col, new_col)):
                if old_v.shape[0] <= 10 and old_v.shape[1] <= 6 and old_v[r, c] != new_v[r, c]:
                    compared += 1
                    assert str(a) != str(b), (step.operation.result, r, c, str(a), str(b))
    return compared


def test_the_matrix_tables_of_an_update_show_every_change() -> None:
    """The lecture's θ¹ 0.3 → 0.3003 read 0.300 and 0.300 in the θ¹ and θ¹ new tables."""
    from backprop_tui.core.scenario.load import load

    compared = 0
    for name, variant in (("lecture", None), ("local-minimum", "momentum"), ("learning-rate", None)):
        scenario = load(name, variant)
        iterations = run(scenario, 3)
        for it in iterations:
            for step in (s for s in build_steps(scenario, it, checks=False) if s.phase is Phase.UPDATE):
                compared += _changed_cells_read_differently(step, 3)
    assert compared > 50


def test_the_markdown_export_shows_every_change(capsys) -> None:
    # the markdown handout writes the update as the board does, old − γ·∇ = new: each new value
    # with the digits that show its change (0.3 → 0.3007, not 0.300 → 0.300)
    from backprop_tui.cli.main import main

    assert main(["trace", "lecture", "--format", "markdown", "--iterations", "1"]) == 0
    text = capsys.readouterr().out
    update = text[text.index("θ¹ ← θ¹ − γ·∂E/∂θ¹"):]
    update = update[:update.index("```")]
    assert "⎡1.2  1.1  1.5⎤" in update and "⎣0.3  0.7  0.3⎦" in update
    assert "1.201  1.102   1.501" in update and "0.3007  0.701  0.3003" in update


def test_the_loss_caption_shows_a_small_change() -> None:
    from backprop_tui.tui.widgets.loss_chart import caption

    assert "0.07250 → 0.07249" in caption([0.0725, 0.07249]).plain
    assert "0.0725 → 0.0725" in caption([0.0725]).plain  # no change: nothing to show
