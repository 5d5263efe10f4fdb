"""Turn one Iteration into the ordered steps a learner walks: forward, loss, backward, update.

Each Step is data: a title, the equation (Unicode and LaTeX), the named matrices it involves
(transposes included as their own matrices), notes, and for backward steps a gradient check.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from backprop_tui.core.dense import network, notation as n
from backprop_tui.core.dense.activations import ACTIVATIONS
from backprop_tui.core.dense.gradcheck import GradCheck, gradient_check
from backprop_tui.core.dense.losses import LOSSES, from_logits
from backprop_tui.core.dense.network import Params
from backprop_tui.core.dense.run import Iteration, activations_of
from backprop_tui.core.scenario.model import Scenario

PHASES = ("forward", "loss", "backward", "update")


@dataclass(frozen=True)
class Matrix:
    """A named matrix of a step; `transpose_of` names the stored matrix this one transposes."""

    name: str
    latex: str
    values: np.ndarray
    role: str = "in"
    """"in" (read by the step) or "out" (written by it)."""
    transpose_of: str | None = None

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.values.shape[0]), int(self.values.shape[1]))


@dataclass(frozen=True)
class Step:
    iteration: int
    index: int
    phase: str
    layer: int | None
    title: str
    equation: str
    latex: str
    matrices: tuple[Matrix, ...]
    notes: tuple[str, ...] = ()
    check: GradCheck | None = None
    parameter: str | None = None
    """"weights" or "bias" where the chain-rule drill-down applies to this step's result."""

    def matrix(self, name: str) -> Matrix:
        return next(m for m in self.matrices if m.name == name)

    @property
    def finite(self) -> bool:
        return all(np.all(np.isfinite(m.values)) for m in self.matrices)


def _m(symbol: n.Symbol, values: np.ndarray | float, role: str = "in", transpose_of: str | None = None) -> Matrix:
    array = np.atleast_2d(np.asarray(values, dtype=np.float64))
    if array.ndim == 2 and np.ndim(values) == 1:
        array = array.T  # vectors (biases) are columns, like everything else in the lecture
    return Matrix(symbol.text, symbol.latex, array.copy(), role, transpose_of)


def _scalar(text: str, latex: str, value: float, role: str = "in") -> Matrix:
    return Matrix(text, latex, np.array([[value]], dtype=np.float64), role)


def build_steps(scenario: Scenario, it: Iteration, checks: bool = True) -> list[Step]:
    """All steps of one iteration, in the order the lecture works them."""
    builder = _Builder(scenario, it, checks)
    return builder.build()


