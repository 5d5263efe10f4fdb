"""The commands as a user runs them: train, evaluate, predict, data; errors without tracebacks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from backprop_tui.cli.main import main
from backprop_tui.core.cnn import data as data_module
from backprop_tui.core.cnn.checkpoint import load_checkpoint

from cnn_support import GOOD_LAYERS
from support.fashion_data import write_fashion_like

SMALL_TOML = """
title = "small"
seed = 5
""" + GOOD_LAYERS + """[training]
optimizer = "momentum"
learning_rate = 0.02
batch_size = 32
epochs = 2
"""


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No real data reachable: home, cache, cwd and the Debian folder all point into tmp_path."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("FASHION_MNIST_DIR", raising=False)
    monkeypatch.setattr(data_module, "DEBIAN_DIR", tmp_path / "no-debian")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def small_scenario(tmp_path: Path) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(SMALL_TOML)
    return path


def test_train_evaluate_predict(isolated: Path, synthetic_dir: Path, small_scenario: Path, capsys) -> None:
    ckpt = isolated / "out" / "small.npz"
    metrics = isolated / "metrics.jsonl"
    common = ["--data-dir", str(synthetic_dir), "--no-verify"]
    assert main(["train", str(small_scenario), *common, "--checkpoint", str(ckpt), "--metrics", str(metrics)]) == 0
    out = capsys.readouterr().out
    assert "small: 600 training images, 200 test images" in out
    assert "epoch 1/2: train loss" in out and "epoch 2/2: train loss" in out
    for name in ("T-shirt/top", "Ankle boot", "Confusion matrix", "Per-class test accuracy"):
        assert name in out
    lines = [json.loads(line) for line in metrics.read_text().splitlines()]
    assert [line["epoch"] for line in lines] == [1, 2]
    assert {"train_loss", "test_accuracy", "images_per_second", "learning_rate"} <= set(lines[0])
    assert lines[1]["test_accuracy"] > 0.5
    assert load_checkpoint(ckpt).state.epoch == 2

    assert main(["evaluate", str(ckpt), *common]) == 0
    out = capsys.readouterr().out
    assert f"test accuracy {lines[1]['test_accuracy']:.2%}" in out and "Coat" in out

    assert main(["predict", str(ckpt), "--index", "3", *common]) == 0
    out = capsys.readouterr().out
    assert len(out.splitlines()[0]) <= 28 and "\u2580" not in out  # no colours in a pipe: a character ramp
    assert "test image 3: true class" in out and "Predicted probabilities" in out

    assert main(["predict", str(ckpt), "--index", "200", *common]) == 2
    assert "--index 200: the test set has images 0 to 199" in capsys.readouterr().err


def test_metrics_are_appended(isolated: Path, synthetic_dir: Path, small_scenario: Path) -> None:
    metrics = isolated / "m.jsonl"
    metrics.write_text('{"earlier": true}\n')
    args = ["train", str(small_scenario), "--data-dir", str(synthetic_dir), "--no-verify", "--epochs", "1",
            "--checkpoint", str(isolated / "c.npz"), "--metrics", str(metrics)]
    assert main(args) == 0
    assert len(metrics.read_text().splitlines()) == 2


def test_missing_data_is_one_clear_error(isolated: Path, capsys) -> None:
    assert main(["train", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: Fashion-MNIST was not found. Looked in, in this order:")
    assert f"1. {isolated / 'cache'}" in err and str(isolated / "no-debian") in err
    assert "apt-get install dataset-fashion-mnist" in err and "Traceback" not in err


def test_a_named_data_folder_is_used_or_an_error(isolated: Path, small_scenario: Path, monkeypatch, capsys) -> None:
    """--data-dir (or $FASHION_MNIST_DIR) never falls back to another copy, here the cache's."""
    write_fashion_like(isolated / "cache" / "backprop-tui" / "fashion-mnist", n_train=64, n_test=20)
    train = ["train", str(small_scenario), "--epochs", "1", "--no-verify", "--checkpoint", str(isolated / "c.npz"),
             "--fresh"]
    nowhere = isolated / "nowhere"
    assert main([*train, "--data-dir", str(nowhere)]) == 2
    assert capsys.readouterr().err.startswith(f"error: --data-dir {nowhere}: no such folder; it must hold the four "
                                              "Fashion-MNIST files train-images-idx3-ubyte, ")
    part = write_fashion_like(isolated / "part", n_train=64, n_test=20)
    (part / "t10k-labels-idx1-ubyte.gz").unlink()
    (part / "t10k-images-idx3-ubyte.gz").unlink()
    (part / "t10k-images-idx3-ubyte.gz").mkdir()
    assert main([*train, "--data-dir", str(part)]) == 2
    assert capsys.readouterr().err == (f"error: --data-dir {part}: missing t10k-labels-idx1-ubyte (each .gz or "
                                       "plain); t10k-images-idx3-ubyte.gz is not a regular file\n")
    assert main(["data", "--data-dir", str(part)]) == 1
    out = capsys.readouterr().out
    assert "<- used" not in out and f"Not usable: --data-dir {part}: missing" in out
    monkeypatch.setenv("FASHION_MNIST_DIR", str(part))
    assert main(train) == 2
    assert capsys.readouterr().err.startswith(f"error: $FASHION_MNIST_DIR {part}: missing t10k-labels")
    # A torchvision root is fine; --data-dir wins over $FASHION_MNIST_DIR.
    root = isolated / "tv"
    write_fashion_like(root / "FashionMNIST" / "raw", n_train=64, n_test=20)
    assert main([*train, "--data-dir", str(root)]) == 0
    assert f"from {root / 'FashionMNIST' / 'raw'}" in capsys.readouterr().out
    monkeypatch.delenv("FASHION_MNIST_DIR")
    assert main(train) == 0
    assert f"from {isolated / 'cache' / 'backprop-tui' / 'fashion-mnist'}" in capsys.readouterr().out


