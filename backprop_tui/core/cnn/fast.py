"""The fused fast path: conv (stride 1) -> ReLU -> 2x2 max-pool as one block, batch innermost.

Why this shape (see PERF-NOTES): activations are stored C-H-W-N so every copy moves runs of N
contiguous floats; im2col is one `np.copyto` from a strided view into a preallocated buffer,
its rows ordered (dy, dx, py, px, n) so that the four members of each pooling window sit in
four contiguous blocks and max-pooling is an element-wise max; bias and ReLU are applied after
pooling (max commutes with adding a per-channel bias and with ReLU); the input gradient is one
GEMM for all kernel taps, summed with long strided adds into a polyphase buffer. Parameters have
the generic layers' layout, and
the tests hold this block to the generic Conv2D -> ReLU -> MaxPool2D.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided


class _Buffers:
    """Every array one batch size needs, allocated once."""

    def __init__(self, block: "ConvReluPool", n: int, dtype: np.dtype):
        cin, h, w = block.in_shape
        cout = block.weight_shape[0]
        kh, kw = block.weight_shape[2:]
        p = block.padding
        ph, pw = block.out_shape[1:]
        q = ph * pw * n
        self.xp = np.zeros((cin, h + 2 * p, w + 2 * p, n), dtype)
        self.cols = np.empty((cin, kh, kw, 2, 2, ph, pw, n), dtype)
        self.conv = np.empty((cout, 4, q), dtype)
        self.pooled = np.empty((cout, q), dtype)
        self.tmp = np.empty((cout, q), dtype)
        self.out = np.empty((cout, ph, pw, n), dtype)
        self.mask = np.empty((cout, q), bool)
        self.grad = self.dconv = self.dcols = self.poly = self.dxp = self.dweight_t = None
        self._backward_shapes = (block, n, dtype)
        sc, sh, sw, sn = self.xp.strides
        self.window = as_strided(
            self.xp, self.cols.shape, (sc, sh, sw, sh, sw, 2 * sh, 2 * sw, sn), writeable=False
        )

    def for_backward(self) -> "_Buffers":
        """Allocate the backward pass's arrays on first use (evaluation never needs them)."""
        block, n, dtype = self._backward_shapes
        if self.dconv is None or (block.need_input_grad and self.dcols is None):
            cin, h, w = block.in_shape
            cout, _, kh, kw = block.weight_shape
            p = block.padding
            ph, pw = block.out_shape[1:]
            q = ph * pw * n
            self.grad = np.empty((cout, q), dtype)
            self.dconv = np.empty((cout, 4, q), dtype)
            self.dweight_t = np.empty((cin * kh * kw, cout), dtype)
            if block.need_input_grad:
                qh, qw = -(-(h + 2 * p) // 2), -(-(w + 2 * p) // 2)
                self.dcols = np.empty((cin, kh, kw, 2, 2, ph, pw, n), dtype)
                self.poly = np.empty((cin, 2, 2, qh, qw, n), dtype)
                self.dxp = np.empty((cin, 2 * qh, 2 * qw, n), dtype)
        return self


class ConvReluPool:
    """Conv2D(stride 1, padding p) -> ReLU -> MaxPool2D(2) on C-H-W-N activations."""

    def __init__(self, weight: np.ndarray, bias: np.ndarray, padding: int, in_shape: tuple[int, int, int]):
        self.params = {"weight": weight, "bias": bias}
        self.grads = {"weight": np.zeros_like(weight), "bias": np.zeros_like(bias)}
        self.padding = padding
        self.in_shape = in_shape
        self.weight_shape = weight.shape
        cout, _, kh, kw = weight.shape
        ho = in_shape[1] + 2 * padding - kh + 1
        wo = in_shape[2] + 2 * padding - kw + 1
        if ho % 2 or wo % 2 or ho < 2 or wo < 2:
            raise ValueError("the fused block needs an even convolution output")
        self.out_shape = (cout, ho // 2, wo // 2)
        self.need_input_grad = True
        self._buffers: dict[tuple[int, np.dtype], _Buffers] = {}

    def _get(self, n: int, dtype: np.dtype) -> _Buffers:
        key = (n, np.dtype(dtype))
        if key not in self._buffers:
            if len(self._buffers) >= 4:  # train, train tail, eval, eval tail
                self._buffers.pop(next(iter(self._buffers)))
            self._buffers[key] = _Buffers(self, n, dtype)
        return self._buffers[key]

    def forward(self, x: np.ndarray, train: bool = True, rng: np.random.Generator | None = None) -> np.ndarray:
        """x: (C, H, W, N) -> (Cout, H', W', N); the result lives in a reused buffer."""
        weight, bias = self.params["weight"], self.params["bias"]
        n = x.shape[3]
        b = self._get(n, weight.dtype)
        p = self.padding
        _, h, w = self.in_shape
        np.copyto(b.xp[:, p:p + h, p:p + w, :], x)
        np.copyto(b.cols, b.window)
        cout = weight.shape[0]
        cols = b.cols.reshape(-1, 4 * b.pooled.shape[1])
        np.matmul(weight.reshape(cout, -1), cols, out=b.conv.reshape(cout, -1))
        conv = b.conv
        np.maximum(conv[:, 0], conv[:, 1], out=b.pooled)
        np.maximum(conv[:, 2], conv[:, 3], out=b.tmp)
        np.maximum(b.pooled, b.tmp, out=b.pooled)
        out = b.out.reshape(cout, -1)
        np.add(b.pooled, bias[:, None], out=out)
        np.maximum(out, 0, out=out)
        self._last = b
        return b.out

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        """dout: (Cout, H', W', N) -> gradient for the input (C, H, W, N), or None."""
        b = self._last.for_backward()
        weight = self.params["weight"]
        cout = weight.shape[0]
        g, mask = b.grad, b.mask
        out = b.out.reshape(cout, -1)
        np.greater(out, 0, out=mask)
        # dout may be a strided view (the next block's input gradient): no reshape copy.
        np.multiply(dout, mask.reshape(dout.shape), out=g.reshape(dout.shape))
        np.sum(g, axis=1, out=self.grads["bias"])
        # Route each window's gradient to its first maximal member; what is left goes on.
        conv, dconv = b.conv, b.dconv
        for k in range(3):
            np.equal(conv[:, k], b.pooled, out=mask)
            np.multiply(g, mask, out=dconv[:, k])
            np.subtract(g, dconv[:, k], out=g)
        np.copyto(dconv[:, 3], g)
        cols = b.cols.reshape(-1, dconv.shape[1] * dconv.shape[2])
        dmat = dconv.reshape(cout, -1)
        # cols @ dmat.T, then a small transpose: OpenBLAS runs this orientation of the long-K
        # product faster (measured 0.78 ms against 1.02 ms for the second block, batch 32).
        np.matmul(cols, dmat.T, out=b.dweight_t)
        np.copyto(self.grads["weight"].reshape(cout, -1), b.dweight_t.T)
        if not self.need_input_grad:
            return None
        return self._input_grad(b, dmat)

    def _input_grad(self, b: _Buffers, dmat: np.ndarray) -> np.ndarray:
        """col2im without its cost: one GEMM for every tap's contribution, then long adds.

        The sums are gathered in a polyphase buffer (rows and columns split by parity), where
        each (tap, pool offset) block lands on a contiguous run of Pw*N floats, and one copy
        turns it back into the C-H-W-N image.
        """
        weight = self.params["weight"]
        cout, cin, kh, kw = weight.shape
        _, ph, pw = self.out_shape
        np.matmul(weight.reshape(cout, -1).T, dmat, out=b.dcols.reshape(cin * kh * kw, -1))
        dcols = b.dcols  # (cin, kh, kw, dy, dx, py, px, n)
        poly = b.poly  # (cin, ry, rx, qy, qx, n): padded row 2*qy+ry, column 2*qx+rx
        poly.fill(0)
        for i in range(kh):
            for dy in range(2):
                ry, qy = (i + dy) % 2, (i + dy) // 2
                for j in range(kw):
                    for dx in range(2):
                        rx, qx = (j + dx) % 2, (j + dx) // 2
                        target = poly[:, ry, rx, qy:qy + ph, qx:qx + pw, :]
                        np.add(target, dcols[:, i, j, dy, dx], out=target)
        cin_, _, _, qh, qw, n = poly.shape
        np.copyto(b.dxp.reshape(cin_, qh, 2, qw, 2, n), poly.transpose(0, 3, 1, 4, 2, 5))
        p = self.padding
        _, h, w = self.in_shape
        return b.dxp[:, p:p + h, p:p + w, :]


class ToCHWN:
    """NCHW -> CHWN (batch innermost) in front of a fused block."""

    params: dict[str, np.ndarray] = {}
    grads: dict[str, np.ndarray] = {}

    def forward(self, x: np.ndarray, train: bool = True, rng: np.random.Generator | None = None) -> np.ndarray:
        return x.transpose(1, 2, 3, 0)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout.transpose(3, 0, 1, 2)


class ToNCHW:
    """CHWN -> NCHW (contiguous) behind a fused block, for the generic layers that follow."""

    params: dict[str, np.ndarray] = {}
    grads: dict[str, np.ndarray] = {}

    def forward(self, x: np.ndarray, train: bool = True, rng: np.random.Generator | None = None) -> np.ndarray:
        return np.ascontiguousarray(x.transpose(3, 0, 1, 2))

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(dout.transpose(1, 2, 3, 0))
