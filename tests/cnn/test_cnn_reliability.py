"""Issue 8 in batch mode: nothing lost, no traceback, no false number; "the same command, plus
--resume" works. Commands run as a user runs them: in-process through main(), or as real
processes where a signal, a closed pipe or a terminal is the point."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import tempfile
import sys
from pathlib import Path

import numpy as np
import pytest

from backprop_tui.cli.main import main
from backprop_tui.core.cnn import data as data_module
from backprop_tui.core.cnn.checkpoint import load_checkpoint, save_checkpoint
from backprop_tui.core.cnn.model import build_network, init_params
from backprop_tui.core.cnn.optim import Optimizer
from backprop_tui.core.cnn.train import Hooks, TrainingDiverged, TrainState, train

from cnn_support import make_scenario
from support.fashion_data import fashion_like, write_fashion_like
from test_cnn_cli import SMALL_TOML, isolated, small_scenario  # noqa: F401  (fixtures)
from test_cnn_training import SMALL

ENV = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
       "XDG_CACHE_HOME": tempfile.mkdtemp(prefix="backprop-tui-test-cache-")}  # the decoded data cache
"""Subprocesses run this checkout's package, not whichever one is installed."""
TRACEBACK = "Traceback"


def strict_rows(path: Path) -> list[dict]:
    """Every line of a metrics file, parsed as strict JSON (no NaN/Infinity, no glued lines)."""
    def refuse(token: str):
        raise ValueError(token)
    return [json.loads(line, parse_constant=refuse) for line in path.read_text().splitlines()]


def start(tmp_path: Path, *flags: str, stdout=subprocess.PIPE) -> subprocess.Popen:
    """`train` as a real process on 6000 synthetic images (3 x 188 batches: time to interrupt)."""
    folder = tmp_path / "big data"
    if not folder.exists():
        write_fashion_like(folder, n_train=6000, n_test=50)
    command = [sys.executable, "-m", "backprop_tui", "train", str(tmp_path / "small.toml"), "--epochs", "3",
               "--data-dir", str(folder), "--no-verify", *flags]
    return subprocess.Popen(command, env=ENV, stdout=stdout, stderr=subprocess.PIPE, text=True, cwd=tmp_path)


# -- 1. A user's work is never lost or silently overwritten ----------------------------------------


def test_a_closed_output_stops_like_ctrl_c(tmp_path: Path, small_scenario: Path) -> None:  # noqa: F811
    """`train | head -1`: the batch is finished, the checkpoint written, the exit code 141."""
    ckpt = tmp_path / "c.npz"
    process = start(tmp_path, "--checkpoint", str(ckpt))
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith("small: 6000 training images")
    process.stdout.close()  # what head does once it has its line
    err = process.stderr.read()
    assert process.wait(timeout=120) == 141, err
    assert TRACEBACK not in err and "interrupted (the output was closed): finished batch" in err
    state = load_checkpoint(ckpt).state
    assert state.epoch < 3 and (state.batch >= 1 or state.epoch >= 1)


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_write_the_checkpoint_and_leave_no_temporary(tmp_path: Path, small_scenario: Path,  # noqa: F811
                                                                        signal_number: int) -> None:
    ckpt = tmp_path / "c.npz"
    leftover = tmp_path / ".c.npz.abcd1234.tmp"  # left by a run that was killed with SIGKILL
    leftover.write_bytes(b"half a checkpoint")
    process = start(tmp_path, "--checkpoint", str(ckpt))
    assert process.stdout is not None
    assert process.stdout.readline().startswith("small: 6000 training images")
    process.send_signal(signal_number)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 128 + signal_number, err
    name = signal.Signals(signal_number).name
    assert TRACEBACK not in err and f"interrupted ({name}): finished batch" in err
    assert f"note: removed {leftover}" in err
    assert load_checkpoint(ckpt).state.batch >= 1
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


def test_metrics_are_brought_back_to_the_epochs_of_the_checkpoint(isolated: Path, synthetic_dir: Path,  # noqa: F811
                                                                  small_scenario: Path) -> None:  # noqa: F811
    ckpt, metrics = isolated / "c.npz", isolated / "m.jsonl"
    metrics.write_text('{"another run": 1}\n')
    common = ["--data-dir", str(synthetic_dir), "--no-verify", "--checkpoint", str(ckpt), "--metrics", str(metrics)]
    assert main(["train", str(small_scenario), "--epochs", "2", *common]) == 0
    rows = strict_rows(metrics)
    # The checkpoint moved on to epoch 2, but the line of epoch 2 was cut short (a full disk, a kill).
    metrics.write_text(metrics.read_text()[:-40])
    assert main(["train", "--resume", "--epochs", "3", *common]) == 0
    after = strict_rows(metrics)
    assert [row.get("epoch") for row in after] == [None, 1, 2, 3]
    assert after[:3] == rows
    # A metrics line that never got written (the checkpoint was, then the process died) comes back.
    metrics.write_text("\n".join(json.dumps(row) for row in after[:2]) + "\n")
    assert main(["train", "--resume", "--epochs", "3", *common]) == 0
    assert strict_rows(metrics) == after


