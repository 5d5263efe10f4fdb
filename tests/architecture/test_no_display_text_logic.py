"""No module decides anything by comparing display text: symbols are made from keys in `render`,
and everything else compares keys and enums (micrograd's rule: `_op` is for display only).

The scan reads every module's syntax tree (outside render, where the symbols are made) for
comparisons and prefix tests against text that carries the lecture's notation, and for
comparisons with what render's spelling functions return. The scanner is itself tested on the
code this replaced, so it cannot pass by finding nothing.
"""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

from backprop_tui.core.dense.steps import Matrix, Step

PACKAGE = Path(__file__).resolve().parents[2] / "backprop_tui"
NOTATION = set("θδ∂ŷᵀ′⊙σγμΣ⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉")
"""Characters only the lecture's notation uses: a string with one of them is display text."""
SPELLERS = {"symbol", "latex", "cell_symbol", "matrix_symbol", "matrix_latex", "title", "equation",
            "equation_latex", "note_text", "notes", "check_symbol", "factor_text", "target_text"}
"""render's functions that turn keys into display text."""
DISPLAY_ATTRIBUTES = {"equation", "latex", "text"}
"""Attributes that held display text in the old step model."""


def _is_notation(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(NOTATION & set(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_is_notation(v) for v in node.values)
    return False


def _is_spelt(node: ast.AST) -> bool:
    """A call of one of render's spelling functions, or a read of a display-text attribute."""
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        return name in SPELLERS
    return isinstance(node, ast.Attribute) and node.attr in DISPLAY_ATTRIBUTES


def violations(source: str) -> list[str]:
    """Each comparison in `source` that decides by display text, as 'line: code'."""
    found = []
    for node in ast.walk(ast.parse(source)):
        operands: list[ast.AST] = []
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("startswith", "endswith")):
            operands = [node.func.value, *node.args]
        if any(_is_notation(o) or _is_spelt(o) for o in operands):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_the_scan_catches_the_display_text_logic_this_replaced() -> None:
    old = '''
if step.layer == l and "θ" in step.equation:
    pass
kind = "weights" if p.text.startswith("θ") else "bias"
if f"{th}ᵀ" in by_name:
    pass
if m.name == symbol(key):
    pass
if title(step).startswith("Layer 1: δ"):
    pass
'''
    assert len(violations(old)) == 5


def test_the_scan_lets_keys_and_enums_through() -> None:
    assert violations("if step.phase is Phase.UPDATE and m.key == n.theta(1) and kind == 'cnn': pass") == []


def test_no_module_outside_render_compares_display_text() -> None:
    modules = [p for p in PACKAGE.rglob("*.py") if "render" not in p.relative_to(PACKAGE).parts]
    assert len(modules) > 50
    found = [f"{path.relative_to(PACKAGE)}:{v}" for path in modules
             for v in violations(path.read_text(encoding="utf-8"))]
    assert found == []


def test_steps_and_matrices_hold_keys_not_display_text() -> None:
    assert {f.name for f in dataclasses.fields(Step)} & {"title", "equation", "latex"} == set()
    assert {f.name for f in dataclasses.fields(Matrix)} & {"name", "latex"} == set()
