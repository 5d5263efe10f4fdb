"""Strict JSON for everything batch mode writes (metrics lines, checkpoint metadata).

Python's `json.dumps` writes `NaN` and `Infinity` by default, which RFC 8259 parsers (jq,
JavaScript's JSON.parse, serde_json) reject. Values that are not finite numbers are written as
`null` instead, and `allow_nan=False` makes any that slip through an error rather than a token.
"""

from __future__ import annotations

import json
import math
from typing import Any


def finite_or_none(value: Any) -> Any:
    """`value` with every float that is NaN or infinite (at any depth) replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite_or_none(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_or_none(item) for item in value]
    return value


def strict_dumps(value: Any, **options: Any) -> str:
    """`json.dumps` that never writes NaN or Infinity tokens (they become null)."""
    return json.dumps(finite_or_none(value), allow_nan=False, **options)
