"""The final report as rich tables: test accuracy, per-class accuracy, confusion matrix."""

from __future__ import annotations

import numpy as np
from rich.console import Group
from rich.table import Table
from rich.text import Text

from backprop_tui.core.cnn.data import CLASS_NAMES
from backprop_tui.i18n import _, language


def confusion_matrix(labels: np.ndarray, predictions: np.ndarray, classes: int = 10) -> np.ndarray:
    """counts[true, predicted]."""
    counts = np.zeros((classes, classes), np.int64)
    np.add.at(counts, (np.asarray(labels, np.intp), np.asarray(predictions, np.intp)), 1)
    return counts


def per_class_accuracy(confusion: np.ndarray) -> np.ndarray:
    """Recall of each class (NaN for a class absent from the labels)."""
    totals = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, np.diag(confusion) / np.maximum(totals, 1), np.nan)


def class_table(confusion: np.ndarray) -> Table:
    """One row per class: name, images, correct, accuracy."""
    table = Table(title=_("Per-class test accuracy"), title_justify="left")
    table.add_column(_("label"), justify="right")
    table.add_column(_("class"))
    table.add_column(_("images"), justify="right")
    table.add_column(_("correct"), justify="right")
    table.add_column(_("accuracy"), justify="right")
    accuracy = per_class_accuracy(confusion)
    for label, name in enumerate(CLASS_NAMES):
        total = int(confusion[label].sum())
        value = "-" if np.isnan(accuracy[label]) else f"{accuracy[label]:.1%}"
        table.add_row(str(label), name, str(total), str(int(confusion[label, label])), value)
    return table


def confusion_table(confusion: np.ndarray) -> Table:
    """Rows: true class; columns: predicted class (by label number); the diagonal in bold."""
    table = Table(title=_("Confusion matrix (rows: true class, columns: predicted label)"), title_justify="left")
    table.add_column(_("true \\ predicted"))
    for label in range(len(CLASS_NAMES)):
        table.add_column(str(label), justify="right")
    for label, name in enumerate(CLASS_NAMES):
        cells = [
            Text(str(int(v)), style="bold green" if j == label else ("red" if v else "dim"))
            for j, v in enumerate(confusion[label])
        ]
        table.add_row(f"{label} {name}", *cells)
    return table


def full_report(labels: np.ndarray, predictions: np.ndarray, heading: str) -> Group:
    """Heading with overall accuracy, then both tables."""
    confusion = confusion_matrix(labels, predictions)
    accuracy = float(np.trace(confusion) / max(confusion.sum(), 1))
    title = Text(_("{heading}: test accuracy {accuracy} ({correct}/{total})").format(
        heading=heading, accuracy=f"{accuracy:.2%}", correct=int(np.trace(confusion)), total=int(confusion.sum())),
        style="bold")
    return Group(title, class_table(confusion), confusion_table(confusion))


def confusion_heatmap(confusion: np.ndarray, names: tuple[str, ...] | list[str] = CLASS_NAMES) -> Table:
    """The confusion matrix as a heat map with its counts: each cell's background is as bright
    as the share of its true class it holds (green on the diagonal, red off it), and a last
    column gives each class's accuracy (recall)."""
    table = Table(box=None, padding=(0, 0), show_edge=False, pad_edge=False, collapse_padding=True)
    table.add_column(_("true \\ said"), no_wrap=True)
    for label in range(len(names)):
        table.add_column(f"{label:>5}", justify="right", no_wrap=True)
    table.add_column(_("   acc"), justify="right", no_wrap=True)
    totals = confusion.sum(axis=1)
    accuracy = per_class_accuracy(confusion)
    for label, name in enumerate(names):
        cells = []
        for j, count in enumerate(confusion[label]):
            share = count / totals[label] if totals[label] else 0.0
            level = int(round(40 + 200 * share)) if count else 0
            colour = f"rgb(0,{level},0)" if j == label else f"rgb({level},0,0)"
            style = f"white on {colour}" if count else "dim"
            cells.append(Text.assemble(" ", (f"{int(count):>4}", style)))
        acc = "     -" if np.isnan(accuracy[label]) else f"{accuracy[label]:>6.1%}"
        table.add_row(f"{label} {name[:10]:<10}", *cells, acc)
    return table


def mistakes(labels: np.ndarray, predictions: np.ndarray) -> np.ndarray:
    """Indices of the images the model gets wrong, in test-set order."""
    return np.flatnonzero(np.asarray(predictions) != np.asarray(labels))


def scenario_title(scenario: object) -> str:
    """A CNN scenario's title in the interface language (its title_ko in Korean), else its own."""
    return getattr(scenario, "titles", {}).get(language()) or getattr(scenario, "title")