def test_an_existing_checkpoint_is_refused_without_resume_or_fresh(isolated: Path, synthetic_dir: Path,  # noqa: F811
                                                                   small_scenario: Path, capsys) -> None:  # noqa: F811
    ckpt = isolated / "c.npz"
    common = ["--data-dir", str(synthetic_dir), "--no-verify", "--checkpoint", str(ckpt)]
    assert main(["train", str(small_scenario), "--epochs", "1", *common]) == 0
    before = ckpt.read_bytes()
    capsys.readouterr()
    assert main(["train", str(small_scenario), "--epochs", "1", *common]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # refused up front, before any data is read or a batch runs
    assert captured.err == (f"error: --checkpoint {ckpt}: {ckpt} already exists (a checkpoint of 'small' with 1 of "
                            "1 epoch done). Continue it with --resume, or start afresh with --fresh (it is replaced "
                            "after the new run's first epoch); or give another --checkpoint\n")
    assert ckpt.read_bytes() == before
    # --fresh on bad data: refused before saying the checkpoint will be replaced.
    assert main(["train", str(small_scenario), "--fresh", "--checkpoint", str(ckpt),
                 "--data-dir", str(isolated / "nowhere")]) == 2
    assert "will be replaced" not in capsys.readouterr().err


def test_an_exploding_finite_loss_stops_training() -> None:
    """A loss that explodes but stays finite (1e11 at chance accuracy) is divergence too."""
    scenario = make_scenario(SMALL, learning_rate=0.01, batch_size=100, epochs=3)
    params = init_params(scenario)
    state = TrainState()
    blow_up = lambda state, batches, lr: params["9.weight"].__imul__(np.float32(1e4))  # noqa: E731
    images, labels = fashion_like(400, 10)
    with pytest.raises(TrainingDiverged) as caught:
        train(build_network(scenario, params), Optimizer(scenario.training, params), scenario, images, labels,
              images[:50], labels[:50], state, Hooks(on_batch=blow_up))
    message = str(caught.value)
    assert message.startswith("training diverged: the mean loss of epoch 1 reached ")
    assert " in batch 2, more than 4 times the starting loss " in message
    assert caught.value.exit_code == 1 and state.batch == 1


def test_an_exploding_run_keeps_the_last_good_checkpoint(isolated: Path, synthetic_dir: Path,  # noqa: F811
                                                         small_scenario: Path, monkeypatch, capsys) -> None:  # noqa: F811
    from backprop_tui.core.cnn import layers

    ckpt = isolated / "c.npz"
    common = ["--data-dir", str(synthetic_dir), "--no-verify", "--checkpoint", str(ckpt)]
    assert main(["train", str(small_scenario), "--epochs", "1", *common]) == 0
    good = ckpt.read_bytes()
    real = layers.softmax_cross_entropy
    calls = [0]

    def exploding(logits, labels):
        loss, grad, probs = real(logits, labels)
        calls[0] += 1
        return (loss * 1e11 if calls[0] > 3 else loss), grad, probs  # epoch 2 goes to 1e11, finite

    monkeypatch.setattr("backprop_tui.core.cnn.train.softmax_cross_entropy", exploding)
    assert main(["train", "--resume", "--epochs", "2", *common]) == 1
    err = capsys.readouterr().err
    assert "error: training diverged: the mean loss of epoch 2 reached " in err
    assert f"The checkpoint {ckpt} is left as it was last written" in err
    assert ckpt.read_bytes() == good


# -- 2. "The same command, plus --resume" -----------------------------------------------------------


def test_the_same_command_plus_resume_is_accepted(isolated: Path, synthetic_dir: Path,  # noqa: F811
                                                  small_scenario: Path, capsys) -> None:  # noqa: F811
    command = ["train", str(small_scenario), "--seed", "5", "--lr", "0.02", "--batch-size", "32", "--momentum", "0.9",
               "--limit", "300", "--epochs", "1", "--data-dir", str(synthetic_dir), "--no-verify",
               "--checkpoint", str(isolated / "c.npz")]
    assert main(command) == 0
    capsys.readouterr()
    assert main([*command, "--resume"]) == 0
    assert "already trained all 1 epoch;" in capsys.readouterr().out
    # Real changes are refused, naming the stored and the given values; the scenario is positional.
    changed = small_scenario.parent / "changed.toml"
    changed.write_text(SMALL_TOML + "weight_decay = 0.001\n")
    assert main([*command[:1], str(changed), *command[2:], "--resume", "--seed", "6"]) == 2
    err = capsys.readouterr().err
    assert "--seed 6 (stored: 5)" in err
    assert f"the scenario {changed} (training.weight_decay: the file has 0.001, the checkpoint 0.0)" in err
    assert "--scenario" not in err


def test_the_printed_command_reproduces_the_run_and_the_data_is_checked(tmp_path: Path,
                                                                         small_scenario: Path) -> None:  # noqa: F811
    ckpt, metrics = tmp_path / "my runs" / "c.npz", tmp_path / "m.jsonl"
    process = start(tmp_path, "--checkpoint", str(ckpt), "--metrics", str(metrics))
    assert process.stdout is not None
    assert process.stdout.readline().startswith("small: 6000 training images")
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    printed = err.strip().splitlines()[-1].split("continue with: ", 1)[1]
    words = shlex.split(printed)
    assert words[:3] == ["backprop-tui", "train", "--resume"]
    assert {"--no-verify", "--metrics", "--data-dir", "--checkpoint", str(ckpt)} <= set(words)
    # On other data the run is refused, both folders named; the printed command continues it.
    other = write_fashion_like(tmp_path / "other", n_train=6000, n_test=50, seed=7)
    argv = [sys.executable, "-m", "backprop_tui", *words[1:]]
    wrong = subprocess.run([*argv, "--data-dir", str(other)], env=ENV, capture_output=True, text=True, cwd=tmp_path,
                           timeout=120)
    assert wrong.returncode == 2, wrong.stderr
    assert f"{ckpt} was trained on the data in {tmp_path / 'big data'}, but {other} holds other data" in wrong.stderr
    right = subprocess.run(argv, env=ENV, capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert right.returncode == 0, right.stderr
    assert load_checkpoint(ckpt).state.epoch == 3
    assert [row["epoch"] for row in strict_rows(metrics)] == [1, 2, 3]


def test_checkpoints_without_a_data_record_still_resume(isolated: Path, synthetic_dir: Path,  # noqa: F811
                                                        small_scenario: Path) -> None:  # noqa: F811
    ckpt = isolated / "c.npz"
    common = ["--data-dir", str(synthetic_dir), "--no-verify", "--checkpoint", str(ckpt)]
    assert main(["train", str(small_scenario), "--epochs", "1", *common]) == 0
    with np.load(ckpt, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files if key != "data_json"}
    np.savez(ckpt, **arrays)
    assert load_checkpoint(ckpt).data is None
    other = write_fashion_like(isolated / "other", n_train=600, n_test=200, seed=3)
    assert main(["train", "--resume", "--epochs", "2", "--data-dir", str(other), "--no-verify",
                 "--checkpoint", str(ckpt)]) == 0
    assert load_checkpoint(ckpt).data.folder == str(other.resolve())


def test_epochs_can_stay_or_rise_on_resume_never_fall(isolated: Path, synthetic_dir: Path,  # noqa: F811
                                                      small_scenario: Path, capsys) -> None:  # noqa: F811
    small_scenario.write_text(SMALL_TOML + 'schedule = "cosine"\n')
    ckpt = isolated / "c.npz"
    common = ["--data-dir", str(synthetic_dir), "--no-verify", "--checkpoint", str(ckpt)]
    assert main(["train", str(small_scenario), "--epochs", "2", *common]) == 0
    run = load_checkpoint(ckpt)
    run.state.epoch, run.state.history = 1, run.state.history[:1]  # as if stopped after epoch 1 of 2
    save_checkpoint(ckpt, run)
    capsys.readouterr()
    assert main(["train", "--resume", "--epochs", "1", *common]) == 2
    assert capsys.readouterr().err == (
        f"error: --epochs 1: the run stored in {ckpt} trains 2 epochs (1 done); --resume can keep that or raise "
        "it, not lower it (its learning-rate schedule and its weights belong to the longer run)\n")
    assert main(["train", "--resume", "--epochs", "4", *common]) == 0
    assert capsys.readouterr().err == (
        "note: --epochs 4 continues the run from 2 to 4 epochs; the cosine schedule is stretched over all 4, so "
        "the learning rate goes from 0.01 (where the 2-epoch schedule stands) to 0.0171 now, then falls along the "
        "new curve to 0 at the end of epoch 4\n")


# -- 4. No traceback ------------------------------------------------------------------------------


def test_ctrl_c_while_the_data_loads_is_clean(isolated: Path, synthetic_dir: Path, small_scenario: Path,  # noqa: F811
                                              monkeypatch, capsys) -> None:
    from backprop_tui.cli import cnn_session

    real = cnn_session.load_dataset

    def interrupted(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while the files are read
        return real(*args, **kwargs)

    monkeypatch.setattr(cnn_session, "load_dataset", interrupted)
    ckpt = isolated / "c.npz"
    assert main(["train", str(small_scenario), "--data-dir", str(synthetic_dir), "--no-verify",
                 "--checkpoint", str(ckpt)]) == 130
    assert capsys.readouterr().err == "interrupted (SIGINT) before training started; nothing was written\n"
    assert not ckpt.exists()

    def ctrl_c(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cnn_session, "load_checkpoint", ctrl_c)
    assert main(["evaluate", str(ckpt)]) == 130
    assert capsys.readouterr().err == "interrupted: evaluate stopped; nothing was written\n"


@pytest.fixture
def trained(isolated: Path, synthetic_dir: Path, small_scenario: Path) -> tuple[Path, Path]:  # noqa: F811
    ckpt = isolated / "c.npz"
    assert main(["train", str(small_scenario), "--epochs", "1", "--data-dir", str(synthetic_dir), "--no-verify",
                 "--checkpoint", str(ckpt)]) == 0
    return ckpt, synthetic_dir


def test_predict_without_colour_on_a_terminal_draws_a_visible_picture(trained, monkeypatch, capsys) -> None:
    ckpt, folder = trained
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich treats the output as a colour terminal
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(["predict", str(ckpt), "--index", "3", "--data-dir", str(folder), "--no-verify"]) == 0
    out = capsys.readouterr().out
    picture = out.split("test image 3")[0]
    assert "\u2580" not in picture and set(picture) - set(" \n") <= set(" .:-=+*#%@")
    assert len(set(picture) - set(" \n")) >= 3  # shades, not one solid block


@pytest.mark.parametrize("command", [["predict", "{ckpt}", "--index", "3"], ["evaluate", "{ckpt}"], ["data"],
                                     ["train", "{scenario}", "--epochs", "1", "--fresh", "--checkpoint", "{ckpt}"]])
@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"},
                                 {"LC_ALL": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}])
def test_an_ascii_only_output_gets_ascii_not_a_traceback(trained, small_scenario: Path, command: list[str],  # noqa: F811
                                                         env: dict[str, str]) -> None:
    ckpt, folder = trained
    argv = [word.format(ckpt=ckpt, scenario=small_scenario) for word in command]
    if argv[0] != "data":
        argv += ["--no-verify"]
    argv += ["--data-dir", str(folder)]
    result = subprocess.run([sys.executable, "-m", "backprop_tui", *argv], capture_output=True,
                            env={**ENV, "FORCE_COLOR": "1", "COLUMNS": "100", **env}, cwd=ckpt.parent, timeout=120)
    # `data` finds the synthetic files but says they are not Fashion-MNIST's (exit 1).
    assert result.returncode == (1 if argv[0] == "data" else 0), result.stderr.decode(errors="replace")
    assert TRACEBACK.encode() not in result.stderr
    result.stdout.decode("ascii")  # nothing but ASCII on the way out
    assert b"?" * 3 not in result.stdout  # readable forms, not a row of replacement marks


# -- 5. No hang, and no refusal of an ordinary path ------------------------------------------------


def test_a_named_pipe_for_metrics_never_hangs(trained, small_scenario: Path, tmp_path: Path) -> None:  # noqa: F811
    ckpt, folder = trained
    fifo = tmp_path / "metrics.fifo"
    os.mkfifo(fifo)
    argv = [sys.executable, "-m", "backprop_tui", "train", str(small_scenario), "--epochs", "2", "--fresh",
            "--checkpoint", str(ckpt), "--data-dir", str(folder), "--no-verify", "--metrics", str(fifo)]
    alone = subprocess.run(argv, capture_output=True, text=True, env=ENV, timeout=60)
    assert alone.returncode == 2
    assert alone.stderr == f"error: --metrics {fifo}: a named pipe with no reader; start the reader first " \
                           f"(for example `cat {fifo} &`)\n"
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader, as `cat fifo &` would be
    try:
        with_reader = subprocess.run(argv, capture_output=True, text=True, env=ENV, timeout=120)
        received = os.read(reader, 1 << 16).decode()
    finally:
        os.close(reader)
    assert with_reader.returncode == 0, with_reader.stderr
    assert [json.loads(line)["epoch"] for line in received.splitlines()] == [1, 2]


def test_metrics_to_dev_stdout_in_a_pipe(trained, small_scenario: Path) -> None:  # noqa: F811
    ckpt, folder = trained
    result = subprocess.run([sys.executable, "-m", "backprop_tui", "train", str(small_scenario), "--epochs", "1",
                             "--fresh", "--checkpoint", str(ckpt), "--data-dir", str(folder), "--no-verify",
                             "--metrics", "/dev/stdout"], capture_output=True, text=True, env=ENV, timeout=120)
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["epoch"] for line in result.stdout.splitlines() if line.startswith("{")] == [1]


