"""The convolutional stepper scenarios in the stepping commands (open, trace, explain, validate).

Not an area of its own: `dense` and `explain` ask here whether a file is convolutional and, if
so, load it with its images and compute its iterations and steps with the conv engine.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from backprop_tui.core.errors import UserError
from backprop_tui.i18n import _

if TYPE_CHECKING:
    from backprop_tui.core.dense.run import Iteration
    from backprop_tui.core.dense.steps import Step
    from backprop_tui.core.scenario.conv_model import ConvScenario


def is_conv(path: Path) -> bool:
    """Whether the scenario file is a convolutional one (an unreadable file is left to the loader)."""
    from backprop_tui.core.scenario.errors import ScenarioError
    from backprop_tui.core.scenario.kind import file_kind
    from backprop_tui.core.vocab import ScenarioKind

    try:
        return file_kind(path) is ScenarioKind.CONV
    except ScenarioError:
        return False


def load_conv_scenario(path: Path, variant: str | None = None) -> ConvScenario:
    """The scenario with its images; a --variant is refused (convolutional scenarios have none).

    Raises ScenarioError (the file) or UserError (the flag, or the data set not found).
    """
    from backprop_tui.core.conv.data import load_stepping_conv

    if variant is not None:
        raise UserError(f"--variant {variant}: " + _(
            '{file} has no variant "{name}"; a convolutional scenario has no [[variant]] tables').format(
            file=path.name, name=variant))
    return load_stepping_conv(path)


def conv_iterations(scenario: ConvScenario, count: int, checks: bool = True) -> tuple[list[Iteration], list[Step]]:
    """(iterations, steps) of the first `count` updates."""
    from backprop_tui.core.dense.conv_run import run
    from backprop_tui.core.dense.conv_steps import build_conv_steps

    iterations = run(scenario, count)
    return iterations, [s for it in iterations for s in build_conv_steps(scenario, it, checks=checks)]
