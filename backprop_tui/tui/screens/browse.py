"""A finished run, read-only (`backprop-tui RUN.npz`): the training screen without training, and
a picker that shows any test image with the model's probability for every class."""

from __future__ import annotations

import numpy as np
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from backprop_tui.i18n import _, ngettext
from backprop_tui.render.picture import half_block_image
from backprop_tui.tui.language import translate_bindings
from backprop_tui.tui.screens.training import TrainingJob, TrainingScreen
from backprop_tui.tui.widgets.training_record import Position


class BrowseScreen(TrainingScreen):
    """The checkpoint's history as charts, its confusion matrix and misclassified gallery
    (n/p page it), and `i` to pick any test image."""

    BINDINGS = [
        Binding("q", "stop_or_quit('q')", "Quit", show=True, priority=True),
        Binding("n", "page(1)", "Next mistakes", show=True),
        Binding("p", "page(-1)", "Previous mistakes", show=True),
        Binding("i", "pick", "Pick a test image", show=True),
    ]

    def __init__(self, job: TrainingJob, predictions: np.ndarray, probabilities: np.ndarray) -> None:
        super().__init__(job, train=False)
        self.predictions = predictions
        self.probabilities = probabilities
        self.record.position = Position(job.start[0], job.start[1], job.batches)

    def on_mount(self) -> None:
        super().on_mount()
        translate_bindings(self)
        epoch, batches = self.job.start
        self.show_evaluation(self.job.test_labels, self.predictions, self.probabilities,
                             _("test set with the weights of epoch {epoch}").format(epoch=epoch))
        done = ngettext("{epoch} of {epochs} epoch trained", "{epoch} of {epochs} epochs trained",
                        self.job.epochs).format(epoch=epoch, epochs=self.job.epochs)
        if batches:
            done = ngettext("{done}, then {batches} batch", "{done}, then {batches} batches", batches).format(
                done=done, batches=batches)
        self._status(_("read-only: {done}; i picks a test image, n/p page the mistakes, q leaves").format(done=done))

    def action_pick(self) -> None:
        self.app.push_screen(PickerScreen(self.job.test_images, self.job.test_labels, self.predictions,
                                          self.probabilities, self.job.class_names))


BAR = 12
"""Characters of the bar of probability 1: the picture (28), the label, class and probability
columns and the bar fit the picker at 80 columns (a 20-character bar was cut off there)."""


def probability_table(probabilities: np.ndarray, truth: int, names: tuple[str, ...]) -> Table:
    """One row per class, most likely first: label, name (the true one marked), probability, bar."""
    table = Table(box=None, padding=(0, 1), show_header=True)
    table.add_column(_("label"), justify="right")
    table.add_column(_("class"), no_wrap=True)
    table.add_column(_("probability"), justify="right")
    table.add_column("")
    for label in np.argsort(-probabilities, kind="stable"):
        mark = " " + _("(true)") if label == truth else ""
        table.add_row(str(label), names[label] + mark, f"{probabilities[label]:.2%}",
                      Text("\u2588" * int(round(float(probabilities[label]) * BAR)),
                           style="green" if label == truth else "red"))
    return table


class PickerScreen(ModalScreen[None]):
    """Type a test image's index: its picture, its true class and the model's probabilities."""

    BINDINGS = [Binding("escape", "dismiss", "Close", show=True)]
    DEFAULT_CSS = """
    PickerScreen { align: center middle; }
    #picker { width: 80; height: 30; max-width: 100%; max-height: 100%; border: round $accent;
              background: $surface; padding: 0 1; }
    #picker-input { width: 40; }
    """

    def __init__(self, images: np.ndarray, labels: np.ndarray, predictions: np.ndarray,
                 probabilities: np.ndarray, names: tuple[str, ...]) -> None:
        super().__init__()
        self.images, self.labels, self.predictions = images, labels, predictions
        self.probabilities, self.names = probabilities, names

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Input(placeholder=_("test image 0-{last}").format(last=len(self.images) - 1), id="picker-input",
                        type="integer")
            yield Static(id="picker-view")

    def on_mount(self) -> None:
        translate_bindings(self)
        self.query_one(Input).focus()
        self.show(0)

    def on_input_changed(self, event: Input.Changed) -> None:
        text = event.value.strip()
        if not text:
            return
        try:
            index = int(text)
        except ValueError:
            index = -1
        if not 0 <= index < len(self.images):
            self.query_one("#picker-view", Static).update(
                Text(_("{typed}: the test set has images 0 to {last}").format(typed=text, last=len(self.images) - 1),
                     style="bold red"))
            return
        self.show(index)

    def show(self, index: int) -> None:
        """Draw test image `index` beside the model's probabilities."""
        truth, said = int(self.labels[index]), int(self.predictions[index])
        head_text = (_("test image {index}: true class {truth} {truth_name}; the model says {said} "
                       "{said_name} (right)") if said == truth else
                     _("test image {index}: true class {truth} {truth_name}; the model says {said} "
                       "{said_name} (wrong)"))
        head = Text(head_text.format(index=index, truth=truth, truth_name=self.names[truth], said=said,
                                     said_name=self.names[said]), style="bold green" if said == truth else "bold red")
        grid = Table.grid(padding=(0, 2))
        grid.add_row(half_block_image(self.images[index]), probability_table(self.probabilities[index], truth,
                                                                             self.names))
        self.query_one("#picker-view", Static).update(Group(head, grid))
