"""A step's words, made from its operations and keys: title, equation (Unicode and LaTeX), notes.

The step itself holds no display text; the screen, `trace` and the handout all read it here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backprop_tui.core.dense.activations import ACTIVATIONS
from backprop_tui.core.dense.losses import LOSSES
from backprop_tui.core.dense.operation import OpKind
from backprop_tui.core.dense.steps import Note, Number, Step
from backprop_tui.core.vocab import Kind, Phase, Quantity
from backprop_tui.core.scenario.conv_model import ConvScenario
from backprop_tui.core.scenario.model import UNTITLED, Scenario, Variant
from backprop_tui.i18n import N_, Message, _, language
from backprop_tui.render.notation import latex, number, sup, symbol

if TYPE_CHECKING:
    from backprop_tui.core.dense.compare import Curve


def function_of(step: Step, key: Quantity) -> str | None:
    """The activation whose derivative `key` is (for f′(z) symbols), from the step's operations."""
    producer = step.producer(key)
    return producer.function if producer is not None and producer.kind is OpKind.DERIVATIVE else None


def matrix_symbol(step: Step, key: Quantity) -> str:
    """The symbol a matrix of `step` is titled with (σ′(z²) rather than f′(z²) where the step knows f)."""
    return symbol(key, function_of(step, key))


def matrix_latex(step: Step, key: Quantity) -> str:
    return latex(key, function_of(step, key))


def title(step: Step) -> str:
    """What the step does, in words: "Layer 1: weighted sums", "Layer 2: gradient of θ²"…
    (in the interface language; symbols stay as they are)."""
    op = step.operation
    layer = step.layer
    if op.kind is OpKind.LOSS:
        return _("Error ({name})").format(name=LOSSES[op.function].name)
    if op.kind is OpKind.ACTIVATION:
        return _("Layer {layer}: activation ({name})").format(layer=layer, name=ACTIVATIONS[op.function].name)
    if op.kind in _CONV_TITLES:
        return _("Layer {layer}: {what}").format(layer=layer, what=_(_CONV_TITLES[op.kind]))
    if op.kind is OpKind.MATMUL and op.result.kind is Kind.Z and step.has(Quantity(Kind.PATCHES, step.layer)):
        return _("Layer {layer}: convolution as a matrix product").format(layer=layer)
    if op.kind is OpKind.MATMUL and op.result.kind is Kind.Z:
        return _("Layer {layer}: weighted sums").format(layer=layer)
    if op.kind is OpKind.MATMUL and op.result.kind is Kind.DE_DTHETA:
        return _("Layer {layer}: gradient of {symbol}, summed over positions").format(
            layer=layer, symbol=symbol(_gradient_of(op.result)))
    if op.kind is OpKind.MATMUL:
        return _("Layer {layer}: error sent back to layer {previous}").format(layer=layer, previous=layer - 1)
    if op.result.kind is Kind.DELTA:
        return _("Layer {layer}: {delta}").format(layer=layer, delta=f"δ{sup(layer)} = ∂E/∂z{sup(layer)}")
    if op.kind in (OpKind.OUTER_SUM, OpKind.BATCH_SUM):
        return _("Layer {layer}: gradient of {symbol}").format(layer=layer, symbol=symbol(_gradient_of(op.result)))
    return _("Layer {layer}: update {symbol}").format(layer=layer, symbol=symbol(op.operands[0]))


PHASE_NAMES = {Phase.FORWARD: N_("FORWARD"), Phase.LOSS: N_("LOSS"), Phase.BACKWARD: N_("BACKWARD"),
               Phase.UPDATE: N_("UPDATE")}
"""How a step's header names its phase (translated where drawn)."""


def phase_name(phase: Phase) -> str:
    """The phase as a step's header names it: FORWARD, or 순전파 (forward) in Korean."""
    return _(PHASE_NAMES[phase])


PHASE_WORDS = {Phase.FORWARD: N_("forward"), Phase.LOSS: N_("loss"), Phase.BACKWARD: N_("backward"),
               Phase.UPDATE: N_("update")}
"""How running text names a phase, as the CLI's --phases takes it in English (translated where drawn)."""


def phase_word(phase: Phase) -> str:
    """The phase as running text names it: forward, or 순전파 in Korean."""
    return _(PHASE_WORDS[phase])


_CONV_TITLES = {
    OpKind.IM2COL: N_("im2col, the patches as columns"),
    OpKind.COL2IM: N_("gradient sent to the input (col2im)"),
    OpKind.MAXPOOL: N_("max pooling"),
    OpKind.MAXPOOL_BACKWARD: N_("max pooling sends δ to the winners"),
    OpKind.FLATTEN: N_("flatten"),
    OpKind.UNFLATTEN: N_("gradient back into maps (unflatten)"),
}


def _gradient_of(key: Quantity) -> Quantity:
    return Quantity(Kind.THETA if key.kind is Kind.DE_DTHETA else Kind.BIAS, key.layer)


def equation(step: Step) -> str:
    """The step's equation in Unicode, as the lecture writes it."""
    return _equation(step, symbol, unicode=True)


def equation_latex(step: Step) -> str:
    """The step's equation in LaTeX, for the handout."""
    return _equation(step, latex, unicode=False)


