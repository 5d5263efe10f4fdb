"""How long one step takes, key press to new frame, in the real app driven headless.

For each bundled dense scenario and for a 784-128-10 network (written to a temporary file with
random weights and four samples) this prints the median and 90th percentile of:

- key → new frame: a → key event handed to the app the way its terminal driver does, until the
  next frame is composed after the move (the app's own work for one key, event loop included);
- Pilot.press round trip: the same through `pilot.press`, which also waits for the process to
  go idle (an upper bound, mostly Pilot's own waiting);
- uncached redraw: every widget redrawn and the whole screen composed with no cached tables;
- engine: one further iteration (update plus all its steps with gradient checks), which the
  app computes ahead in a worker for slow scenarios.

Run: /work/venv/bin/python benchmarks/bench_step.py [--presses 120]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import statistics
import tempfile
import time
from pathlib import Path

from textual import events

from backprop_tui.core.scenario.bundled import bundled_dir
from backprop_tui.walk.watch import open_scenario
from backprop_tui.walk.stepper import Stepper
from backprop_tui.tui.app import BackpropApp, quiet_gc
from backprop_tui.tui.screens.open_dialog import steppable_scenarios
from backprop_tui.tui.screens.stepper import StepperScreen
from backprop_tui.tui.widgets.step_view import StepView

ROOT = Path(__file__).resolve().parent.parent
SIZE = (100, 32)


def _dense_writer():
    """The test suite's generator of large scenarios, loaded by path (tests/ is not a package)."""
    spec = importlib.util.spec_from_file_location("big_scenario", ROOT / "tests" / "tui" / "big_scenario.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.write_dense_scenario


def dense_bundled() -> list[Path]:
    """The bundled scenarios the stepper can open (the CNN ones are for batch training)."""
    return [bundled_dir() / f"{name}.toml" for name, _ in steppable_scenarios()]


def ms(values: list[float]) -> str:
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(0.9 * len(values)))]
    return f"{statistics.median(values) * 1000:7.2f} ms (p90 {p90 * 1000:6.2f})"


def _press(app: BackpropApp, key: str) -> None:
    """Send a key the way the terminal driver does (what Pilot.press does, without its idle waits)."""
    event = events.Key(key, None)
    event.set_sender(app)
    app._driver.send_message(event)


async def key_to_frame(path: Path, presses: int) -> dict[str, list[float]]:
    """Time `presses` presses of → in the real app: to the next composed frame, and with Pilot."""
    app = BackpropApp(path)
    app.WATCH_SECONDS = 3600.0
    quiet_gc()  # as BackpropApp.run() does
    watch: dict = {"before": None, "frame": None}
    display = app._display

    def recording_display(screen, renderable) -> None:
        """Note the first frame composed after the position changed (the new step on screen)."""
        display(screen, renderable)
        if (renderable is not None and watch["before"] is not None and watch["frame"] is None
                and isinstance(screen, StepperScreen) and not screen.busy
                and screen.stepper.position != watch["before"]):
            watch["frame"] = time.perf_counter()

    app._display = recording_display
    times: dict[str, list[float]] = {"frame": [], "pilot": [], "cold": []}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StepperScreen)
        for index in range(presses):
            await pilot.pause()
            if screen.stepper.slow:
                await app.workers.wait_for_complete()  # the next iteration is computed while one reads
            started = time.perf_counter()
            if index % 2:
                await pilot.press("right")
                times["pilot"].append(time.perf_counter() - started)
                continue
            watch.update(before=screen.stepper.position, frame=None)
            _press(app, "right")
            while watch["frame"] is None:
                await asyncio.sleep(0.0005)
            times["frame"].append(watch["frame"] - started)
            watch["before"] = None
        step_view = screen.query_one(StepView)
        for _ in range(min(presses, 40)):
            screen.stepper.move("prev_step")
            step_view.cache.clear()
            started = time.perf_counter()
            screen.redraw()
            screen._compositor.render_update(full=True)
            times["cold"].append(time.perf_counter() - started)
    return times


def engine(path: Path, iterations: int) -> list[float]:
    """Seconds to compute one further iteration with all its steps."""
    stepper = Stepper(open_scenario(path))  # dense or convolutional
    times = []
    for index in range(1, iterations + 1):
        started = time.perf_counter()
        stepper.prepare(index)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=120)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        big = _dense_writer()(Path(folder) / "dense-784-128-10.toml")
        cases = [*dense_bundled(), big]
        print(f"{'scenario':<18} {'key → new frame':>25} {'Pilot.press round trip':>25} "
              f"{'uncached redraw':>25} {'engine, one iteration':>25}")
        for path in cases:
            t = asyncio.run(key_to_frame(path, args.presses))
            print(f"{path.stem:<18} {ms(t['frame']):>25} {ms(t['pilot']):>25} {ms(t['cold']):>25} "
                  f"{ms(engine(path, 10)):>25}")


if __name__ == "__main__":
    main()
