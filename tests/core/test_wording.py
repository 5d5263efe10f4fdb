"""Counts agree with their nouns in every message (core/wording.py)."""

from __future__ import annotations

import pytest

from backprop_tui.core.wording import count


@pytest.mark.parametrize(("number", "noun", "expected"), [
    (1, "epoch", "1 epoch"), (2, "epoch", "2 epochs"), (1, "batch", "1 batch"), (3, "batch", "3 batches"),
    (2, "training image", "2 training images"), (4, "matrix", "4 matrices"), (2, "loss", "2 losses"),
    (0, "update", "0 updates"), (2, "box", "2 boxes"),
])
def test_a_count_agrees_with_its_noun(number: int, noun: str, expected: str) -> None:
    assert count(number, noun) == expected
