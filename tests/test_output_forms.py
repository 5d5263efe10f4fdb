"""The pieces under every command's output: ASCII forms, strict JSON, counts and articles."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pytest
from rich.console import Console
from rich.table import Table

from backprop_tui.cli.textout import TransliteratingStream, ascii_form, ascii_safe_output, transliterate
from backprop_tui.core import strict_json
from backprop_tui.core.wording import article, count


@pytest.mark.parametrize("char, form", [
    ("θ", "theta"), ("∂", "d"), ("¹", "1"), ("₂", "2"), ("ŷ", "yhat"), ("σ", "sigma"), ("δ", "delta"),
    ("→", "->"), ("←", "<-"), ("─", "-"), ("│", "|"), ("┼", "+"), ("╭", "+"), ("━", "-"), ("×", "x"),
    ("·", "*"), ("−", "-"), ("…", "..."), ("ᵀ", "^T"), ("é", "e"), ("½", "1/2"), ("Δ", "Delta"), ("中", "?"),
    ("\u0302", ""),
])
def test_ascii_forms(char, form):
    assert ascii_form(char) == form


def test_notation_stays_notation():
    assert transliterate("θ¹ᵀ·x, ∂E/∂ŷ₁, Σₖ(yₖ − ŷₖ)², σ′(z²)") == \
        "theta1^T*x, dE/dyhat_1, sum_k(y_k - yhat_k)^2, sigma'(z2)"


def test_a_table_keeps_its_columns():
    """Where a column has room (as the trace's matrices and titles do), the longer forms fit in it."""
    table = Table("θ¹ᵀ", "∂E/∂ŷ", "x")
    table.add_row("1.000000", "…", "2.0")
    table.add_row("0.250000", "ŷ₁", "3")
    table.add_row("0.500000", "0.123456789", "4")
    console = Console(file=io.StringIO(), width=60, color_system=None)
    console.print(table)
    text = console.file.getvalue()
    lines = transliterate(text).splitlines()
    assert "theta1^T" in lines[1] and "dE/dyhat" in lines[1] and "..." in lines[3]
    assert len({len(line) for line in lines}) == 1, lines
    assert [line.index("|", 1) for line in lines if line.startswith("|")] == [lines[1].index("|", 1)] * 4


def test_wide_characters_keep_their_width():
    assert transliterate("中 x  y") == "?  x  y"


def test_the_stream_writes_forms_to_an_ascii_stream_and_passes_the_rest_through():
    raw = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    stream = TransliteratingStream(raw)
    stream.write("θ → ∂\n")
    stream.flush()
    assert raw.buffer.getvalue() == b"theta -> d\n"
    assert stream.encoding == "ascii" and not stream.isatty()


def test_latin1_keeps_what_it_can_hold():
    raw = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
    TransliteratingStream(raw).write("θ¹ 3×2\n")
    raw.flush()
    assert raw.buffer.getvalue().decode("latin-1") == "theta¹ 3×2\n"


def test_safe_output_wraps_only_streams_that_need_it(monkeypatch):
    ascii_out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    utf8_err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    monkeypatch.setattr("sys.stdout", ascii_out)
    monkeypatch.setattr("sys.stderr", utf8_err)
    import sys

    with ascii_safe_output():
        assert isinstance(sys.stdout, TransliteratingStream) and sys.stderr is utf8_err
        print("∂E/∂θ")
        print("∂E/∂θ", file=sys.stderr)
    assert sys.stdout is ascii_out
    ascii_out.flush()
    utf8_err.flush()
    assert ascii_out.buffer.getvalue() == b"dE/dtheta\n"
    assert utf8_err.buffer.getvalue().decode() == "∂E/∂θ\n"
    ascii_out.write("θ\n")  # the raw stream was given the fallback as its error handler
    ascii_out.flush()
    assert ascii_out.buffer.getvalue().endswith(b"theta\n")


# -- strict JSON ----------------------------------------------------------------------------------


def test_non_finite_numbers_are_spelt_out_everywhere():
    data = {"a": math.inf, "b": [math.nan, -math.inf, 1.5], "c": np.float32("nan"), "d": np.array([1.0, np.inf]),
            "e": (np.int64(3), np.bool_(True)), "f": {"g": np.float64("-inf")}}
    text = strict_json.dumps(data)
    assert strict_json.loads_strict(text) == {"a": "inf", "b": ["NaN", "-inf", 1.5], "c": "NaN",
                                              "d": [1.0, "inf"], "e": [3, True], "f": {"g": "-inf"}}
    assert all(float(word) != float(word) or math.isinf(float(word)) for word in strict_json.NON_FINITE)


def test_the_strict_parser_refuses_bare_tokens():
    for token in ("NaN", "Infinity", "-Infinity"):
        with pytest.raises(ValueError):
            strict_json.loads_strict(f'{{"x": {token}}}')


def test_ascii_escaping_keeps_the_value():
    text = strict_json.dumps({"θ¹ᵀ": "∂E/∂ŷ 𝛉"})
    escaped = strict_json.ascii_escaped(text)
    assert escaped.isascii() and json.loads(escaped) == json.loads(text)


# -- counts and articles --------------------------------------------------------------------------


@pytest.mark.parametrize("number, text", [(0, "0 epochs"), (1, "1 epoch"), (2, "2 epochs")])
def test_counts(number, text):
    assert count(number, "epoch") == text


def test_irregular_plurals():
    assert count(1, "matrix", "matrices") == "1 matrix" and count(3, "matrix", "matrices") == "3 matrices"


@pytest.mark.parametrize("word, expected", [
    ("int64", "an"), ("uint8", "a"), ("float32", "a"), ("8x3", "an"), ("2x3", "a"), ("11-2", "an"),
    ("18", "an"), ("1", "a"), ("80", "an"), ("800", "an"), ("110", "a"), ("11000", "an"), ("x", "an"),
    ("y", "a"), ("array", "an"), ("unit", "a"), ("one-hot", "a"), ("sigmoid", "a"), ("identity", "an"),
    ("", "a"),
])
def test_articles(word, expected):
    assert article(word) == expected
