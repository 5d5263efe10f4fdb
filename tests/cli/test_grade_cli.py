"""`backprop-tui grade SCENARIO ANSWERS.toml`: a sheet with one wrong number per known mistake, built
from the lecture's network by hand (tests/support/mistake_oracle.py), graded in text and strict
JSON; an answer key; and malformed sheets refused with the loader's kind of message, exit 2."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from backprop_tui.cli.main import main

from support.mistake_oracle import GAMMA, LECTURE_MOMENTUM, MU, Y3, lecture, momentum_iterations, sigmoid
from support.cli_run import run_cli, strict

CLOSE = ["--relative", "0.001", "--absolute", "0.0001"]
"""The lecture's small numbers lie closer together than the default 0.005: grade them closely."""




def every_mistake() -> dict[str, tuple[float, str]]:
    """The second iteration of the lecture's network with four samples and momentum: for each
    mistake code, a cell (as a sheet names it) and the number the mistake gives, worked by hand."""
    _, q = momentum_iterations()
    p, g, v = q["theta2"], q["dE_dtheta2"], q["v_theta2"]
    return {
        "delta2[1,1]": (float(q["dE_dyhat"][0, 0]), "missing_activation_derivative"),
        "fprime2[1,2]": (float((sigmoid(q["yhat"]) * (1 - sigmoid(q["yhat"])))[0, 1]), "derivative_of_activation_value"),
        "y_minus_yhat[1,3]": (float((q["yhat"] - Y3)[0, 2]), "sign_flipped"),
        "theta1_new[1,2]": (float(q["theta1_new"][1, 0]), "transpose"),
        "v_theta2_new[2]": (float((MU * v - g)[1, 0]), "missing_learning_rate"),
        "dE_da1[1,1]": (float((q["theta2_new"] @ q["delta2"])[0, 0]), "updated_weights_used"),
        "dE_dyhat[1,2]": (float((q["yhat"] - Y3)[0, 1]), "missing_batch_average"),
        "E": (float(np.sum((Y3 - q["yhat"]) ** 2) / 4), "missing_half"),
        "theta2_new[3]": (float((p - GAMMA * g)[2, 0]), "momentum_velocity_forgotten"),
        "z1[1,1]": (float(q["z2"][0, 0]), "wrong_layer"),
    }


