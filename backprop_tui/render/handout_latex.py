"""The handout as a standalone LaTeX document (pdflatex; packages of texlive-latex-base and
texlive-latex-recommended only: amsmath, amssymb, geometry, longtable).

Each board line is an `align*`: the equation, then the numbers as `bmatrix`es with their shapes
set under them (`\\underset`), then the result. Numbers follow the app's rules (worked.fmt,
more digits where an update changes a weight); matrices past MAX_SHOWN rows or columns are
elided with \\vdots, \\cdots, \\ddots; every piece of text goes through `latex_text`.
"""

from __future__ import annotations

from backprop_tui.render.board import Const, Factor, Line, Sym, Token
from backprop_tui.i18n import _
from backprop_tui.render.describe import scenario_description, scenario_title
from backprop_tui.render.handout import (Handout, IterationBoard, StepBoard, Summary, batch_sentence, chain_lines,
                                        network_sentence, step_tag)
from backprop_tui.render.handout_markdown import (CellWriting, cell_text, chain_heading, iteration_heading,
                                                  shown_indices, span_sentence, summary_columns, summary_heading)
from backprop_tui.render.latex_text import is_hangul, latex_text
from backprop_tui.render.notation import latex
from backprop_tui.render.numbers import cell
from backprop_tui.render.worked import count, fmt

WIDE = 8
"""Matrix columns on one row of an equation; a line with more continues on the next row."""
BLANK = "\\boxed{\\phantom{-0.0000}}"
"""A cell left for the student to fill in: an empty box the width of a number."""

PREAMBLE = r"""\documentclass[10pt]{article}
\usepackage[utf8]{inputenc}
\usepackage{amsmath}
\usepackage{amssymb}
\usepackage{longtable}
\usepackage[margin=1.8cm]{geometry}
\setcounter{MaxMatrixCols}{20}
\allowdisplaybreaks
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.5ex}
"""


INPUTENC = "\\usepackage[utf8]{inputenc}\n"
KOTEX = "\\usepackage{kotex}\n"
"""Hangul in pdflatex: kotex (Debian's texlive-lang-korean), loaded after inputenc."""
MARK_E, MARK_BOX = "@@E@@", "@@BOX@@"
"""Stand-ins for LaTeX put into a translated sentence after it is escaped (latex_text leaves them)."""


def with_math(text: str, **pieces: str) -> str:
    """`text` escaped as running text, then each stand-in @@NAME@@ replaced by its LaTeX `pieces[NAME]`."""
    escaped = latex_text(text)
    for name, piece in pieces.items():
        escaped = escaped.replace(f"@@{name}@@", piece)
    return escaped


def latex_number(value: float, digits: int = 4) -> str:
    """A number in math mode: worked.fmt's digits, 1.2e-05 as 1.2\\times10^{-5}, inf as \\infty."""
    text = fmt(value, digits)
    if text in ("inf", "-inf"):
        return text.replace("inf", "\\infty")
    if text == "NaN":
        return "\\mathrm{NaN}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}\\times 10^{{{int(exponent)}}}"
    return text


LATEX_CELLS = CellWriting("\\ddots", "\\vdots", "\\cdots", BLANK, latex_number)
"""Cells as the LaTeX handout writes them: LaTeX's dots, numbers in math mode (latex_number)."""


def matrix_latex(factor: Factor) -> str:
    """A bmatrix with its shape set under it; a scalar (γ, E) as a plain number (or a box)."""
    if factor.scalar:
        return cell_text(factor, 0, 0, LATEX_CELLS)
    rows, cols = factor.shape
    body = " \\\\ ".join(" & ".join(cell_text(factor, r, c, LATEX_CELLS) for c in shown_indices(cols)) for r in shown_indices(rows))
    return f"\\underset{{{rows}\\times {cols}}}{{\\begin{{bmatrix}} {body} \\end{{bmatrix}}}}"


def _token(token: Token, numbers: bool) -> str:
    if isinstance(token, Factor):
        return matrix_latex(token) if numbers else latex(token.key, token.function)
    if isinstance(token, Const):
        return count(token.value) if numbers else token.latex
    return token.latex


LONG = 10
"""A cell of more LaTeX characters than this (an update's many digits, 3.2\\times 10^{-10}) takes
the room of two columns of a row."""


def _columns(token: Token) -> int:
    if isinstance(token, Factor) and not token.scalar:
        rows = shown_indices(token.shape[0])
        return sum(2 if any(len(cell_text(token, r, c, LATEX_CELLS)) > LONG for r in rows) else 1 for c in shown_indices(token.shape[1]))
    return 0


