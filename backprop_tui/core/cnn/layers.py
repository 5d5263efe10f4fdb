"""The generic layers, NCHW, any float dtype: the readable reference the fast path must match.

Each layer keeps in `forward` what its `backward` needs; `backward(dout)` fills `grads` (same
keys as `params`) and returns the gradient with respect to its input. Convolution is im2col
plus one matrix product; the only Python loops run over kernel taps, never over pixels.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided


class Conv2D:
    """2-D convolution (cross-correlation, as in PyTorch) with stride and zero padding.

    Weights are (out_channels, in_channels, kh, kw), the layout every part of the package uses.
    """

    def __init__(self, weight: np.ndarray, bias: np.ndarray, stride: int = 1, padding: int = 0):
        self.params = {"weight": weight, "bias": bias}
        self.grads = {"weight": np.zeros_like(weight), "bias": np.zeros_like(bias)}
        self.stride = stride
        self.padding = padding
        self.need_input_grad = True

    def forward(self, x: np.ndarray, train: bool = True, rng: np.random.Generator | None = None) -> np.ndarray:
        weight, bias = self.params["weight"], self.params["bias"]
        cout, cin, kh, kw = weight.shape
        n, c, h, w = x.shape
        p, s = self.padding, self.stride
        xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))) if p else x
        ho = (h + 2 * p - kh) // s + 1
        wo = (w + 2 * p - kw) // s + 1
        sn, sc, sh, sw = xp.strides
        windows = as_strided(xp, (n, ho, wo, c, kh, kw), (sn, s * sh, s * sw, sc, sh, sw), writeable=False)
        cols = windows.reshape(n * ho * wo, c * kh * kw)  # copies: rows = positions
        out = cols @ weight.reshape(cout, -1).T + bias
        self._cache = (cols, x.shape, xp.shape)
        return out.reshape(n, ho, wo, cout).transpose(0, 3, 1, 2)

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        weight = self.params["weight"]
        cout, cin, kh, kw = weight.shape
        cols, x_shape, xp_shape = self._cache
        n, _, ho, wo = dout.shape
        dmat = dout.transpose(0, 2, 3, 1).reshape(n * ho * wo, cout)
        self.grads["weight"][...] = (dmat.T @ cols).reshape(weight.shape)
        self.grads["bias"][...] = dmat.sum(axis=0)
        if not self.need_input_grad:
            return None
        dcols = (dmat @ weight.reshape(cout, -1)).reshape(n, ho, wo, cin, kh, kw)
        dxp = np.zeros(xp_shape, dtype=dout.dtype)
        s, p = self.stride, self.padding
        for i in range(kh):
            for j in range(kw):
                dxp[:, :, i:i + s * ho:s, j:j + s * wo:s] += dcols[:, :, :, :, i, j].transpose(0, 3, 1, 2)
        h, w = x_shape[2], x_shape[3]
        return dxp[:, :, p:p + h, p:p + w]


class MaxPool2D:
    """Non-overlapping max pooling; on ties the first element of the window gets the gradient."""

    def __init__(self, size: int = 2):
        self.size = size
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

    def forward(self, x: np.ndarray, train: bool = True, rng: np.random.Generator | None = None) -> np.ndarray:
        k = self.size
        n, c, h, w = x.shape
        windows = x.reshape(n, c, h // k, k, w // k, k).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h // k, w // k, k * k)
        first = windows.argmax(axis=-1)
        self._cache = (first, x.shape)
        return np.take_along_axis(windows, first[..., None], axis=-1)[..., 0]

    def backward(self, dout: np.ndarray) -> np.ndarray:
        k = self.size
        first, shape = self._cache
        n, c, h, w = shape
        dwin = np.zeros((n, c, h // k, w // k, k * k), dtype=dout.dtype)
        np.put_along_axis(dwin, first[..., None], dout[..., None], axis=-1)
        return dwin.reshape(n, c, h // k, w // k, k, k).transpose(0, 1, 2, 4, 3, 5).reshape(shape)


class ReLU:
    """max(0, x); the gradient at exactly 0 is taken as 0, as PyTorch does."""

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

    def forward(self, x: np.ndarray, train: bool = True, rng: np.random.Generator | None = None) -> np.ndarray:
        self._mask = x > 0
        return x * self._mask

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout * self._mask


class Flatten:
    """(N, C, H, W) -> (N, C*H*W) in C-H-W order."""

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

    def forward(self, x: np.ndarray, train: bool = True, rng: np.random.Generator | None = None) -> np.ndarray:
        self._shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout.reshape(self._shape)


class Dense:
    """x @ W + b with W of shape (inputs, units)."""

    def __init__(self, weight: np.ndarray, bias: np.ndarray):
        self.params = {"weight": weight, "bias": bias}
        self.grads = {"weight": np.zeros_like(weight), "bias": np.zeros_like(bias)}
        self.need_input_grad = True

    def forward(self, x: np.ndarray, train: bool = True, rng: np.random.Generator | None = None) -> np.ndarray:
        self._x = x
        return x @ self.params["weight"] + self.params["bias"]

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        np.matmul(self._x.T, dout, out=self.grads["weight"])
        np.sum(dout, axis=0, out=self.grads["bias"])
        if not self.need_input_grad:
            return None
        return dout @ self.params["weight"].T


class Dropout:
    """Inverted dropout: zero a fraction `rate` while training and scale the rest by 1/(1-rate).

    The mask comes from the generator the trainer passes per batch, so a resumed run draws the
    same masks; `fixed_mask` pins it for gradient checks.
    """

    def __init__(self, rate: float):
        self.rate = rate
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.fixed_mask: np.ndarray | None = None
        self._scale: np.ndarray | None = None

    def forward(self, x: np.ndarray, train: bool = True, rng: np.random.Generator | None = None) -> np.ndarray:
        if not train or self.rate == 0.0:
            self._scale = None
            return x
        if self.fixed_mask is not None:
            keep = self.fixed_mask
        else:
            if rng is None:
                raise ValueError("Dropout needs a random generator while training")
            keep = rng.random(x.shape, dtype=np.float32 if x.dtype == np.float32 else np.float64) >= self.rate
        self._scale = keep.astype(x.dtype) * x.dtype.type(1.0 / (1.0 - self.rate))
        return x * self._scale

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout if self._scale is None else dout * self._scale


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax, shifted by the row maximum so it never overflows."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def softmax_cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """Mean cross-entropy of softmax(logits) against integer labels.

    Returns (loss, d loss / d logits, probabilities); the gradient is (p - onehot) / N.
    """
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_sum = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    log_probs = shifted - log_sum
    rows = np.arange(n)
    loss = float(-log_probs[rows, labels].astype(np.float64).mean())
    probs = np.exp(log_probs)
    grad = probs.copy()
    grad[rows, labels] -= 1
    grad /= n
    return loss, grad, probs
