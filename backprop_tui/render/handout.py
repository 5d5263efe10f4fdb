"""What a handout holds, before it is drawn in markdown or LaTeX: the chosen iterations and
phases, each step's board lines, chain-rule drill-downs of chosen weights, and the blanks.

`build_handout` makes a `Handout` from the walked iterations and `HandoutOptions`; the two
renderers (handout_markdown.py, handout_latex.py) and the answer key (answer_key.py) read it,
so a sheet and its key always agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rich.cells import cell_len

from backprop_tui.core.dense.chain import DrillDown, drilldown
from backprop_tui.core.dense.conv_chain import conv_drilldown
from backprop_tui.core.dense.gradcheck import relative_error
from backprop_tui.core.dense.run import Iteration
from backprop_tui.core.dense.steps import Number, Step, first_divergent_step
from backprop_tui.core.errors import UserError
from backprop_tui.core.scenario.conv_model import ConvScenario
from backprop_tui.core.scenario.model import Scenario
from backprop_tui.core.dense.gradcheck import GradCheck
from backprop_tui.core.vocab import Cell, Kind, OptimizerName, Parameter, Phase, Quantity
from backprop_tui.i18n import _, ngettext
from backprop_tui.render.board import BOARD_KINDS, Line
from backprop_tui.render.chain import factor_text, target_text
from backprop_tui.render.chain_table import value_text
from backprop_tui.render.conv_board import board_lines, worked_notes
from backprop_tui.render.describe import note_text, phase_word, title
from backprop_tui.render.notation import number
from backprop_tui.render.step import check_symbol
from backprop_tui.render.verdict import status_verdict


def step_tag(step: Step) -> str:
    """What a step heading says after its title: (forward, layer 1), or the phase alone."""
    if step.layer:
        return _("{phase}, layer {layer}").format(phase=phase_word(step.phase), layer=step.layer)
    return phase_word(step.phase)


def batch_sentence(batch: tuple[int, ...], loss: str | None) -> str:
    """"Batch: samples 1, 2; loss before the update E = 0.0725." (`loss` None: left out, as a sheet does)."""
    samples = ", ".join(map(str, batch))
    if loss is None:
        return ngettext("Batch: sample {samples}.", "Batch: samples {samples}.", len(batch)).format(samples=samples)
    return ngettext("Batch: sample {samples}; loss before the update E = {loss}.",
                    "Batch: samples {samples}; loss before the update E = {loss}.", len(batch)).format(
        samples=samples, loss=loss)


def check_sentence(check: GradCheck) -> str:
    """The check in a sentence: "Gradient check of ∂E/∂θ¹: max relative error 1.2e-09 against … (agrees)."."""
    return _("Gradient check of {symbol}: max relative error {error} against central differences ({verdict}).").format(
        symbol=check_symbol(check), error=f"{check.max_relative_error:.1e}",
        verdict=status_verdict(check.status, check.kinks))


def diverged_sentence(bad: Step | None) -> str:
    """That an iteration diverged, and at which step first when known."""
    if bad is None:
        return _("This iteration diverged: values overflowed to infinity or NaN.")
    return _("This iteration diverged: values overflowed to infinity or NaN (first at step {step}, {title}).").format(
        step=bad.index + 1, title=title(bad))


def network_sentence(scenario: Scenario, quote: str = "") -> str:
    """"Network 2-3-1, activations sigmoid, sigmoid, loss mse, optimizer sgd, learning rate γ = 0.5."
    (the names as the scenario file writes them; the loss's and optimizer's between `quote`s)."""
    t = scenario.training
    slots = {"sizes": "-".join(str(s) for s in scenario.sizes),
             "activations": ", ".join(l.activation for l in scenario.layers),
             "loss": f"{quote}{scenario.loss}{quote}", "optimizer": f"{quote}{t.optimizer}{quote}",
             "rate": f"{t.learning_rate:g}", "momentum": f"{t.momentum:g}"}
    if t.optimizer == OptimizerName.MOMENTUM:
        return _("Network {sizes}, activations {activations}, loss {loss}, optimizer {optimizer}, learning rate "
                 "γ = {rate}, momentum μ = {momentum}.").format(**slots)
    return _("Network {sizes}, activations {activations}, loss {loss}, optimizer {optimizer}, learning rate "
             "γ = {rate}.").format(**slots)


DETAILED = 3
"""A range longer than this (plus its last iteration) summarises the iterations in between: a
126-iteration walk written step by step is a book nobody prints (and over 800 KB)."""


@dataclass(frozen=True)
class HandoutOptions:
    """What to put in: iterations first..last (1-based, inclusive), the phases, the weights whose
    chain rule is drawn, and what a sheet leaves blank (whole phases and single quantities)."""

    first: int = 1
    last: int | None = None
    """None: up to the last iteration walked."""
    phases: tuple[Phase, ...] = tuple(Phase)
    chains: tuple[Cell, ...] = ()
    blank_phases: frozenset[Phase] = frozenset()
    blank_quantities: frozenset[Quantity] = frozenset()
    """Stored (untransposed) keys of results to leave blank."""
    detailed: int | None = DETAILED
    """Iterations written in full at the start of a longer range (the last one is too); the
    ones between are one row each of a table. None: every iteration in full."""

    @property
    def blanks(self) -> bool:
        """Whether this is a sheet with blanks (and so has an answer key)."""
        return bool(self.blank_phases or self.blank_quantities)


@dataclass(frozen=True)
class Chain:
    """The chain rule of one weight or bias in one iteration."""

    cell: Cell
    drill: DrillDown
    blank: bool = False
    """On a sheet: the factors' names are given, their values, products and sums left blank."""


