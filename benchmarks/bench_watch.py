"""Does watching cost training speed? The same run trained headless (batch mode's reporter) and
on the training screen (train --watch, driven headless at 120x36), alternated.

Each round trains the same run (the default scenario on the first --images training images,
one epoch, the same seed) once each way; the order flips every round, since this machine's speed
drifts from minute to minute. Reported: the training speed the loop itself measured (images/s
over its batch times, which include any time the training thread waited for the interpreter
while the screen drew) and the wall time, per round and as medians, and the watched/headless
speed ratio (goal: at least 0.95). On a machine shared with other work the ratio swings with
the load from round to round, so the screen's own cost is reported too, a figure the load does
not move: the CPU time of the UI thread (start-up, every frame, every message) against the CPU
time of the whole watched run.

    python benchmarks/bench_watch.py                     # 3 rounds of 6,000 images
    python benchmarks/bench_watch.py --rounds 5 --images 20000
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

from backprop_tui.cli.cnn_output import StopRequest
from backprop_tui.cli.cnn_session import TrainingSession, prepare_training
from backprop_tui.cli.cnn_watch import WatchJob
from backprop_tui.cli.main import build_parser
from backprop_tui.cli.progress import PlainProgress
from backprop_tui.tui.screens import training as _imported_before_timing  # noqa: F401  (an import is not a frame)


def session(folder: Path, images: int, data_dir: str | None) -> TrainingSession:
    parser, _ = build_parser()
    words = ["train", "--limit", str(images), "--epochs", "1", "--fresh", "--checkpoint", str(folder / "run.npz")]
    if data_dir:
        words += ["--data-dir", data_dir]
    return prepare_training(parser.parse_args(words), StopRequest())


def headless(run: TrainingSession) -> float:
    run.stop.training = True
    with PlainProgress(io.StringIO(), 1) as reporter:
        assert run.train(reporter)
    return float(run.run.state.history[-1]["images_per_second"])


UI_CPU: list[tuple[float, float]] = []
"""(UI thread CPU seconds, whole process CPU seconds) of each watched run."""


def watched(run: TrainingSession) -> float:
    from backprop_tui.tui.screens.training import TrainingScreen
    from backprop_tui.tui.training_app import ScreenApp

    ui, process = time.thread_time(), time.process_time()  # the app runs on this (the main) thread

    async def drive() -> None:
        app = ScreenApp(TrainingScreen(WatchJob(run)))
        async with app.run_test(size=(120, 36)) as pilot:
            # wait for the training worker without polling the screen: Pilot.pause visits every
            # widget and forces a frame each time, work a learner's terminal never asks for
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("q")

    asyncio.run(drive())
    UI_CPU.append((time.thread_time() - ui, time.process_time() - process))
    return float(run.run.state.history[-1]["images_per_second"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--images", type=int, default=6000, help="training images per run (default 6000)")
    parser.add_argument("--data-dir", help="Fashion-MNIST folder (default: the usual search)")
    args = parser.parse_args(argv)
    ways = {"headless": headless, "watch": watched}
    speeds: dict[str, list[float]] = {name: [] for name in ways}
    walls: dict[str, list[float]] = {name: [] for name in ways}
    with tempfile.TemporaryDirectory() as folder:
        for round_number in range(args.rounds):
            order = list(ways) if round_number % 2 == 0 else list(ways)[::-1]
            for name in order:
                run = session(Path(folder), args.images, args.data_dir)
                started = time.perf_counter()
                speed = ways[name](run)
                wall = time.perf_counter() - started
                speeds[name].append(speed)
                walls[name].append(wall)
                print(f"round {round_number + 1}: {name:8s} {speed:7.0f} images/s  wall {wall:6.2f} s", flush=True)
    print()
    for name in ways:
        print(f"{name:8s} median {statistics.median(speeds[name]):7.0f} images/s  "
              f"wall {statistics.median(walls[name]):6.2f} s")
    ratios = [w / h for w, h in zip(speeds["watch"], speeds["headless"])]
    print(f"watch/headless speed per round: {', '.join(f'{r:.3f}' for r in ratios)}; "
          f"median {statistics.median(ratios):.3f} (goal: at least 0.95)")
    shares = [ui / total for ui, total in UI_CPU]
    print(f"UI thread CPU per watched run: {', '.join(f'{ui:.2f} s of {total:.1f} s' for ui, total in UI_CPU)}; "
          f"median share {statistics.median(shares):.1%} (goal: at most 5%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
