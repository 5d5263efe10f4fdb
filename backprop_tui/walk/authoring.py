"""In-app authoring without Textual: what can be edited, a private copy of a bundled scenario,
the undo stack of edits, and the handout of the walk so far (which never writes over the
scenario, and replaces another file only when told to)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from pathlib import Path

from backprop_tui.core.dense import notation as n
from backprop_tui.core.errors import UserError
from backprop_tui.core.vocab import Cell, Parameter
from backprop_tui.i18n import _
from backprop_tui.render.notation import cell_symbol
from backprop_tui.core.scenario.bundled import bundled_dir
from backprop_tui.walk.stepper import Stepper
from backprop_tui.walk.focus import Focus

if TYPE_CHECKING:
    from backprop_tui.core.scenario.edit import Edit, Key
    from backprop_tui.render.handout import Handout
    from backprop_tui.walk.handout import HandoutFiles, HandoutRequest

MAX_DATA_TARGETS = 24
"""Inputs and targets offered for editing: those of the current batch, up to this many."""


@dataclass(frozen=True)
class EditTarget:
    """One number of the scenario file the learner may change: a label, its key path, its value."""

    label: str
    path: tuple[Key, ...]
    value: float


def edit_targets(stepper: Stepper, focus: Focus) -> list[EditTarget]:
    """The focused weight (or bias), the learning rate, then the current batch's inputs and targets.

    Weights are the file's initial values: an edit changes where training starts.
    """
    # tomlkit, loaded when editing: the first frame needs none of it
    from backprop_tui.core.scenario.edit import bias_path, input_path, target_path, training_path, weight_path

    scenario = stepper.scenario
    layer = scenario.layers[focus.layer - 1]
    targets = []
    if focus.parameter is Parameter.BIAS and layer.bias is not None:
        bias = cell_symbol(Cell(n.bias(focus.layer), (focus.col,)))
        targets.append(EditTarget(_("{symbol} initial bias (under the cursor)").format(symbol=bias),
                                  bias_path(focus.layer, focus.col), float(layer.bias[focus.col])))
    weight = cell_symbol(Cell(n.theta(focus.layer), (focus.row, focus.col)))
    targets.append(EditTarget(_("{symbol} initial weight (under the cursor)").format(symbol=weight),
                              weight_path(focus.layer, focus.row, focus.col), float(layer.weights[focus.row, focus.col])))
    # each label starts with its symbol and a space: the message after an edit names the symbol so
    targets.append(EditTarget(_("{symbol} learning rate").format(symbol="γ"), training_path(scenario, "learning_rate"),
                              scenario.training.learning_rate))
    data = []
    for sample in stepper.iteration.batch:
        s = int(sample)
        data += [EditTarget(_("{symbol} input {number} of sample {sample}").format(symbol="x", number=i + 1,
                                                                                   sample=s + 1),
                            input_path(s, i), float(scenario.x[s, i]))
                 for i in range(scenario.x.shape[1])]
        data += [EditTarget(_("{symbol} target {number} of sample {sample}").format(symbol="y", number=k + 1,
                                                                                    sample=s + 1),
                            target_path(s, k), float(scenario.y[s, k]))
                 for k in range(scenario.y.shape[1])]
    return targets + data[:MAX_DATA_TARGETS]


def is_bundled(path: Path) -> bool:
    """Whether `path` is one of the scenarios shipped with the package (not to be edited in place)."""
    return path.resolve().parent == bundled_dir().resolve()


def editable_copy(path: Path, folder: Path) -> Path:
    """A copy of a bundled scenario in `folder` to edit (name-edited.toml, numbered if taken).

    The copy is created exclusively (O_EXCL), so an existing file, even one made a moment ago by
    another program, is never written over. Raises UserError when the folder is not writable.
    """
    data = path.read_bytes()
    number = 1
    while True:
        candidate = folder / (f"{path.stem}-edited.toml" if number == 1 else f"{path.stem}-edited-{number}.toml")
        try:
            with open(candidate, "xb") as handle:
                handle.write(data)
            return candidate
        except FileExistsError:
            number += 1
        except OSError as error:
            raise UserError(_("{file}: cannot write an editable copy of {name} there: {reason}").format(
                file=candidate, name=path.name, reason=error.strerror)) from None


class UndoStack:
    """The in-app edits, newest last; undo reverts the newest one's value alone."""

    def __init__(self) -> None:
        self._entries: list[Edit] = []

    def push(self, edit: Edit) -> None:
        """Remember an edit just written (the newest)."""
        self._entries.append(edit)

    def pop(self) -> Edit | None:
        """The newest edit, taken off the stack; None when there is nothing to undo."""
        return self._entries.pop() if self._entries else None

    def __len__(self) -> int:
        return len(self._entries)


def export_handout_of_walk(stepper: Stepper, request: HandoutRequest, replace: bool = False) -> tuple[Handout, HandoutFiles]:
    """Write the handout the app's dialog asks for, from the iterations walked so far (the steps
    of the chosen ones are computed if the cache let them go).

    Raises UserError, writing nothing, for a bad field or the scenario's own file, and
    FileExistsError (its args the existing paths) when a file exists and `replace` is False.
    """
    count = stepper.walked
    iterations = stepper.iterations[:count]
    # the handout's modules load when a handout is asked for, not with the app (they were a
    # tenth of its start-up)
    from backprop_tui.render.handout import check_range, detailed_iterations
    from backprop_tui.walk.handout import export_handout, request_options, walked_in_app

    options = request_options(request, stepper.scenario)
    first, last = check_range(options, count, walked_in_app)
    steps = [s for n in sorted(detailed_iterations(options, first, last)) for s in stepper.steps_of(n - 1)]
    return export_handout(stepper.scenario, iterations, steps, request, replace)
