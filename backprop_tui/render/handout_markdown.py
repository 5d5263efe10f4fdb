"""The handout in markdown: each step as the board writes it, in a fixed-width text block.

    z¹ = θ¹ᵀ·x
       = ⎡1.2  0.3⎤·⎡1.0⎤ = ⎡1.35⎤
         ⎢1.1  0.7⎥ ⎣0.5⎦   ⎢1.45⎥
         ⎣1.5  0.3⎦         ⎣1.65⎦
            3×2      2×1      3×1

A block of text reads the same in any viewer and on paper (no math renderer needed); the
shapes stand under their matrices, and a matrix of more than MAX_SHOWN rows or columns shows
its first two and its last, with ⋮ and ⋯ between (its shape says how big it is).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.cells import cell_len

from backprop_tui.render.board import Const, Factor, Line, Token
from backprop_tui.i18n import N_, _
from backprop_tui.render.describe import scenario_description, scenario_title
from backprop_tui.render.handout import (BLANK_TEXT, Chain, Handout, IterationBoard, StepBoard, Summary,
                                        batch_sentence, chain_lines, network_sentence, phase_word, step_tag)
from backprop_tui.render.notation import symbol
from backprop_tui.render.numbers import cell, shape
from backprop_tui.render.worked import count, fmt

MAX_SHOWN = 6
"""Rows (or columns) a matrix shows in full; a bigger one is elided to its first two and last."""
MAX_WIDTH = 100
"""Characters of a line of numbers before it goes on under itself (a printed page holds about this)."""
BLANK = BLANK_TEXT
"""A cell left for the student to fill in."""


@dataclass(frozen=True)
class Block:
    """Lines of text drawn side by side with other blocks, aligned on row `base`."""

    lines: tuple[str, ...]
    base: int = 0

    @property
    def width(self) -> int:
        """The widest line's length."""
        return max((len(line) for line in self.lines), default=0)


def shown_indices(n: int) -> list[int | None]:
    """The indices of a dimension of n drawn, None where the elision mark stands."""
    return list(range(n)) if n <= MAX_SHOWN else [0, 1, None, n - 1]


@dataclass(frozen=True)
class CellWriting:
    """How one medium (markdown, LaTeX) writes a cell of a drawn matrix: the marks that stand for
    the rows and columns left out, the empty cell of a sheet, and a number with its digits."""

    both_left_out: str
    row_left_out: str
    column_left_out: str
    blank: str
    number: Callable[[float, int], str]


MARKDOWN_CELLS = CellWriting("⋱", "⋮", "⋯", BLANK, fmt)
"""Cells as the markdown handout writes them: Unicode ellipses, worked.fmt's numbers."""


def cell_text(factor: Factor, row: int | None, col: int | None, writing: CellWriting = MARKDOWN_CELLS) -> str:
    """Cell (row, col), 0-based, of `factor` as `writing` writes it; a None index is a row or
    column left out (shown_indices), a blank factor's cells are empty boxes."""
    if row is None and col is None:
        return writing.both_left_out
    if row is None:
        return writing.row_left_out
    if col is None:
        return writing.column_left_out
    if factor.blank:
        return writing.blank
    return writing.number(float(factor.values[row, col]), factor.digits_at(row, col))


