"""Any text (titles, descriptions, notes, chain-rule factors) as LaTeX that pdflatex compiles.

The ten characters LaTeX treats specially are escaped; the lecture's Unicode notation (θ¹ᵀ₂₁,
∂E/∂ŷ, σ′, ⊙, −, ·) becomes math (`$\\theta^{1\\top}_{21}$`), runs of superscripts or subscripts
merged so that no double superscript arises; any other character is reduced to its ASCII base
(é → e) or written as its code point, so no input can break the document. Hangul stays as it is: a
document that holds any loads kotex (render/handout_latex.py), which sets it.
"""

from __future__ import annotations

import unicodedata

_TEXT_SPECIAL = {
    "\\": "\\textbackslash{}", "{": "\\{", "}": "\\}", "$": "\\$", "&": "\\&", "#": "\\#",
    "^": "\\textasciicircum{}", "_": "\\_", "%": "\\%", "~": "\\textasciitilde{}",
    "<": "\\textless{}", ">": "\\textgreater{}", "|": "\\textbar{}",
}
_TEXT_UNICODE = {"—": "---", "–": "--", "‘": "`", "’": "'", "“": "``", "”": "''", "\u00a0": "~", "…": "\\ldots{}"}
_MATH = {
    "θ": "\\theta", "δ": "\\delta", "σ": "\\sigma", "γ": "\\gamma", "μ": "\\mu", "Σ": "\\Sigma", "ε": "\\varepsilon",
    "η": "\\eta", "λ": "\\lambda", "α": "\\alpha", "β": "\\beta", "π": "\\pi", "∂": "\\partial", "⊙": "\\odot",
    "ŷ": "\\hat{y}", "−": "-", "·": "\\cdot{}", "×": "\\times{}", "←": "\\leftarrow{}", "→": "\\to{}",
    "≥": "\\geq{}", "≤": "\\leq{}", "≈": "\\approx{}", "±": "\\pm{}", "∞": "\\infty{}", "∇": "\\nabla{}",
    "′": "'", "½": "\\tfrac{1}{2}", "⋮": "\\vdots{}", "⋯": "\\cdots{}", "⋱": "\\ddots{}", "√": "\\surd{}",
    "≠": "\\neq{}", "∈": "\\in{}", "⊘": "\\oslash{}", "∑": "\\sum{}",
}
_SUPER = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹ᵀ⁻⁺", [*"0123456789", "\\top{}", "-", "+"]))
_SUB = dict(zip("₀₁₂₃₄₅₆₇₈₉ₖₛ", [*"0123456789", "k", "s"]))


HANGUL = ((0xAC00, 0xD7A3), (0x1100, 0x11FF), (0x3130, 0x318F))
"""Hangul syllables, jamo and compatibility jamo: the characters kotex sets."""


def is_hangul(char: str) -> bool:
    """Whether `char` is Hangul (passed through to kotex rather than reduced to ASCII)."""
    return any(low <= ord(char) <= high for low, high in HANGUL)


def _ascii(char: str) -> str:
    base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
    if base and base.isprintable():
        return "".join(_TEXT_SPECIAL.get(c, c) for c in base)
    return f"[U+{ord(char):04X}]"


def latex_text(text: str) -> str:
    """`text` as LaTeX for running text: specials escaped, notation as inline math."""
    out: list[str] = []
    math: list[str] = []

    def close_math() -> None:
        if math:
            out.append("$" + "".join(math) + "$")
            math.clear()

    i = 0
    while i < len(text):
        char = text[i]
        for table, mark in ((_SUPER, "^"), (_SUB, "_")):
            if char in table:
                j = i
                while j < len(text) and text[j] in table:
                    j += 1
                math.append(mark + "{" + "".join(table[c] for c in text[i:j]) + "}")
                i = j
                break
        else:
            if char in _MATH:
                math.append(_MATH[char])
            else:
                close_math()
                if char in _TEXT_SPECIAL:
                    out.append(_TEXT_SPECIAL[char])
                elif char in _TEXT_UNICODE:
                    out.append(_TEXT_UNICODE[char])
                elif char == "\n" or (char.isascii() and char.isprintable()) or is_hangul(char):
                    out.append(char)
                elif char.isspace():
                    out.append(" ")
                else:
                    out.append(_ascii(char))
            i += 1
    close_math()
    return "".join(out)
