"""The cursor over the matrices as displayed (keys and mouse), the worked line of the cell under it,
the operand cells that make it, and scalar stepping through a result's cells."""

from __future__ import annotations

from textual.pilot import Pilot

from backprop_tui.core.vocab import parse_quantity as q
from backprop_tui.tui.app import BackpropApp
from backprop_tui.tui.widgets.step_pane import StepPane
from backprop_tui.walk.focus import Focus

from .helpers import screen_text, wait_for

SIZE = (100, 32)


def stepper_screen(app: BackpropApp):
    return app.screen


def cell_offset(app: BackpropApp, name: str, row: int, col: int) -> tuple[int, int]:
    """Where cell (row, col), 0-based as displayed, of matrix `name` is drawn in the step pane
    (from the pane's top left corner, its padding included)."""
    pane = app.screen.query_one(StepPane)
    top = pane.placed("matrices").y - pane.scroll_offset.y
    for y, strip in enumerate(pane.part_lines("matrices"), start=top + pane.styles.padding.top):
        x = 0
        for segment in strip:
            meta = segment.style.meta if segment.style else {}
            if meta.get("cell") == (name, row, col):
                return x + 1 + pane.styles.padding.left - pane.sideways, y
            x += segment.cell_length
    raise AssertionError(f"{name}[{row + 1},{col + 1}] is not drawn")


def styled_cells(app: BackpropApp, attribute: str) -> set[tuple[str, int, int]]:
    """The drawn cells whose style has `attribute` (reverse: the cursor; underline: it and its operands)."""
    found = set()
    for strip in app.screen.query_one(StepPane).part_lines("matrices"):
        for segment in strip:
            style = segment.style
            if style and style.meta.get("cell") and getattr(style, attribute):
                found.add(style.meta["cell"])
    return found


def worked_text(app: BackpropApp) -> str:
    """The worked line, its wrapped lines joined again."""
    return " ".join(line.strip() for line in app.screen.query_one(StepPane).part_text("worked").splitlines())


async def opened(pilot: Pilot) -> None:
    await pilot.press("i", "w")  # hide the description; show the chain rule in the forward phase too
    await pilot.pause()


async def test_j_moves_down_theta_transposed_as_displayed() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        screen = stepper_screen(app)  # z¹ = θ¹ᵀ·x: θ¹ᵀ is shown, 3×2
        assert styled_cells(app, "reverse") == {("theta1_T", 0, 0)}
        await pilot.press("j")
        assert styled_cells(app, "reverse") == {("theta1_T", 1, 0)}  # down, not right
        assert screen.focus_weight() == Focus(1, 0, 1)  # θᵀ's row 2, column 1 is θ¹₁₂
        assert "θ¹ᵀ₂₁ = θ¹₁₂ = 1.1" in worked_text(app)
        assert "Chain rule for θ¹₁₂" in screen_text(app)
        await pilot.press("l", "l", "j", "j", "j")  # clamped to θ¹ᵀ's 3×2
        assert styled_cells(app, "reverse") == {("theta1_T", 2, 1)}
        assert screen.focus_weight() == Focus(1, 1, 2) and "Chain rule for θ¹₂₃" in screen_text(app)
        await pilot.press("k", "h")
        assert styled_cells(app, "reverse") == {("theta1_T", 1, 0)}


