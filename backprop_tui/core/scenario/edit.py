"""Change one number in a scenario file in place, keeping its comments and layout (tomlkit).

For the app's "select a cell, type a value" edits. A key path names the value the way the
TOML file nests it, with 0-based indices into arrays (error messages show them 1-based, like
the loader's)::

    ("layer", 1, "weights", 0, 2)       # [[layer]] number 2, θ row 1, column 3
    ("layer", 0, "bias", 1)
    ("data", "inputs", 0, 1)            # sample 1, input 2
    ("data", "targets", 3, 0)
    ("training", "learning_rate")       # created (with its table) when missing
    ("variant", 0, "training", "learning_rate")   # see training_path() for the stepped variant

weight_path, bias_path, input_path, target_path and training_path build these paths from what
the stepper shows. Typical use::

    edit = edit_file(path, ("training", "learning_rate"), 0.05)  # validated, written atomically
    # … later, to undo that value alone (anything else typed into the file since stays):
    undo_edit(edit)       # raises ScenarioError if the value on disk is no longer edit.after

`set_value` only rewrites text; `edit_file` also validates with the loader and refuses (raising
ScenarioError, the loader's message, file untouched) anything the loader would refuse.
A weight of a randomly initialised layer (no `weights` key) is edited by first writing that
layer's current θ out as an explicit `weights` matrix (and every later random layer's too,
since they draw from the same random stream), so nothing else in the network changes.
Note: these edit the file they are given; for a bundled scenario, copy it first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import Integer

from backprop_tui.core.fileio import atomic_write_text
from backprop_tui.core.scenario.errors import Problem, ScenarioError
from backprop_tui.core.scenario.load import loads
from backprop_tui.core.scenario.model import Scenario
from backprop_tui.core.scenario.toml_source import read_text
from backprop_tui.i18n import Message, _

Key = str | int
Value = float | int | str | bool


@dataclass(frozen=True)
class Edit:
    """One edit written by `edit_file`: what `undo_edit` needs to revert that value alone."""

    file: Path
    key_path: tuple[Key, ...]
    before: Value | None
    """The value before the edit; None when the key did not exist (undo removes it)."""
    after: Value
    """The value the edit wrote (undo refuses when the file no longer holds it)."""
    created: tuple[tuple[Key, ...], ...] = ()
    """Tables the edit created on the way to the key (undo removes them when left empty)."""
    written_out: tuple[tuple[tuple[Key, ...], Any], ...] = ()
    """θ matrices of random layers the edit wrote out (key path, values as lists); undo removes
    each one that still holds exactly those values, so the layer is random again."""


def path_text(path: tuple[Key, ...]) -> str:
    """A key path as the loader prints it: ("layer", 1, "weights", 0, 2) -> layer[2].weights[1][3]."""
    text = ""
    for key in path:
        text += f"[{key + 1}]" if isinstance(key, int) else (f".{key}" if text else key)
    return text


def set_value(text: str, path: tuple[Key, ...], value: Value, file: str = "scenario") -> str:
    """`text` with the value at `path` replaced (or added); comments and layout are kept.

    Raises ScenarioError when the text is not TOML or the path does not lead to a value.
    The result is not validated: pass it to `load.loads` (or use `edit_file`).
    """
    return tomlkit.dumps(_edited(text, path, value, file)[0])


def _edited(text: str, path: tuple[Key, ...], value: Value, file: str) -> tuple[Any, Value | None,
                                                                               tuple[tuple[Key, ...], ...],
                                                                               tuple[tuple[tuple[Key, ...], Any], ...]]:
    """The edited document, the value before (None: absent), the tables created and the θ
    matrices written out on the way (with their values before the edit's own change)."""
    if not path:
        raise ScenarioError(file, [Problem("", Message("expected a key path, got an empty one"))])
    document = _parse(text, file)
    written_out: tuple[tuple[Key, ...], ...] = ()
    if _needs_weights(document, path):
        written_out = _materialise_weights(document, text, path[1], file)
    written = tuple((p, _plain(_lookup(document, p))) for p in written_out)
    created = tuple(path[:depth] for depth in range(1, len(path)) if _lookup(document, path[:depth]) is _MISSING)
    before = _lookup(document, path)
    parent = _walk(document, path, file)
    _assign(parent, path[-1], value, path, file)
    return document, (None if before is _MISSING else _plain(before)), created, written


def weight_path(layer: int, row: int, col: int) -> tuple[Key, ...]:
    """θ^layer[row, col]; `layer` is 1-based like Step.layer and θ¹, row/col 0-based."""
    return ("layer", layer - 1, "weights", row, col)


def bias_path(layer: int, unit: int) -> tuple[Key, ...]:
    """b^layer[unit]; `layer` 1-based, `unit` 0-based. The layer must already have a bias."""
    return ("layer", layer - 1, "bias", unit)


def input_path(sample: int, feature: int) -> tuple[Key, ...]:
    """Sample `sample`'s input `feature` (both 0-based). The steps show x with samples as
    columns, so cell (i, j) of a batch's x is input_path(iteration.batch[j], i)."""
    return ("data", "inputs", sample, feature)


def target_path(sample: int, output: int) -> tuple[Key, ...]:
    """Sample `sample`'s target for `output` (both 0-based); y cell (k, j) of a batch is
    target_path(iteration.batch[j], k)."""
    return ("data", "targets", sample, output)


def training_path(scenario: Scenario, key: str) -> tuple[Key, ...]:
    """Where a [training] key of the scenario as stepped lives: the applied variant's override
    when it has one (editing the base there would change nothing), else the base's table."""
    if scenario.variant is not None:
        names = [variant.name for variant in scenario.variants]
        index = names.index(scenario.variant)
        if key in scenario.variants[index].training:
            return ("variant", index, "training", key)
    return ("training", key)


def edit_file(path: str | Path, key_path: tuple[Key, ...], value: Value) -> Edit:
    """Set one value in a scenario file, validate it with the loader, write it atomically.

    Returns the Edit (for `undo_edit`). On an invalid result raises ScenarioError (the loader's
    message) and leaves the file untouched.
    """
    path = Path(path)
    document, before, created, written_out = _edited(read_text(path), key_path, value, path.name)
    new = tomlkit.dumps(document)
    loads(new, path.name)
    atomic_write_text(path, new)
    after = _plain(_lookup(document, key_path))
    return Edit(path, key_path, before, after, created, written_out)


def undo_edit(edit: Edit) -> None:
    """Revert that one edit in the file as it is now, keeping everything else (comments, values
    or tables typed in since), and write it atomically.

    Raises ScenarioError, leaving the file untouched, when the file cannot be read or parsed, or
    when the value at the edit's key path is no longer the one the edit wrote (someone changed
    it since, so putting the old one back would overwrite their change).
    """
    file = edit.file.name
    document = _parse(read_text(edit.file), file)
    where = path_text(edit.key_path)
    now = _lookup(document, edit.key_path)
    if now is _MISSING or not _same(_plain(now), edit.after):
        problem = Message("is no longer there, not the {wrote} the edit wrote; not undone, so that change is kept",
                          wrote=repr(edit.after)) if now is _MISSING else \
            Message("is {now} now, not the {wrote} the edit wrote; not undone, so that change is kept",
                    now=repr(_plain(now)), wrote=repr(edit.after))
        raise ScenarioError(file, [Problem(where, problem)])
    parent = _walk(document, edit.key_path, file)
    if edit.before is None:
        del parent[edit.key_path[-1]]
    else:
        _assign(parent, edit.key_path[-1], edit.before, edit.key_path, file)
    for matrix_path, values in edit.written_out:
        if _same(_plain(_lookup(document, matrix_path)), values):
            del _walk(document, matrix_path, file)[matrix_path[-1]]
    for table_path in sorted(edit.created, key=len, reverse=True):
        table = _lookup(document, table_path)
        if isinstance(table, dict) and not table:
            del _walk(document, table_path, file)[table_path[-1]]
    atomic_write_text(edit.file, tomlkit.dumps(document))


# -- internals ------------------------------------------------------------------------------------


_MISSING = object()


def _lookup(document: Any, path: tuple[Key, ...]) -> Any:
    """The item at `path`, or _MISSING when any key or index on the way is absent."""
    node = document
    for key in path:
        if isinstance(key, int):
            if not isinstance(node, list) or not 0 <= key < len(node):
                return _MISSING
        elif not isinstance(node, dict) or key not in node:
            return _MISSING
        node = node[key]
    return node


def _plain(item: Any) -> Any:
    """A tomlkit item as plain Python (floats, lists, dicts)."""
    return item.unwrap() if hasattr(item, "unwrap") else item


def _same(a: Any, b: Any) -> bool:
    """Equal values, numbers compared as numbers (1 == 1.0), lists element by element."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return a == b


def _parse(text: str, file: str) -> tomlkit.TOMLDocument:
    try:
        return tomlkit.parse(text)
    except TOMLKitError as error:
        raise ScenarioError(file, [Problem("", Message("not valid TOML: {what}", what=str(error)))]) from None


def _walk(document: Any, path: tuple[Key, ...], file: str) -> Any:
    """The container holding path[-1]; missing tables on the way are created (string keys only)."""
    node = document
    for depth, key in enumerate(path[:-1]):
        here = path_text(path[: depth + 1])
        if isinstance(key, int):
            if not isinstance(node, list) or not 0 <= key < len(node):
                size = len(node) if isinstance(node, list) else 0
                raise ScenarioError(file, [Problem(here, Message("no such entry (there are {size})", size=size))])
            node = node[key]
        elif isinstance(node, dict):
            if key not in node:
                if isinstance(path[depth + 1], int):
                    raise ScenarioError(file, [Problem(here, Message("no such array; add it to the file first"))])
                node.add(key, tomlkit.table()) if hasattr(node, "add") else node.__setitem__(key, tomlkit.table())
            node = node[key]
        else:
            raise ScenarioError(file, [Problem(here, Message("is not a table"))])
    return node


def _assign(parent: Any, key: Key, value: Value, path: tuple[Key, ...], file: str) -> None:
    where = path_text(path)
    if isinstance(key, int):
        if not isinstance(parent, list) or not 0 <= key < len(parent):
            size = len(parent) if isinstance(parent, list) else 0
            raise ScenarioError(file, [Problem(where, Message("no such entry (there are {size})", size=size))])
        parent[key] = _typed(parent[key], value)
    elif isinstance(parent, dict):
        parent[key] = _typed(parent.get(key), value)
    else:
        raise ScenarioError(file, [Problem(where, Message("is not inside a table"))])


def _typed(old: Any, value: Value) -> Value:
    """Keep integers integers (iterations, batch_size); write every other number as a float."""
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(old, (int, Integer)) and not isinstance(old, bool) and float(value).is_integer():
        return int(value)
    if old is None and isinstance(value, int):
        return value
    return float(value)


def _needs_weights(document: Any, path: tuple[Key, ...]) -> bool:
    """True for an edit of θ in a [[layer]] that has no `weights` key (random initialisation)."""
    if len(path) < 3 or path[0] != "layer" or not isinstance(path[1], int) or path[2] != "weights":
        return False
    layers = document.get("layer")
    return isinstance(layers, list) and 0 <= path[1] < len(layers) and "weights" not in layers[path[1]]


def _materialise_weights(document: Any, text: str, index: int, file: str) -> tuple[tuple[Key, ...], ...]:
    """Write the current θ of layer `index` and of every later random layer into the document;
    returns the key paths written."""
    scenario = loads(text, file)
    tables = document["layer"]
    written: list[tuple[Key, ...]] = []
    for i in range(index, len(tables)):
        if "weights" in tables[i]:
            continue
        item = _matrix_item(scenario.layers[i].weights)
        # a comment in the user's file, in the language of the interface that wrote it
        item.comment(_("θ from the random initialisation (seed {seed}), written out by an edit").format(
            seed=scenario.seed))
        _add_after_last_key(tables[i], "weights", item)
        written.append(("layer", i, "weights"))
    return tuple(written)


def _add_after_last_key(table: Any, key: str, item: Any) -> None:
    """Add `key` right after the table's last key, before any blank lines that end the table."""
    keys = list(table.keys())
    try:
        table.value._insert_after(keys[-1], key, item)  # tomlkit's own insert, keeps the layout
    except (AttributeError, IndexError, KeyError, TypeError):
        table.add(key, item)


def _matrix_item(values: np.ndarray) -> Any:
    """A multi-line TOML array of rows, the exact float64 values (shortest round-trip text)."""
    rows = ",\n           ".join("[" + ", ".join(repr(float(v)) for v in row) + "]" for row in values)
    return tomlkit.parse(f"weights = [{rows}]\n")["weights"]
