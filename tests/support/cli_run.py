"""Running the CLI in-process from a test, and reading its JSON strictly."""

from __future__ import annotations

import json

from backprop_tui.cli.main import main


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run `backprop-tui ARGS` in this process: (exit code, stdout, stderr)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def strict(text: str):
    """json.loads that refuses the NaN and Infinity tokens strict JSON has not got."""
    def refuse(token: str):
        raise ValueError(f"not strict JSON: {token}")
    return json.loads(text, parse_constant=refuse)