@dataclass(frozen=True)
class StepBoard:
    """One step: its title, its board lines, and (first iteration only) its notes and check."""

    step: Step
    title: str
    lines: tuple[Line, ...]
    notes: tuple[str, ...] = ()
    check: str | None = None
    chains: tuple[Chain, ...] = ()


@dataclass(frozen=True)
class IterationBoard:
    """One iteration: its number, batch (1-based samples), loss, and the chosen steps."""

    number: int
    batch: tuple[int, ...]
    loss: float
    diverged: str | None
    steps: tuple[StepBoard, ...]
    chains: tuple[Chain, ...] = ()
    """Drill-downs whose gradient step is not among the chosen phases (drawn after the steps)."""


@dataclass(frozen=True)
class Summary:
    """Iterations between the detailed ones, a row each: number, batch (1-based), loss before the update."""

    rows: tuple[tuple[int, tuple[int, ...], float], ...]


@dataclass(frozen=True)
class Handout:
    """The whole handout: the scenario, the options, and each chosen iteration."""

    scenario: Scenario
    options: HandoutOptions
    iterations: tuple[IterationBoard | Summary, ...]
    walked: int
    """How many iterations the walk has (for the header: "iterations 2 to 3 of 3")."""
    span: tuple[int, int]
    """The first and last iteration written (1-based)."""
    blanked: tuple[tuple[int, tuple[Line, ...]], ...] = field(default=())
    """Per iteration number, the lines whose result is left blank (what the answer key holds)."""


def walked_in_cli(count: int) -> str:
    """How far the CLI walked, and how it walks further: one whole sentence (no fragment glued in)."""
    return ngettext("the walk has {count} iteration (pass --iterations N to walk more)",
                    "the walk has {count} iterations (pass --iterations N to walk more)", count).format(count=count)


def check_range(options: HandoutOptions, walked: int,
                walk_has: Callable[[int], str] = walked_in_cli) -> tuple[int, int]:
    """The iterations first..last to draw; UserError naming the option when they do not fit
    (`walk_has(walked)` says how far the walk went and how to walk further)."""
    last = walked if options.last is None else options.last
    if options.first < 1:
        raise UserError(_("--from {first}: iterations count from 1").format(first=options.first))
    if options.last is not None and options.first > last:
        raise UserError(_("--from {first} --to {last}: the first iteration is after the last").format(
            first=options.first, last=last))
    if options.first > walked:
        raise UserError(f"--from {options.first}: " + walk_has(walked))
    if last > walked:
        raise UserError(f"--to {last}: " + walk_has(walked))
    return options.first, last


