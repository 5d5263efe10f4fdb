"""Batch mode's progress: the test evaluation is shown, a dumb terminal gets plain lines, and
the final report reuses the last epoch's evaluation."""

from __future__ import annotations

import json
from pathlib import Path

from backprop_tui.cli import cnn_session
from backprop_tui.cli.cnn_output import GuardedOutput
from backprop_tui.cli.main import main
from backprop_tui.core.cnn import train as train_module

from test_cnn_cli import isolated, small_scenario  # noqa: F401  (fixtures)


def common(synthetic_dir: Path, ckpt: Path) -> list[str]:
    return ["--data-dir", str(synthetic_dir), "--no-verify", "--checkpoint", str(ckpt)]


def test_plain_output_shows_the_test_evaluation(isolated: Path, synthetic_dir: Path,  # noqa: F811
                                                small_scenario: Path, capsys) -> None:  # noqa: F811
    assert main(["train", str(small_scenario), "--epochs", "1", *common(synthetic_dir, isolated / "c.npz")]) == 0
    lines = capsys.readouterr().out.splitlines()
    testing = [line for line in lines if line.startswith("  testing: ")]
    assert testing and testing[0] == "  testing: 200/200 test images"
    assert lines.index(testing[0]) < next(i for i, line in enumerate(lines) if line.startswith("epoch 1/1: train loss"))


def test_a_dumb_terminal_gets_plain_lines_during_the_epoch(isolated: Path, synthetic_dir: Path,  # noqa: F811
                                                           small_scenario: Path, monkeypatch, capsys) -> None:  # noqa: F811
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setattr(GuardedOutput, "isatty", lambda self: True)
    batches: list[str] = []
    real_on_batch = train_module.Hooks.__init__

    def spy(self, *args, **kwargs):  # what was printed by the time each batch ends
        real_on_batch(self, *args, **kwargs)
        inner = self.on_batch

        def on_batch(state, count, lr):
            inner(state, count, lr)
            batches.append(capsys.readouterr().out)
        self.on_batch = on_batch

    monkeypatch.setattr(train_module.Hooks, "__init__", spy)
    assert main(["train", str(small_scenario), "--epochs", "1", *common(synthetic_dir, isolated / "c.npz")]) == 0
    during = "".join(batches)
    assert "  batch 3/19: loss" in during and "  batch 19/19: loss" in during


def test_the_test_set_is_evaluated_once_per_epoch_and_the_report_agrees(
        isolated: Path, synthetic_dir: Path, small_scenario: Path, monkeypatch, capsys) -> None:  # noqa: F811
    calls: list[int] = []
    real = train_module.evaluate

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(train_module, "evaluate", counted)
    monkeypatch.setattr(cnn_session, "evaluate", counted)
    metrics = isolated / "m.jsonl"
    assert main(["train", str(small_scenario), "--metrics", str(metrics),
                 *common(synthetic_dir, isolated / "c.npz")]) == 0
    assert len(calls) == 2  # two epochs, no second pass for the report
    last = json.loads(metrics.read_text().splitlines()[-1])
    out = capsys.readouterr().out
    assert f"small after 2 epochs: test accuracy {last['test_accuracy']:.2%}" in out


def test_a_finished_run_resumed_still_reports(isolated: Path, synthetic_dir: Path, small_scenario: Path,  # noqa: F811
                                              capsys) -> None:
    ckpt = isolated / "c.npz"
    assert main(["train", str(small_scenario), "--epochs", "1", *common(synthetic_dir, ckpt)]) == 0
    capsys.readouterr()
    assert main(["train", "--resume", *common(synthetic_dir, ckpt)]) == 0
    assert "small after 1 epoch: test accuracy" in capsys.readouterr().out


def test_a_terminal_gets_a_bar_for_the_test_evaluation() -> None:
    import io

    from rich.console import Console

    from backprop_tui.cli.progress import RichProgress
    from backprop_tui.core.cnn.train import TrainState

    console = Console(file=io.StringIO(), force_terminal=True, width=120)
    with RichProgress(console, 1) as progress:
        progress.on_epoch_start(0, 4, TrainState())
        progress.on_evaluate(250, 1000)
        tasks = {task.fields["label"]: task for task in progress.progress.tasks}
        assert tasks["test set"].completed == 250 and tasks["test set"].total == 1000
        progress.on_epoch_end({"epoch": 1, "train_loss": 1.0, "train_accuracy": 0.5, "test_loss": 1.0,
                               "test_accuracy": 0.5, "images_per_second": 10.0, "train_seconds": 1.0}, TrainState())
        assert [task.fields["label"] for task in progress.progress.tasks] == ["epoch 1/1"]
