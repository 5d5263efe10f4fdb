"""Turn one Iteration into the ordered steps a learner walks: forward, loss, backward, update.

Each Step is data: its phase and layer, the operations it performed (kind, keyed operands and
results, constants; see operation.py), the keyed matrices it involves (transposes included as
their own matrices, and any operand the picture leaves out marked as not shown), notes, and for
backward steps a gradient check. Titles, equations and symbols are made from these by `render`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from backprop_tui.core.dense import network, notation as n
from backprop_tui.core.dense.activations import ACTIVATIONS, LEAKY_SLOPE
from backprop_tui.core.dense.gradcheck import GradCheck, gradient_check
from backprop_tui.core.dense.losses import LOSSES, from_logits
from backprop_tui.core.dense.network import Params
from backprop_tui.core.dense.operation import OpKind, Operation
from backprop_tui.core.dense.run import Iteration, activations_of
from backprop_tui.core.scenario.model import Scenario
from backprop_tui.core.vocab import ActivationName, Kind, Parameter, Phase, Quantity, Role
from backprop_tui.i18n import N_


@dataclass(frozen=True)
class Matrix:
    """A keyed matrix of a step (vectors are columns, scalars 1×1)."""

    key: Quantity
    values: np.ndarray
    role: Role = Role.IN
    """IN (read by the step) or OUT (written by it)."""
    shown: bool = True
    """False for an operand the step's picture leaves out (z and a behind f′(z), say); it is
    still here, so every operation can be recomputed from the step alone."""

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns) of the values."""
        return (int(self.values.shape[0]), int(self.values.shape[1]))

    @property
    def transpose_of(self) -> Quantity | None:
        """The stored matrix this one transposes, if it is a transpose."""
        return self.key.stored if self.key.transposed else None


@dataclass(frozen=True)
class Number:
    """A number quoted in a note, shown with `digits` significant decimals by the renderer."""

    value: float
    digits: int = 4


NotePart = str | int | float | Quantity | Number


@dataclass(frozen=True)
class Note:
    """A sentence about a step: an English message with named {slots}, and what fills each slot.

    The message is the catalogue key render translates (backprop_tui.i18n), so a language may
    put the slots in its own order; quantities stay keys and numbers Numbers (render spells them).
    """

    message: str
    slots: tuple[tuple[str, NotePart], ...] = ()

    @property
    def parts(self) -> tuple[NotePart, ...]:
        """What the note is made of: its slots' values in order (quantities, Numbers, counts), or
        for a note without slots its text."""
        return tuple(value for _name, value in self.slots) if self.slots else (self.message,)


@dataclass(frozen=True)
class Step:
    """One step of an iteration: what was computed (operations) from what (matrices), and notes."""

    iteration: int
    index: int
    phase: Phase
    layer: int | None
    operations: tuple[Operation, ...]
    """In the order they were done; the last one computes what the step is about."""
    matrices: tuple[Matrix, ...]
    notes: tuple[Note, ...] = ()
    check: GradCheck | None = None
    parameter: Parameter | None = None
    """The parameter whose gradient or update this step writes (the chain-rule drill-down applies)."""

    @property
    def operation(self) -> Operation:
        """The step's own operation (the last one: the ones before it make its intermediates)."""
        return self.operations[-1]

    def matrix(self, key: Quantity) -> Matrix:
        """The matrix with this key; KeyError if the step has none."""
        for m in self.matrices:
            if m.key == key:
                return m
        raise KeyError(key.ascii)

    def has(self, key: Quantity) -> bool:
        """Whether the step holds a matrix keyed `key`."""
        return any(m.key == key for m in self.matrices)

    def producer(self, key: Quantity) -> Operation | None:
        """The operation of this step that wrote `key`, or None when the step only reads it."""
        return next((op for op in self.operations if key in op.results), None)

    @cached_property
    def finite(self) -> bool:
        """Whether every value of every matrix of the step is finite (no inf, no NaN); worked out
        once (the stepper asks at every frame which step of the iteration diverged)."""
        return all(np.all(np.isfinite(m.values)) for m in self.matrices)


