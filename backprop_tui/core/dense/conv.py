"""The stepper's convolution, pooling and flatten numerics, float64, in the lecture's orientation.

Layout: an image batch (m samples, C channels, H × W) is the matrix C × (m·H·W): one row per
channel (per filter, after a convolution), one column per pixel, sample-major, each sample's
pixels row by row. It is the dense layers' "one row per unit, one column per sample" with a
column for each (sample, position), so a convolution is the dense formula z = θᵀ·P + b with the
patch matrix P (im2col) in place of a: rows of P are the taps c·k·k + i·k + j of a filter (the
order of batch mode's weight.reshape(F, -1)), columns the output positions. After `flatten`, a
sample is one column of C·H·W values in channel, row, column order (batch mode's and PyTorch's).
Cross-correlation, as PyTorch and batch mode compute it; max pooling's ties go to the first
maximum in row-major order (batch mode's and PyTorch's convention).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

Shape3 = tuple[int, int, int]


def out_side(side: int, kernel: int, stride: int, padding: int) -> int:
    """The output side of a convolution: (side + 2·padding − kernel)//stride + 1."""
    return (side + 2 * padding - kernel) // stride + 1


@lru_cache(maxsize=32)
def patch_sources(image: Shape3, kernel: int, stride: int, padding: int) -> np.ndarray:
    """For one sample: (C·k·k) × (Ho·Wo) indices into the image flattened as c·H·W + y·W + x, −1
    where the tap falls on the zero padding. Read-only; cached per geometry."""
    c, h, w = image
    ho, wo = out_side(h, kernel, stride, padding), out_side(w, kernel, stride, padding)
    ch, i, j = np.meshgrid(np.arange(c), np.arange(kernel), np.arange(kernel), indexing="ij")
    oy, ox = np.meshgrid(np.arange(ho), np.arange(wo), indexing="ij")
    y = oy.reshape(1, -1) * stride + i.reshape(-1, 1) - padding
    x = ox.reshape(1, -1) * stride + j.reshape(-1, 1) - padding
    inside = (y >= 0) & (y < h) & (x >= 0) & (x < w)
    source = np.where(inside, ch.reshape(-1, 1) * h * w + y * w + x, -1)
    source.setflags(write=False)
    return source


def to_matrix(tensor: np.ndarray) -> np.ndarray:
    """(m, C, H, W) → C × (m·H·W)."""
    m, c, h, w = tensor.shape
    return tensor.transpose(1, 0, 2, 3).reshape(c, m * h * w)


def to_tensor(matrix: np.ndarray, image: Shape3) -> np.ndarray:
    """C × (m·H·W) → (m, C, H, W)."""
    c, h, w = image
    m = matrix.shape[1] // (h * w)
    return matrix.reshape(c, m, h, w).transpose(1, 0, 2, 3)


def im2col(a: np.ndarray, image: Shape3, kernel: int, stride: int, padding: int) -> np.ndarray:
    """The patch matrix P, (C·k·k) × (m·Ho·Wo), of the images a (C × m·H·W)."""
    source = patch_sources(image, kernel, stride, padding)
    flat = to_tensor(a, image).reshape(-1, int(np.prod(image)))
    flat = np.concatenate([flat, np.zeros((flat.shape[0], 1))], axis=1)  # index −1: the padding's 0
    patches = flat[:, source]  # m × (C·k·k) × P
    return patches.transpose(1, 0, 2).reshape(source.shape[0], -1)


def col2im(d_patches: np.ndarray, image: Shape3, kernel: int, stride: int, padding: int) -> np.ndarray:
    """The gradient of im2col: each patch cell's gradient added back to the pixel it copied
    (overlapping patches add up; taps on the padding are dropped). Returns C × (m·H·W)."""
    source = patch_sources(image, kernel, stride, padding)
    rows, positions = source.shape
    m = d_patches.shape[1] // positions
    values = d_patches.reshape(rows, m, positions).transpose(1, 0, 2)  # m × rows × P
    size = int(np.prod(image))
    flat = np.zeros((m, size + 1))
    offsets = (np.arange(m) * (size + 1))[:, None, None]
    target = np.where(source < 0, size, source)[None] + offsets
    flat = np.bincount(target.ravel(), weights=values.ravel(), minlength=m * (size + 1)).reshape(m, size + 1)
    c, h, w = image
    return to_matrix(flat[:, :size].reshape(m, c, h, w))


def pool_windows(a: np.ndarray, image: Shape3, size: int) -> np.ndarray:
    """Column indices into a (C × m·H·W) of each window's cells: 1 × (m·Ho·Wo) × size², row-major
    within the window (the same for every channel, so the first axis broadcasts over them)."""
    c, h, w = image
    m = a.shape[1] // (h * w)
    return window_columns(m, h, w, size)


@lru_cache(maxsize=32)
def window_columns(m: int, h: int, w: int, size: int) -> np.ndarray:
    """For m samples of h × w maps: 1 × (m·Ho·Wo) × size² columns of each pooling window's cells,
    windows sample by sample and row by row. Read-only; cached per geometry."""
    s, y, x, i, j = np.meshgrid(np.arange(m), np.arange(h // size), np.arange(w // size), np.arange(size),
                                np.arange(size), indexing="ij")
    columns = s * h * w + (y * size + i) * w + (x * size + j)
    columns = columns.reshape(1, m * (h // size) * (w // size), size * size)
    columns.setflags(write=False)
    return columns


def maxpool(a: np.ndarray, image: Shape3, size: int) -> tuple[np.ndarray, np.ndarray]:
    """(pooled, winners): the maximum of each window, C × (m·Ho·Wo), and the column of a where
    it sits (the first maximum in row-major order on ties)."""
    windows = pool_windows(a, image, size)
    values = a[np.arange(a.shape[0])[:, None, None], windows]
    first = values.argmax(axis=-1)
    winners = np.take_along_axis(np.broadcast_to(windows, values.shape), first[..., None], axis=-1)[..., 0]
    return np.take_along_axis(values, first[..., None], axis=-1)[..., 0], winners


def maxpool_backward(d_pooled: np.ndarray, winners: np.ndarray, image: Shape3, samples: int) -> np.ndarray:
    """δ of each window sent to its winner, 0 to the window's other cells: C × (m·H·W).
    Windows do not overlap, so no cell receives two δs."""
    c, h, w = image
    grad = np.zeros((c, samples * h * w))
    grad[np.arange(c)[:, None], winners] = d_pooled
    return grad


def flatten(a: np.ndarray, image: Shape3) -> np.ndarray:
    """C × (m·H·W) → (C·H·W) × m, each sample one column in channel, row, column order."""
    tensor = to_tensor(a, image)
    return tensor.reshape(tensor.shape[0], -1).T


def unflatten(v: np.ndarray, image: Shape3) -> np.ndarray:
    """(C·H·W) × m → C × (m·H·W), flatten's inverse."""
    c, h, w = image
    return to_matrix(v.T.reshape(-1, c, h, w))