def test_data_of_another_image_size(isolated: Path, small_scenario: Path, capsys) -> None:
    from support.fashion_data import write_idx

    folder = isolated / "big"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for split, n in (("train", 40), ("t10k", 20)):
        write_idx(folder / f"{split}-images-idx3-ubyte", rng.integers(0, 255, (n, 32, 32)).astype(np.uint8))
        write_idx(folder / f"{split}-labels-idx1-ubyte", rng.integers(0, 10, n).astype(np.uint8))
    common = ["--data-dir", str(folder), "--no-verify"]
    ckpt = str(isolated / "c.npz")
    assert main(["train", str(small_scenario), "--checkpoint", ckpt, *common]) == 2
    assert capsys.readouterr().err == f"error: {folder}: images are 32x32, the model needs 28x28\n"
    good = write_fashion_like(isolated / "good", n_train=40, n_test=20)
    assert main(["train", str(small_scenario), "--epochs", "1", "--checkpoint", ckpt, "--data-dir", str(good),
                 "--no-verify"]) == 0
    capsys.readouterr()
    for command in (["evaluate", ckpt], ["predict", ckpt, "--index", "1"]):
        assert main([*command, *common]) == 2
        assert capsys.readouterr().err == f"error: {folder}: images are 32x32, the model needs 28x28\n"
    # Label files that do not match their image files are refused too.
    write_idx(folder / "t10k-labels-idx1-ubyte", np.zeros(7, np.uint8))
    write_idx(folder / "t10k-images-idx3-ubyte", np.zeros((20, 28, 28), np.uint8))
    write_idx(folder / "train-images-idx3-ubyte", np.zeros((40, 28, 28), np.uint8))
    assert main(["evaluate", ckpt, *common]) == 2
    assert "t10k-images holds 20 images but t10k-labels holds 7 labels" in capsys.readouterr().err


def test_data_command_lists_places(isolated: Path, synthetic_dir: Path, capsys) -> None:
    assert main(["data"]) == 1
    assert "Not found" in capsys.readouterr().out
    # The synthetic files load, but they are not Fashion-MNIST's: train needs --no-verify for them.
    assert main(["data", "--data-dir", str(synthetic_dir)]) == 1
    out = capsys.readouterr().out
    assert f"1. {synthetic_dir}  (--data-dir: all four files)   <- used only with --no-verify" in out


def test_bad_scenario_and_flags(isolated: Path, synthetic_dir: Path, small_scenario: Path, capsys) -> None:
    small_scenario.write_text(SMALL_TOML.replace("kernel = 3", "kernel = 3\nstrid = 2"))
    assert main(["train", str(small_scenario), "--data-dir", str(synthetic_dir)]) == 2
    assert 'small.toml: model.layer[1].strid: unknown key (did you mean "stride"?)' in capsys.readouterr().err
    assert main(["train", "--resume", "--checkpoint", str(isolated / "none.npz")]) == 2
    assert "no checkpoint" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["train", "--epochs", "0"])
    assert "expected at least 1" in capsys.readouterr().err