def _m(key: Quantity, values: np.ndarray | float, role: Role = Role.IN, shown: bool = True) -> Matrix:
    array = np.atleast_2d(np.asarray(values, dtype=np.float64))
    if array.ndim == 2 and np.ndim(values) == 1:
        array = array.T  # vectors (biases) are columns, like everything else in the lecture
    return Matrix(key, array.copy(), role, shown)


def _note(*parts: NotePart, **slots: NotePart) -> Note:
    """A note: `_note(message, **slots)`, its message naming the slots as {name} (extracted for the
    catalogue by that name). The older form, text and keys in a row (`_note(th, " is stored …")`),
    still makes a note, with each key in a slot of its own, but one no catalogue translates."""
    if len(parts) == 1 and isinstance(parts[0], str):
        return Note(parts[0], tuple(slots.items()))
    message = "".join(part.replace("{", "{{").replace("}", "}}") if isinstance(part, str) else f"{{part{index}}}"
                      for index, part in enumerate(parts))
    # every part kept as a slot (its text too), so `parts` gives back what the note was made of
    return Note(message, tuple((f"part{index}", part) for index, part in enumerate(parts)))


def build_steps(scenario: Scenario, it: Iteration, checks: bool = True) -> list[Step]:
    """All steps of one iteration, in the order the lecture works them."""
    builder = _Builder(scenario, it, checks)
    return builder.build()


def first_divergent_step(steps: list[Step]) -> Step | None:
    """The first step with an inf or NaN in it: where the iteration diverged."""
    return next((s for s in steps if not s.finite), None)



def append_step(steps: list[Step], iteration: int, phase: Phase, layer: int | None,
                operations: list[Operation], matrices: list[Matrix], notes: list[Note] | None = None,
                check: GradCheck | None = None, parameter: Parameter | None = None) -> None:
    """Append the next step of an iteration to `steps` (dense and convolutional builders alike);
    the first step holding inf or NaN gets the note that the run diverged there."""
    step = Step(iteration, len(steps), phase, layer, tuple(operations), tuple(matrices),
                tuple(notes or ()), check, parameter)
    if not step.finite and all(s.finite for s in steps):
        step = replace(step, notes=(*step.notes, _note("Diverged here: a value overflowed to ±inf or became NaN.")))
    steps.append(step)

