"""The CLI's shape: building the parser (and so `--help`) loads neither NumPy nor the app."""

from __future__ import annotations

import subprocess
import sys


def test_help_imports_no_numpy_rich_or_textual() -> None:
    code = ("import sys; from backprop_tui.cli.main import build_parser; build_parser(); "
            "print(sorted(m for m in ('numpy', 'rich', 'textual') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_help_lists_every_area_s_subcommands() -> None:
    result = subprocess.run([sys.executable, "-m", "backprop_tui", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for command in ("open", "trace", "validate", "scenarios", "compare", "new", "train", "evaluate", "predict", "data"):
        assert command in result.stdout


def test_a_scenario_name_alone_opens_it_and_a_subcommand_name_runs_it() -> None:
    from backprop_tui.cli.main import DEFAULT_COMMAND, build_parser

    parser, commands = build_parser()
    assert DEFAULT_COMMAND in commands and "trace" in commands
    assert "lecture" not in commands


FIRST_FRAME_LOADS_NOT = ("tomlkit", "backprop_tui.walk.quiz", "backprop_tui.render.handout",
                         "backprop_tui.core.dense.conv_run", "backprop_tui.core.dense.conv_chain",
                         "backprop_tui.core.scenario.edit", "backprop_tui.tui.screens.compare",
                         "backprop_tui.render.landscape")
"""What the stepper's first frame on a dense scenario does without: editing (tomlkit), the quiz,
handouts, the convolutional engine, the compare screen and the landscape load when first used
(issue 17: the first frame within 0.5 s)."""


def test_the_first_frame_of_a_dense_scenario_loads_only_what_it_draws() -> None:
    code = """
import asyncio, sys
from backprop_tui.tui.app import BackpropApp
from backprop_tui.tui.screens.stepper import StepperScreen

async def main():
    app = BackpropApp("lecture")
    async with app.run_test(size=(100, 32)) as pilot:
        while not isinstance(app.screen, StepperScreen):
            await pilot.pause()
        await pilot.press("right", "right")
        await pilot.pause()
    print(sorted(m for m in sys.argv[1:] if m in sys.modules))

asyncio.run(main())
"""
    result = subprocess.run([sys.executable, "-c", code, *FIRST_FRAME_LOADS_NOT], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"
