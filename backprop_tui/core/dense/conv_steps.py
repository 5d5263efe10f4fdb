"""The steps of one iteration of a convolutional scenario, as data like the dense steps.

Forward: im2col (the patch matrix P), the convolution as one matrix product z = θᵀ·P + b (θ: the
filters as columns), the activation, max pooling, flatten, the dense layers, the loss. Backward:
δ through the loss and dense layers, unflatten, pooling's routing of δ to the winners, the
activation's derivative, ∂E/∂θ = P·δᵀ (each filter weight summed over every position it visits),
∂E/∂b, and the gradient sent to the layer's input: ∂E/∂P = θ·δ, then col2im adds each patch's
gradient back where the patches overlap. Update: θ ← θ − γ·∂E/∂θ. Every backward step carries its
finite-difference check. Layout and conventions: conv.py.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from backprop_tui.core.dense import conv_run as cr, notation as n
from backprop_tui.core.dense.activations import ACTIVATIONS, LEAKY_SLOPE
from backprop_tui.core.dense.gradcheck import GradCheck, gradient_check
from backprop_tui.core.dense.losses import LOSSES, from_logits
from backprop_tui.core.dense.operation import OpKind, Operation
from backprop_tui.core.dense.steps import Matrix, Note, Number, Step, _m, _note, append_step
from backprop_tui.core.scenario.conv_model import ConvLayer, ConvScenario, FlattenLayer, PoolLayer
from backprop_tui.core.vocab import Kind, Parameter, Phase, Quantity, Role
from backprop_tui.i18n import N_

# Optional clauses of the im2col note: each a phrase that is a message of its own (translated where
# the note is drawn, see render.describe.note_text), so a language places them where its grammar wants.
_OF_ALL_CHANNELS = N_(" (of all {channels} channels)")
_STRIDE = N_(", stride {stride}")
_PADDING = N_(", padding {padding} (zeros around the image)")
_EACH_SAMPLE = N_(", for each of the {samples} samples")


def patches(layer: int) -> Quantity:
    """P of a conv2d layer: its input as patches, one column per output position."""
    return Quantity(Kind.PATCHES, layer)


def input_partial(layer: int, last: int) -> Quantity:
    """∂E/∂(the input of `layer`): ∂E/∂x at layer 1, else ∂E/∂a of the layer before."""
    return Quantity(Kind.DE_DX) if layer == 1 else n.partial(n.activation(layer - 1, last))


def build_conv_steps(scenario: ConvScenario, it: cr.ConvIteration, checks: bool = True) -> list[Step]:
    """All steps of one iteration, forward, loss, backward (down to ∂E/∂x), update."""
    return _Builder(scenario, it, checks).build()


class _Builder:
    """Accumulates steps with running indices; one method per kind of step."""

    def __init__(self, scenario: ConvScenario, it: cr.ConvIteration, checks: bool):
        self.s, self.it, self.checks = scenario, it, checks
        self.last = len(scenario.layers)
        self.m = it.samples
        self.steps: list[Step] = []

    def build(self) -> list[Step]:
        """Forward layer by layer, the loss, backward from the output, the updates."""
        with np.errstate(all="ignore"):
            for l in range(1, self.last + 1):
                self.forward(l)
            self.loss()
            for l in range(self.last, 0, -1):
                self.backward(l)
            for l in range(1, self.last + 1):
                self.update(l)
        return self.steps

    def add(self, phase: Phase, layer: int | None, operations: list[Operation], matrices: list[Matrix],
            notes: list[Note] | None = None, check: GradCheck | None = None,
            parameter: Parameter | None = None) -> None:
        """Append a step (the first one holding inf or NaN says it diverged there)."""
        append_step(self.steps, self.it.number, phase, layer, operations, matrices, notes, check, parameter)

    def a(self, l: int) -> Quantity:
        """The key of layer l's output: x for 0, ŷ for the last layer, aˡ between."""
        return n.activation(l, self.last)

    # -- forward --------------------------------------------------------------------------------

    def forward(self, l: int) -> None:
        """The forward steps of layer l, by its type."""
        layer, fwd = self.s.layers[l - 1], self.it.forward
        if isinstance(layer, ConvLayer):
            self.conv_forward(l, layer)
        elif isinstance(layer, PoolLayer):
            c, h, w = layer.input_shape
            op = Operation(OpKind.MAXPOOL, (self.a(l - 1),), (self.a(l),), image=layer.input_shape, pool=layer.size,
                           samples=self.m)
            ties = self._ties(l)
            notes = [_note("Each {size}×{size} window of each channel keeps its maximum ({h}×{w} → {ho}×{wo}); "
                           "the winners are remembered, because the backward pass sends δ to them alone.",
                           size=layer.size, h=h, w=w, ho=h // layer.size, wo=w // layer.size)]
            if ties:
                notes.append(_note("{count} window(s) have a tied maximum: the first in row-major order wins, "
                                   "as in batch mode and PyTorch.", count=ties))
            self.add(Phase.FORWARD, l, [op], [_m(self.a(l - 1), fwd.a[l - 1]), _m(self.a(l), fwd.a[l], Role.OUT)], notes)
        elif isinstance(layer, FlattenLayer):
            c, h, w = layer.input_shape
            op = Operation(OpKind.FLATTEN, (self.a(l - 1),), (self.a(l),), image=layer.input_shape, samples=self.m)
            self.add(Phase.FORWARD, l, [op], [_m(self.a(l - 1), fwd.a[l - 1]), _m(self.a(l), fwd.a[l], Role.OUT)],
                     [_note("The {c} maps of {h}×{w} become one column of {values} values per sample "
                            "(channel by channel, each row by row), so a dense layer can read them.",
                            c=c, h=h, w=w, values=c * h * w)])
        else:
            self.dense_forward(l, layer)

    def conv_forward(self, l: int, layer: ConvLayer) -> None:
        """im2col, the convolution as θᵀ·P + b, the activation."""
        fwd, params = self.it.forward, self.it.before.params
        a_prev, p, th, z = self.a(l - 1), patches(l), n.theta(l), n.z(l)
        c, h, w = layer.input_shape
        f, ho, wo = layer.output_shape
        k = layer.kernel
        geometry = dict(image=layer.input_shape, kernel=k, stride=layer.stride, padding=layer.padding, samples=self.m)
        rows, cols = c * k * k, self.m * ho * wo
        self.add(Phase.FORWARD, l, [Operation(OpKind.IM2COL, (a_prev,), (p,), **geometry)],
                 [_m(a_prev, fwd.a[l - 1]), _m(p, fwd.patches[l - 1], Role.OUT)],
                 [_note("{patches} is {rows}×{cols}: each column is the {k}×{k} patch{of_all_channels} under one "
                        "of the {ho}×{wo} output positions{stride_clause}{padding_clause}, read row by "
                        "row{each_sample}.", patches=p, rows=rows, cols=cols, k=k, ho=ho, wo=wo,
                        of_all_channels=_OF_ALL_CHANNELS if c > 1 else "", channels=c,
                        stride_clause=_STRIDE if layer.stride != 1 else "", stride=layer.stride,
                        padding_clause=_PADDING if layer.padding else "", padding=layer.padding,
                        each_sample=_EACH_SAMPLE if self.m > 1 else "", samples=self.m),
                  _note("Neighbouring patches overlap, so most pixels appear in several columns: the convolution "
                        "becomes one matrix product.")])
        thT, b = th.transpose(), n.bias(l)
        theta = params.weights[l - 1]
        # θ itself is left out of the picture (θᵀ, the filters as rows, is what multiplies P)
        matrices = [_m(th, theta, shown=False), _m(thT, theta.T), _m(p, fwd.patches[l - 1])]
        operands: tuple[Quantity, ...] = (thT, p)
        if params.biases[l - 1] is not None:
            matrices.append(_m(b, params.biases[l - 1]))
            operands += (b,)
        matrices += [_m(z, fwd.z[l - 1], Role.OUT), self.layer_input(l)]
        ops = [Operation(OpKind.TRANSPOSE, (th,), (thT,)), Operation(OpKind.MATMUL, operands, (z,))]
        self.add(Phase.FORWARD, l, ops, matrices,
                 [_note("{theta_t} holds the {f} filters ({f}×{c}×{k}×{k} in the file) as rows, each read row by "
                        "row like a patch: {f}×{rows}; {theta} ({rows}×{f}) is stored inputs × units as in the "
                        "lecture.", theta_t=thT, f=f, c=c, k=k, rows=rows, theta=th),
                  _note(N_("Each cell of {z} is the dot product of one patch (a column of {patches}) and one filter "
                           "(a row of {theta_t}): row j is filter j's feature map, {ho}×{wo} per sample, one column "
                           "per position.") if self.m > 1 else
                        N_("Each cell of {z} is the dot product of one patch (a column of {patches}) and one filter "
                           "(a row of {theta_t}): row j is filter j's feature map, {ho}×{wo}, one column per position."),
                        z=z, patches=p, theta_t=thT, ho=ho, wo=wo)])
        self.add(Phase.FORWARD, l, [Operation(OpKind.ACTIVATION, (z,), (self.a(l),), function=layer.activation)],
                 [_m(z, fwd.z[l - 1]), _m(self.a(l), fwd.a[l], Role.OUT), self.layer_input(l)])

    def layer_input(self, l: int) -> Matrix:
        """The input of conv layer l, held by its steps for the pictures (its receptive fields) but
        left out of the matrices shown."""
        return _m(self.a(l - 1), self.it.forward.a[l - 1], shown=False)

    def dense_forward(self, l: int, layer) -> None:
        """z = θᵀ·a + b and the activation, as in a dense scenario."""
        fwd, params = self.it.forward, self.it.before.params
        th, a_prev, z = n.theta(l), self.a(l - 1), n.z(l)
        thT, w, b = th.transpose(), params.weights[l - 1], params.biases[l - 1]
        matrices = [_m(th, w), _m(thT, w.T), _m(a_prev, fwd.a[l - 1])]
        operands: tuple[Quantity, ...] = (thT, a_prev)
        if b is not None:
            matrices.append(_m(n.bias(l), b))
            operands += (n.bias(l),)
        matrices.append(_m(z, fwd.z[l - 1], Role.OUT))
        ops = [Operation(OpKind.TRANSPOSE, (th,), (thT,)), Operation(OpKind.MATMUL, operands, (z,))]
        self.add(Phase.FORWARD, l, ops, matrices)
        self.add(Phase.FORWARD, l, [Operation(OpKind.ACTIVATION, (z,), (self.a(l),), function=layer.activation)],
                 [_m(z, fwd.z[l - 1]), _m(self.a(l), fwd.a[l], Role.OUT)])

    def _ties(self, l: int) -> int:
        layer, a = self.s.layers[l - 1], self.it.forward.a[l - 1]
        windows = cr.conv.pool_windows(a, layer.input_shape, layer.size)
        values = a[np.arange(a.shape[0])[:, None, None], windows]
        return int(np.sum((values == values.max(axis=-1, keepdims=True)).sum(axis=-1) > 1))

    # -- loss -----------------------------------------------------------------------------------

    def loss(self) -> None:
        """E of the batch (from z where the loss reads the logits)."""
        yhat, y = self.it.forward.a[-1], self.it.y
        matrices = [_m(n.OUTPUT, yhat), _m(n.TARGET, y), _m(n.RESIDUAL, y - yhat, Role.OUT),
                    _m(n.LOSS, self.it.loss, Role.OUT)]
        operands = (n.OUTPUT, n.TARGET)
        if from_logits(self.s.loss, self.s.layers[-1].activation) is not None:
            operands += (n.z(self.last),)
            matrices.append(_m(n.z(self.last), self.it.forward.z[-1], shown=False))
        ops = [Operation(OpKind.DIFFERENCE, (n.TARGET, n.OUTPUT), (n.RESIDUAL,)),
               Operation(OpKind.LOSS, operands, (n.LOSS,), function=self.s.loss, samples=self.m)]
        self.add(Phase.LOSS, None, ops, matrices, [_note("E = {loss}", loss=Number(self.it.loss, 6))])

    # -- backward -------------------------------------------------------------------------------

    def backward(self, l: int) -> None:
        """The backward steps of layer l, by its type."""
        layer = self.s.layers[l - 1]
        if isinstance(layer, PoolLayer):
            self.pool_backward(l, layer)
        elif isinstance(layer, FlattenLayer):
            self.flatten_backward(l, layer)
        else:
            self.delta(l, layer)
            self.gradients(l, layer)

    def upstream(self, l: int) -> Quantity:
        """∂E/∂(the output of layer l): ∂E/∂a, or ∂E/∂ŷ at the output."""
        return n.partial(self.a(l))

    def pool_backward(self, l: int, layer: PoolLayer) -> None:
        """δ of each window to its winner."""
        i, fwd, bwd = l - 1, self.it.forward, self.it.backward
        up, a_prev, out = self.upstream(l), self.a(l - 1), input_partial(l, self.last)
        op = Operation(OpKind.MAXPOOL_BACKWARD, (up, a_prev), (out,), image=layer.input_shape, pool=layer.size,
                       samples=self.m)
        self.add(Phase.BACKWARD, l, [op],
                 [_m(up, bwd.grad_a[i]), _m(a_prev, fwd.a[i]), _m(out, bwd.grad_in[i], Role.OUT)],
                 [_note("Only a window's winner changed the output, so only the winner receives the window's δ; "
                        "every other cell gets 0.")],
                 self._check(out, lambda a: cr.loss_from_input(self.s, self.it.before.params, i, a, self.it.y, self.m),
                             fwd.a[i], bwd.grad_in[i], i))

    def flatten_backward(self, l: int, layer: FlattenLayer) -> None:
        """The column of gradients back into maps."""
        i, fwd, bwd = l - 1, self.it.forward, self.it.backward
        up, out = self.upstream(l), input_partial(l, self.last)
        op = Operation(OpKind.UNFLATTEN, (up,), (out,), image=layer.input_shape, samples=self.m)
        self.add(Phase.BACKWARD, l, [op], [_m(up, bwd.grad_a[i]), _m(out, bwd.grad_in[i], Role.OUT)],
                 [_note("Flatten only moved the numbers, so its backward pass moves the gradients back into maps.")],
                 self._check(out, lambda a: cr.loss_from_input(self.s, self.it.before.params, i, a, self.it.y, self.m),
                             fwd.a[i], bwd.grad_in[i], i))

    def delta(self, l: int, layer) -> None:
        """δˡ = ∂E/∂zˡ: the softmax/cross-entropy shortcut at the output, else through f′."""
        i, fwd, bwd = l - 1, self.it.forward, self.it.backward
        act = ACTIVATIONS[layer.activation]
        al, zl, dl, up = self.a(l), n.z(l), n.delta(l), self.upstream(l)
        notes: list[Note] = []
        if l == self.last and from_logits(self.s.loss, act.name) is not None:
            kind = OpKind.SOFTMAX_CE_DELTA if act.derivative is None else OpKind.SIGMOID_BCE_DELTA
            ops = [Operation(kind, (n.OUTPUT, n.TARGET), (dl,), samples=self.m)]
            matrices = [_m(n.OUTPUT, fwd.a[-1]), _m(n.TARGET, self.it.y), _m(dl, bwd.delta[i], Role.OUT)]
            notes.append(_note(LOSSES[self.s.loss].gradient_text))
        else:
            ops, matrices = [], []
            if l == self.last:
                ops.append(Operation(OpKind.LOSS_GRADIENT, (n.OUTPUT, n.TARGET), (up,), function=self.s.loss,
                                     samples=self.m))
                matrices.append(_m(n.TARGET, self.it.y, shown=False))
            if act.derivative is None:
                ops.append(Operation(OpKind.SOFTMAX_BACKWARD, (up, al), (dl,)))
                matrices += [_m(up, bwd.grad_a[i]), _m(al, fwd.a[l]), _m(dl, bwd.delta[i], Role.OUT)]
            else:
                fp = n.fprime(l)
                ops += [Operation(OpKind.DERIVATIVE, (zl, al), (fp,), function=act.name),
                        Operation(OpKind.HADAMARD, (up, fp), (dl,))]
                matrices = [_m(up, bwd.grad_a[i]), _m(fp, act.derivative(fwd.z[i], fwd.a[l])),
                            _m(dl, bwd.delta[i], Role.OUT), _m(zl, fwd.z[i], shown=False),
                            _m(al, fwd.a[l], shown=False), *matrices]
                # the slope fills LReLU′'s message (as in the dense steps); the others have no slot
                notes.append(_note(act.derivative_text, slope=LEAKY_SLOPE))
            if isinstance(layer, ConvLayer):
                notes.append(_note("Element by element, as in a dense layer: each cell of a feature map is one "
                                   "unit's weighted sum."))
                matrices.append(self.layer_input(l))
        check = self._check(dl, lambda z: cr.loss_from_z(self.s, self.it.before.params, i, z, self.it.y, self.m),
                            fwd.z[i], bwd.delta[i], i)
        self.add(Phase.BACKWARD, l, ops, matrices, notes, check)

    def gradients(self, l: int, layer) -> None:
        """∂E/∂θˡ, ∂E/∂bˡ and, for a dense layer, the error sent to the layer below."""
        i, fwd, bwd, params = l - 1, self.it.forward, self.it.backward, self.it.before.params
        th, dl = n.theta(l), n.delta(l)
        dlT, dth = dl.transpose(), n.partial(th)
        is_conv = isinstance(layer, ConvLayer)
        source = patches(l) if is_conv else self.a(l - 1)
        values = fwd.patches[i] if is_conv else fwd.a[i]
        if is_conv:
            f, ho, wo = layer.output_shape
            ops = [Operation(OpKind.TRANSPOSE, (dl,), (dlT,)), Operation(OpKind.MATMUL, (source, dlT), (dth,))]
            notes = [_note("Each filter weight is used at every position the filter visits, so its gradient sums "
                           "patch value × δ over all {positions} positions: {gradient} = {patches}·{delta_t}, the "
                           "dense layer's a·δᵀ with the patches in place of a.",
                           positions=self.m * ho * wo, gradient=dth, patches=source, delta_t=dlT)]
        else:
            ops = [Operation(OpKind.TRANSPOSE, (dl,), (dlT,)),
                   Operation(OpKind.OUTER_SUM, (source, dlT), (dth,), samples=self.m)]
            notes = [_note("Same shape as {theta}: one partial derivative per weight.", theta=th)]
        self.add(Phase.BACKWARD, l, ops,
                 [_m(source, values), _m(dl, bwd.delta[i]), _m(dlT, bwd.delta[i].T), _m(dth, bwd.grad_w[i], Role.OUT)],
                 notes,
                 self._check(dth, lambda w: self._loss_with(i, weights=w), params.weights[i], bwd.grad_w[i], i),
                 parameter=Parameter.WEIGHTS)
        if params.biases[i] is not None:
            dbl = n.partial(n.bias(l))
            image = layer.output_shape if is_conv else None
            self.add(Phase.BACKWARD, l, [Operation(OpKind.BATCH_SUM, (dl,), (dbl,), samples=self.m, image=image)],
                     [_m(dl, bwd.delta[i]), _m(dbl, bwd.grad_b[i], Role.OUT)],
                     [_note(N_("∂z/∂b = 1, so the bias gradient is δ summed over every position of its feature map.")
                            if is_conv else N_("∂z/∂b = 1, so the bias gradient is δ summed over the batch."))],
                     self._check(dbl, lambda b: self._loss_with(i, bias=b), params.biases[i], bwd.grad_b[i], i),
                     parameter=Parameter.BIAS)
        if is_conv:
            self.conv_input_gradient(l, layer)
        elif l > 1:
            out = input_partial(l, self.last)
            self.add(Phase.BACKWARD, l, [Operation(OpKind.MATMUL, (th, dl), (out,))],
                     [_m(th, params.weights[i]), _m(dl, bwd.delta[i]), _m(out, bwd.grad_in[i], Role.OUT)],
                     [_note("Each unit of layer {layer} collects the δ of every unit it feeds, weighted by θ.",
                            layer=l - 1)],
                     self._check(out, lambda a: cr.loss_from_input(self.s, params, i, a, self.it.y, self.m),
                                 fwd.a[i], bwd.grad_in[i], i))

    def conv_input_gradient(self, l: int, layer: ConvLayer) -> None:
        """∂E/∂P = θ·δ, then col2im: the gradient sent to the convolution's input."""
        i, fwd, bwd, params = l - 1, self.it.forward, self.it.backward, self.it.before.params
        th, dl, dp, out = n.theta(l), n.delta(l), Quantity(Kind.DE_DPATCHES, l), input_partial(l, self.last)
        geometry = dict(image=layer.input_shape, kernel=layer.kernel, stride=layer.stride, padding=layer.padding,
                        samples=self.m)
        ops = [Operation(OpKind.MATMUL, (th, dl), (dp,)), Operation(OpKind.COL2IM, (dp,), (out,), **geometry)]
        a_in = fwd.a[i]
        self.add(Phase.BACKWARD, l, ops,
                 [_m(th, params.weights[i]), _m(dl, bwd.delta[i]), _m(dp, bwd.grad_patches[i]),
                  _m(out, bwd.grad_in[i], Role.OUT)],
                 [_note(N_("{patch_gradient} = {theta}·{delta} is the gradient of every patch cell; col2im adds "
                           "each back to the pixel it was copied from, so a pixel in several patches collects the "
                           "sum of their gradients (cells on the zero padding are dropped).") if layer.padding else
                        N_("{patch_gradient} = {theta}·{delta} is the gradient of every patch cell; col2im adds "
                           "each back to the pixel it was copied from, so a pixel in several patches collects the "
                           "sum of their gradients."), patch_gradient=dp, theta=th, delta=dl),
                  _note("The check below differentiates E with respect to the layer's input itself.")],
                 self._check(out, lambda a: cr.loss_from_input(self.s, params, i, a, self.it.y, self.m),
                             a_in, bwd.grad_in[i], i))

    # -- update ---------------------------------------------------------------------------------

    def update(self, l: int) -> None:
        """θ ← θ − γ·∂E/∂θ and b likewise, for a layer with parameters."""
        i = l - 1
        before, after, bwd = self.it.before.params, self.it.after.params, self.it.backward
        rate = self.s.training.learning_rate
        for p, old, grad, new, parameter in (
                (n.theta(l), before.weights[i], bwd.grad_w[i], after.weights[i], Parameter.WEIGHTS),
                (n.bias(l), before.biases[i], bwd.grad_b[i], after.biases[i], Parameter.BIAS)):
            if old is None:
                continue
            op = Operation(OpKind.GD_UPDATE, (p, n.partial(p), n.LEARNING_RATE), (n.new(p),), learning_rate=rate)
            self.add(Phase.UPDATE, l, [op],
                     [_m(p, old), _m(n.partial(p), grad), _m(n.LEARNING_RATE, rate), _m(n.new(p), new, Role.OUT)],
                     [_note("Learning rate γ = {rate}.", rate=Number(rate))], parameter=parameter)

    # -- finite differences ---------------------------------------------------------------------

    def _check(self, key: Quantity, f: Callable[[np.ndarray], float], x: np.ndarray, analytic: np.ndarray,
               i: int) -> GradCheck | None:
        if not self.checks or not np.all(np.isfinite(analytic)):
            return None
        kinks = cr.kinks_at_zero(self.s, self.it.forward, i)
        return gradient_check(key.ascii, f, x, analytic, kinks=kinks)

    def _loss_with(self, i: int, weights: np.ndarray | None = None, bias: np.ndarray | None = None) -> float:
        params = cr.with_parameter(self.it.before.params, i, weights, bias)
        return cr.loss_of_forward(self.s, cr.forward(self.s, params, self.it.x, self.m), self.it.y)