def _equation(step: Step, spell, unicode: bool) -> str:  # noqa: C901 - one branch per kind, read top-down
    op = step.operation
    s = lambda key: spell(key, function_of(step, key))  # noqa: E731
    result = s(op.result)
    times = "·" if unicode else "\\,"
    if op.kind is OpKind.MATMUL:
        text = f"{result} = {s(op.operands[0])}{times}{s(op.operands[1])}"
        return text + (f" + {s(op.operands[2])}" if len(op.operands) > 2 else "")
    if op.kind is OpKind.OUTER_SUM:
        return f"{result} = {s(op.operands[0])}{times}{s(op.operands[1])}"
    if op.kind is OpKind.COL2IM:  # the step's two operations: ∂E/∂P = θ·δ, then col2im
        first = step.operations[0]
        product = f"{s(first.operands[0])}{times}{s(first.operands[1])}"
        return f"{result} = col2im({product})" if unicode else f"{result} = \\mathrm{{col2im}}({product})"
    if op.kind in _CONV_FUNCTIONS:
        name = _CONV_FUNCTIONS[op.kind] if unicode else _CONV_FUNCTIONS[op.kind].replace("_", "\\_")
        args = ", ".join(s(k) for k in op.operands)
        return f"{result} = {name}({args})" if unicode else f"{result} = \\mathrm{{{name}}}({args})"
    if op.kind is OpKind.ACTIVATION:
        act = ACTIVATIONS[op.function]
        return f"{result} = {act.symbol if unicode else act.latex}({s(op.operands[0])})"
    if op.kind is OpKind.LOSS:
        loss = LOSSES[op.function]
        return loss.formula if unicode else loss.latex
    if op.kind is OpKind.SOFTMAX_CE_DELTA:
        return f"{result} = (ŷ − y)/m" if unicode else f"{result} = \\frac{{\\hat y - y}}{{m}}"
    if op.kind is OpKind.SIGMOID_BCE_DELTA:
        return f"{result} = (ŷ − y)/(m·k)" if unicode else f"{result} = \\frac{{\\hat y - y}}{{mk}}"
    if op.kind is OpKind.SOFTMAX_BACKWARD:
        z = s(Quantity(Kind.Z, op.result.layer))
        if unicode:
            return f"{result} = J_softmax({z})ᵀ·{s(op.operands[0])}"
        return f"{result} = J_{{\\mathrm{{softmax}}}}({z})^\\top {s(op.operands[0])}"
    if op.kind is OpKind.HADAMARD:
        odot = "⊙" if unicode else "\\odot"
        return f"{result} = {s(op.operands[0])} {odot} {s(op.operands[1])}"
    if op.kind is OpKind.BATCH_SUM:
        over = "positions" if op.image is not None else "samples"  # a convolution's bias: every position
        total = f"Σ_{over}" if unicode else f"\\sum_{{\\text{{{over}}}}}"
        return f"{result} = {total} {s(op.operands[0])}"
    if op.kind is OpKind.GD_UPDATE:
        p, dp = s(op.operands[0]), s(op.operands[1])
        if unicode:
            return f"{p} ← {p} − γ·{dp}"
        return f"{p} \\leftarrow {p} - \\gamma\\,{dp}"
    if op.kind is OpKind.MOMENTUM_UPDATE:
        p, dp, v = s(op.operands[0]), s(op.operands[1]), s(op.operands[4])
        if unicode:
            return f"{v} ← μ·{v} − γ·{dp};  {p} ← {p} + {v}"
        return f"{v} \\leftarrow \\mu {v} - \\gamma\\,{dp};\\quad {p} \\leftarrow {p} + {v}"
    raise ValueError(f"no equation for a step whose operation is {op.kind}")


_CONV_FUNCTIONS = {
    OpKind.IM2COL: "im2col", OpKind.MAXPOOL: "maxpool", OpKind.MAXPOOL_BACKWARD: "route_to_winners",
    OpKind.FLATTEN: "flatten", OpKind.UNFLATTEN: "unflatten",
}


def note_text(note: Note) -> str:
    """A note as a sentence in the interface language: its message translated, its quantities
    spelt as symbols, its numbers formatted, its worded slots translated in turn."""
    values: dict[str, str] = {}
    for name, value in note.slots:
        if isinstance(value, Quantity):
            values[name] = symbol(value)
        elif isinstance(value, Number):
            values[name] = number(value.value, value.digits)
        elif isinstance(value, str):
            values[name] = _(value) if value else value
        else:
            values[name] = str(value)
    for name, value in note.slots:
        # a worded slot that names other slots (an older note's text parts are plain text: not formatted)
        if isinstance(value, str) and "{" in value and not name.startswith("part"):
            values[name] = values[name].format_map(values)
    text = _(note.message)
    return text.format_map(values) if note.slots else text  # a note without slots is plain text, braces and all


def notes(step: Step) -> list[str]:
    """Every note of the step as text."""
    return [note_text(note) for note in step.notes]


def scenario_title(scenario: Scenario | ConvScenario) -> str:
    """The scenario's title in the interface language (its title_ko in Korean), else its own; a
    title the program made (a Message: a checkpoint opened on an image) said in the language of now."""
    if scenario.titles.get(language()):
        return scenario.titles[language()]
    if isinstance(scenario.title, Message):
        return scenario.title.translated()
    return _(UNTITLED) if scenario.title == UNTITLED else scenario.title  # the file's own title is its data


def scenario_description(scenario: Scenario | ConvScenario) -> str:
    """The scenario's description in the interface language (description_ko), else its own (a
    Message, made by the program, in the language of now)."""
    description = scenario.descriptions.get(language()) or scenario.description
    return description.translated() if isinstance(description, Message) else description


def variant_description(variant: Variant | Curve) -> str:
    """A variant's description (or its loss curve's) in the interface language (its table's
    description_ko in Korean), else its own: the file's text, never looked up in the catalogue."""
    return variant.descriptions.get(language()) or variant.description
