"""Small pieces of Python source text shared by the script exports: numbers, lists, docstrings."""

from __future__ import annotations

import math

import numpy as np


def float_text(value: float) -> str:
    """A float as Python source that reads back as exactly the same float64.

    `repr` of a Python float is the shortest text that round-trips (Python's float repr,
    David Gay's algorithm), so 0.1 stays "0.1" and a drawn weight keeps all 17 digits.
    """
    value = float(value)
    if math.isfinite(value):
        return repr(value)
    return 'float("nan")' if math.isnan(value) else ('float("inf")' if value > 0 else '-float("inf")')


def matrix_literal(values: np.ndarray, indent: int = 4) -> str:
    """A 2-D array as a Python list of lists, one row per line, columns right-aligned.

    The rows are indented by `indent` spaces and the closing bracket by `indent - 4`, so the
    literal can follow `NAME = ` at the start of a line or an argument inside a call.
    """
    rows = [[float_text(v) for v in row] for row in np.atleast_2d(values)]
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))] if rows and rows[0] else []
    pad = " " * indent
    lines = ["[" + ", ".join(text.rjust(width) for text, width in zip(row, widths)) + "]," for row in rows]
    return "[\n" + "\n".join(pad + line for line in lines) + "\n" + " " * max(indent - 4, 0) + "]"


def docstring_text(text: str) -> str:
    """`text` made safe inside a triple-quoted docstring: backslashes doubled, quotes escaped."""
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def comment_text(text: str) -> str:
    """`text` on one line, safe after a `#`: line breaks become spaces."""
    return " ".join(text.split())


JSON_HELPERS = '''\
def number_or_text(value):
    """A float for JSON; inf and NaN (not JSON numbers) spelled as backprop-tui spells them."""
    if math.isfinite(value):
        return value
    return "NaN" if math.isnan(value) else ("inf" if value > 0 else "-inf")


def nested(tensor):
    """A tensor as nested lists of number_or_text values."""
    if tensor.dim() == 0:
        return number_or_text(tensor.item())
    return [nested(row) for row in tensor]'''
"""The JSON helpers every exported stepper script defines (it imports `math`): each script stands
alone, so the same source text is written into each, from this one place. Code, not interface text."""


PRINT_LOSSES = '''\
    width = len(str(ITERATIONS))
    for record in records:
        loss = record["loss"]
        shown = f"{loss:.12g}" if isinstance(loss, float) else loss
        note = "  (diverged)" if record["diverged"] else ""
        print(f"iteration {record['iteration']:>{width}}: loss {shown}{note}")


if __name__ == "__main__":
    main()'''
"""The end of every exported stepper script's main() (after its JSON branch returns): the loss of
each iteration, one line each, then the script's entry point. Code, not interface text."""