async def test_a_click_on_a_result_cell_shows_its_arithmetic_and_its_operands() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        await pilot.click(StepPane, offset=cell_offset(app, "z1", 1, 0))
        await wait_for(pilot, lambda: styled_cells(app, "reverse") == {("z1", 1, 0)})
        assert "z¹₂ = θ¹ᵀ₂₁·x₁ + θ¹ᵀ₂₂·x₂ = 1.1·1.0 + 0.7·0.5 = 1.45" in worked_text(app)
        assert "z¹₂ = θ¹ᵀ₂₁·x₁ + θ¹ᵀ₂₂·x₂ = 1.1·1.0 + 0.7·0.5 = 1.45" in screen_text(app)
        # the row of θᵀ and the column of x that make it, and the cursor itself
        assert styled_cells(app, "underline") == {("theta1_T", 1, 0), ("theta1_T", 1, 1), ("x", 0, 0), ("x", 1, 0),
                                                  ("z1", 1, 0)}
        await pilot.click(StepPane, offset=cell_offset(app, "theta1_T", 2, 1))  # a weight: θ¹₂₃
        await wait_for(pilot, lambda: styled_cells(app, "reverse") == {("theta1_T", 2, 1)})
        assert app.screen.focus_weight() == Focus(1, 1, 2) and "Chain rule for θ¹₂₃" in screen_text(app)
        await pilot.click(StepPane, offset=cell_offset(app, "x", 1, 0))  # an input
        await wait_for(pilot, lambda: styled_cells(app, "reverse") == {("x", 1, 0)})
        assert "x₂ = 0.5: read by this step" in worked_text(app)


async def test_scalar_stepping_walks_the_result_then_the_next_step() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        screen = stepper_screen(app)
        await pilot.press("semicolon")
        assert styled_cells(app, "reverse") == {("z1", 0, 0)}
        assert "z¹₁ = θ¹ᵀ₁₁·x₁ + θ¹ᵀ₁₂·x₂ = 1.2·1.0 + 0.3·0.5 = 1.35" in worked_text(app)
        await pilot.press("semicolon", "semicolon")
        assert styled_cells(app, "reverse") == {("z1", 2, 0)} and screen.stepper.position.step == 0
        await pilot.press("semicolon")  # past the last cell: the next step, on its result's first cell
        assert screen.stepper.position.step == 1
        assert styled_cells(app, "reverse") == {("a1", 0, 0)}
        assert "a¹₁ = σ(z¹₁) = 1/(1 + e^-1.35) = 0.7941" in worked_text(app)
        assert styled_cells(app, "underline") == {("z1", 0, 0), ("a1", 0, 0)}


async def test_the_backward_and_update_steps_explain_their_cells() -> None:
    app = BackpropApp("lecture")
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        await pilot.press("down", "down")  # δ² = ∂E/∂ŷ ⊙ σ′(z²)
        await pilot.press("semicolon")
        assert "δ²₁ = ∂E/∂ŷ₁·σ′(z²₁) = -0.3809·0.2358 = -0.08982" in worked_text(app)
        await pilot.press("down")  # the update of θ¹: the cursor starts on θ¹ new
        assert "θ¹₁₁ ← θ¹₁₁ − γ·∂E/∂θ¹₁₁ = 1.2 − 0.5·(-0.002937) = 1.201" in worked_text(app)
        await pilot.press("right", "j")  # θ² (3×1): down its column
        assert "θ²₂₁ ← θ²₂₁ − γ·∂E/∂θ²₂₁" in worked_text(app)


async def test_a_bias_column_is_walked_down_and_the_chain_rule_follows() -> None:
    app = BackpropApp("xor")
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        screen = stepper_screen(app)
        while screen.stepper.step.operation.result != q("dE_db1"):
            await pilot.press("right")
        assert styled_cells(app, "reverse") == {("dE_db1", 0, 0)}
        await pilot.press("j")
        assert styled_cells(app, "reverse") == {("dE_db1", 1, 0)}
        assert screen.focus_weight() == Focus(1, 0, 1, screen.focus_weight().parameter)
        assert "Chain rule for b¹₂" in screen_text(app)
        assert worked_text(app).startswith("▸ ∂E/∂b¹₂ = δ¹₂₁ + δ¹₂₂ + δ¹₂₃ + δ¹₂₄ = ")
        await pilot.press("k")
        assert styled_cells(app, "reverse") == {("dE_db1", 0, 0)}
        await pilot.press("l")  # a column vector: sideways runs along it too
        assert styled_cells(app, "reverse") == {("dE_db1", 1, 0)}
