"""Does watching cost training speed? The same run trained headless (batch mode's reporter) and
on the training screen (train --watch, driven headless at 120x36), alternated.

Each round trains the same run (the default scenario on the first --images training images,
one epoch, the same seed) once each way; the order flips every round, since this machine's speed
drifts from minute to minute. Reported: the training speed the loop itself measured (images/s
over its batch times, which include any time the training thread waited for the interpreter
while the screen drew) and the wall time, per round and as medians, and the watched/headless
speed ratio (goal: at least 0.95).

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


def watched(run: TrainingSession) -> float:
    from backprop_tui.tui.screens.training import TrainingScreen
    from backprop_tui.tui.training_app import ScreenApp

    async def drive() -> None:
        app = ScreenApp(TrainingScreen(WatchJob(run)))
        async with app.run_test(size=(120, 36)) as pilot:
            screen = app.screen
            while getattr(screen, "ended", None) is None:
                await pilot.pause(0.1)
            await pilot.press("q")

    asyncio.run(drive())
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
