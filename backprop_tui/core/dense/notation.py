"""The keys of a dense network's quantities, layer by layer (their display lives in render).

θ of layer l is `theta(l)`, its gradient `partial(theta(l))`, its updated value `new(theta(l))`;
the input layer's activation is x and the last layer's is ŷ, as the lecture writes them.
"""

from __future__ import annotations

from backprop_tui.core.vocab import Kind, Quantity

_PARTIAL = {Kind.THETA: Kind.DE_DTHETA, Kind.BIAS: Kind.DE_DB, Kind.ACTIVATION: Kind.DE_DA,
            Kind.OUTPUT: Kind.DE_DYHAT}
_NEW = {Kind.THETA: Kind.THETA_NEW, Kind.BIAS: Kind.B_NEW, Kind.V_THETA: Kind.V_THETA_NEW,
        Kind.V_B: Kind.V_B_NEW}

LEARNING_RATE = Quantity(Kind.LEARNING_RATE)
MOMENTUM = Quantity(Kind.MOMENTUM)
TARGET = Quantity(Kind.TARGET)
OUTPUT = Quantity(Kind.OUTPUT)
LOSS = Quantity(Kind.LOSS)
RESIDUAL = Quantity(Kind.RESIDUAL)


def theta(layer: int) -> Quantity:
    """θ of `layer` (1-based), stored inputs × units."""
    return Quantity(Kind.THETA, layer)


def bias(layer: int) -> Quantity:
    return Quantity(Kind.BIAS, layer)


def z(layer: int) -> Quantity:
    return Quantity(Kind.Z, layer)


def delta(layer: int) -> Quantity:
    return Quantity(Kind.DELTA, layer)


def fprime(layer: int) -> Quantity:
    """f′(zˡ), the activation's derivative at the layer's weighted sums."""
    return Quantity(Kind.FPRIME, layer)


def velocity(layer: int, of_bias: bool = False) -> Quantity:
    return Quantity(Kind.V_B if of_bias else Kind.V_THETA, layer)


def activation(layer: int, last: int) -> Quantity:
    """a⁰ is the input x, the last layer's output is ŷ, hidden layers are aˡ."""
    if layer == 0:
        return Quantity(Kind.INPUT)
    if layer == last:
        return OUTPUT
    return Quantity(Kind.ACTIVATION, layer)


def partial(key: Quantity) -> Quantity:
    """∂E/∂(key) for θ, b, a hidden activation or ŷ; ValueError for anything else."""
    if key.kind not in _PARTIAL or key.transposed:
        raise ValueError(f"no ∂E/∂ quantity for {key.ascii}")
    return Quantity(_PARTIAL[key.kind], key.layer)


def new(key: Quantity) -> Quantity:
    """The value after the update of θ, b or a velocity."""
    if key.kind not in _NEW or key.transposed:
        raise ValueError(f"no updated quantity for {key.ascii}")
    return Quantity(_NEW[key.kind], key.layer)
