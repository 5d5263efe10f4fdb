"""The answer key of a sheet with blanks, in the format `grade` reads (docs/answer-sheets.md).

TOML, one table per iteration (`[iteration.1]`), mapping each blanked result's ASCII name to
its exact value: a number for a 1×1 quantity (`yhat = 0.6190…`), a list for a column vector
(`z1 = [1.35, 1.45, 1.65]`), a list of rows for a matrix and for every weight-like quantity
(`theta2_new = [[0.2357…], [0.3364…], [0.1377…]]`, as a weight is always named by row and
column). Numbers are written in full (Python's shortest round-trip form), so a key graded
against the engine is right to the last digit; inf and NaN are TOML's `inf` and `nan`.
"""

from __future__ import annotations

import math

import numpy as np

from backprop_tui.core.vocab import Kind
from backprop_tui.i18n import _
from backprop_tui.render.board import Factor
from backprop_tui.render.describe import scenario_title
from backprop_tui.render.handout import Handout

_WEIGHTS = frozenset({Kind.THETA, Kind.DE_DTHETA, Kind.THETA_NEW, Kind.V_THETA, Kind.V_THETA_NEW})
"""Named by row and column even when they have one column (θ²₁₁), so written as rows."""


def toml_number(value: float) -> str:
    """A float as TOML writes it: shortest round-trip digits, inf/-inf/nan spelt as TOML does."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    text = repr(float(value))
    return text if any(c in text for c in ".en") else text + ".0"


def factor_value(factor: Factor) -> str:
    """The TOML value of a result: number, list (column vector) or list of rows."""
    values: np.ndarray = factor.values
    rows, cols = factor.shape
    if rows == 1 and cols == 1 and factor.key.kind not in _WEIGHTS:
        return toml_number(float(values[0, 0]))
    if cols == 1 and factor.key.kind not in _WEIGHTS:
        return "[" + ", ".join(toml_number(float(v)) for v in values[:, 0]) + "]"
    return "[" + ", ".join("[" + ", ".join(toml_number(float(v)) for v in row) + "]" for row in values) + "]"


def answer_key(handout: Handout, sheet_name: str, scenario_file: str | None = None) -> str:
    """The key of `handout`'s blanks as TOML text; `sheet_name` and the scenario's file (by
    default its source's name) are quoted in its header comment."""
    scenario = handout.scenario
    source = scenario_file or (scenario.source.name if scenario.source else scenario.title)
    if scenario.variant:
        origin = _("scenario: {source}, variant {variant}").format(source=source, variant=scenario.variant)
    else:
        origin = _("scenario: {source}").format(source=source)
    # comments only, one line each: `grade` reads the tables, never these words
    lines = ["# " + _("Answer key of {sheet}: {title}").format(sheet=sheet_name, title=scenario_title(scenario)),
             "# " + origin,
             "# " + _("Each value is exact (the engine's float64); grade a student's sheet with"),
             "#   " + _("backprop-tui grade SCENARIO ANSWERS.toml"), ""]
    for number, blanked in handout.blanked:
        lines.append(f"[iteration.{number}]")
        seen: set[str] = set()
        for line in blanked:
            name = line.result.key.ascii
            if name in seen:
                continue
            seen.add(name)
            lines.append(f"{name} = {factor_value(line.result)}")
        lines.append("")
    return "\n".join(lines)
