"""Every command as a user runs it in a hostile terminal: an encoding without θ, Ctrl-C at any
moment, strict JSON readers. Each runs the real CLI in a subprocess."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from backprop_tui.core.strict_json import loads_strict

from support.dense_cases import DIVERGING
from support.fashion_data import write_idx

ROOT = Path(__file__).parents[1]

ENCODINGS = {
    "PYTHONIOENCODING=ascii": {"PYTHONIOENCODING": "ascii"},
    "LC_ALL=C": {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""},
    "PYTHONIOENCODING=latin-1": {"PYTHONIOENCODING": "latin-1"},
}
"""Outputs that cannot hold θ: ASCII asked for explicitly, the C locale without Python's UTF-8
mode (which is ASCII), and Latin-1 (holds ¹ and × but not θ or ∂)."""


def run(args: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT, timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    """`python -m backprop_tui ARGS` with output captured as bytes (to check what was written)."""
    full_env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "100", "PYTHONPATH": str(ROOT),
                **(env or {})}
    full_env = {k: v for k, v in full_env.items() if v != ""}
    return subprocess.run([sys.executable, "-m", "backprop_tui", *args], capture_output=True, env=full_env,
                          cwd=cwd, timeout=timeout)


# -- a small trained checkpoint for evaluate and predict ------------------------------------------

SMALL_CNN = """
title = "tiny"
seed = 1
[model]
input = [1, 28, 28]
[[model.layer]]
type = "conv2d"
filters = 2
kernel = 3
[[model.layer]]
type = "relu"
[[model.layer]]
type = "maxpool"
size = 2
[[model.layer]]
type = "flatten"
[[model.layer]]
type = "dense"
units = 10
[training]
optimizer = "sgd"
learning_rate = 0.01
batch_size = 16
epochs = 1
"""


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(data folder, checkpoint) of a tiny CNN trained one epoch on 64 synthetic images."""
    root = tmp_path_factory.mktemp("cnn")
    data = root / "data"
    data.mkdir()
    rng = np.random.default_rng(0)
    for prefix, n in (("train", 64), ("t10k", 20)):
        write_idx(data / f"{prefix}-images-idx3-ubyte.gz", rng.integers(0, 256, (n, 28, 28)).astype(np.uint8))
        write_idx(data / f"{prefix}-labels-idx1-ubyte.gz", (np.arange(n) % 10).astype(np.uint8))
    scenario = root / "tiny.toml"
    scenario.write_text(SMALL_CNN, encoding="utf-8")
    checkpoint = root / "tiny.npz"
    done = run(["train", str(scenario), "--data-dir", str(data), "--no-verify", "--checkpoint", str(checkpoint)],
               cwd=root)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return data, checkpoint


def commands(tmp: Path, trained: tuple[Path, Path]) -> dict[str, tuple[list[str], int, str]]:
    """name -> (arguments, exit code, text the output must contain in some form)."""
    broken = tmp / "broken.toml"
    broken.write_text("[network]\ninputs = 2\n[[layer]]\nunits = 1\nweights = [[1.0]]\n"
                      "[data]\ninputs = [[1.0, 2.0]]\ntargets = [[1.0]]\n", encoding="utf-8")
    data, checkpoint = trained
    cnn = ["--data-dir", str(data), "--no-verify"]
    return {
        "scenarios": (["scenarios"], 0, "softmax"),
        "trace": (["trace", "lecture", "--iterations", "1"], 0, "Layer 1: weighted sums"),
        "trace markdown": (["trace", "lecture", "--iterations", "1", "--format", "markdown"], 0, "## Iteration 1"),
        "trace json": (["trace", "lecture", "--iterations", "1", "--format", "json"], 0, '"steps"'),
        "compare": (["compare", "learning-rate", "--width", "60", "--height", "10"], 0, "legend:"),
        "compare json": (["compare", "learning-rate", "--format", "json"], 0, '"variants"'),
        "landscape": (["landscape", "learning-rate", "--iterations", "60"], 0, "scale of E"),
        "landscape json": (["landscape", "learning-rate", "--resolution", "10", "--format", "json"], 0, '"paths"'),
        "validate": (["validate", "lecture", str(broken)], 2, "lecture: OK"),
        "new": (["new", str(tmp / "new.toml"), "--loss", "cross_entropy", "--layers", "2,3,2"], 0, "wrote"),
        "data": (["data", "--data-dir", str(data)], 1, "looked for"),  # synthetic files fail the MD5 check
        "help": (["trace", "--help"], 0, "usage:"),
        "evaluate": (["evaluate", str(checkpoint), *cnn], 0, "Confusion matrix"),
        "predict": (["predict", str(checkpoint), "--index", "3", *cnn], 0, "Predicted probabilities"),
    }


COMMANDS = ("scenarios", "trace", "trace markdown", "trace json", "compare", "compare json", "landscape",
            "landscape json", "validate", "new", "data", "help", "evaluate", "predict")


