"""Where the chain rule sits: beside the step from 110 columns (120x36, 200x50), below it at 80x24,
and never cut inside a symbol or a number however narrow its pane."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from backprop_tui.core.dense.chain import drilldown
from backprop_tui.core.dense.run import run
from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.core.scenario.load import load
from backprop_tui.core.vocab import Parameter, Phase
from backprop_tui.render.chain import factor_text
from backprop_tui.render.chain_table import value_text
from backprop_tui.render.notation import number
from backprop_tui.tui.app import BackpropApp
from backprop_tui.tui.screens.stepper import StepperScreen
from textual.geometry import Region

from backprop_tui.tui.widgets.chain_panel import ChainPanel, chain_group
from backprop_tui.tui.widgets.step_pane import StepPane

from .helpers import wait_for


def on_screen(pane: StepPane, part: str) -> Region:
    """Where a part of the step pane is, in screen cells (scrolled as it is now)."""
    placed = pane.placed(part)
    assert placed is not None, part
    content = pane.content_region
    return placed.translate(content.offset).translate((0, -pane.scroll_offset.y))


def shown_chain(screen: StepperScreen) -> Region:
    """Where the chain rule is drawn: under the network (from 110 to 160 columns), or in the step
    pane (below the step, or in a column of its own); in one place only."""
    pane = screen.query_one(StepPane)
    side = screen.query_one("#chain-side", ChainPanel)
    places = ([side.region] if side.display and side.region.area else []) + \
        ([on_screen(pane, "chain")] if pane.chain_shown else [])
    assert len(places) == 1, places
    return places[0]


def step_region(screen: StepperScreen) -> Region:
    """The step's own column: from its heading to its notes."""
    pane = screen.query_one(StepPane)
    return Region.from_union([on_screen(pane, part) for part in ("heading", "notes")])



@pytest.mark.parametrize("size", [(120, 36), (200, 50)])
async def test_the_chain_rule_sits_beside_the_step_when_the_width_allows(size: tuple[int, int]) -> None:
    app = BackpropApp(resolve("lecture"))
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        assert isinstance(screen, StepperScreen)
        await pilot.press("i")
        while screen.stepper.step.phase is not Phase.UPDATE:  # the update of θ¹: the longest chain
            await pilot.press("down")
        await wait_for(pilot, lambda: screen.stepper.step.layer == 1 and bool(shown_chain(screen).area))
        chain, step = shown_chain(screen), step_region(screen)
        assert chain.right <= step.x or chain.x >= step.right  # beside, not below
        assert chain.bottom <= size[1] - 1  # all of it in view, above the footer
        assert step.y <= chain.y < step.y + 12  # level with the step's top part, not below the fold


async def test_at_80x24_the_chain_rule_follows_the_step() -> None:
    app = BackpropApp(resolve("lecture"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, StepperScreen)
        await pilot.press("i", "down", "down")
        await pilot.pause()
        chain, step = shown_chain(screen), step_region(screen)
        assert chain.y >= step.bottom


@pytest.mark.parametrize("width", [20, 28, 36, 44, 60, 80, 120])
def test_a_narrow_pane_breaks_between_factors_never_inside_one(width: int) -> None:
    s = load("lecture")
    drill = drilldown(s, run(s, 1)[0], 1, 0, 0, Parameter.WEIGHTS)  # five factors: the longest path
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(chain_group(drill, 3, width))
    lines = console.export_text().splitlines()
    assert all(len(line.rstrip()) <= width for line in lines)
    for term in drill.terms:
        for factor in term.factors:
            assert any(factor_text(factor) in line for line in lines), factor_text(factor)
            assert any(value_text(factor.value, 4) in line for line in lines), factor.value
        assert any(f"= {number(term.value, 6)}" in line for line in lines)
    for value in (drill.path_sum, drill.analytic, drill.numeric):
        assert any(number(value, 6) in line for line in lines)
