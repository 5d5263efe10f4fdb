"""Stepping a 28×28 image through a 16-filter convolution: milliseconds per key (target < 50 ms).

The network is conv2d (16 filters of 3×3, padding 1, ReLU) → 2×2 max pool → flatten → dense
softmax over 10 classes, on one random 28×28 image (no data set needed), written to a temporary
scenario file. Printed, as median and 90th percentile:

- key → new frame: → handed to the real app headless the way its terminal driver does, until the
  next frame is composed (bench_step.py's measure); iterations not yet computed are computed
  ahead in a worker, as the app does for slow scenarios, so a key only shows a step;
- CPU per key: the process's CPU time over the same interval (time.process_time), which stays
  meaningful when other work shares the machine's cores and stretches the wall-clock time;
- engine, one iteration: the update and all 22 steps with their gradient checks (what that
  worker computes while the learner reads).

Run: /work/main/.venv/bin/python benchmarks/bench_cnn_step.py [--presses 60]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent


def _bench_step():
    """bench_step.py's key → frame measure, loaded by path (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("bench_step", ROOT / "bench_step.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _array(values) -> str:
    if isinstance(values, np.ndarray) and values.ndim:
        return "[" + ", ".join(_array(v) for v in values) + "]"
    return repr(round(float(values), 4))


def write_scenario(path: Path, seed: int = 0) -> Path:
    """The benchmark's scenario: weights drawn by the loader from the seed, one random image."""
    rng = np.random.default_rng(seed)
    image = rng.uniform(-1.0, 2.0, size=(1, 1, 28, 28))
    path.write_text(f"""title = "28x28 through 16 filters"
seed = {seed}
[network]
input_shape = [1, 28, 28]
init = "he"
[[layer]]
type = "conv2d"
filters = 16
kernel = 3
padding = 1
bias = [{", ".join(["0.0"] * 16)}]
[[layer]]
type = "maxpool"
size = 2
[[layer]]
type = "flatten"
[[layer]]
units = 10
activation = "softmax"
[data]
inputs = {_array(image)}
targets = [[0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]
[training]
learning_rate = 0.01
iterations = 20
""", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=60)
    args = parser.parse_args()
    bench = _bench_step()
    with tempfile.TemporaryDirectory() as folder:
        path = write_scenario(Path(folder) / "conv-28x28-16.toml")
        times = asyncio.run(bench.key_to_frame(path, args.presses))
        cpu = times["process"]  # the process's CPU: the app thread and the workers computing ahead
        print(f"{'scenario':<18} {'key → new frame':>25} {'CPU per key':>25} {'Pilot.press round trip':>25} "
              f"{'uncached redraw':>25} {'engine, one iteration':>25}")
        print(f"{path.stem:<18} {bench.ms(times['frame']):>25} {bench.ms(cpu):>25} {bench.ms(times['pilot']):>25} "
              f"{bench.ms(times['cold']):>25} {bench.ms(bench.engine(path, 5)):>25}")


if __name__ == "__main__":
    main()