def first_divergent_step(steps: list[Step]) -> Step | None:
    """The first step with an inf or NaN in it: where the iteration diverged."""
    return next((s for s in steps if not s.finite), None)


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

    def add(self, phase: str, layer: int | None, title: str, equation: str, latex: str,
            matrices: list[Matrix], notes: list[str] | None = None, check: GradCheck | None = None,
            parameter: str | None = None) -> None:
        notes = list(notes or [])
        step = Step(self.it.number, len(self.steps), phase, layer, title, equation, latex,
                    tuple(matrices), tuple(notes), check, parameter)
        if not step.finite and not any(s for s in self.steps if not s.finite):
            step = replace(step, notes=(*step.notes, "Diverged here: a value overflowed to ±inf or became NaN."))
        self.steps.append(step)

    def batch_note(self) -> str:
        return f"Averaged over the batch of m = {self.m} samples (one column each)." if self.m > 1 else ""

    # -- forward --------------------------------------------------------------------------------

    def forward(self, l: int) -> None:
        i = l - 1
        params, fwd = self.it.before.params, self.it.forward
        th, a_prev, zl, al = n.theta(l), n.activation(l - 1, self.last), n.z(l), n.activation(l, self.last)
        w, b = params.weights[i], params.biases[i]
        thT = th.transposed()
        matrices = [_m(th, w), _m(thT, w.T, transpose_of=th.text), _m(a_prev, fwd.a[i])]
        equation = f"{zl.text} = {thT.text}·{a_prev.text}"
        latex = f"{zl.latex} = {thT.latex}\\,{a_prev.latex}"
        if b is not None:
            matrices.append(_m(n.bias(l), b))
            equation += f" + {n.bias(l).text}"
            latex += f" + {n.bias(l).latex}"
        matrices.append(_m(zl, fwd.z[i], "out"))
        rows, cols = w.shape
        note = (f"{th.text} is {rows}×{cols} (inputs × units); it cannot multiply the {rows}×{self.m} "
                f"{a_prev.text}, so it is transposed to {cols}×{rows}.")
        self.add("forward", l, f"Layer {l}: weighted sums", equation, latex, matrices, [note])

        act = ACTIVATIONS[self.acts[i]]
        self.add("forward", l, f"Layer {l}: activation ({act.name})",
                 f"{al.text} = {act.symbol}({zl.text})", f"{al.latex} = {act.latex}({zl.latex})",
                 [_m(zl, fwd.z[i]), _m(al, fwd.a[l], "out")])

    # -- loss -----------------------------------------------------------------------------------

    def loss(self) -> None:
        loss = LOSSES[self.s.loss]
        yhat, y = self.it.forward.a[-1], self.it.y
        matrices = [_m(n.Symbol("ŷ", "\\hat y"), yhat), _m(n.Symbol("y", "y"), y),
                    _m(n.Symbol("y − ŷ", "y - \\hat y"), y - yhat, "out"),
                    _scalar("E", "E", self.it.loss, "out")]
        notes = [f"E = {n.number(self.it.loss, 6)}", self.batch_note()]
        self.add("loss", None, f"Error ({loss.name})", loss.formula, loss.latex, matrices,
                 [note for note in notes if note])

    # -- backward -------------------------------------------------------------------------------

    def backward(self, l: int) -> None:
        i = l - 1
        fwd, bwd, params = self.it.forward, self.it.backward, self.it.before.params
        act = ACTIVATIONS[self.acts[i]]
        al, zl, dl = n.activation(l, self.last), n.z(l), n.delta(l)
        dA = al.partial()
        notes = []
        if act.name == "step":
            notes.append("The step function's derivative is 0 wherever it is defined, so δ is 0: "
                         "no gradient flows through this layer and the weights feeding it cannot learn.")
        logits = from_logits(self.s.loss, act.name) if l == self.last else None
        unshown = None
        if logits is not None and act.derivative is not None:
            unshown = network.unshown_factors(act.name, fwd.z[i], fwd.a[l], bwd.grad_a[i],
                                              act.derivative(fwd.z[i], fwd.a[l]), bwd.delta[i])
        if logits is not None and act.derivative is None:
            equation, latex = f"{dl.text} = (ŷ − y)/m", f"{dl.latex} = \\frac{{\\hat y - y}}{{m}}"
            matrices = [_m(n.Symbol("ŷ", "\\hat y"), fwd.a[-1]), _m(n.Symbol("y", "y"), self.it.y),
                        _m(dl, bwd.delta[i], "out")]
            notes.append("Softmax with cross-entropy: the softmax Jacobian and ∂E/∂ŷ = −y/(m·ŷ) "
                         "multiply out to (ŷ − y)/m, computed from z (see docs/losses.md).")
        elif unshown is not None:
            equation, latex = f"{dl.text} = (ŷ − y)/(m·k)", f"{dl.latex} = \\frac{{\\hat y - y}}{{mk}}"
            matrices = [_m(n.Symbol("ŷ", "\\hat y"), fwd.a[-1]), _m(n.Symbol("y", "y"), self.it.y),
                        _m(dl, bwd.delta[i], "out")]
            notes += [unshown, "Sigmoid with binary cross-entropy: ∂E/∂ŷ ⊙ σ′(z) multiply out to (ŷ − y)/(m·k)."]
        elif act.derivative is None:
            equation = f"{dl.text} = J_softmax({zl.text})ᵀ·{dA.text}"
            latex = f"{dl.latex} = J_{{\\mathrm{{softmax}}}}({zl.latex})^\\top {dA.latex}"
            matrices = [_m(dA, bwd.grad_a[i]), _m(al, fwd.a[l]), _m(dl, bwd.delta[i], "out")]
            notes.append("Softmax mixes its outputs: each column is a ⊙ (g − Σ a⊙g) with g = ∂E/∂a.")
        else:
            fprime = n.Symbol(f"{act.symbol}′({zl.text})", f"{act.latex}'({zl.latex})")
            equation = f"{dl.text} = {dA.text} ⊙ {fprime.text}"
            latex = f"{dl.latex} = {dA.latex} \\odot {fprime.latex}"
            matrices = [_m(dA, bwd.grad_a[i]), _m(fprime, act.derivative(fwd.z[i], fwd.a[l])),
                        _m(dl, bwd.delta[i], "out")]
            notes.append(act.derivative_text)
        if l == self.last:
            loss = LOSSES[self.s.loss]
            notes.insert(0, loss.gradient_text + ("" if self.m == 1 else f" (m = {self.m})"))
        else:
            notes.insert(0, f"{dA.text} came from layer {l + 1} (the previous backward step).")
        check = self._check(dl.text, lambda v: self._loss_from_z(i, v), fwd.z[i], bwd.delta[i], i)
        self.add("backward", l, f"Layer {l}: δ{n.sup(l)} = ∂E/∂z{n.sup(l)}", equation, latex, matrices, notes, check)

        a_prev, th = n.activation(l - 1, self.last), n.theta(l)
        dlT = dl.transposed()
        dth = th.partial()
        batch = [self.batch_note()] if self.m > 1 else []
        self.add("backward", l, f"Layer {l}: gradient of θ{n.sup(l)}",
                 f"{dth.text} = {a_prev.text}·{dlT.text}", f"{dth.latex} = {a_prev.latex}\\,{dlT.latex}",
                 [_m(a_prev, fwd.a[i]), _m(dl, bwd.delta[i]), _m(dlT, bwd.delta[i].T, transpose_of=dl.text),
                  _m(dth, bwd.grad_w[i], "out")],
                 batch + [f"Same shape as {th.text}: one partial derivative per weight."],
                 self._check(dth.text, lambda w: self._loss_with_weight(i, w), params.weights[i], bwd.grad_w[i], i),
                 parameter="weights")

        if params.biases[i] is not None:
            bl = n.bias(l)
            dbl = bl.partial()
            self.add("backward", l, f"Layer {l}: gradient of b{n.sup(l)}",
                     f"{dbl.text} = Σ_samples {dl.text}", f"{dbl.latex} = \\sum_{{\\text{{samples}}}} {dl.latex}",
                     [_m(dl, bwd.delta[i]), _m(dbl, bwd.grad_b[i], "out")],
                     ["∂z/∂b = 1, so the bias gradient is δ summed over the batch."],
                     self._check(dbl.text, lambda b: self._loss_with_bias(i, b), params.biases[i], bwd.grad_b[i], i),
                     parameter="bias")

        if l > 1:
            dprev = a_prev.partial()
            self.add("backward", l, f"Layer {l}: error sent back to layer {l - 1}",
                     f"{dprev.text} = {th.text}·{dl.text}", f"{dprev.latex} = {th.latex}\\,{dl.latex}",
                     [_m(th, params.weights[i]), _m(dl, bwd.delta[i]), _m(dprev, bwd.grad_a_prev[i], "out")],
                     [f"Each unit of layer {l - 1} collects the δ of every unit it feeds, weighted by θ."],
                     self._check(dprev.text, lambda a: self._loss_from_a(i, a), fwd.a[i], bwd.grad_a_prev[i], i))

    # -- update ---------------------------------------------------------------------------------

    def update(self, l: int) -> None:
        i = l - 1
        layer = self.s.layers[i]
        before, after, bwd = self.it.before, self.it.after, self.it.backward
        self._update_one(l, n.theta(l), before.params.weights[i], bwd.grad_w[i], after.params.weights[i],
                         None if before.velocity is None else (before.velocity.weights[i], after.velocity.weights[i]),
                         n.velocity(l))
        if before.params.biases[i] is None:
            return
        if not layer.train_bias:
            return
        self._update_one(l, n.bias(l), before.params.biases[i], bwd.grad_b[i], after.params.biases[i],
                         None if before.velocity is None else (before.velocity.biases[i], after.velocity.biases[i]),
                         n.velocity(l, of_bias=True))

    def _update_one(self, l: int, p: n.Symbol, old: np.ndarray, grad: np.ndarray, new: np.ndarray,
                    velocities: tuple[np.ndarray, np.ndarray] | None, v: n.Symbol) -> None:
        training = self.s.training
        rate = _scalar("γ", "\\gamma", training.learning_rate)
        newp = n.Symbol(p.text + " new", p.latex + "_{\\text{new}}")
        dp = p.partial()
        if velocities is None:
            equation = f"{p.text} ← {p.text} − γ·{dp.text}"
            latex = f"{p.latex} \\leftarrow {p.latex} - \\gamma\\,{dp.latex}"
            matrices = [_m(p, old), _m(dp, grad), rate, _m(newp, new, "out")]
            notes = [f"Learning rate γ = {n.number(training.learning_rate)}."]
        else:
            v_old, v_new = velocities
            vnew = n.Symbol(v.text + " new", v.latex + "_{\\text{new}}")
            equation = f"{v.text} ← μ·{v.text} − γ·{dp.text};  {p.text} ← {p.text} + {v.text}"
            latex = (f"{v.latex} \\leftarrow \\mu {v.latex} - \\gamma\\,{dp.latex};\\quad "
                     f"{p.latex} \\leftarrow {p.latex} + {v.latex}")
            matrices = [_m(p, old), _m(dp, grad), rate, _scalar("μ", "\\mu", training.momentum),
                        _m(v, v_old), _m(vnew, v_new, "out"), _m(newp, new, "out")]
            notes = [f"Momentum μ = {n.number(training.momentum)}: the velocity keeps a share of the last "
                     f"step, so consistent gradients speed up and oscillating ones cancel."]
        kind = "weights" if p.text.startswith("θ") else "bias"
        self.add("update", l, f"Layer {l}: update {p.text}", equation, latex, matrices, notes, parameter=kind)

    # -- finite differences ---------------------------------------------------------------------

    def _check(self, name: str, f, x: np.ndarray, analytic: np.ndarray, i: int) -> GradCheck | None:
        """Central differences of f (the loss through layers i+1..L) against `analytic`."""
        if not self.checks or not np.all(np.isfinite(analytic)):
            return None
        kinks = network.kinks_at_zero(self.acts, self.it.forward, i)
        return gradient_check(name, f, x, analytic, kinks=kinks)

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