def _gradient_step(cell: Cell) -> tuple[int, Parameter]:
    layer = cell.key.layer or 1
    return layer, Parameter.WEIGHTS if cell.key.kind is Kind.THETA else Parameter.BIAS


def _chain(scenario: Scenario, it: Iteration, cell: Cell, blank: bool) -> Chain:
    layer, parameter = _gradient_step(cell)
    index = cell.index
    row, col = (index[0], index[1]) if parameter is Parameter.WEIGHTS else (index[0], 0)
    if isinstance(scenario, ConvScenario):  # a filter weight: summed over every position it visits
        return Chain(cell, conv_drilldown(scenario, it, layer, row, col, parameter), blank)
    return Chain(cell, drilldown(scenario, it, layer, row, col, parameter), blank)


def detailed_iterations(options: HandoutOptions, first: int, last: int) -> frozenset[int]:
    """The iterations (1-based) of first..last written step by step: the first `options.detailed`
    and the last one (all with detailed None); only these need their steps built."""
    if options.detailed is None or last - first + 1 <= options.detailed + 1:
        return frozenset(range(first, last + 1))
    return frozenset([*range(first, first + options.detailed), last])


def build_handout(scenario: Scenario, iterations: list[Iteration], steps: list[Step],
                  options: HandoutOptions, walk_has: Callable[[int], str] = walked_in_cli) -> Handout:
    """The handout of the walked `iterations` (and their `steps`: those of
    `detailed_iterations` are enough) that `options` choose.

    Raises UserError for a range outside the walk or a blank quantity no chosen step writes.
    """
    first, last = check_range(options, len(iterations), walk_has)
    if options.blanks and isinstance(scenario, ConvScenario):
        # a line per feature map would put part of a result in its answer key
        raise UserError(_("{name}: a sheet with blanks of a convolutional scenario is not written yet; "
                          "write the handout without --blanks").format(name=_scenario_name(scenario)))
    by_iteration: dict[int, list[Step]] = {}
    for s in steps:
        by_iteration.setdefault(s.iteration, []).append(s)
    boards: list[IterationBoard | Summary] = []
    blanked: list[tuple[int, tuple[Line, ...]]] = []
    results: set[Quantity] = set()
    written = detailed_iterations(options, first, last)
    for it in iterations[first - 1:last]:
        if it.number not in written:
            row = (it.number, tuple(int(i) + 1 for i in it.batch), float(it.loss))
            if boards and isinstance(boards[-1], Summary):
                boards[-1] = Summary((*boards[-1].rows, row))
            else:
                boards.append(Summary((row,)))
            continue
        walked = by_iteration.get(it.number, [])
        chosen = [s for s in walked if s.phase in options.phases]
        unwritten = sorted(str(k) for k in {op.kind for s in chosen for op in s.operations} - BOARD_KINDS)
        if unwritten:
            name = _scenario_name(scenario)
            raise UserError(_("{name}: a handout of its {kinds} steps is not written yet (`backprop-tui trace "
                              "{name} --format markdown` gives them as tables)").format(name=name,
                                                                                       kinds=", ".join(unwritten)))
        blanks = _blanks(chosen, options)
        chains = [_chain(scenario, it, c, options.blanks) for c in options.chains]
        placed: set[Cell] = set()
        step_boards = []
        for s in chosen:
            lines = tuple(board_lines(scenario, s, blanks))
            results |= {line.result.key for line in lines}
            mine = tuple(c for c in chains if s.phase is Phase.BACKWARD and s.parameter is not None
                         and (s.layer, s.parameter) == _gradient_step(c.cell))
            placed |= {c.cell for c in mine}
            first_time = it.number == first
            check = check_sentence(s.check) if first_time and s.check is not None else None
            notes = (_notes(s, options) if first_time else ()) + worked_notes(s)
            step_boards.append(StepBoard(s, title(s), lines, notes, check, mine))
        bad = first_divergent_step(walked)
        diverged = None
        if it.diverged or bad is not None:
            diverged = diverged_sentence(bad)
        boards.append(IterationBoard(it.number, tuple(int(i) + 1 for i in it.batch), float(it.loss), diverged,
                                     tuple(step_boards), tuple(c for c in chains if c.cell not in placed)))
        if options.blanks:
            blanked.append((it.number, tuple(line for b in step_boards for line in b.lines if line.result.blank)))
    missing = sorted(q.ascii for q in options.blank_quantities if q not in results)
    if missing:
        shown = sorted({q.ascii for q in results})
        said = ngettext("no chosen step writes it; the results of the chosen steps are {results}",
                        "no chosen step writes them; the results of the chosen steps are {results}", len(missing))
        raise UserError(f"--blanks {', '.join(missing)}: " + said.format(results=", ".join(shown)))
    return Handout(scenario, options, tuple(boards), len(iterations), (first, last), tuple(blanked))


