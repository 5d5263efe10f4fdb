"""`backprop-tui quiz [SCENARIO]`: the app opens in quiz mode; a bad scenario, a CNN scenario or
an unknown variant is one message and exit 2, never a traceback and never a screen."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from backprop_tui.cli.main import main
from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.tui.app import BackpropApp
from support.cli_run import run_cli



@pytest.fixture
def opened(monkeypatch) -> list[BackpropApp]:
    """The apps `quiz` would run, instead of running them."""
    apps: list[BackpropApp] = []
    monkeypatch.setattr(BackpropApp, "run", lambda self, *a, **k: apps.append(self))
    return apps


def test_quiz_opens_the_lecture_in_quiz_mode_by_default(capsys, opened):
    assert run_cli(capsys, "quiz")[0] == 0
    assert len(opened) == 1 and opened[0].quiz is True and Path(opened[0].source).name == "lecture.toml"


def test_open_does_not_start_a_quiz(capsys, opened):
    assert run_cli(capsys, "open", "lecture")[0] == 0
    assert opened[0].quiz is False


def test_quiz_takes_a_path_and_a_variant(capsys, opened, tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(resolve("learning-rate").read_text(encoding="utf-8"), encoding="utf-8")
    assert run_cli(capsys, "quiz", str(path), "--variant", "too-large")[0] == 0
    assert opened[0].variant == "too-large" and opened[0].quiz


@pytest.mark.parametrize(("args", "message"), [
    (("quiz", "nope"), "nope: no such file or bundled scenario"),
    (("quiz", "fashion_cnn"), "a CNN scenario is trained, not stepped through"),
    (("quiz", "lecture", "--variant", "x"), '--variant x: lecture.toml has no variant "x"'),
])
def test_errors_are_one_message_and_exit_2(capsys, opened, args, message):
    code, out, err = run_cli(capsys, *args)
    assert code == 2 and message in err and "Traceback" not in err and not opened


def test_a_broken_quiz_table_is_reported_with_file_and_key(capsys, opened, tmp_path):
    path = tmp_path / "broken.toml"
    text = resolve("lecture").read_text(encoding="utf-8")
    path.write_text(text.replace('ask = ["forward", "loss", "backward", "update"]', 'ask = ["forwards"]'),
                    encoding="utf-8")
    code, _, err = run_cli(capsys, "quiz", str(path))
    assert code == 2 and not opened
    assert 'broken.toml: quiz.ask[1]: expected one of forward, loss, backward, update, got the string "forwards" ' \
           '(did you mean "forward"?)' in err


def test_quiz_is_listed_in_the_help():
    result = subprocess.run([sys.executable, "-m", "backprop_tui", "quiz", "--help"], capture_output=True, text=True)
    text = " ".join(result.stdout.split())
    assert result.returncode == 0 and "quiz mode" in text and "[quiz] table" in text
