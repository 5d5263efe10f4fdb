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