def _scenario_name(scenario: Scenario | ConvScenario) -> str:
    return scenario.source.name if scenario.source else scenario.title


def _notes(step: Step, options: HandoutOptions) -> tuple[str, ...]:
    """The step's notes; on a sheet, those quoting a number left out (E = 0.0725 is an answer)."""
    kept = [n for n in step.notes if not (options.blanks and any(isinstance(p, Number) for p in n.parts))]
    return tuple(note_text(n) for n in kept)


def _blanks(chosen: list[Step], options: HandoutOptions) -> frozenset[Quantity]:
    """The stored keys of the results left blank in one iteration: every result of a blanked
    phase, and each blanked quantity."""
    keys: set[Quantity] = set()
    for s in chosen:
        for op in s.operations:
            for key in op.results:
                if key.transposed:
                    continue
                if s.phase in options.blank_phases or key in options.blank_quantities:
                    keys.add(key)
    return frozenset(keys)


BLANK_TEXT = "______"
"""A value left for the student in running text (the markdown sheet's cells too)."""
CHAIN_TERMS = 6
"""Paths × samples listed per drill-down; past this the handout says how many more the sum holds."""


def chain_lines(chain: Chain) -> list[str]:
    """The drill-down in words: per path and sample its factors, then their values and product
    under them; then the sum, the analytic gradient and the central difference, and the check."""
    drill = chain.drill
    terms = drill.terms or drill.compact
    samples = len({t.sample for t in terms}) > 1
    lines = []
    counts: dict[int, int] = {}
    for term in terms[:CHAIN_TERMS]:
        counts[term.sample] = counts.get(term.sample, 0) + 1
        label = ", ".join(p for p, on in ((_("sample {number}").format(number=term.sample + 1), samples),
                                           (_("position {number}").format(number=counts[term.sample])
                                            if drill.positions else _("path {number}").format(number=counts[term.sample]),
                                            True)) if on)
        names = " · ".join(factor_text(f) for f in term.factors)
        values = " · ".join(BLANK_TEXT if chain.blank else value_text(f.value, 4) for f in term.factors)
        product = BLANK_TEXT if chain.blank else number(term.value, 6)
        # names, then their values under them: a path through three layers is too long for one line
        lines += [f"{label}: {names}", f"{' ' * cell_len(label)}  = {values} = {product}"]
    if len(terms) > CHAIN_TERMS:
        lines.append("… " + _("{count} more terms").format(count=len(terms) - CHAIN_TERMS))
    if drill.positions:
        lines.insert(0, _("(one term per position the filter visits: δ there times the patch value under the weight)"))
    elif not drill.terms:
        lines.insert(0, _("(too many paths to list: one term per sample, δ times the input)"))
    gradient = f"∂E/∂{target_text(drill)}"
    if chain.blank:
        return lines + [_("sum of the terms = {gradient} = {value}").format(gradient=gradient, value=BLANK_TEXT)]
    error = relative_error(drill.analytic, drill.numeric)
    lines += [_("sum of the terms = {value}").format(value=number(drill.path_sum, 6)),
              _("{gradient} = {analytic} (backpropagation), {numeric} (central difference)").format(
                  gradient=gradient, analytic=number(drill.analytic, 6), numeric=number(drill.numeric, 6)),
              _("relative error {error}: {verdict}").format(error=f"{error:.1e}",
                                                             verdict=status_verdict(drill.status, drill.kinks))]
    return lines