@pytest.mark.parametrize("environment", ENCODINGS)
@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_survives_an_output_without_unicode(name, environment, tmp_path, trained):
    args, code, expected = commands(tmp_path, trained)[name]
    result = run(args, ENCODINGS[environment], cwd=tmp_path)
    encoding = "latin-1" if "latin" in environment else "ascii"
    stdout, stderr = result.stdout.decode(encoding), result.stderr.decode(encoding)  # what was written is valid
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
    assert result.returncode == code, stderr
    assert expected in stdout + stderr
    if name.endswith("json"):
        loads_strict(stdout)
    else:
        assert "\\u" not in stdout + stderr and "\\x" not in stdout + stderr  # no escapes: readable forms


def test_the_ascii_forms_read_as_the_notation_and_keep_the_tables_aligned():
    result = run(["trace", "lecture", "--iterations", "1"], ENCODINGS["PYTHONIOENCODING=ascii"])
    out = result.stdout.decode("ascii")
    assert "z1 = theta1^T*x" in out
    assert "delta2 = dE/dyhat .* sigma'(z2)" in out
    assert "E = (1/m)*sum 1/2*sum_k(y_k - yhat_k)^2" in out
    lines = out.splitlines()
    title = next(i for i, line in enumerate(lines) if "theta1^T 3x2" in line)
    # the row under the titles is the tables' top edge: each title sits over its own table
    for name in ("theta1 2x3", "theta1^T 3x2", "x 2x1", "z1 3x1"):
        start = lines[title].index(name)
        assert lines[title + 1][start] in "-+", (name, lines[title], lines[title + 1])
    assert len({len(line) for line in lines[title + 1:title + 6]}) == 1  # every table row equally wide


def test_json_on_an_ascii_output_is_escaped_not_transliterated():
    result = run(["trace", "lecture", "--iterations", "1", "--format", "json"], ENCODINGS["PYTHONIOENCODING=ascii"])
    document = loads_strict(result.stdout.decode("ascii"))
    assert document["steps"][0]["matrices"][1]["name"] == "θ¹ᵀ"


def test_a_utf8_output_is_left_alone():
    result = run(["trace", "lecture", "--iterations", "1"], {"PYTHONIOENCODING": "utf-8"})
    assert "z¹ = θ¹ᵀ·x" in result.stdout.decode("utf-8") and "┌" in result.stdout.decode("utf-8")


def test_output_piped_into_head_ends_quietly(tmp_path):
    """`backprop-tui trace xor | head -3`: the reader goes away, no BrokenPipeError is printed."""
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "PYTHONPATH": str(ROOT)}
    for args in (["trace", "xor", "--iterations", "10"], ["trace", "xor", "--format", "json"],
                 ["compare", "learning-rate", "--format", "json", "--iterations", "3000"]):
        with subprocess.Popen([sys.executable, "-m", "backprop_tui", *args], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=env, cwd=ROOT) as process:
            assert process.stdout is not None and process.stderr is not None
            process.stdout.readline()
            process.stdout.close()  # what `head` does once it has its lines
            stderr = process.stderr.read().decode()
            assert process.wait(timeout=120) == 0, stderr
        assert stderr == "", stderr


# -- Ctrl-C ---------------------------------------------------------------------------------------

TRIP = """
import os, runpy, signal, sys
target, entry, *args = sys.argv[1:]

class CtrlCWhenImported:
    '''Sends this process a real SIGINT the moment `target` starts to be imported.'''
    def find_spec(self, name, path=None, module=None):
        if name == target:
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, CtrlCWhenImported())
sys.argv = ["backprop-tui", *args]
if entry == "module":
    runpy.run_module("backprop_tui", run_name="__main__", alter_sys=True)
else:  # what the installed `backprop-tui` script does
    from backprop_tui.cli import entry
    sys.exit(entry())
"""

MOMENTS = [
    ("backprop_tui.cli", "module", ["trace", "lecture"]),
    ("backprop_tui.cli.main", "module", ["trace", "lecture"]),
    ("backprop_tui.cli.main", "script", ["trace", "lecture"]),
    ("argparse", "script", ["trace", "lecture"]),
    ("backprop_tui.cli.textout", "module", ["trace", "lecture"]),
    ("backprop_tui.cli.dense", "module", ["trace", "lecture"]),
    ("backprop_tui.core.errors", "script", ["scenarios"]),
    ("backprop_tui.cli.cnn", "module", ["validate", "lecture"]),
    ("numpy", "module", ["trace", "lecture"]),
    ("rich.console", "script", ["trace", "lecture"]),
    ("tomllib", "module", ["validate", "lecture"]),
    ("backprop_tui.core.dense.run", "module", ["trace", "lecture"]),
    ("backprop_tui.render.export", "module", ["trace", "lecture", "--format", "json"]),
    ("plotext", "module", ["compare", "learning-rate"]),
    ("backprop_tui.core.scenario.template", "module", ["new", "unwritten.toml"]),
    ("backprop_tui.cli.cnn_session", "module", ["evaluate", "missing.npz"]),
    ("textual.app", "module", ["open", "lecture"]),
]


