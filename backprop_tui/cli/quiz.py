"""`backprop-tui quiz [SCENARIO]`: the app in quiz mode, each step's results hidden until typed.

The scenario is loaded (and its `[quiz]` table checked) before the app starts, so a missing or
broken file, an unknown variant or a CNN scenario is one message and exit code 2, never a screen.
"""

from __future__ import annotations

import argparse
from typing import Any

from backprop_tui.i18n import _


def register(subparsers: Any) -> None:
    """Add `quiz` to the CLI's subparsers."""
    p = subparsers.add_parser(
        "quiz", help=_("the app in quiz mode: type each result before it is shown"),
        description=_("Open the app on SCENARIO in quiz mode: each asked step hides its results until you "
                      "have typed them (Enter answers, Tab skips, Esc leaves the quiz, A shows the summary, "
                      "which can be saved as JSON or markdown). The scenario's [quiz] table chooses the "
                      "phases, the cells and the tolerance (scenarios/README.md)."))
    p.add_argument("scenario", nargs="?", default="lecture", help=_("a path or a bundled name (default: lecture)"))
    p.add_argument("--variant", help=_("quiz on one of the scenario's variants"))
    p.set_defaults(func=cmd_quiz)


def cmd_quiz(args: argparse.Namespace) -> int:
    """Check the scenario (every problem reported, exit 2), then open the app in quiz mode."""
    from backprop_tui.cli.dense import require_variant, stepping_scenario_path
    from backprop_tui.core.scenario.load import load

    path = stepping_scenario_path(args.scenario)
    scenario = load(path)  # ScenarioError is a UserError: main prints it and returns 2
    if args.variant is not None:
        require_variant(scenario, args.variant)
    from backprop_tui.tui.app import BackpropApp

    BackpropApp(path, variant=args.variant, quiz=True).run()
    return 0