class _Builder:
    """Accumulates steps with running indices; one method per kind of step."""

    def __init__(self, scenario: Scenario, it: Iteration, checks: bool):
        self.s, self.it, self.checks = scenario, it, checks
        self.acts = activations_of(scenario)
        self.last = len(scenario.layers)
        self.m = it.x.shape[1]
        self.steps: list[Step] = []

    def build(self) -> list[Step]:
        with np.errstate(all="ignore"):
            for layer in range(1, self.last + 1):
                self.forward(layer)
            self.loss()
            for layer in range(self.last, 0, -1):
                self.backward(layer)
            for layer in range(1, self.last + 1):
                self.update(layer)
        return self.steps

    def add(self, phase: Phase, layer: int | None, operations: list[Operation], matrices: list[Matrix],
            notes: list[Note] | None = None, check: GradCheck | None = None,
            parameter: Parameter | None = None) -> None:
        append_step(self.steps, self.it.number, phase, layer, operations, matrices, notes, check, parameter)

    def batch_notes(self) -> list[Note]:
        if self.m == 1:
            return []
        return [_note("Averaged over the batch of m = {m} samples (one column each).", m=self.m)]

    # -- forward --------------------------------------------------------------------------------

    def forward(self, l: int) -> None:
        i = l - 1
        params, fwd = self.it.before.params, self.it.forward
        th, a_prev, zl, al = n.theta(l), n.activation(l - 1, self.last), n.z(l), n.activation(l, self.last)
        w, b = params.weights[i], params.biases[i]
        thT = th.transpose()
        matrices = [_m(th, w), _m(thT, w.T), _m(a_prev, fwd.a[i])]
        operands = (thT, a_prev)
        if b is not None:
            matrices.append(_m(n.bias(l), b))
            operands += (n.bias(l),)
        matrices.append(_m(zl, fwd.z[i], Role.OUT))
        rows, cols = w.shape
        # The real reason for θᵀ (a square θ could multiply a too): θ is stored inputs × units, as
        # in the lecture, so each unit's weights are a column and z = θᵀ·a + b gives a row per unit.
        message = N_("{theta} is stored {rows}×{cols}, inputs × units as in the lecture, so the layer computes "
                     "{z} = {theta_t}·{a} + {b} with its {cols}×{rows} transpose.") if b is not None else N_(
                     "{theta} is stored {rows}×{cols}, inputs × units as in the lecture, so the layer computes "
                     "{z} = {theta_t}·{a} with its {cols}×{rows} transpose.")
        note = _note(message, theta=th, rows=rows, cols=cols, z=zl, theta_t=thT, a=a_prev,
                     **({"b": n.bias(l)} if b is not None else {}))
        ops = [Operation(OpKind.TRANSPOSE, (th,), (thT,)), Operation(OpKind.MATMUL, operands, (zl,))]
        self.add(Phase.FORWARD, l, ops, matrices, [note])

        self.add(Phase.FORWARD, l, [Operation(OpKind.ACTIVATION, (zl,), (al,), function=self.acts[i])],
                 [_m(zl, fwd.z[i]), _m(al, fwd.a[l], Role.OUT)])

    # -- loss -----------------------------------------------------------------------------------

    def loss(self) -> None:
        yhat, y = self.it.forward.a[-1], self.it.y
        matrices = [_m(n.OUTPUT, yhat), _m(n.TARGET, y), _m(n.RESIDUAL, y - yhat, Role.OUT),
                    _m(n.LOSS, self.it.loss, Role.OUT)]
        operands = (n.OUTPUT, n.TARGET)
        if from_logits(self.s.loss, self.acts[-1]) is not None:
            # E is computed from z (log-softmax, log-sigmoid): exact where ŷ rounds to 0 or 1
            operands += (n.z(self.last),)
            matrices.append(_m(n.z(self.last), self.it.forward.z[-1], shown=False))
        ops = [Operation(OpKind.DIFFERENCE, (n.TARGET, n.OUTPUT), (n.RESIDUAL,)),
               Operation(OpKind.LOSS, operands, (n.LOSS,), function=self.s.loss, samples=self.m)]
        self.add(Phase.LOSS, None, ops, matrices, [_note("E = {loss}", loss=Number(self.it.loss, 6)), *self.batch_notes()])

    # -- backward -------------------------------------------------------------------------------

    def backward(self, l: int) -> None:
        self.delta(l)
        self.gradients(l)

    def delta(self, l: int) -> None:
        """δˡ = ∂E/∂zˡ: through f′ element-wise, through softmax's Jacobian, or the softmax/CE shortcut."""
        i = l - 1
        fwd, bwd = self.it.forward, self.it.backward
        act = ACTIVATIONS[self.acts[i]]
        al, zl, dl = n.activation(l, self.last), n.z(l), n.delta(l)
        dA = n.partial(al)
        notes: list[Note] = []
        ops: list[Operation] = []
        hidden: list[Matrix] = []
        if act.name == ActivationName.STEP:
            notes.append(_note("The step function's derivative is 0 wherever it is defined, so δ is 0: "
                               "no gradient flows through this layer and the weights feeding it cannot learn."))
        logits = from_logits(self.s.loss, act.name) if l == self.last else None
        unshown = None
        if logits is not None and act.derivative is not None:
            unshown = network.unshown_factors(act.name, fwd.z[i], fwd.a[l], bwd.grad_a[i],
                                              act.derivative(fwd.z[i], fwd.a[l]), bwd.delta[i])
        shortcut = logits is not None and (act.derivative is None or unshown is not None)
        if l == self.last and not shortcut:
            ops.append(Operation(OpKind.LOSS_GRADIENT, (n.OUTPUT, n.TARGET), (dA,), function=self.s.loss,
                                 samples=self.m))
            hidden.append(_m(n.TARGET, self.it.y, shown=False))
        if shortcut:
            kind = OpKind.SOFTMAX_CE_DELTA if act.derivative is None else OpKind.SIGMOID_BCE_DELTA
            ops.append(Operation(kind, (n.OUTPUT, n.TARGET), (dl,), samples=self.m))
            matrices = [_m(n.OUTPUT, fwd.a[-1]), _m(n.TARGET, self.it.y), _m(dl, bwd.delta[i], Role.OUT)]
            hidden = []
            if act.derivative is None:
                notes.append(_note("Softmax with cross-entropy: the softmax Jacobian and ∂E/∂ŷ = −y/(m·ŷ) "
                                   "multiply out to (ŷ − y)/m, computed from z (see docs/losses.md)."))
            else:
                notes += [_note(unshown[0], **unshown[1]), _note("Sigmoid with binary cross-entropy: ∂E/∂ŷ ⊙ σ′(z) multiply "
                                                "out to (ŷ − y)/(m·k), computed from z (see docs/losses.md).")]
        elif act.derivative is None:
            ops.append(Operation(OpKind.SOFTMAX_BACKWARD, (dA, al), (dl,)))
            matrices = [_m(dA, bwd.grad_a[i]), _m(al, fwd.a[l]), _m(dl, bwd.delta[i], Role.OUT)]
            notes.append(_note("Softmax mixes its outputs: each column is a ⊙ (g − Σ a⊙g) with g = ∂E/∂a."))
        else:
            fp = n.fprime(l)
            ops += [Operation(OpKind.DERIVATIVE, (zl, al), (fp,), function=act.name),
                    Operation(OpKind.HADAMARD, (dA, fp), (dl,))]
            matrices = [_m(dA, bwd.grad_a[i]), _m(fp, act.derivative(fwd.z[i], fwd.a[l])),
                        _m(dl, bwd.delta[i], Role.OUT)]
            hidden = [_m(zl, fwd.z[i], shown=False), _m(al, fwd.a[l], shown=False), *hidden]
            # the slope is a constant of the function, not a computed value: a float, not a Number
            notes.append(_note(act.derivative_text, slope=LEAKY_SLOPE))
        if l == self.last:
            loss = LOSSES[self.s.loss]
            notes.insert(0, _note(loss.gradient_text) if self.m == 1
                        else _note("{gradient} (m = {m})", gradient=loss.gradient_text, m=self.m))
        else:
            notes.insert(0, _note("{grad} came from layer {layer} (the previous backward step).", grad=dA, layer=l + 1))
        check = self._check(dl, lambda v: self._loss_from_z(i, v), fwd.z[i], bwd.delta[i], i)
        self.add(Phase.BACKWARD, l, ops, matrices + hidden, notes, check)

    def gradients(self, l: int) -> None:
        """∂E/∂θˡ, ∂E/∂bˡ, and the error sent back to layer l − 1."""
        i = l - 1
        fwd, bwd, params = self.it.forward, self.it.backward, self.it.before.params
        a_prev, th, dl = n.activation(l - 1, self.last), n.theta(l), n.delta(l)
        dlT, dth = dl.transpose(), n.partial(th)
        ops = [Operation(OpKind.TRANSPOSE, (dl,), (dlT,)),
               Operation(OpKind.OUTER_SUM, (a_prev, dlT), (dth,), samples=self.m)]
        self.add(Phase.BACKWARD, l, ops,
                 [_m(a_prev, fwd.a[i]), _m(dl, bwd.delta[i]), _m(dlT, bwd.delta[i].T), _m(dth, bwd.grad_w[i], Role.OUT)],
                 self.batch_notes() + [_note("Same shape as {theta}: one partial derivative per weight.", theta=th)],
                 self._check(dth, lambda w: self._loss_with_weight(i, w), params.weights[i], bwd.grad_w[i], i),
                 parameter=Parameter.WEIGHTS)

        if params.biases[i] is not None:
            dbl = n.partial(n.bias(l))
            self.add(Phase.BACKWARD, l, [Operation(OpKind.BATCH_SUM, (dl,), (dbl,), samples=self.m)],
                     [_m(dl, bwd.delta[i]), _m(dbl, bwd.grad_b[i], Role.OUT)],
                     [_note("∂z/∂b = 1, so the bias gradient is δ summed over the batch.")],
                     self._check(dbl, lambda b: self._loss_with_bias(i, b), params.biases[i], bwd.grad_b[i], i),
                     parameter=Parameter.BIAS)

        if l > 1:
            dprev = n.partial(a_prev)
            self.add(Phase.BACKWARD, l, [Operation(OpKind.MATMUL, (th, dl), (dprev,))],
                     [_m(th, params.weights[i]), _m(dl, bwd.delta[i]), _m(dprev, bwd.grad_a_prev[i], Role.OUT)],
                     [_note("Each unit of layer {layer} collects the δ of every unit it feeds, weighted by θ.", layer=l - 1)],
                     self._check(dprev, lambda a: self._loss_from_a(i, a), fwd.a[i], bwd.grad_a_prev[i], i))

    # -- update ---------------------------------------------------------------------------------

    def update(self, l: int) -> None:
        i = l - 1
        layer = self.s.layers[i]
        before, after, bwd = self.it.before, self.it.after, self.it.backward
        self._update_one(l, n.theta(l), before.params.weights[i], bwd.grad_w[i], after.params.weights[i],
                         None if before.velocity is None else (before.velocity.weights[i], after.velocity.weights[i]))
        if before.params.biases[i] is None or not layer.train_bias:
            return
        self._update_one(l, n.bias(l), before.params.biases[i], bwd.grad_b[i], after.params.biases[i],
                         None if before.velocity is None else (before.velocity.biases[i], after.velocity.biases[i]))

    def _update_one(self, l: int, p: Quantity, old: np.ndarray, grad: np.ndarray, new: np.ndarray,
                    velocities: tuple[np.ndarray, np.ndarray] | None) -> None:
        training = self.s.training
        rate = _m(n.LEARNING_RATE, training.learning_rate)
        newp, dp = n.new(p), n.partial(p)
        parameter = Parameter.WEIGHTS if p.kind is Kind.THETA else Parameter.BIAS
        if velocities is None:
            op = Operation(OpKind.GD_UPDATE, (p, dp, n.LEARNING_RATE), (newp,), learning_rate=training.learning_rate)
            matrices = [_m(p, old), _m(dp, grad), rate, _m(newp, new, Role.OUT)]
            notes = [_note("Learning rate γ = {rate}.", rate=Number(training.learning_rate))]
        else:
            v_old, v_new = velocities
            v = n.velocity(l, of_bias=parameter is Parameter.BIAS)
            op = Operation(OpKind.MOMENTUM_UPDATE, (p, dp, n.LEARNING_RATE, n.MOMENTUM, v), (n.new(v), newp),
                           learning_rate=training.learning_rate, momentum=training.momentum)
            matrices = [_m(p, old), _m(dp, grad), rate, _m(n.MOMENTUM, training.momentum),
                        _m(v, v_old), _m(n.new(v), v_new, Role.OUT), _m(newp, new, Role.OUT)]
            notes = [_note("Momentum μ = {momentum}: the velocity keeps a share of the last "
                           "step, so consistent gradients speed up and oscillating ones cancel.",
                           momentum=Number(training.momentum))]
        self.add(Phase.UPDATE, l, [op], matrices, notes, parameter=parameter)

    # -- finite differences ---------------------------------------------------------------------

    def _check(self, key: Quantity, f: Callable[[np.ndarray], float], x: np.ndarray,
               analytic: np.ndarray, i: int) -> GradCheck | None:
        """Central differences of f (the loss through layers i+1..L) against `analytic`, named by
        the key's ASCII name (render spells the symbol); kinks at z = 0 are named, not failed."""
        if not self.checks or not np.all(np.isfinite(analytic)):
            return None
        kinks = network.kinks_at_zero(self.acts, self.it.forward, i)
        return gradient_check(key.ascii, f, x, analytic, kinks=kinks)

    def _loss_from_z(self, i: int, z: np.ndarray) -> float:
        return network.loss_from_z(self.s.loss, self.acts, self.it.before.params, i, z, self.it.y)

    def _loss_from_a(self, i: int, a: np.ndarray) -> float:
        return network.loss_from_input(self.s.loss, self.acts, self.it.before.params, i, a, self.it.y)

    def _loss_with_weight(self, i: int, w: np.ndarray) -> float:
        params = self.it.before.params
        weights = (*params.weights[:i], w, *params.weights[i + 1:])
        return network.loss_of(self.s.loss, self.acts, Params(weights, params.biases), self.it.x, self.it.y)

    def _loss_with_bias(self, i: int, b: np.ndarray) -> float:
        params = self.it.before.params
        biases = (*params.biases[:i], b, *params.biases[i + 1:])
        return network.loss_of(self.s.loss, self.acts, Params(params.weights, biases), self.it.x, self.it.y)