def matrix_block(factor: Factor) -> Block:
    """A matrix in brackets with its shape centred underneath; a scalar (γ, E) as a plain number."""
    if factor.scalar:
        return Block((cell_text(factor, 0, 0),))
    rows, cols = factor.shape
    grid = [[cell_text(factor, r, c) for c in shown_indices(cols)] for r in shown_indices(rows)]
    widths = [max(len(row[j]) for row in grid) for j in range(len(grid[0]))]
    body = ["  ".join(text.rjust(w) for text, w in zip(row, widths)) for row in grid]
    if len(body) == 1:
        left, right = ["["], ["]"]
    else:
        left = ["⎡", *["⎢"] * (len(body) - 2), "⎣"]
        right = ["⎤", *["⎥"] * (len(body) - 2), "⎦"]
    lines = [f"{l}{b}{r}" for l, b, r in zip(left, body, right)]
    label = shape(rows, cols)
    width = max(len(lines[0]), len(label))
    lines = [line.ljust(width) for line in lines] + [label.center(width)]
    return Block(tuple(lines), (len(body) - 1) // 2)


def token_block(token: Token) -> Block:
    """A token with its numbers in: matrices drawn, counts as numbers, operators as they read."""
    if isinstance(token, Factor):
        return matrix_block(token)
    if isinstance(token, Const):
        return Block((count(token.value),))
    return Block((token.unicode,))


def hcat(blocks: list[Block]) -> Block:
    """Blocks side by side, their base rows on one line."""
    top = max(b.base for b in blocks)
    below = max(len(b.lines) - b.base for b in blocks)
    rows = ["" for _ in range(top + below)]
    for b in blocks:
        width = b.width
        offset = top - b.base
        for i in range(len(rows)):
            j = i - offset
            rows[i] += (b.lines[j] if 0 <= j < len(b.lines) else "").ljust(width)
    return Block(tuple(r.rstrip() for r in rows), top)


def symbolic_text(token: Token) -> str:
    """A token as the equation names it: a matrix by its symbol, a count by its letter."""
    if isinstance(token, Factor):
        return symbol(token.key, token.function)
    return token.unicode


def line_text(line: Line) -> list[str]:
    """The board's writing of one line: the equation, then the numbers and the result under it."""
    name = line.name.unicode
    lhs = f"{name} {line.arrow.unicode} "
    rhs = "".join(symbolic_text(t) for t in line.symbols)
    said = not line.named  # σ′(z²) = σ′(z²) says nothing: then the numbers follow the name at once
    start = " " * (cell_len(lhs) - 2) + "= " if said else lhs
    equals = " " * (cell_len(start) - 2) + "= "
    # a line too wide for a page goes on under itself: cut before a matrix (with the operators
    # that follow it), never inside one; the result's "=" starts its row
    units: list[list[Block]] = [[Block((start,))]]
    first = True
    for token in line.substituted:
        if isinstance(token, Factor):
            if not first:  # the first matrix stays with what opens the line
                units.append([])
            first = False
        units[-1].append(token_block(token))
    units.append([matrix_block(line.result)])
    rows: list[list[Block]] = [units[0]]
    width = sum(b.width for b in units[0])
    for i, unit in enumerate(units[1:], start=1):
        result = i == len(units) - 1
        joint = [Block((" = ",))] if result else []
        need = sum(b.width for b in joint + unit)
        if width + need > MAX_WIDTH and width > cell_len(start):
            rows.append([Block((equals if result else " " * cell_len(start),))])
            width, joint = cell_len(start), []
        rows[-1] += joint + unit
        width += sum(b.width for b in joint + unit)
    lines = [text for row in rows for text in hcat(row).lines]
    return [lhs + rhs, *lines] if said else lines


def _step(board: StepBoard, out: list[str]) -> None:
    s = board.step
    out += [f"### {s.index + 1}. {board.title} ({step_tag(s)})", "", "```text"]
    for i, line in enumerate(board.lines):
        if i:
            out.append("")
        out += line_text(line)
    out += ["```", ""]
    out += [f"- {note}" for note in board.notes]
    if board.check:
        out.append(f"- {board.check}")
    if board.notes or board.check:
        out.append("")
    for chain in board.chains:
        _chain(chain, out)


def _chain(chain, out: list[str]) -> None:
    out += ["#### " + chain_heading(chain), "", "```text", *chain_lines(chain), "```", ""]


def chain_heading(chain: Chain) -> str:
    """"Chain rule for theta1[1,1]"."""
    return _("Chain rule for {cell}").format(cell=chain.cell.ascii)


def _iteration(handout: Handout, it: IterationBoard, out: list[str]) -> None:
    loss = None if handout.options.blanks else cell(it.loss, 6)
    out += ["## " + iteration_heading(it), "", batch_sentence(it.batch, loss), ""]
    if it.diverged:
        out += [f"**{it.diverged}**", ""]
    for board in it.steps:
        _step(board, out)
    for chain in it.chains:
        _chain(chain, out)


def summary_heading(summary: Summary) -> str:
    """What a summary table stands for, and how to see its steps."""
    first, last = summary.rows[0][0], summary.rows[-1][0]
    if first == last:
        text = _("Iteration {first}, one row each (the same steps with other numbers; --from {first} --to {last} "
                 "writes them out, --full writes every iteration)")
    else:
        text = _("Iterations {first} to {last}, one row each (the same steps with other numbers; --from {first} "
                 "--to {last} writes them out, --full writes every iteration)")
    return text.format(first=first, last=last)


def iteration_heading(it: IterationBoard) -> str:
    """"Iteration 2"."""
    return _("Iteration {number}").format(number=it.number)


SUMMARY_E = N_("{E} before the update")
"""The summary table's loss column, E set as each form sets a symbol."""


def summary_columns(e: str) -> list[str]:
    """The summary table's headings, E written as `e`."""
    return [_("iteration"), _("batch"), _(SUMMARY_E).format(E=e)]


def _summary(summary: Summary, out: list[str]) -> None:
    out += [f"## {summary_heading(summary)}", "", "| " + " | ".join(summary_columns("E")) + " |", "|---:|---|---:|"]
    out += [f"| {n} | {', '.join(map(str, batch))} | {cell(loss, 6)} |" for n, batch, loss in summary.rows]
    out.append("")


def header(handout: Handout) -> list[str]:
    """The title, the scenario's story, the network and what the handout covers, as plain lines."""
    scenario, options = handout.scenario, handout.options
    lines = [scenario_title(scenario), ""]
    description = scenario_description(scenario)
    if description and not options.blanks:  # a story quotes numbers a sheet asks for
        lines += [" ".join(description.split()), ""]
    lines += [network_sentence(scenario), "", span_sentence(handout), ""]
    if options.blanks:
        lines += [_("Fill in each blank ({blank}) with the value the step computes (4 significant digits).").format(
            blank=BLANK), ""]
    return lines


def span_sentence(handout: Handout) -> str:
    """"Iterations 1 to 2 of the 3 walked; phases: forward, loss."."""
    first, last = handout.span
    phases = ", ".join(phase_word(p) for p in handout.options.phases)
    if first == last:
        text = _("Iteration {first} of the {walked} walked; phases: {phases}.")
    else:
        text = _("Iterations {first} to {last} of the {walked} walked; phases: {phases}.")
    return text.format(first=first, last=last, walked=handout.walked, phases=phases)


def to_markdown(handout: Handout) -> str:
    """The handout as markdown: a heading per iteration and per step, each step's lines as a text block."""
    head = header(handout)
    out = [f"# {head[0]}", "", *head[2:]]
    for it in handout.iterations:
        if isinstance(it, Summary):
            _summary(it, out)
        else:
            _iteration(handout, it, out)
    return "\n".join(out).rstrip() + "\n"
