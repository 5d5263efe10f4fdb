"""Builders for the convolutional stepper tests: scenario text, and a loop-by-loop oracle.

The oracle computes a conv2d → activation → maxpool → flatten → dense → softmax/cross-entropy
network with plain Python loops over every index (no im2col, no reshapes of the engine), so it
shares nothing with the code under test but NumPy's arithmetic.
"""

from __future__ import annotations

import math

import numpy as np


def toml_array(value) -> str:
    """A nested list as TOML."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return "[" + ", ".join(toml_array(v) for v in value) + "]"
    return repr(float(value))


def conv_text(images: np.ndarray, targets: np.ndarray, filters: np.ndarray, bias: np.ndarray | None,
              dense: np.ndarray, dense_bias: np.ndarray, stride: int = 1, padding: int = 0, pool: int = 2,
              activation: str = "relu", learning_rate: float = 0.1, iterations: int = 2) -> str:
    """A conv2d (+ activation) → maxpool → flatten → dense softmax scenario as TOML text."""
    f, c, k, _ = filters.shape
    lines = ['title = "test"', "[network]", f"input_shape = {list(images.shape[1:])}", 'loss = "cross_entropy"',
             "[[layer]]", 'type = "conv2d"', f"filters = {f}", f"kernel = {k}", f"stride = {stride}",
             f"padding = {padding}", f'activation = "{activation}"', f"weights = {toml_array(filters)}"]
    if bias is not None:
        lines.append(f"bias = {toml_array(bias)}")
    if pool:
        lines += ["[[layer]]", 'type = "maxpool"', f"size = {pool}"]
    lines += ["[[layer]]", 'type = "flatten"', "[[layer]]", f"units = {dense.shape[1]}", 'activation = "softmax"',
              f"weights = {toml_array(dense)}", f"bias = {toml_array(dense_bias)}",
              "[data]", f"inputs = {toml_array(images)}", f"targets = {toml_array(targets)}",
              "[training]", 'optimizer = "gd"', f"learning_rate = {learning_rate}", f"iterations = {iterations}"]
    return "\n".join(lines) + "\n"


# -- the loop oracle ------------------------------------------------------------------------------


def loop_conv(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, stride: int, padding: int) -> np.ndarray:
    """out[n, f, oy, ox] = Σ_c Σ_i Σ_j w[f,c,i,j]·x[n, c, oy·s+i−p, ox·s+j−p] (0 outside) + b[f]."""
    n_, c_, h, w_ = x.shape
    f_, _, k, _ = w.shape
    ho, wo = (h + 2 * padding - k) // stride + 1, (w_ + 2 * padding - k) // stride + 1
    out = np.zeros((n_, f_, ho, wo))
    for n in range(n_):
        for f in range(f_):
            for oy in range(ho):
                for ox in range(wo):
                    total = 0.0 if b is None else float(b[f])
                    for c in range(c_):
                        for i in range(k):
                            for j in range(k):
                                y, xx = oy * stride + i - padding, ox * stride + j - padding
                                if 0 <= y < h and 0 <= xx < w_:
                                    total += w[f, c, i, j] * x[n, c, y, xx]
                    out[n, f, oy, ox] = total
    return out


def loop_pool(a: np.ndarray, size: int) -> tuple[np.ndarray, dict]:
    """Max of each window and its winner (the first maximum in row-major order)."""
    n_, c_, h, w = a.shape
    out = np.zeros((n_, c_, h // size, w // size))
    winners = {}
    for n in range(n_):
        for c in range(c_):
            for y in range(h // size):
                for x in range(w // size):
                    best, where = -math.inf, None
                    for i in range(size):
                        for j in range(size):
                            value = a[n, c, y * size + i, x * size + j]
                            if value > best:
                                best, where = value, (y * size + i, x * size + j)
                    out[n, c, y, x] = best
                    winners[(n, c, y, x)] = where
    return out, winners


def loop_network(x, targets, filters, bias, dense, dense_bias, stride, padding, pool):
    """Forward and backward by loops: a dict of every quantity, in (n, c, h, w) or per-sample layout."""
    z1 = loop_conv(x, filters, bias, stride, padding)
    a1 = np.where(z1 > 0, z1, 0.0)
    a2, winners = loop_pool(a1, pool) if pool else (a1, None)
    n_ = x.shape[0]
    flat = np.array([[a2[n, c, y, xx] for c in range(a2.shape[1]) for y in range(a2.shape[2])
                      for xx in range(a2.shape[3])] for n in range(n_)])
    z4 = np.array([[sum(flat[n, i] * dense[i, u] for i in range(flat.shape[1])) + dense_bias[u]
                    for u in range(dense.shape[1])] for n in range(n_)])
    yhat = np.array([[math.exp(v - max(row)) / sum(math.exp(t - max(row)) for t in row) for v in row] for row in z4])
    loss = -sum(targets[n, u] * math.log(yhat[n, u]) for n in range(n_) for u in range(dense.shape[1])) / n_
    d4 = (yhat - targets) / n_
    d_dense = np.array([[sum(flat[n, i] * d4[n, u] for n in range(n_)) for u in range(dense.shape[1])]
                        for i in range(flat.shape[1])])
    d_flat = np.array([[sum(dense[i, u] * d4[n, u] for u in range(dense.shape[1])) for i in range(flat.shape[1])]
                       for n in range(n_)])
    d_a2 = d_flat.reshape(a2.shape)
    d_a1 = np.zeros_like(a1)
    if pool:
        for (n, c, y, xx), (wy, wx) in winners.items():
            d_a1[n, c, wy, wx] += d_a2[n, c, y, xx]
    else:
        d_a1 = d_a2
    d_z1 = d_a1 * (z1 > 0)
    f_, c_, k, _ = filters.shape
    h, w_ = x.shape[2:]
    d_filters = np.zeros_like(filters)
    d_x = np.zeros_like(x)
    for n in range(n_):
        for f in range(f_):
            for oy in range(z1.shape[2]):
                for ox in range(z1.shape[3]):
                    for c in range(c_):
                        for i in range(k):
                            for j in range(k):
                                y, xx = oy * stride + i - padding, ox * stride + j - padding
                                if 0 <= y < h and 0 <= xx < w_:
                                    d_filters[f, c, i, j] += x[n, c, y, xx] * d_z1[n, f, oy, ox]
                                    d_x[n, c, y, xx] += filters[f, c, i, j] * d_z1[n, f, oy, ox]
    d_bias = d_z1.sum(axis=(0, 2, 3))
    return dict(z1=z1, a1=a1, a2=a2, flat=flat, z4=z4, yhat=yhat, loss=loss, d4=d4, d_dense=d_dense,
                d_dense_bias=d4.sum(axis=0), d_flat=d_flat, d_a2=d_a2, d_a1=d_a1, d_z1=d_z1, d_filters=d_filters,
                d_bias=d_bias, d_x=d_x)
