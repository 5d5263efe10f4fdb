"""Strict JSON for everything batch mode writes (metrics lines, checkpoint metadata).

The one JSON writer of the product is `core.strict_json` (strict JSON, `allow_nan=False`, inf and
NaN written as the strings "inf", "-inf" and "NaN"); `strict_dumps` is its name in batch mode's
modules, so the CNN's files and the step-through exports encode a non-finite number the same way.
"""

from __future__ import annotations

from typing import Any

from backprop_tui.core import strict_json


def strict_dumps(value: Any, *, indent: int | None = None, sort_keys: bool = False) -> str:
    """`value` as strict JSON; see `core.strict_json.dumps`."""
    return strict_json.dumps(value, indent=indent, sort_keys=sort_keys)