def sheet_text(cells: dict[str, float], iteration: int = 2) -> str:
    lines = [f"[iteration.{iteration}]"] + [f'"{name}" = {value!r}' for name, value in cells.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture
def files(tmp_path):
    scenario = tmp_path / "lecture-momentum.toml"
    scenario.write_text(LECTURE_MOMENTUM, encoding="utf-8")
    wrong = every_mistake()
    _, q = momentum_iterations()
    right = {"yhat[1,1]": float(q["yhat"][0, 0]), "theta2_new[1]": float(q["theta2_new"][0, 0])}
    answers = tmp_path / "answers.toml"
    answers.write_text(sheet_text({**{k: v for k, (v, _) in wrong.items()}, **right}), encoding="utf-8")
    return scenario, answers, wrong, right


def test_every_mistake_code_is_named_in_json(capsys, files) -> None:
    scenario, answers, wrong, right = files
    code, out, err = run_cli(capsys, "grade", str(scenario), str(answers), "--format", "json", *CLOSE)
    assert code == 0, err
    document = strict(out)
    assert set(document) == {"score", "answers"}
    by_name = {}
    for answer in document["answers"]:
        assert set(answer) == {"iteration", "quantity", "cell", "given", "expected", "verdict", "diagnosis",
                               "explanation"}
        by_name[(answer["quantity"], tuple(answer["cell"]))] = answer
    named = {}
    for name, (value, mistake) in wrong.items():
        quantity, _, index = name.partition("[")
        numbers = [int(n) for n in index.rstrip("]").split(",")] if index else [1]
        cell = (numbers[0], numbers[1] if len(numbers) == 2 else 1)
        answer = by_name[(quantity, cell)]
        assert answer["verdict"] == "wrong" and answer["given"] == value
        named[answer["diagnosis"]] = answer
        assert answer["diagnosis"] == mistake, name
        assert answer["explanation"]
    assert len(named) == 10
    for name in right:
        quantity, _, index = name.partition("[")
        numbers = [int(n) for n in index.rstrip("]").split(",")]
        cell = (numbers[0], numbers[1] if len(numbers) == 2 else 1)
        assert by_name[(quantity, cell)]["verdict"] == "right"
        assert by_name[(quantity, cell)]["diagnosis"] is None
    total = sum(document["score"].values())
    assert document["score"] == {"right": 2, "wrong": 10, "missing": total - 12}
    assert all(a["given"] is None for a in document["answers"] if a["verdict"] == "missing")


def test_every_mistake_code_in_text(capsys, files) -> None:
    scenario, answers, wrong, _ = files
    code, out, err = run_cli(capsys, "grade", str(scenario), str(answers), *CLOSE)
    assert code == 0, err
    assert out.splitlines()[0].startswith("answers.toml on lecture-momentum.toml: 2 right, 10 wrong, ")
    for _, mistake in wrong.values():
        assert f"{mistake}: " in out
    assert "you added" not in out  # the sign sheet flips the error, not the update
    assert "you computed ŷ − y = " in out
    assert "the velocity, μ·" in out


def test_the_lecture_sheet_of_the_issue(capsys, tmp_path) -> None:
    q = lecture()
    answers = tmp_path / "a.toml"
    answers.write_text("[iteration.1]\nz1 = [1.35, 1.45, 1.65]\nyhat = 0.619\ndelta2 = -0.381\n"
                       "theta2_new = [[0.2357], [0.3364], [0.1377]]\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "grade", "lecture", str(answers), "--format", "json")
    assert code == 0
    delta = next(a for a in strict(out)["answers"] if a["quantity"] == "delta2")
    assert delta["cell"] == [1, 1] and delta["given"] == -0.381
    assert delta["expected"] == pytest.approx(float(q["delta2"][0, 0]))
    assert delta["diagnosis"] == "missing_activation_derivative"
    assert delta["explanation"].startswith("your value is ∂E/∂ŷ itself: the sigmoid's derivative σ′(z²) = 0.2358 is missing")
    assert strict(out)["score"]["right"] == 3 + 1 + 3


def test_an_answer_key_asks_only_its_cells_and_grades_itself_right(capsys, tmp_path) -> None:
    q = lecture()
    key = tmp_path / "key.toml"
    key.write_text(f"[iteration.1]\nyhat = {float(q['yhat'][0, 0])!r}\n\"theta2_new[2]\" = "
                   f"{float(q['theta2_new'][1, 0])!r}\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "grade", "lecture", str(key), "--key", str(key), "--format", "json")
    assert code == 0
    assert strict(out)["score"] == {"right": 2, "wrong": 0, "missing": 0}
    answers = tmp_path / "answers.toml"
    answers.write_text("[iteration.1]\nyhat = 0.5\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "grade", "lecture", str(answers), "--key", str(key), "--format", "json")
    assert strict(out)["score"] == {"right": 0, "wrong": 1, "missing": 1}


MALFORMED = {
    "bad TOML": ("[iteration.1]\nz1 = [1.35,\nyhat = = 2\n", "a.toml: line 3, column 1: not valid TOML"),
    "unknown quantity": ("[iteration.1]\nzeta = 1.0\n", "a.toml: iteration.1.zeta: expected a quantity the steps compute (z1, a1"),
    "read, not computed": ("[iteration.1]\ntheta1 = [[1, 2, 3], [4, 5, 6]]\n",
                           "a.toml: iteration.1.theta1: expected a quantity the steps compute"),
    "wrong shape": ("[iteration.1]\nz1 = [1.35, 1.45]\n",
                    "a.toml: iteration.1.z1: expected a list of 3 numbers (z1 is 3x1), found a list of 2"),
    "wrong matrix shape": ("[iteration.1]\ntheta1_new = [[1, 2], [3, 4]]\n",
                           "a.toml: iteration.1.theta1_new: expected 2 rows of 3 numbers (theta1_new is 2x3), found 2 rows of 2"),
    "non-number": ("[iteration.1]\nyhat = \"0.6\"\n", "a.toml: iteration.1.yhat: expected a number, found the text '0.6'"),
    "not finite": ("[iteration.1]\nE = nan\n", "a.toml: iteration.1.E: expected a finite number, found nan"),
    "iteration out of range": ("[iteration.4]\nyhat = 0.6\n",
                               "a.toml: iteration.4: expected an iteration number from 1 to 3, found '4'"),
    "cell outside": ("[iteration.1]\n\"z1[4]\" = 1.0\n", "a.toml: iteration.1.\"z1[4]\": expected a cell inside z1 (3x1)"),
    "a cell twice": ("[iteration.1]\nz1 = [1.35, 1.45, 1.65]\n\"z1[2]\" = 1.45\n",
                     "a.toml: iteration.1.\"z1[2]\": expected each cell once, found z1[2] given again (also by z1)"),
    "no tables": ("yhat = 0.6\n", "a.toml: yhat: expected only [iteration.N] tables"),
    "a cell from 0": ("[iteration.1]\n\"z1[0]\" = 1.0\n",
                      "a.toml: iteration.1.\"z1[0]\": expected a cell counted from 1 in brackets, found 'z1[0]'"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_sheet_is_named_and_exits_2(capsys, tmp_path, case) -> None:
    text, message = MALFORMED[case]
    sheet = tmp_path / "a.toml"
    sheet.write_text(text, encoding="utf-8")
    code, out, err = run_cli(capsys, "grade", "lecture", str(sheet))
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err, err
    assert "Traceback" not in err


def test_an_empty_sheet_and_one_that_is_not_text(capsys, tmp_path) -> None:
    sheet = tmp_path / "a.toml"
    sheet.write_text("", encoding="utf-8")
    code, _, err = run_cli(capsys, "grade", "lecture", str(sheet))
    assert code == 2 and "a.toml: expected at least one [iteration.N] table of answers, found none" in err
    sheet.write_bytes(b"[iteration.1]\nyhat = 0.6 # \xff\n")
    code, _, err = run_cli(capsys, "grade", "lecture", str(sheet))
    assert code == 2 and "a.toml: not UTF-8 text (byte 27)" in err


def test_every_problem_is_named_at_once(capsys, tmp_path) -> None:
    sheet = tmp_path / "a.toml"
    sheet.write_text("[iteration.1]\nz1 = [1]\nyhat = true\n[iteration.9]\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "grade", "lecture", str(sheet))
    assert code == 2
    assert len(err.strip().splitlines()) == 3


def test_a_missing_sheet_and_a_cnn_scenario(capsys, tmp_path) -> None:
    code, _, err = run_cli(capsys, "grade", "lecture", str(tmp_path / "none.toml"))
    assert code == 2 and "none.toml: no such file" in err
    sheet = tmp_path / "a.toml"
    sheet.write_text("[iteration.1]\nyhat = 0.6\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "grade", "fashion_cnn", str(sheet))
    assert code == 2 and "CNN" in err


def test_grade_in_an_ascii_terminal(tmp_path) -> None:
    sheet = tmp_path / "a.toml"
    sheet.write_text("[iteration.1]\ndelta2 = -0.381\n", encoding="utf-8")
    env = {"PYTHONIOENCODING": "ascii", "NO_COLOR": "1", "PATH": "/usr/bin:/bin"}
    for form in ("text", "json"):
        done = subprocess.run([sys.executable, "-m", "backprop_tui", "grade", "lecture", str(sheet), "--format", form],
                              capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "missing_activation_derivative" in done.stdout
        done.stdout.encode("ascii")
    assert strict(done.stdout)["answers"][0]["quantity"]


def test_text_wraps_sentences_to_a_terminal_and_gathers_missing_cells(tmp_path) -> None:
    from backprop_tui.cli.grade import _Iterations, report_text
    from backprop_tui.core.dense.answers import computed_shapes, every_cell, grade, parse_answers
    from backprop_tui.core.scenario.load import load

    iterations = _Iterations(load("lecture"))
    sheet = parse_answers("[iteration.1]\ndelta2 = -0.381\n\"theta1_new[1,2]\" = 0.3007\n", "a.toml",
                          lambda i: computed_shapes(iterations.steps(i)), 3)
    graded = grade(sheet, iterations.steps, every_cell(1, computed_shapes(iterations.steps(1))))
    narrow = report_text(graded, "lecture.toml", "a.toml", width=80)
    assert all(len(line) <= 80 for line in narrow.splitlines())
    import re

    assert re.search(r"\n  a1 +missing  expected 0.7941, 0.81, 0.8389\n", narrow)
    assert re.search(r"\n  theta1_new\[1,1\] +missing  expected 1.2015\n", narrow)
    assert re.search(r"\n  theta1_new\[1,3\]\.\.\[2,3\] +missing  expected 1.5006, ", narrow)
    assert re.search(r"\n  dE_dtheta1 +missing  expected -0.0029, .*\.\.\. \(6 cells\)\n", narrow)
    assert "transpose: you gave θ¹ new₂₁ = 0.3007" in narrow
    wide = report_text(graded, "lecture.toml", "a.toml")
    sentence = next(line for line in wide.splitlines() if "missing_activation_derivative" in line)
    assert sentence.strip().endswith("(δ² = -0.3809 instead of -0.0898)")


def test_a_variant_is_graded_on_its_own_numbers(capsys, tmp_path) -> None:
    sheet = tmp_path / "a.toml"
    sheet.write_text("[iteration.1]\n\"theta2_new[1]\" = 0.0\n", encoding="utf-8")
    expected = {}
    for variant in ("too-small", "too-large"):
        code, out, err = run_cli(capsys, "grade", "learning-rate", str(sheet), "--variant", variant, "--format", "json")
        assert code == 0, err
        expected[variant] = next(a["expected"] for a in strict(out)["answers"] if a["quantity"] == "theta2_new")
    assert expected["too-small"] != expected["too-large"]
    code, _, err = run_cli(capsys, "grade", "learning-rate", str(sheet), "--variant", "huge")
    assert code == 2 and "huge" in err
