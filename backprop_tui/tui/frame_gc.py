"""When the garbage collector runs while the app is open: after frames, not inside key presses."""

from __future__ import annotations

import gc


def quiet_gc() -> None:
    """Keep the garbage collector's passes out of key presses.

    Once started, the app holds many long-lived objects (widgets, cached steps and rendered
    tables); a full collection walks them all and took 30-70 ms on the test machine, several
    times a minute while stepping, and the young collections that a key's thousands of new
    segments set off cost it about 5 ms more. Freezing what exists at start-up, collecting the
    young generations only after a frame is out (`collect_after_frame`) and letting the automatic
    passes run a hundred times less often keeps them out of the frame; reference counting still
    frees all acyclic garbage at once.
    """
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, 10, 100)


YOUNG_THRESHOLD = 70_000
"""Allocations before an automatic young collection: more than a few key presses make, so the
collections come after frames (collect_after_frame) rather than inside them."""


def collect_after_frame() -> None:
    """Collect the young generations now that a frame is out (the stepper calls it once its next
    step is prepared), and the old one too when it is due: here rather than inside the next key
    press."""
    young, _middle, old = gc.get_count()
    if young >= WORTH_COLLECTING:  # a key's frame, not a spinner's (young counts 7,000 to 22,000 after a step)
        gc.collect(2 if old >= gc.get_threshold()[2] else 1)


WORTH_COLLECTING = 5_000
"""New container objects that make a collection after a frame worth its few milliseconds."""