def test_resume_refuses_changed_settings(isolated: Path, synthetic_dir: Path, small_scenario: Path, capsys) -> None:
    ckpt = str(isolated / "c.npz")
    common = ["--data-dir", str(synthetic_dir), "--no-verify", "--checkpoint", ckpt]
    assert main(["train", str(small_scenario), "--epochs", "1", *common]) == 0
    assert main(["train", "--resume", "--lr", "0.5", *common]) == 2
    assert "--lr 0.5 (stored: 0.02); drop --lr" in capsys.readouterr().err
    # Without --resume, an existing checkpoint is refused up front; --fresh replaces it.
    assert main(["train", str(small_scenario), "--epochs", "1", *common, "--fresh"]) == 0
    assert f"note: {ckpt} will be replaced by this run's checkpoint after its first epoch" in capsys.readouterr().err
    # Raising --epochs continues the stored run.
    assert main(["train", "--resume", "--epochs", "2", *common]) == 0
    assert "resuming at epoch 2, batch 0" in capsys.readouterr().out
    assert load_checkpoint(ckpt).state.epoch == 2


def test_ctrl_c_checkpoints_and_resume_matches(tmp_path: Path, small_scenario: Path) -> None:
    """A real SIGINT to a real process: exit 130 with a checkpoint; --resume ends where an
    uninterrupted run ends, weight for weight. The signal is sent as soon as the header shows
    (the handler is in place by then); the run has 3 x 188 batches, time enough to catch it."""
    folder = write_fashion_like(tmp_path / "data", n_train=6000, n_test=50)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "XDG_CACHE_HOME": str(tmp_path / "xdg-cache")}
    base = [sys.executable, "-m", "backprop_tui", "train", "--data-dir", str(folder), "--no-verify"]
    settings = [str(small_scenario), "--epochs", "3"]
    stopped = tmp_path / "stopped.npz"
    process = subprocess.Popen([*base, *settings, "--checkpoint", str(stopped)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    assert process.stdout is not None
    header = process.stdout.readline()
    assert header.startswith("small: 6000 training images")
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "Traceback" not in err and "--resume" in err
    state = load_checkpoint(stopped).state
    assert f"interrupted (Ctrl-C): finished batch {state.batch} of epoch {state.epoch + 1} " in err
    assert state.epoch < 3 and state.batch >= 1
    resumed = subprocess.run([*base, "--resume", "--checkpoint", str(stopped)], env=env, capture_output=True,
                             text=True, cwd=tmp_path, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert f"resuming at epoch {state.epoch + 1}, batch {state.batch}" in resumed.stdout
    whole = tmp_path / "whole.npz"
    complete = subprocess.run([*base, *settings, "--checkpoint", str(whole)], env=env,
                              capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert complete.returncode == 0, complete.stderr
    a, b = load_checkpoint(stopped), load_checkpoint(whole)
    assert a.state.epoch == b.state.epoch == 3
    for name in b.params:
        assert np.array_equal(a.params[name], b.params[name]), name


def test_batch_size_flag_is_held_to_the_memory_limit(isolated: Path, small_scenario: Path, capsys) -> None:
    assert main(["train", str(small_scenario), "--batch-size", "60000", "--checkpoint", str(isolated / "c.npz")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --batch-size 60000: with this model (model.layer[1].filters), a training batch "
                          "of 60000 images would need about ")
    assert "more than this tool's limit of 4.0 GiB; pass a smaller --batch-size" in err


def _rewrite(path: Path, **changes) -> None:
    with np.load(path, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    arrays.update(changes)
    np.savez(path, **arrays)


def test_not_a_checkpoint_and_damaged_checkpoints(isolated: Path, synthetic_dir: Path, small_scenario: Path,
                                                  capsys) -> None:
    common = ["--data-dir", str(synthetic_dir), "--no-verify"]
    array = isolated / "arr.npy"
    np.save(array, np.arange(5))
    for command in (["evaluate", str(array)], ["predict", str(array), "--index", "0"]):
        assert main([*command, *common]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"error: {array}: not a .npz checkpoint (it is a single NumPy .npy array")
    ckpt = isolated / "c.npz"
    assert main(["train", str(small_scenario), "--epochs", "1", "--checkpoint", str(ckpt), *common]) == 0
    original = ckpt.read_bytes()
    _rewrite(ckpt, **{"optim/step": np.array("x")})
    assert main(["train", "--resume", "--epochs", "2", "--checkpoint", str(ckpt), *common]) == 2
    assert f"error: {ckpt}: damaged checkpoint: optimizer state step" in capsys.readouterr().err
    ckpt.write_bytes(original)
    _rewrite(ckpt, **{"param/5.weight": np.full((784, 10), "w")})
    assert main(["evaluate", str(ckpt), *common]) == 2
    assert f"error: {ckpt}: damaged checkpoint: parameter 5.weight holds str" in capsys.readouterr().err
    ckpt.write_bytes(original)
    state = json.loads(str(np.load(ckpt)["state_json"]))
    _rewrite(ckpt, state_json=np.array(json.dumps({**state, "limit": 999999})))
    assert main(["train", "--resume", "--epochs", "2", "--checkpoint", str(ckpt), *common]) == 2
    err = capsys.readouterr().err
    assert err == (f"error: {ckpt}: the checkpoint was trained on the first 999999 training images "
                   f"(train --limit 999999), but {synthetic_dir} holds only 600; resume with the data it "
                   "was trained on\n")
    _rewrite(ckpt, state_json=np.array(json.dumps({**state, "batch": 50})))
    assert main(["train", "--resume", "--epochs", "2", "--checkpoint", str(ckpt), *common]) == 2
    assert "the checkpoint stopped after batch 50 of epoch 2, but 600 training images make only 19 batches" \
        in capsys.readouterr().err


def test_output_paths_are_checked_before_training(isolated: Path, synthetic_dir: Path, small_scenario: Path,
                                                   capsys) -> None:
    train = ["train", str(small_scenario), "--data-dir", str(synthetic_dir), "--no-verify", "--epochs", "1"]
    folder = isolated / "runs"
    folder.mkdir()
    blocker = isolated / "afile"
    blocker.write_text("x")
    cases = [
        (["--checkpoint", str(folder)], f"--checkpoint {folder}: is a directory; give a file name for the checkpoint"),
        (["--checkpoint", str(blocker / "sub" / "c.npz")],
         f"--checkpoint {blocker / 'sub' / 'c.npz'}: cannot create the folder {blocker / 'sub'} for the "
         f"checkpoint: {blocker} is a file, not a folder"),
        (["--checkpoint", str(isolated / "c.npz"), "--metrics", str(folder)],
         f"--metrics {folder}: is a directory; give a file name for the metrics file"),
        (["--checkpoint", str(isolated / "c.npz"), "--metrics", str(blocker / "m.jsonl")],
         f"--metrics {blocker / 'm.jsonl'}: cannot create the folder {blocker} for the metrics file: "
         f"{blocker} is a file, not a folder"),
        (["--checkpoint", str(isolated / "c.npz"), "--metrics", str(isolated / "c.npz")],
         f"--metrics {isolated / 'c.npz'}: that is the checkpoint file too; give another file name"),
    ]
    for flags, message in cases:
        assert main([*train, *flags]) == 2
        captured = capsys.readouterr()
        assert captured.err == f"error: {message}\n"
        assert captured.out == ""  # refused before any training
    # Missing folders are made, as writing would.
    assert main([*train, "--checkpoint", str(isolated / "a" / "c.npz"), "--metrics", str(isolated / "b" / "m.jsonl")]) == 0
    assert (isolated / "a" / "c.npz").is_file() and (isolated / "b" / "m.jsonl").is_file()


@pytest.mark.parametrize("flag,value,message", [
    ("--lr", "11", "argument --lr: expected at most 10, got 11"),
    ("--lr", "0", "argument --lr: expected a number above 0, got 0"),
    ("--momentum", "0.9995", "argument --momentum: expected a number from 0 to 0.999, got 0.9995"),
    ("--epochs", "1001", "argument --epochs: expected at most 1000, got 1001"),
    ("--batch-size", "60001", "argument --batch-size: expected at most 60000, got 60001"),
])
def test_training_flags_have_the_scenario_file_limits(flag: str, value: str, message: str, capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["train", flag, value])
    assert caught.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"backprop-tui train: error: {message}"


def test_a_diverging_run_stops_without_touching_the_checkpoint(isolated: Path, synthetic_dir: Path,
                                                               small_scenario: Path, capsys) -> None:
    import warnings

    ckpt = isolated / "c.npz"
    common = ["--data-dir", str(synthetic_dir), "--no-verify", "--checkpoint", str(ckpt)]
    assert main(["train", str(small_scenario), "--epochs", "1", *common]) == 0
    good = ckpt.read_bytes()
    capsys.readouterr()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert main(["train", str(small_scenario), "--lr", "10", "--fresh", *common]) == 1
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]
    err = capsys.readouterr().err.splitlines(keepends=True)[-1]
    assert err.startswith("error: training diverged: the ")
    assert err.endswith(f"(learning rate 10). The checkpoint {ckpt} is left as it was last written. Lower the "
                        "learning rate (--lr, or training.learning_rate in the scenario) and train again.\n")
    assert ckpt.read_bytes() == good
    assert load_checkpoint(ckpt).state.epoch == 1


def test_out_of_memory_is_a_message(isolated: Path, monkeypatch, capsys) -> None:
    from backprop_tui.cli import cnn_session as session

    def exhausted(args):
        raise MemoryError("Unable to allocate 12.0 GiB")

    monkeypatch.setattr(session, "evaluate_command", exhausted)
    assert main(["evaluate", "c.npz"]) == 2
    assert capsys.readouterr().err.startswith("error: out of memory: this model or batch is too large")
