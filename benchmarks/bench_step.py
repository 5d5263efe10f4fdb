"""How long one step takes, key press to new frame, in the real app driven headless.

For each bundled dense scenario and for a 784-128-10 network (written to a temporary file with
random weights and four samples) this prints the median and 90th percentile of:

- key → new frame: a → key event handed to the app the way its terminal driver does, until the
  next frame is composed after the move (the app's own work for one key, event loop included);
- the same, CPU time: the app thread's processor time over the same span, which other load on
  the machine inflates far less than the wall time (a figure to compare changes on a busy machine;
  the goals are wall time on a quiet one);
- Pilot.press round trip: the same through `pilot.press`, which also waits for the process to
  go idle (an upper bound, mostly Pilot's own waiting);
- uncached redraw: every widget redrawn and the whole screen composed with no cached tables;
- engine: one further iteration (update plus all its steps with gradient checks), which the
  app computes ahead in a worker for slow scenarios.

Then, each in a fresh process: the first frame after start (interpreter, imports, loading the
scenario, composing the screen), `backprop-tui --help`, and the peak resident memory of walking
1,000 iterations of the 784-128-10 network (each iteration and its steps computed, as → does).

Goals (issue 17): key → new frame median ≤ 8 ms and p90 ≤ 16 ms on the bundled scenarios, ≤ 33 ms
on 784-128-10; first frame ≤ 0.5 s; --help ≤ 0.15 s; 1,000 iterations under 500 MB.

Run: python benchmarks/bench_step.py [--presses 120] [--walk 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # time this checkout, not an installed copy

from textual import events  # noqa: E402

from backprop_tui.core.scenario.bundled import bundled_dir  # noqa: E402
from backprop_tui.walk.watch import open_scenario  # noqa: E402
from backprop_tui.walk.stepper import Stepper  # noqa: E402
from backprop_tui.tui.app import BackpropApp, quiet_gc  # noqa: E402
from backprop_tui.tui.screens.open_dialog import steppable_scenarios  # noqa: E402
from backprop_tui.tui.screens.stepper import StepperScreen  # noqa: E402
from backprop_tui.tui.widgets.step_pane import StepPane  # noqa: E402

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
    watch: dict = {"before": None, "frame": None, "cpu": None, "process": None}
    display = app._display

    def recording_display(screen, renderable) -> None:
        """Note the first frame composed after the position changed (the new step on screen)."""
        display(screen, renderable)
        if (renderable is not None and watch["before"] is not None and watch["frame"] is None
                and isinstance(screen, StepperScreen) and not screen.busy
                and screen.stepper.position != watch["before"]):
            watch["frame"] = time.perf_counter()
            watch["cpu"] = time.thread_time()
            watch["process"] = time.process_time()

    app._display = recording_display
    times: dict[str, list[float]] = {"frame": [], "cpu": [], "process": [], "pilot": [], "cold": []}
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
            cpu, process = time.thread_time(), time.process_time()
            _press(app, "right")
            while watch["frame"] is None:
                await asyncio.sleep(0.0005)
            times["frame"].append(watch["frame"] - started)
            times["cpu"].append(watch["cpu"] - cpu)
            times["process"].append(watch["process"] - process)  # the app thread and its workers
            watch["before"] = None
        step_view = screen.query_one(StepPane)
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


FIRST_FRAME = """
import sys, time
from backprop_tui.tui.app import BackpropApp
from backprop_tui.tui.screens.stepper import StepperScreen
import asyncio

async def main():
    app = BackpropApp(sys.argv[1])
    display = app._display
    def first(screen, renderable):
        display(screen, renderable)
        if renderable is not None and isinstance(screen, StepperScreen):
            print("frame", flush=True)  # the parent stops this process here
    app._display = first
    async with app.run_test(size=(100, 32)):
        await asyncio.sleep(60)
asyncio.run(main())
"""

WALK = """
import resource, sys
from backprop_tui.core.scenario.load import load
from backprop_tui.walk.stepper import Stepper, Position
stepper = Stepper(load(sys.argv[1]))
for index in range(int(sys.argv[2])):
    stepper.go(Position(index, 0))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def first_frame(path: Path, runs: int = 5) -> list[float]:
    """Seconds from starting a process to the stepper's first composed frame."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-c", FIRST_FRAME, str(path)], stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, text=True, env=_env(), cwd=ROOT)
        assert process.stdout.readline().strip() == "frame"
        times.append(time.perf_counter() - started)
        process.kill()
        process.wait()
    return times


def help_seconds(runs: int = 7) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "backprop_tui", "--help"], stdout=subprocess.DEVNULL, check=True,
                       env=_env(), cwd=ROOT)
        times.append(time.perf_counter() - started)
    return times


def walk_memory(path: Path, iterations: int) -> tuple[float, float]:
    """(peak resident MB, seconds) of a process walking `iterations` iterations of `path`."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", WALK, str(path), str(iterations)], capture_output=True, text=True,
                            check=True, env=_env(), cwd=ROOT)
    return float(result.stdout.strip()), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=120)
    parser.add_argument("--walk", type=int, default=1000, help="iterations walked for the memory figure (0: skip)")
    args = parser.parse_args()
    print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as folder:
        big = _dense_writer()(Path(folder) / "dense-784-128-10.toml")
        print(f"--help: {ms(help_seconds())}   first frame (lecture): {ms(first_frame(dense_bundled()[0]))}   "
              f"first frame (784-128-10): {ms(first_frame(big))}", flush=True)
        if args.walk:
            peak, seconds = walk_memory(big, args.walk)
            print(f"walking {args.walk} iterations of 784-128-10: peak resident {peak:.0f} MB ({seconds:.0f} s)",
                  flush=True)
        cases = [*dense_bundled(), big]
        print(f"{'scenario':<18} {'key → new frame':>25} {'the same, CPU time':>25} {'Pilot.press round trip':>25} "
              f"{'uncached redraw':>25} {'engine, one iteration':>25}")
        for path in cases:
            t = asyncio.run(key_to_frame(path, args.presses))
            print(f"{path.stem:<18} {ms(t['frame']):>25} {ms(t['cpu']):>25} {ms(t['pilot']):>25} {ms(t['cold']):>25} "
                  f"{ms(engine(path, 10)):>25}", flush=True)
    print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())} after")


if __name__ == "__main__":
    main()
