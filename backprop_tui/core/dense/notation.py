"""How the lecture writes each quantity, in Unicode for the screen and LaTeX for handouts."""

from __future__ import annotations

from dataclasses import dataclass

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def sup(n: int) -> str:
    return str(n).translate(_SUPERSCRIPT)


def sub(n: int) -> str:
    return str(n).translate(_SUBSCRIPT)


@dataclass(frozen=True)
class Symbol:
    """A quantity's name on screen and in LaTeX."""

    text: str
    latex: str

    def transposed(self) -> "Symbol":
        return Symbol(self.text + "ᵀ", f"{{{self.latex}}}^{{\\top}}")

    def partial(self) -> "Symbol":
        """∂E/∂(this)."""
        return Symbol(f"∂E/∂{self.text}", f"\\frac{{\\partial E}}{{\\partial {self.latex}}}")


def theta(layer: int) -> Symbol:
    return Symbol(f"θ{sup(layer)}", f"\\theta^{{{layer}}}")


def bias(layer: int) -> Symbol:
    return Symbol(f"b{sup(layer)}", f"b^{{{layer}}}")


def z(layer: int) -> Symbol:
    return Symbol(f"z{sup(layer)}", f"z^{{{layer}}}")


def delta(layer: int) -> Symbol:
    return Symbol(f"δ{sup(layer)}", f"\\delta^{{{layer}}}")


def velocity(layer: int, of_bias: bool = False) -> Symbol:
    if of_bias:
        return Symbol(f"v_b{sup(layer)}", f"v_{{b}}^{{{layer}}}")
    return Symbol(f"v{sup(layer)}", f"v^{{{layer}}}")


def activation(layer: int, last: int) -> Symbol:
    """a⁰ is the input x, the last layer's output is ŷ, hidden layers are aˡ."""
    if layer == 0:
        return Symbol("x", "x")
    if layer == last:
        return Symbol("ŷ", "\\hat y")
    return Symbol(f"a{sup(layer)}", f"a^{{{layer}}}")


def number(value: float, decimals: int = 4) -> str:
    """A scalar as the steps quote it inline."""
    return f"{value:.{decimals}g}" if abs(value) >= 1e5 or (value != 0 and abs(value) < 1e-3) else f"{value:.{decimals}f}".rstrip("0").rstrip(".") or "0"
