"""The CLI as a user runs it: exit codes, messages without tracebacks, the JSON and markdown exports."""

import json
import subprocess
import sys

import pytest

from backprop_tui.cli.main import main
from support.cli_run import run_cli
from support.dense_cases import DIVERGING



def test_trace_json_shape(capsys):
    code, out, _ = run_cli(capsys, "trace", "lecture", "--format", "json", "--iterations", "2")
    assert code == 0
    doc = json.loads(out)
    assert set(doc) == {"format_version", "scenario", "steps", "iterations"}
    assert doc["scenario"]["title"].startswith("Lecture")
    assert [it["iteration"] for it in doc["iterations"]] == [1, 2]
    first = doc["iterations"][0]
    assert first["loss"] == pytest.approx(0.0725, abs=5e-5)
    assert [len(w) for w in first["weights"]] == [2, 3]
    assert first["biases"] == [None, None]
    step = doc["steps"][0]
    assert {"phase", "layer", "title", "equation", "matrices"} <= set(step)
    assert step["matrices"][1]["name"] == "θ¹ᵀ" and step["matrices"][1]["shape"] == [3, 2]
    assert len(doc["steps"]) == 24


def test_trace_text_shows_matrices_with_shapes(capsys):
    code, out, _ = run_cli(capsys, "trace", "lecture", "--iterations", "1")
    assert code == 0
    assert "θ¹ᵀ 3×2" in out and "z¹ = θ¹ᵀ·x" in out
    assert "1.3500" in out and "0.6191" in out


def test_trace_markdown_writes_the_board(capsys, tmp_path):
    target = tmp_path / "handout.md"
    code, _, _ = run_cli(capsys, "trace", "lecture", "--format", "markdown", "--output", str(target))
    assert code == 0
    text = target.read_text()
    assert "z¹ = θ¹ᵀ·x\n" in text  # the board's equation, then its numbers (tests/render/test_handout.py)
    assert "## Iteration 3" in text


def test_bad_scenario_exits_2_with_one_message(capsys, tmp_path):
    bad = tmp_path / "lecture.toml"
    bad.write_text('[network]\ninputs = 2\n[[layer]]\nunits = 1\nweights = [[1.0]]\n[data]\ninputs=[[1,2]]\ntargets=[[1]]\n')
    code, out, err = run_cli(capsys, "trace", str(bad))
    assert code == 2
    assert "lecture.toml: layer[1].weights: expected 2x1, got 1x1" in err
    assert "Traceback" not in err


def test_validate_reports_each_file(capsys, tmp_path):
    bad = tmp_path / "broken.toml"
    bad.write_text("x = [1,\n")
    code, out, err = run_cli(capsys, "validate", "lecture", "xor", str(bad))
    assert code == 2
    assert "lecture: OK" in out and "xor: OK" in out
    assert "broken.toml" in err and "not valid TOML" in err


def test_validate_all_ok(capsys):
    assert run_cli(capsys, "validate", "lecture")[0] == 0


def test_scenarios_lists_bundled(capsys):
    code, out, _ = run_cli(capsys, "scenarios")
    assert code == 0
    assert any(line.startswith("lecture ") and "Lecture" in line for line in out.splitlines())
    assert "xor" in out


def test_unknown_scenario(capsys):
    code, _, err = run_cli(capsys, "trace", "lectur")
    assert code == 2 and 'did you mean "lecture"' in err


def test_bad_flag_value_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["trace", "lecture", "--iterations", "0"])
    assert info.value.code == 2


def test_python_dash_m_entry_point():
    result = subprocess.run([sys.executable, "-m", "backprop_tui", "trace", "lecture", "--format", "json"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["iterations"][0]["iteration"] == 1


def test_diverging_scenario_is_reported_in_every_format(capsys, tmp_path):
    path = tmp_path / "blowup.toml"
    path.write_text(DIVERGING, encoding="utf-8")
    code, out, _ = run_cli(capsys, "trace", str(path), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    diverged = [it for it in doc["iterations"] if it["diverged"]]
    assert diverged and diverged[0]["diverged_at_step"] is not None
    assert doc["iterations"][-1]["loss"] in ("inf", "NaN")
    code, out, _ = run_cli(capsys, "trace", str(path), "--iterations", "70")
    assert code == 0 and "(diverged at step" in out


def test_the_bundled_too_large_learning_rate_traces_to_divergence(capsys):
    code, out, err = run_cli(capsys, "trace", "learning-rate", "--variant", "too-large", "--format", "json")
    assert code == 0, err
    assert any(it["diverged"] for it in json.loads(out)["iterations"])


def test_trace_refuses_a_cnn_scenario_and_directories(capsys, tmp_path):
    code, _, err = run_cli(capsys, "trace", "fashion_cnn")
    assert code == 2 and "backprop-tui train fashion_cnn" in err
    code, _, err = run_cli(capsys, "trace", str(tmp_path))
    assert code == 2 and "is a directory" in err


def test_long_scenarios_are_traced_up_to_the_cap(capsys, monkeypatch):
    from backprop_tui.cli import dense as commands_dense
    monkeypatch.setattr(commands_dense, "MAX_TRACE_ITERATIONS", 5)
    code, out, err = run_cli(capsys, "trace", "xor", "--format", "json")
    assert code == 0
    assert len(json.loads(out)["iterations"]) == 5
    assert "tracing the first 5 of the scenario's 200 iterations" in err


# -- --variant is a flag: a wrong name is a usage error, not a broken file ---------------------------


@pytest.fixture
def no_app(monkeypatch):
    """Fail the test if the app would be launched."""
    from backprop_tui.tui import app

    def launched(self, *args, **kwargs):
        raise AssertionError("the app was launched")

    monkeypatch.setattr(app.BackpropApp, "run", launched)


def test_open_with_an_unknown_variant_is_a_cli_error(capsys, no_app):
    code, _, err = run_cli(capsys, "learning-rate", "--variant", "huge")
    assert code == 2
    assert err.startswith('error: --variant huge: learning-rate.toml has no variant "huge"')
    assert "too-small, right, too-large" in err
    assert "Traceback" not in err and "fix" not in err


@pytest.mark.parametrize("command", [["open", "learning-rate"], ["trace", "learning-rate"], ["learning-rate"]])
def test_a_near_miss_variant_gets_did_you_mean(capsys, no_app, command):
    code, _, err = run_cli(capsys, *command, "--variant", "too-larg")
    assert code == 2
    assert '--variant too-larg: learning-rate.toml has no variant "too-larg" (did you mean "too-large"?)' in err


def test_a_scenario_without_variants_says_so(capsys):
    code, _, err = run_cli(capsys, "trace", "lecture", "--variant", "fast")
    assert code == 2 and 'lecture.toml has no variant "fast"; it has no [[variant]] tables' in err


def test_a_broken_file_with_a_variant_still_opens_on_the_error_screen(tmp_path, monkeypatch, capsys):
    """The variant cannot be checked in a file that does not load: the app shows the file's errors."""
    from backprop_tui.tui import app

    opened = []
    monkeypatch.setattr(app.BackpropApp, "run", lambda self, *a, **k: opened.append(self))
    bad = tmp_path / "bad.toml"
    bad.write_text("[network]\ninputs = = 2\n", encoding="utf-8")
    assert run_cli(capsys, str(bad), "--variant", "x")[0] == 0 and opened