def _wrapped(tokens: tuple[Token, ...]) -> list[tuple[Token, ...]]:
    """The numbers of a line cut into rows of at most WIDE matrix columns, each cut before a
    matrix that stands outside any \\left( … \\right) (LaTeX cannot break those)."""
    rows: list[list[Token]] = [[]]
    width = depth = 0
    for token in tokens:
        if isinstance(token, Factor) and depth == 0 and width and width + _columns(token) > WIDE:
            rows.append([])
            width = 0
        rows[-1].append(token)
        width += _columns(token)
        if isinstance(token, Sym):
            depth += token.latex.count("\\left") - token.latex.count("\\right")
    return [tuple(row) for row in rows]


def line_latex(line: Line) -> str:
    """One board line as an align*: equation, numbers, result."""
    arrow = line.arrow.latex
    name = line.name.latex
    rhs = "".join(_token(t, False) for t in line.symbols)
    rows = [] if line.named else [f"{name} &{arrow} {rhs}"]
    for i, part in enumerate(_wrapped(line.substituted)):
        numbers = "".join(_token(t, True) for t in part)
        rows.append(f"{'' if rows else name + ' '}&= {numbers}" if not i else f"&\\quad {numbers}")
    rows.append(f"&= {matrix_latex(line.result)}")
    return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"


def _chain(chain, out: list[str]) -> None:
    out += [f"\\paragraph{{{latex_text(chain_heading(chain))}}}", "\\begin{itemize}"]
    out += [f"\\item {latex_text(text)}" for text in chain_lines(chain)]
    out.append("\\end{itemize}")


def _step(board: StepBoard, out: list[str]) -> None:
    s = board.step
    out.append(f"\\subsection*{{{s.index + 1}. {latex_text(board.title)} ({latex_text(step_tag(s))})}}")
    out += [line_latex(line) for line in board.lines]
    extra = [*board.notes, *([board.check] if board.check else [])]
    if extra:
        out += ["\\begin{itemize}", *(f"\\item {latex_text(text)}" for text in extra), "\\end{itemize}"]
    for chain in board.chains:
        _chain(chain, out)


def _iteration(handout: Handout, it: IterationBoard, out: list[str]) -> None:
    out.append(f"\\section*{{{latex_text(iteration_heading(it))}}}")
    loss = None if handout.options.blanks else cell(it.loss, 6)
    out.append(latex_text(batch_sentence(it.batch, loss)) + "\n")
    if it.diverged:
        out.append(f"\\textbf{{{latex_text(it.diverged)}}}\n")
    for board in it.steps:
        _step(board, out)
    for chain in it.chains:
        _chain(chain, out)


def _summary(summary: Summary, out: list[str]) -> None:
    out += [f"\\section*{{{latex_text(summary_heading(summary))}}}",
            "\\begin{longtable}{rlr}", " & ".join(with_math(text, E="$E$") for text in summary_columns(MARK_E))
            + " \\\\ \\hline"]
    out += [f"{n} & {', '.join(map(str, batch))} & {latex_text(cell(loss, 6))} \\\\" for n, batch, loss in summary.rows]
    out.append("\\end{longtable}\n")


def to_latex(handout: Handout) -> str:
    """The handout as a LaTeX document that compiles with pdflatex."""
    scenario, options = handout.scenario, handout.options
    out = [f"\\title{{{latex_text(scenario_title(scenario))}}}", "\\date{}", "\\begin{document}", "\\maketitle", ""]
    description = scenario_description(scenario)
    if description and not options.blanks:  # a story quotes numbers a sheet asks for
        out += [latex_text(" ".join(description.split())), ""]
    out += [latex_text(network_sentence(scenario)), "", latex_text(span_sentence(handout)), ""]
    if options.blanks:
        fill = _("Fill in each box {box} with the value the step computes (4 significant digits).")
        out += [with_math(fill.format(box=MARK_BOX), BOX=f"${BLANK}$"), ""]
    for it in handout.iterations:
        if isinstance(it, Summary):
            _summary(it, out)
        else:
            _iteration(handout, it, out)
    out.append("\\end{document}")
    body = "\n".join(out) + "\n"
    # Hangul (a Korean handout, or a title in Korean) needs kotex (texlive-lang-korean); a document
    # without any keeps the preamble it always had
    preamble = PREAMBLE.replace(INPUTENC, INPUTENC + KOTEX) if any(is_hangul(c) for c in body) else PREAMBLE
    return preamble + "\n" + body
