"""`backprop-tui export`: where the script goes, and clean errors (exit 2, the file or flag named)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from backprop_tui.cli import export as export_cli
from backprop_tui.core.cnn import data as cnn_data
from backprop_tui.core.scenario import bundled
from backprop_tui.core.scenario.load import MAX_ITERATIONS
from backprop_tui.render import pytorch_script

from export_support import REPO
from support.cli_run import run_cli
from support.fashion_data import write_fashion_like


def test_a_dense_export_to_stdout_is_a_python_script_with_the_weights_written_in(capsys) -> None:
    code, out, err = run_cli(capsys, "export", "lecture", "--format", "pytorch")
    assert code == 0 and err == ""
    compile(out, "lecture.py", "exec")  # valid Python, whatever torch does with it
    assert out.startswith("#!/usr/bin/env python3\n")
    # θ¹ of the lecture is [[1.2, 1.1, 1.5], [0.3, 0.7, 0.3]] (inputs × units): W¹ = θ¹ᵀ is units × inputs.
    assert "W1 = [\n    [1.2, 0.3],\n    [1.1, 0.7],\n    [1.5, 0.3],\n]" in out
    assert "torch.optim.SGD(trained, lr=0.5)" in out and "ITERATIONS = 3" in out
    assert "torch.set_default_dtype(torch.float64)" in out


def test_the_help_lists_export() -> None:
    result = subprocess.run([sys.executable, "-m", "backprop_tui", "--help"], capture_output=True, text=True,
                            cwd=REPO)
    assert result.returncode == 0 and "export" in result.stdout


def test_output_file_is_written_and_an_existing_one_is_kept_without_force(capsys, tmp_path) -> None:
    target = tmp_path / "lecture.py"
    code, out, err = run_cli(capsys, "export", "lecture", "-o", str(target))
    assert code == 0 and out == "" and f"wrote {target}" in err
    written = target.read_text(encoding="utf-8")
    compile(written, str(target), "exec")

    target.write_text("# my own notes\n")
    code, _, err = run_cli(capsys, "export", "xor", "-o", str(target))
    assert code == 2
    assert err.strip() == f"error: --output {target}: the file exists; pass --force to replace it"
    assert target.read_text() == "# my own notes\n"

    code, _, _ = run_cli(capsys, "export", "xor", "-o", str(target), "--force")
    assert code == 0 and "momentum=0.9" in target.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["lecture.py"]  # no temporary file left behind


def test_the_scenario_file_itself_is_never_replaced(capsys, tmp_path) -> None:
    scenario = tmp_path / "mine.toml"
    original = (bundled.bundled_dir() / "lecture.toml").read_text(encoding="utf-8")
    scenario.write_text(original, encoding="utf-8")
    code, _, err = run_cli(capsys, "export", str(scenario), "-o", str(scenario), "--force")
    assert code == 2 and "that is the scenario file itself" in err and str(scenario) in err
    assert scenario.read_text(encoding="utf-8") == original


def test_a_directory_as_output_is_refused(capsys, tmp_path) -> None:
    code, _, err = run_cli(capsys, "export", "lecture", "-o", str(tmp_path))
    assert code == 2 and err.strip() == f"error: --output {tmp_path}: is a directory; give a file name for the script"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["lecture", "--variant", "fast"], 'no variant named "fast"'),
        (["no-such-scenario"], "no-such-scenario: no such file or bundled scenario"),
        (["lecture", "--data-dir", "/tmp"], "--data-dir applies to CNN scenarios; lecture.toml is a dense scenario"),
        (["fashion_cnn", "--variant", "x"], "--variant applies to dense scenarios; fashion_cnn.toml is a CNN scenario"),
        (["fashion_cnn", "--iterations", "5"], "--iterations applies to dense scenarios; fashion_cnn.toml is a CNN"),
        (["fashion_cnn", "--data-dir", "/no/such/folder"], "--data-dir /no/such/folder: no such folder"),
    ],
)
def test_bad_input_is_one_message_and_exit_2(capsys, args, message) -> None:
    code, out, err = run_cli(capsys, "export", *args)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize("value", ["0", "x", str(MAX_ITERATIONS + 1)])
def test_bad_iterations_flag_is_an_argparse_error(capsys, value) -> None:
    with pytest.raises(SystemExit) as stop:
        run_cli(capsys, "export", "lecture", "--iterations", value)
    assert stop.value.code == 2
    assert "--iterations" in capsys.readouterr().err


def test_the_flag_limit_is_the_loader_s_limit() -> None:
    assert export_cli.MAX_ITERATIONS == MAX_ITERATIONS


def test_too_many_mini_batch_orders_to_write_is_refused_naming_the_flag(capsys) -> None:
    # sgd-1 draws a new order of its 16 samples every 16 updates: a million updates would write
    # a million sample numbers into the script.
    code, out, err = run_cli(capsys, "export", "sgd", "--variant", "sgd-1", "--iterations", "1000000")
    assert code == 2 and out == ""
    limit = pytorch_script.MAX_WRITTEN_INDICES
    assert "--iterations 1000000: sgd.toml draws a new order of its 16 samples for each of 62500 epochs" in err
    assert f"export at most {limit:,} iterations" in err
    code, _, _ = run_cli(capsys, "export", "sgd", "--variant", "sgd-1", "--iterations", str(limit))
    assert code == 0


def test_a_cnn_export_writes_in_the_data_folder_backprop_tui_would_use(capsys, tmp_path, monkeypatch) -> None:
    folder = write_fashion_like(tmp_path / "fmnist", n_train=20, n_test=10)
    monkeypatch.setenv("FASHION_MNIST_DIR", str(folder))
    code, out, err = run_cli(capsys, "export", "fashion_cnn")
    assert code == 0 and err == ""
    compile(out, "fashion_cnn.py", "exec")
    assert f"DATA_DIR = {str(folder.resolve())!r}\n" in out
    # A torchvision root given with --data-dir resolves to its FashionMNIST/raw, as `train` does.
    root = tmp_path / "torchvision"
    write_fashion_like(root / "FashionMNIST" / "raw", n_train=20, n_test=10)
    code, out, _ = run_cli(capsys, "export", "fashion_cnn", "--data-dir", str(root))
    assert code == 0 and f"DATA_DIR = {str((root / 'FashionMNIST' / 'raw').resolve())!r}\n" in out


def test_a_cnn_export_without_data_on_this_machine_says_so_and_the_script_asks_for_it(
    capsys, tmp_path, monkeypatch
) -> None:
    monkeypatch.delenv("FASHION_MNIST_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cnn_data, "DEBIAN_DIR", tmp_path / "no-debian-package")
    code, out, err = run_cli(capsys, "export", "fashion_cnn")
    assert code == 0
    assert "note: Fashion-MNIST was not found on this machine" in err and "--data-dir" in err
    assert "DATA_DIR = None\n" in out


def test_exporting_never_imports_torch() -> None:
    code = ("import sys, io, contextlib; from backprop_tui.cli.main import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    assert main(['export', 'sgd', '--variant', 'sgd-4']) == 0\n"
            "    assert main(['export', 'fashion_cnn']) == 0\n"
            "    assert main(['export', 'conv']) == 0\n"
            "print('torch' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_an_ascii_stdout_still_gets_the_script_as_python_reads_it(tmp_path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    result = subprocess.run([sys.executable, "-m", "backprop_tui", "export", "lecture"], capture_output=True,
                            cwd=REPO, env=env)
    assert result.returncode == 0, result.stderr.decode()
    text = result.stdout.decode("utf-8")  # source files are UTF-8 (PEP 3120), whatever the terminal
    compile(text, "lecture.py", "exec")
    assert "θ¹ᵀ" in text


def test_the_docs_example_shows_the_lecture_s_losses(capsys, tmp_path) -> None:
    trace = tmp_path / "lecture.json"
    code, _, _ = run_cli(capsys, "trace", "lecture", "--format", "json", "-o", str(trace))
    assert code == 0
    losses = [it["loss"] for it in json.loads(trace.read_text(encoding="utf-8"))["iterations"]]
    docs = (REPO / "docs" / "pytorch.md").read_text(encoding="utf-8")
    example = "\n".join(f"    iteration {n}: loss {loss:.12g}" for n, loss in enumerate(losses, start=1))
    assert "    python lecture.py\n" + example + "\n" in docs