def test_a_symlink_loop_is_refused_before_training(isolated: Path, synthetic_dir: Path,  # noqa: F811
                                                   small_scenario: Path, capsys) -> None:  # noqa: F811
    (isolated / "a").symlink_to(isolated / "b")
    (isolated / "b").symlink_to(isolated / "a")
    for flags in (["--checkpoint", str(isolated / "a")], ["--checkpoint", str(isolated / "c.npz"),
                                                            "--metrics", str(isolated / "b")]):
        assert main(["train", str(small_scenario), "--epochs", "1", "--data-dir", str(synthetic_dir),
                     "--no-verify", *flags]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err.endswith(": cannot be used for the " + ("checkpoint" if len(flags) == 2 else
                                                                     "metrics file")
                                     + ": Too many levels of symbolic links\n")


# -- 6. Messages that tell the truth --------------------------------------------------------------


def test_data_says_used_only_for_files_that_load(isolated: Path, capsys) -> None:  # noqa: F811
    folder = write_fashion_like(isolated / "d", n_train=40, n_test=20)
    (folder / "train-labels-idx1-ubyte.gz").write_bytes((folder / "train-labels-idx1-ubyte.gz").read_bytes()[:30])
    assert main(["data", "--data-dir", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "<- used" not in out and "<- found, but damaged" in out
    assert f"Not usable: {folder / 'train-labels-idx1-ubyte.gz'}: the gzip data is damaged" in out
    write_fashion_like(folder, n_train=40, n_test=20)  # whole again, but not Fashion-MNIST's checksums
    assert main(["data", "--data-dir", str(folder)]) == 1
    assert "<- used only with --no-verify" in capsys.readouterr().out


def test_data_lists_the_folder_train_reads(isolated: Path, monkeypatch, capsys) -> None:  # noqa: F811
    root = isolated / "torchvision"
    raw = write_fashion_like(root / "FashionMNIST" / "raw", n_train=40, n_test=20)
    monkeypatch.setattr(data_module, "FILES", {name: ("", data_module.hashlib.md5(data_module.read_bytes(
        raw / f"{name}.gz")).hexdigest()) for name in data_module.FILES})  # these files count as the real ones
    monkeypatch.setenv("FASHION_MNIST_DIR", str(root))
    assert main(["data"]) == 0
    assert f"1. {raw}  ($FASHION_MNIST_DIR, torchvision layout: all four files)   <- used" in capsys.readouterr().out
    monkeypatch.delenv("FASHION_MNIST_DIR")
    assert main(["train", "--data-dir", str(root / "FashionMNIST"), "--checkpoint", "c.npz"]) == 2
    assert capsys.readouterr().err.endswith(f". They are in {raw}: name that folder (--data-dir {raw}), or the "
                                            f"torchvision root {root}\n")


def test_counts_agree_with_their_nouns(isolated: Path, synthetic_dir: Path, small_scenario: Path,  # noqa: F811
                                       capsys) -> None:
    ckpt = isolated / "c.npz"
    common = ["--data-dir", str(synthetic_dir), "--no-verify", "--checkpoint", str(ckpt)]
    assert main(["train", str(small_scenario), "--epochs", "1", "--limit", "1", *common]) == 0
    out = capsys.readouterr().out
    assert "small: 1 training image, 200 test images from" in out
    assert "epoch 1/1: 1 batch\n" in out and "small after 1 epoch: test accuracy" in out
    assert main(["train", "--resume", *common]) == 0
    assert "(already trained all 1 epoch; raise --epochs to continue)" in capsys.readouterr().out
