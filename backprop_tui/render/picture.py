"""Draw a grayscale image in the terminal with half-block characters: two pixel rows per line.

Each character is '▀' with the upper pixel as foreground and the lower one as background, so a
28x28 image takes 28 columns and 14 lines.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from rich.style import Style
from rich.text import Text

UPPER_HALF = "\u2580"
FULL_BLOCK = "\u2588"
RAMP = " .:-=+*#%@"


def half_block_image(image: np.ndarray) -> Text:
    """uint8 (H, W) image -> rich Text of ceil(H/2) lines."""
    pixels = np.asarray(image, dtype=np.uint8)
    return half_block_rgb(np.repeat(pixels[:, :, None], 3, axis=2))


def half_block_rgb(rgb: np.ndarray, marks: Mapping[tuple[int, int], tuple[str, Style]] | None = None) -> Text:
    """uint8 (H, W, 3) colours -> rich Text of ceil(H/2) lines (an odd last row is padded black).

    `marks` puts a character with its own style on a cell (line, column) instead of its two
    pixels: a data point on a heat map.
    """
    pixels = np.asarray(rgb, dtype=np.uint8)
    if pixels.shape[0] % 2:
        pixels = np.concatenate([pixels, np.zeros((1, *pixels.shape[1:]), np.uint8)])
    marks = marks or {}
    text = Text()
    for row in range(0, pixels.shape[0], 2):
        for col, (top, bottom) in enumerate(zip(pixels[row], pixels[row + 1])):
            mark = marks.get((row // 2, col))
            if mark is not None:
                text.append(*mark)
                continue
            style = Style(color="rgb({},{},{})".format(*top), bgcolor="rgb({},{},{})".format(*bottom))
            text.append(UPPER_HALF, style=style)
        if row + 2 < pixels.shape[0]:
            text.append("\n")
    return text


def ascii_image(image: np.ndarray) -> str:
    """The same picture without colours (a pipe, a file): one ramp character per pixel column,
    each line the mean of two pixel rows so the aspect ratio stays close to square."""
    pixels = np.asarray(image, dtype=np.float64)
    if pixels.shape[0] % 2:
        pixels = np.vstack([pixels, np.zeros((1, pixels.shape[1]))])
    pairs = (pixels[0::2] + pixels[1::2]) / 2
    index = np.minimum((pairs / 256 * len(RAMP)).astype(int), len(RAMP) - 1)
    return "\n".join("".join(RAMP[i] for i in row).rstrip() for row in index)


def shrink(image: np.ndarray, factor: int) -> np.ndarray:
    """uint8 (H, W) -> uint8 (ceil(H/f), ceil(W/f)): the mean of each f x f block (edges padded
    with black), so a 28x28 test image fits a gallery at 14x14."""
    pixels = np.asarray(image, dtype=np.float64)
    if factor <= 1:
        return np.asarray(image, np.uint8)
    h, w = pixels.shape
    padded = np.zeros((-(-h // factor) * factor, -(-w // factor) * factor))
    padded[:h, :w] = pixels
    blocks = padded.reshape(padded.shape[0] // factor, factor, padded.shape[1] // factor, factor)
    return np.round(blocks.mean(axis=(1, 3))).astype(np.uint8)


def filter_pictures(weights: np.ndarray, size: int = 6) -> list[np.ndarray]:
    """A first convolution's filters (F, C, k, k) as uint8 pictures of about `size` pixels a side.

    Gray 128 is a zero weight; white and black are the layer's largest positive and negative
    weight. One scale for the whole layer (not per filter) so the filters compare with each
    other and a filter that grows visibly brightens as it learns. Input channels are averaged;
    each weight becomes a block of size // k pixels.
    """
    w = np.asarray(weights, dtype=np.float64).mean(axis=1)
    top = float(np.abs(w).max()) if w.size else 0.0
    scaled = 128 + 127 * (w / top if top > 0 else w * 0)
    scale = max(1, size // max(w.shape[-1], 1))
    block = np.ones((scale, scale))
    return [np.kron(np.round(f), block).astype(np.uint8) for f in scaled]


def framed(picture: Text, x_labels: tuple[str, str, str], y_labels: tuple[str, str, str], caption: str = "") -> Text:
    """A plotted picture in an ASCII frame: `y_labels` (top, middle, bottom) on the left, a border
    below, `x_labels` (left, middle, right) under it and then `caption` (the axes' names).

    The one frame of the landscape map and the input plane, so both read alike.
    """
    lines = picture.split("\n")
    height = len(lines)
    width = max((line.cell_len for line in lines), default=0)
    pad = max(len(label) for label in y_labels) + 1
    text = Text()
    for r, line in enumerate(lines):
        label = y_labels[0] if r == 0 else y_labels[2] if r == height - 1 else y_labels[1] if r == height // 2 else ""
        text.append(f"{label:>{pad}}|")
        text.append_text(line)
        text.append("|\n")
    text.append(" " * pad + "+" + "-" * width + "+\n")
    left, middle, right = x_labels
    axis = [" "] * (width + 2)
    for position, label in ((0, left), ((width + 2 - len(middle)) // 2, middle), (width + 2 - len(right), right)):
        axis[position:position + len(label)] = list(label)
    text.append(" " * pad + "".join(axis).rstrip() + (f"   {caption}" if caption else ""))
    return text
