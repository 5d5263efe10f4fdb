"""`sheet`: thirty students, thirty different sheets, each a scenario file with its own numbers in
the band where the story holds, a sheet with blanks (markdown and LaTeX) and an answer key that
the engine, run on the student's own file, agrees with to the last digit.

Each key is checked twice: by `grade` (issue 11, merged from branch mistakes), which must accept
every cell of it as right against the student's scenario, and against the engine directly:
every answer equals, to the last bit, the matrix the step computes.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pytest

from backprop_tui.cli.main import main
from backprop_tui.core.dense.run import run
from backprop_tui.core.dense.steps import build_steps
from backprop_tui.core.scenario.load import load
from backprop_tui.core.vocab import parse_quantity

from .test_handout_docs import compile_latex
from support.cli_run import run_cli

STUDENTS = 30



@pytest.fixture(scope="module")
def lecture_sheets(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sheets")
    assert main(["sheet", "lecture", "--students", str(STUDENTS), "--seed", "11", "-o", str(folder)]) == 0
    return folder


def _as_array(value, shape: tuple[int, int]) -> np.ndarray:
    return np.array(value, dtype=np.float64).reshape(shape)


def check_key_against_engine(scenario_file: Path, key_file: Path) -> int:
    """Every answer of the key equals what the engine computes from the scenario file; returns
    how many cells were checked."""
    scenario = load(scenario_file)
    key = tomllib.loads(key_file.read_text(encoding="utf-8"))["iteration"]
    checked = 0
    for number, answers in key.items():
        steps = build_steps(scenario, run(scenario, int(number))[-1], checks=False)
        for name, value in answers.items():
            quantity = parse_quantity(name)
            matrix = next(s.matrix(quantity) for s in steps if s.producer(quantity) is not None)
            expected = matrix.values
            assert np.array_equal(_as_array(value, expected.shape), expected), (key_file.name, name)
            checked += expected.size
    return checked


def test_thirty_students_get_thirty_different_sheets(lecture_sheets: Path) -> None:
    names = [f"lecture-{k:02d}" for k in range(1, STUDENTS + 1)]
    assert sorted(p.name for p in lecture_sheets.iterdir()) == sorted(
        f"{n}{s}" for n in names for s in (".toml", ".md", ".tex", ".key.toml"))
    for suffix in (".toml", ".md", ".tex", ".key.toml"):
        texts = {(lecture_sheets / f"{n}{suffix}").read_text(encoding="utf-8") for n in names}
        assert len(texts) == STUDENTS, suffix
    weights = {load(lecture_sheets / f"{n}.toml").layers[0].weights.tobytes() for n in names}
    assert len(weights) == STUDENTS


def test_each_key_is_what_the_engine_computes_from_the_student_s_file(lecture_sheets: Path) -> None:
    total = 0
    for k in range(1, STUDENTS + 1):
        total += check_key_against_engine(lecture_sheets / f"lecture-{k:02d}.toml",
                                          lecture_sheets / f"lecture-{k:02d}.key.toml")
    assert total == STUDENTS * 40  # every cell of the 16 results of the lecture's first iteration


def grade(capsys, scenario_file: Path, key_file: Path) -> dict[str, int]:
    """grade's score of a key against its scenario, every cell asked (no --key): right, wrong, missing."""
    code = main(["grade", str(scenario_file), str(key_file), "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)["score"]


def test_grade_accepts_every_student_s_key_in_full(lecture_sheets: Path, capsys) -> None:
    for k in range(1, STUDENTS + 1):
        name = f"lecture-{k:02d}"
        score = grade(capsys, lecture_sheets / f"{name}.toml", lecture_sheets / f"{name}.key.toml")
        assert score == {"right": 40, "wrong": 0, "missing": 0}, name


def test_each_student_s_numbers_keep_the_lecture_s_story(lecture_sheets: Path) -> None:
    original = load("lecture")
    first = run(original, 3)
    for k in range(1, STUDENTS + 1):
        student = load(lecture_sheets / f"lecture-{k:02d}.toml")
        for mine, theirs in zip(student.layers, original.layers):
            assert np.array_equal(np.sign(mine.weights), np.sign(theirs.weights))
            ratio = mine.weights / theirs.weights
            assert np.all((ratio >= 0.74) & (ratio <= 1.26))
            assert np.array_equal(np.round(mine.weights, 2), mine.weights)  # numbers a student carries by hand
        assert np.array_equal(student.y, original.y)  # the target is the task: kept
        losses = [it.loss for it in run(student, 3)]
        assert losses[-1] < losses[0] and 0.5 * first[0].loss <= losses[0] <= 2 * first[0].loss
        assert student.title.endswith(f"(sheet {k} of {STUDENTS}, seed 11)")


def test_a_sheet_is_blank_where_its_key_answers_and_its_latex_compiles(lecture_sheets: Path, pdflatex: str,
                                                                         tmp_path: Path) -> None:
    sheet = (lecture_sheets / "lecture-05.md").read_text(encoding="utf-8")
    key = tomllib.loads((lecture_sheets / "lecture-05.key.toml").read_text(encoding="utf-8"))["iteration"]["1"]
    assert "______" in sheet and f"{key['z1'][0]:.3f}" not in sheet
    tex = tmp_path / "lecture-05.tex"  # compiled elsewhere: the sheets' folder holds only what sheet wrote
    tex.write_text((lecture_sheets / "lecture-05.tex").read_text(encoding="utf-8"), encoding="utf-8")
    compile_latex(pdflatex, tex)


@pytest.mark.parametrize("name", ["xor", "sgd", "softmax", "solar"])
def test_other_scenarios_give_sheets_whose_keys_the_engine_agrees_with(capsys, tmp_path: Path, name: str) -> None:
    code, _, _ = run_cli(capsys, "sheet", name, "--students", "3", "--seed", "2", "-o", str(tmp_path), "--blanks",
                         "backward,update")
    assert code == 0
    for k in (1, 2, 3):
        cells = check_key_against_engine(tmp_path / f"{name}-{k}.toml", tmp_path / f"{name}-{k}.key.toml")
        main(["grade", str(tmp_path / f"{name}-{k}.toml"), str(tmp_path / f"{name}-{k}.key.toml"),
              "--key", str(tmp_path / f"{name}-{k}.key.toml"), "--format", "json"])
        assert json.loads(capsys.readouterr().out)["score"] == {"right": cells, "wrong": 0, "missing": 0}
    original = load(name)
    student = load(tmp_path / f"{name}-1.toml")
    for mine, theirs in zip(student.layers, original.layers):
        assert np.array_equal(np.sign(mine.weights), np.sign(theirs.weights))
    if np.all((original.y == 0) | (original.y == 1)):
        assert np.array_equal(student.y, original.y)


def test_the_same_seed_gives_the_same_sheets_and_a_student_keeps_them_in_a_smaller_class(capsys, tmp_path) -> None:
    for folder, count in (("a", "4"), ("b", "2")):
        assert run_cli(capsys, "sheet", "lecture", "--students", count, "--seed", "3", "-o", str(tmp_path / folder))[0] == 0
    a = load(tmp_path / "a" / "lecture-2.toml")
    b = load(tmp_path / "b" / "lecture-2.toml")
    assert np.array_equal(a.layers[0].weights, b.layers[0].weights) and np.array_equal(a.x, b.x)


def test_sheets_are_never_written_over_unasked(capsys, tmp_path: Path) -> None:
    assert run_cli(capsys, "sheet", "lecture", "--students", "2", "--seed", "1", "-o", str(tmp_path))[0] == 0
    key = tmp_path / "lecture-2.key.toml"
    key.write_text("corrected by hand", encoding="utf-8")
    code, _, err = run_cli(capsys, "sheet", "lecture", "--students", "2", "--seed", "9", "-o", str(tmp_path))
    assert code == 2 and "exists: pass --force to replace the sheets" in err
    assert key.read_text(encoding="utf-8") == "corrected by hand"
    assert run_cli(capsys, "sheet", "lecture", "--students", "2", "--seed", "9", "-o", str(tmp_path), "--force")[0] == 0
    assert "[iteration.1]" in key.read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "message"), [
    (["--students", "0"], "argument --students: expected at least 1, got 0"),
    (["--blanks", "fwd"], "--blanks fwd: neither a phase"),
    (["--phases", "loss", "--blanks", "z1"], "--blanks z1: no chosen step writes it"),
    (["--to", "4"], "--to 4: lecture.toml walks 3 iterations; a sheet covers at most those"),
])
def test_bad_values_are_one_message_and_exit_2(capsys, tmp_path: Path, args, message) -> None:
    argv = ["sheet", "lecture", "--seed", "1", "-o", str(tmp_path / "out"), *args]
    if "--students" not in args:
        argv += ["--students", "2"]
    try:
        code = main(argv)
    except SystemExit as exit:
        code = exit.code
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_scenario_whose_loss_does_not_fall_has_no_story_to_keep(capsys, tmp_path: Path) -> None:
    diverging = tmp_path / "diverging.toml"
    diverging.write_text(
        'title = "Diverging"\n[network]\ninputs = 2\nloss = "squared_error"\n'
        '[[layer]]\nunits = 2\nactivation = "identity"\nweights = [[0.5, -0.3], [0.2, 0.8]]\n'
        '[[layer]]\nunits = 1\nactivation = "identity"\nweights = [[0.7], [0.4]]\n'
        '[data]\ninputs = [[1.0, 2.0], [2.0, 1.0]]\ntargets = [[1.0], [0.0]]\n'
        '[training]\nlearning_rate = 5.0\niterations = 4\n', encoding="utf-8")
    losses = [it.loss for it in run(load(diverging), 4)]
    assert not losses[-1] < losses[0]
    code, _, err = run_cli(capsys, "sheet", str(diverging), "--students", "2", "--seed", "1", "-o", str(tmp_path / "o"))
    assert code == 2 and "diverging.toml: its loss does not fall over its iterations" in err
    assert not (tmp_path / "o").exists()
