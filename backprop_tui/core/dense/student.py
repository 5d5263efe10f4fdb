"""A student's own numbers for an exercise sheet: the same network as a scenario, with its initial
weights, biases, inputs and targets redrawn from a seed, in the band where the story still holds.

Each number is the scenario's times a factor drawn from [1 − SPREAD, 1 + SPREAD], rounded to
DECIMALS places (numbers a student can carry by hand), so every sign stays and every magnitude
stays in its band; zeros stay zero, and data that are 0 or ±1 (XOR's inputs, one-hot and 0/1
targets) stay as they are: they are what the scenario is about. A draw is kept only if the
walk still behaves as the original does over the scenario's iterations (at most STORY_ITERATIONS):
every loss finite, the last below the first, and the first within a factor 2 of the original's.
Student k of seed S draws from the stream (S, k) alone, so a class of 30 and a class of 10 give
students 1 to 10 the same sheets.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import tomlkit

from backprop_tui.core.dense.run import run
from backprop_tui.core.errors import UserError
from backprop_tui.core.scenario.model import Scenario
from backprop_tui.i18n import _

SPREAD = 0.25
"""Each number moves by at most this fraction of itself."""
DECIMALS = 2
STORY_ITERATIONS = 300
"""Iterations walked to check that the loss still falls (the scenario's own count, at most this)."""
ATTEMPTS = 200
"""Draws tried per student before giving up (a scenario whose story is too narrow)."""


@dataclass(frozen=True)
class StudentNumbers:
    """What a student's scenario changes: initial θ and b per layer, inputs and targets (samples × values)."""

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray | None, ...]
    x: np.ndarray
    y: np.ndarray

    def key(self) -> bytes:
        """The numbers as bytes: two students with the same key would have the same sheet."""
        parts = [*self.weights, *(b for b in self.biases if b is not None), self.x, self.y]
        return b"".join(np.ascontiguousarray(p, dtype=np.float64).tobytes() for p in parts)


def _nudge(values: np.ndarray, rng: np.random.Generator, keep_units: bool = False) -> np.ndarray:
    """values × U(1 − SPREAD, 1 + SPREAD), rounded; zeros kept, ±1 kept with `keep_units`, and
    a number that would round to 0 (or change sign) kept as it was."""
    factors = rng.uniform(1.0 - SPREAD, 1.0 + SPREAD, size=values.shape)
    drawn = np.round(values * factors, DECIMALS)
    keep = (values == 0) | (np.sign(drawn) != np.sign(values))
    if keep_units:
        keep |= np.abs(values) == 1.0
    return np.where(keep, values, drawn)


def _is_labels(values: np.ndarray) -> bool:
    """Targets that are classes (every value 0 or 1): changing them changes the task."""
    return bool(np.all((values == 0) | (values == 1)))


def draw(scenario: Scenario, rng: np.random.Generator) -> StudentNumbers:
    """One draw of a student's numbers (not yet checked against the story)."""
    weights = tuple(_nudge(layer.weights, rng) for layer in scenario.layers)
    biases = tuple(None if layer.bias is None else _nudge(layer.bias, rng) for layer in scenario.layers)
    x = _nudge(scenario.x, rng, keep_units=True)
    y = scenario.y.copy() if _is_labels(scenario.y) else _nudge(scenario.y, rng, keep_units=True)
    return StudentNumbers(weights, biases, x, y)


def with_numbers(scenario: Scenario, numbers: StudentNumbers) -> Scenario:
    """The scenario with a student's numbers in."""
    layers = tuple(replace(layer, weights=w, bias=b, weights_given=True)
                   for layer, w, b in zip(scenario.layers, numbers.weights, numbers.biases))
    return replace(scenario, layers=layers, x=numbers.x, y=numbers.y)


def _losses(scenario: Scenario) -> list[float]:
    with np.errstate(all="ignore"):
        return [it.loss for it in run(scenario, min(scenario.training.iterations, STORY_ITERATIONS))]


def keeps_the_story(original: list[float], candidate: Scenario) -> bool:
    """The walk with these numbers behaves as the original's (`original`: its losses)."""
    losses = _losses(candidate)
    if not all(np.isfinite(losses)):
        return False
    falls = losses[-1] < losses[0] if len(losses) > 1 else True
    return falls and 0.5 * original[0] <= losses[0] <= 2.0 * original[0]


def students(scenario: Scenario, count: int, seed: int) -> list[StudentNumbers]:
    """`count` students' numbers, all different, each keeping the story.

    Raises UserError when the scenario's own walk does not let its loss fall (there is no story
    to keep) or when no draw for a student keeps it within ATTEMPTS tries.
    """
    original = _losses(scenario)
    if not all(np.isfinite(original)) or (len(original) > 1 and not original[-1] < original[0]):
        raise UserError(_("{name}: its loss does not fall over its iterations, so there is no story for a student's "
                          "numbers to keep; choose a scenario that learns").format(name=_name(scenario)))
    chosen: list[StudentNumbers] = []
    seen: set[bytes] = set()
    for student in range(1, count + 1):
        rng = np.random.default_rng([seed, student])
        for _attempt in range(ATTEMPTS):
            numbers = draw(scenario, rng)
            if numbers.key() not in seen and keeps_the_story(original, with_numbers(scenario, numbers)):
                break
        else:
            raise UserError(_("{name}: no numbers for student {student} kept the story (loss falling, finite, "
                              "starting near {start}) in {draws} draws").format(
                                  name=_name(scenario), student=student, start=f"{original[0]:.3g}", draws=ATTEMPTS))
        seen.add(numbers.key())
        chosen.append(numbers)
    return chosen


def _name(scenario: Scenario) -> str:
    return scenario.source.name if scenario.source else scenario.title


def _rows(values: np.ndarray) -> tomlkit.items.Array:
    array = tomlkit.array()
    for row in np.atleast_2d(values):
        array.append([float(v) for v in row])
    return array.multiline(True)


def student_text(source_text: str, numbers: StudentNumbers, title: str, description: str) -> str:
    """The scenario file's text with a student's numbers, title and description in (comments
    kept; the description replaces the scenario's, whose story quotes the original numbers, and
    its translations go)."""
    document = tomlkit.parse(source_text)
    document["title"] = title
    document["description"] = tomlkit.string(description, multiline=True)
    # the scenario's title and story in other languages (title_ko, description_ko) are not this
    # student's: the story quotes the original numbers, so the sheet's own words replace them
    for key in [k for k in document if k.startswith(("title_", "description_"))]:
        del document[key]
    for table, w, b in zip(document["layer"], numbers.weights, numbers.biases):
        table["weights"] = _rows(w)
        if b is not None:
            table["bias"] = [float(v) for v in b]
    document["data"]["inputs"] = _rows(numbers.x)
    document["data"]["targets"] = _rows(numbers.y)
    return tomlkit.dumps(document)
