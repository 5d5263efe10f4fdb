"""The training screen's panels: three charts (textual-plotext), the confusion heat map, the
gallery of misclassified test images and the first convolution's filters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from rich.cells import cell_len, set_cell_size
from rich.console import Group
from rich.text import Text
from textual.app import RenderResult
from textual.widgets import Static
from textual_plotext import PlotextPlot

from backprop_tui.i18n import _
from backprop_tui.render.cnn_report import confusion_heatmap, confusion_matrix, mistakes
from backprop_tui.render.picture import filter_pictures, half_block_image, shrink
from backprop_tui.render.wide_plot import MeasuredPlot, without_marks
from backprop_tui.tui.widgets.training_record import TrainingRecord, thinned


class RecordChart(PlotextPlot):
    """A chart drawn from a TrainingRecord by `draw(plt, record)`; the data are given afresh for
    every frame (plotext keeps what it was given)."""

    def __init__(self, draw: Callable[[Any, TrainingRecord], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._draw = draw
        self.record: TrainingRecord | None = None
        self._version = -1
        self._drawn: tuple[tuple[Any, ...], RenderResult] | None = None

    def show(self, record: TrainingRecord) -> None:
        """Draw `record` as it is now (a later change shows at the next call)."""
        if record is self.record and record.version == self._version:
            return
        self.record, self._version = record, record.version
        self.refresh()

    def render(self) -> RenderResult:
        # Building a plotext figure is the screen's largest cost and takes the interpreter
        # from the training thread: a frame that changes nothing here (another panel updated)
        # reuses the last picture.
        key = (id(self.record), self._version, self.size, self.app.theme)
        if self._drawn is not None and self._drawn[0] == key:
            return self._drawn[1]
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        if self.record is not None:
            self._draw(MeasuredPlot(plt), self.record)  # Hangul measured by its columns
        picture = super().render()
        if isinstance(picture, Text):
            picture = without_marks(picture)
        self._drawn = (key, picture)
        return picture


def draw_batch_loss(plt: Any, record: TrainingRecord) -> None:
    """Training loss of every batch (thinned to the chart's resolution), with each finished
    epoch's mean training loss as a point."""
    plt.title(_("training loss per batch"))
    plt.xlabel(_("epoch"))
    if record.batch_x:
        x, y = thinned(record.batch_x, record.batch_loss)
        plt.plot(x, y, marker="braille", color="cyan")
    if record.history:
        plt.scatter([row["epoch"] for row in record.history], [row["train_loss"] for row in record.history],
                    marker="dot", color="white", label=_("epoch mean"))
    plt.xlim(0, record.epochs)


def draw_test(plt: Any, record: TrainingRecord) -> None:
    """Test loss (left axis) and test accuracy in % (right axis) after each epoch."""
    plt.title(_("test loss and accuracy per epoch"))
    plt.xlabel(_("epoch"))
    epochs = [row["epoch"] for row in record.history]
    if epochs:
        plt.plot(epochs, [row["test_loss"] for row in record.history], marker="dot", color="red", label=_("loss"))
        plt.plot(epochs, [100 * row["test_accuracy"] for row in record.history], marker="dot", color="green",
                 label=_("accuracy %"), yside="right")
        plt.ylim(0, 100, yside="right")
    plt.xlim(0, record.epochs)


def draw_learning_rate(plt: Any, record: TrainingRecord) -> None:
    """The learning rate the schedule gave each batch; epochs before a resume, one per epoch."""
    plt.title(_("learning rate"))
    plt.xlabel(_("epoch"))
    first = record.batch_x[0] if record.batch_x else float("inf")
    before = [row for row in record.history if row["epoch"] <= first]
    if before:
        plt.scatter([row["epoch"] for row in before], [row["learning_rate"] for row in before],
                    marker="dot", color="yellow")
    if record.batch_x:
        x, y = thinned(record.batch_x, record.batch_lr)
        plt.plot(x, y, marker="braille", color="yellow")
    plt.xlim(0, record.epochs)


class ConfusionPanel(Static):
    """The heat map of the last evaluation, with per-class accuracy."""

    def show_evaluation(self, labels: np.ndarray, predictions: np.ndarray, heading: str,
                        names: tuple[str, ...]) -> None:
        """Draw the confusion matrix of `labels` against `predictions` (each n), headed `heading`."""
        confusion = confusion_matrix(labels, predictions, len(names))
        correct, total = int(np.trace(confusion)), int(confusion.sum())
        title = Text(_("{heading}: {correct}/{total} right ({share})").format(
            heading=heading, correct=correct, total=total, share=f"{correct / max(total, 1):.1%}"), style="bold")
        self.update(Group(title, confusion_heatmap(confusion, names)), layout=False)


class GalleryPanel(Static):
    """Test images the model gets wrong, a page at a time: the picture, the true class, and
    the class it said with the probability it gave that class."""

    per_page = 6
    columns = 3
    page = 0
    _wrong: np.ndarray = np.zeros(0, np.intp)

    def show_mistakes(self, images: np.ndarray, labels: np.ndarray, predictions: np.ndarray,
                      probabilities: np.ndarray | None, names: tuple[str, ...]) -> None:
        """Show the wrongly predicted test images (n × 28 × 28), a page at a time."""
        self._data = (images, labels, predictions, probabilities, names)
        self._wrong = mistakes(labels, predictions)
        self.page = min(self.page, self.pages() - 1)
        self._draw()

    def pages(self) -> int:
        """Pages of mistakes (at least one, which may say there are none)."""
        return max(1, -(-len(self._wrong) // self.per_page))

    def turn(self, by: int) -> None:
        """The next (by=1) or previous (by=-1) page, within bounds."""
        if not len(self._wrong):
            return
        self.page = min(max(self.page + by, 0), self.pages() - 1)
        self._draw()

    def _draw(self) -> None:
        images, labels, predictions, probabilities, names = self._data
        shown = self._wrong[self.page * self.per_page:(self.page + 1) * self.per_page]
        head = Text(_("wrong: {wrong} of {total} test images (page {page}/{pages})").format(
            wrong=len(self._wrong), total=len(labels), page=self.page + 1, pages=self.pages()), style="bold")
        rows = [head]
        for start in range(0, len(shown), self.columns):
            tiles = [self._tile(int(i), images, labels, predictions, probabilities, names)
                     for i in shown[start:start + self.columns]]
            height = max(len(tile) for tile in tiles)
            for line in range(height):
                row = Text()
                for tile in tiles:
                    row.append_text(tile[line] if line < len(tile) else Text(" " * TILE_WIDTH))
                    row.append(" ")
                rows.append(row)
        self.update(Group(*rows), layout=False)

    @staticmethod
    def _tile(index: int, images: np.ndarray, labels: np.ndarray, predictions: np.ndarray,
              probabilities: np.ndarray | None, names: tuple[str, ...]) -> list[Text]:
        """The picture at half size (14 columns, 7 lines), then "#index true class" and "as
        predicted class p%", each cut to the tile's width."""
        width = TILE_WIDTH
        picture = half_block_image(shrink(images[index], 2)).split("\n")
        said = int(predictions[index])
        sure = f" {probabilities[index, said]:.0%}" if probabilities is not None else ""
        lines = [Text.assemble(line, " " * max(width - line.cell_len, 0)) for line in picture]
        lines.append(Text(set_cell_size(f"#{index} {names[int(labels[index])]}", width), style="green"))
        said_as = _("as {name}").format(name=names[said])
        lines.append(Text(set_cell_size(cut(said_as, width - len(sure)) + sure, width), style="red"))
        return lines


def cut(text: str, cells: int) -> str:
    """`text` cut to at most `cells` terminal columns (a Hangul syllable takes two)."""
    while cell_len(text) > cells:
        text = text[:-1]
    return text


TILE_WIDTH = 15
"""Columns of one gallery tile: a 14-pixel-wide picture and a label such as "as Sneaker 57%"."""


class FiltersPanel(Static):
    """The first convolution's filters as pictures (gray 0, white positive, black negative)."""

    def show_filters(self, weights: np.ndarray | None, per_row: int = 8) -> None:
        """Draw each filter of `weights` (filters × channels × k × k) as a picture, `per_row` to a
        row; None says there is no convolution layer."""
        if weights is None:
            self.update(Text(_("no convolution layer"), style="dim"))
            return
        pictures = [half_block_image(p).split("\n") for p in filter_pictures(weights)]
        rows: list[Text] = [Text(_("first convolution: {count} filters {size}").format(
            count=len(pictures), size=f"{weights.shape[-2]}x{weights.shape[-1]}"), style="bold")]
        for start in range(0, len(pictures), per_row):
            group = pictures[start:start + per_row]
            for line in range(max(len(p) for p in group)):
                row = Text()
                for picture in group:
                    row.append_text(picture[line] if line < len(picture) else Text(""))
                    row.append(" ")
                rows.append(row)
        self.update(Group(*rows), layout=False)