@pytest.mark.parametrize("target, entry, args", MOMENTS, ids=[f"{m[1]}:{m[0]}:{m[2][0]}" for m in MOMENTS])
def test_ctrl_c_at_any_early_moment_is_one_line_and_130(target, entry, args, tmp_path):
    result = subprocess.run([sys.executable, "-c", TRIP, target, entry, *args], capture_output=True, text=True,
                            cwd=tmp_path, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    # one line: "interrupted", or batch mode's own "interrupted: evaluate stopped; nothing was written"
    assert result.stderr.startswith("interrupted") and result.stderr.count("\n") == 1, result.stderr
    assert result.returncode == 130
    assert not (tmp_path / "unwritten.toml").exists()


def _has_loaded(pid: int, library: str) -> bool:
    try:
        return library in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc to see the process start")
@pytest.mark.parametrize("after", [0.0, 0.02, 0.05, 0.1, 0.2])
def test_ctrl_c_sent_by_the_terminal_while_a_command_starts(after):
    """A real SIGINT from outside, at several moments after NumPy's library is mapped (the command
    is loading its modules): one line and exactly 130 (not death by SIGINT), or a normal end.

    A normal end happens when the command won the race, or when the Ctrl-C landed inside the
    set-up of NumPy's Cython random module, which swallows it (not this product's code)."""
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "PYTHONPATH": str(ROOT)}
    with subprocess.Popen([sys.executable, "-m", "backprop_tui", "trace", "xor", "--iterations", "300",
                           "--format", "json"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT) as process:
        deadline = time.monotonic() + 60
        while not _has_loaded(process.pid, "numpy") and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
        time.sleep(after)
        process.send_signal(signal.SIGINT)
        assert process.stderr is not None
        stderr = process.stderr.read().decode()
        code = process.wait(timeout=60)
    assert (code, stderr) in ((130, "interrupted\n"), (0, "")), (code, stderr)


# -- strict JSON ----------------------------------------------------------------------------------


def test_trace_json_of_a_diverging_run_is_strict_json(tmp_path):
    path = tmp_path / "blowup.toml"
    path.write_text(DIVERGING, encoding="utf-8")
    result = run(["trace", str(path), "--format", "json"])
    assert result.returncode == 0, result.stderr
    document = loads_strict(result.stdout.decode())
    checks = [s["gradient_check"] for s in document["steps"] if "gradient_check" in s]
    errors = [e["relative_error"] for c in checks for e in c["entries"]] + [c["max_relative_error"] for c in checks]
    assert {"inf", "NaN"} & {e for e in errors if isinstance(e, str)}  # the diverged checks are spelt out
    assert all(isinstance(e, float) or e in ("inf", "-inf", "NaN") for e in errors)


def test_compare_json_spells_out_inf_and_nan(tmp_path):
    result = run(["compare", "learning-rate", "--format", "json"])
    document = loads_strict(result.stdout.decode())
    large = next(v for v in document["variants"] if v["name"] == "too-large")
    assert large["final"] == "NaN" and large["curve"][-1] == "NaN"
    assert all(isinstance(v, float) or v in ("inf", "-inf", "NaN") for v in large["curve"])


def test_training_metrics_are_strict_json_lines(tmp_path, trained):
    data, trained_checkpoint = trained
    checkpoint = tmp_path / "resumed.npz"
    checkpoint.write_bytes(trained_checkpoint.read_bytes())
    metrics = tmp_path / "m.jsonl"
    result = run(["train", "--resume", "--checkpoint", str(checkpoint), "--epochs", "2", "--data-dir", str(data),
                  "--no-verify", "--metrics", str(metrics)], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [loads_strict(line) for line in metrics.read_text(encoding="utf-8").splitlines()]
    assert [row["epoch"] for row in rows][-1] == 2


def test_every_json_writer_in_the_package_uses_the_strict_helper():
    """The kind, not one instance: no module but core/strict_json.py calls json.dump or json.dumps.

    Except the text of the PyTorch script `export --format pytorch` writes: a standalone program
    that cannot import the package, which spells inf and NaN the same way and passes allow_nan=False.
    """
    package = ROOT / "backprop_tui"
    standalone = {package / "core" / "strict_json.py", package / "render" / "pytorch_script.py",
                  package / "render" / "pytorch_conv_script.py"}
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in package.rglob("*.py") if path not in standalone
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"\bjson\.dumps?\(", line)
    ]
    assert offenders == []


def test_a_ctrl_c_swallowed_by_a_callback_still_interrupts():
    """A Ctrl-C that lands in importlib's module-lock weakref callback while a command starts was
    printed as "Exception ignored in ... KeyboardInterrupt" and the command ran on (seen once in
    40 runs of the test above under load). The entry point's hook delivers it again."""
    script = (
        "import time, weakref\n"
        "from backprop_tui.cli import keep_ctrl_c_from_callbacks\n"
        "keep_ctrl_c_from_callbacks()\n"
        "class Lock: pass\n"
        "def callback(_):\n"
        "    raise KeyboardInterrupt\n"
        "try:\n"
        "    lock = Lock(); ref = weakref.ref(lock, callback); del lock\n"
        "    time.sleep(5)\n"
        "    print('ran on')\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    assert (result.stdout, result.stderr) == ("interrupted\n", "")
