"""`trace --format markdown|latex` as a user runs it: ranges, phases, chains, blanks with their
key (never overwriting unasked), and one clear message with exit 2 for every bad value."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from backprop_tui.cli.main import main
from backprop_tui.render.handout import DETAILED


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exit:  # argparse's own refusals
        code = int(exit.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_markdown_and_latex_go_to_stdout_by_default(capsys) -> None:
    code, out, _ = run_cli(capsys, "trace", "lecture", "--format", "markdown", "--iterations", "1")
    assert code == 0 and out.startswith("# Lecture") and "z¹ = θ¹ᵀ·x" in out
    code, out, _ = run_cli(capsys, "trace", "lecture", "--format", "latex", "--to", "2")
    assert code == 0 and out.startswith("\\documentclass") and out.rstrip().endswith("\\end{document}")
    assert "\\section*{Iteration 2}" in out and "\\section*{Iteration 3}" not in out


def test_from_to_phases_and_chain_choose_the_content(capsys) -> None:
    code, out, _ = run_cli(capsys, "trace", "lecture", "--format", "markdown", "--from", "2", "--to", "3",
                           "--phases", "backward,update", "--chain", "theta1[1,1]", "theta2[3,1]")
    assert code == 0
    assert "## Iteration 1\n" not in out and "## Iteration 2\n" in out and "## Iteration 3\n" in out
    assert "weighted sums" not in out and "Error (" not in out and "update θ²" in out
    assert out.count("#### Chain rule for theta1[1,1]") == 2 and out.count("#### Chain rule for theta2[3,1]") == 2


def test_from_and_to_slice_the_json_trace_too(capsys) -> None:
    code, out, _ = run_cli(capsys, "trace", "lecture", "--format", "json", "--from", "2", "--to", "3")
    assert code == 0
    doc = json.loads(out)
    assert [it["iteration"] for it in doc["iterations"]] == [2, 3] and {s["iteration"] for s in doc["steps"]} == {2, 3}


def test_the_help_says_how_many_iterations_are_written_in_full(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["trace", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert ["one", "two", "three"][DETAILED - 1] in out.rsplit("--full", 1)[1].split("--key")[0]


@pytest.mark.parametrize(("args", "message"), [
    (["--phases", "fwd"], "--phases fwd: not a phase; the phases are forward, loss, backward, update"),
    (["--phases", ","], "--phases ',': name one or more phases"),
    (["--from", "3", "--to", "2"], "--from 3 --to 2: the first iteration is after the last"),
    (["--from", "5"], "--from 5: the walk has 3 iterations"),
    (["--to", "9", "--iterations", "3"], "--to 9: the walk has 3 iterations (--iterations 3)"),
    (["--from", "0"], "argument --from: expected at least 1, got 0"),
    (["--to", "x"], "argument --to: expected a whole number, got 'x'"),
    (["--chain", "z1[1]"], "--chain z1[1]: the chain rule is drawn for one weight, theta1[1,1], or one bias, b1[1]"),
    (["--chain", "theta1[3,1]"], "--chain theta1[3,1]: 'theta1[3,1]': theta1 is 2×3; the cell is outside it"),
    (["--chain", "theta3[1,1]"], "--chain theta3[1,1]: the network has layers 1 to 2"),
    (["--chain", "theta1"], "--chain theta1: name one cell, e.g. theta1[1,1]"),
    (["--chain", "theta1[1]"], "--chain theta1[1]: a weight is named by row and column, e.g. theta1[1,1]"),
    (["--chain", "b1[1]"], "--chain b1[1]: layer 1 has no bias"),
    (["--chain", "nonsense["], "--chain nonsense[: 'nonsense[' is not the name of a quantity"),
    (["--blanks", "backward"], "--blanks writes two files, the sheet and its answer key: give -o DIR or -o FILE.md"),
    (["--blanks", "z1_T", "-o", "x.md"], "--blanks z1_T: a transpose is not a result of its own; blank z1"),
    (["--blanks", "foo", "-o", "x.md"], "--blanks foo: neither a phase (forward, loss, backward, update, all) nor a result"),
    (["--blanks", "z3", "-o", "x.md"], "--blanks z3: no chosen step writes it; the results of the chosen steps are E, a1"),
    (["--key", "k.key.toml", "-o", "x.md"], "--key: an answer key belongs to a sheet with blanks; add --blanks"),
])
def test_a_bad_value_is_one_message_and_exit_2(capsys, tmp_path, monkeypatch, args, message) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "trace", "lecture", "--format", "markdown", *args)
    assert code == 2 and message in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # nothing written


@pytest.mark.parametrize("flag", [["--phases", "loss"], ["--chain", "theta1[1,1]"], ["--blanks"], ["--full"]])
def test_handout_options_are_refused_with_text_and_json(capsys, flag) -> None:
    for form in ("text", "json"):
        code, _, err = run_cli(capsys, "trace", "lecture", "--format", form, *flag)
        assert code == 2 and f"{flag[0]}: applies to handouts; add --format markdown or --format latex" in err


def test_blanks_write_the_sheet_and_its_key_and_never_overwrite_unasked(capsys, tmp_path) -> None:
    folder = tmp_path / "sheets"
    code, _, err = run_cli(capsys, "trace", "lecture", "--format", "latex", "--iterations", "1",
                           "--blanks", "forward,delta2", "-o", f"{folder}/")
    assert code == 0
    sheet, key = folder / "lecture-sheet.tex", folder / "lecture-sheet.key.toml"
    assert f"wrote {sheet}" in err and f"wrote {key}" in err
    answers = tomllib.loads(key.read_text(encoding="utf-8"))["iteration"]["1"]
    assert set(answers) == {"z1", "a1", "z2", "yhat", "delta2"}
    assert "\\boxed" in sheet.read_text(encoding="utf-8")

    key.write_text("my edited key", encoding="utf-8")
    before = sheet.read_text(encoding="utf-8")
    code, _, err = run_cli(capsys, "trace", "lecture", "--format", "latex", "--iterations", "1",
                           "--blanks", "backward", "-o", str(folder))
    assert code == 2 and f"{sheet} exists: pass --force to replace it" in err
    assert key.read_text(encoding="utf-8") == "my edited key" and sheet.read_text(encoding="utf-8") == before
    code, _, _ = run_cli(capsys, "trace", "lecture", "--format", "latex", "--iterations", "1",
                         "--blanks", "backward", "-o", str(folder), "--force")
    assert code == 0 and "delta1" in key.read_text(encoding="utf-8")


def test_the_key_goes_beside_a_named_sheet_or_where_key_says(capsys, tmp_path) -> None:
    sheet = tmp_path / "week3.md"
    code, _, _ = run_cli(capsys, "trace", "lecture", "--format", "markdown", "--to", "1", "--blanks", "-o", str(sheet))
    assert code == 0 and (tmp_path / "week3.key.toml").is_file()
    key = tmp_path / "keys" / "w3.key.toml"
    key.parent.mkdir()
    code, _, _ = run_cli(capsys, "trace", "lecture", "--format", "markdown", "--to", "1", "--blanks", "update",
                         "-o", str(tmp_path / "other.md"), "--key", str(key))
    assert code == 0 and list(tomllib.loads(key.read_text())["iteration"]["1"]) == ["theta1_new", "theta2_new"]
    code, _, err = run_cli(capsys, "trace", "lecture", "--format", "markdown", "--to", "1", "--blanks",
                           "-o", str(tmp_path / "same.md"), "--key", str(tmp_path / "same.md"), "--force")
    assert code == 2 and "the answer key cannot be the sheet itself" in err


def test_a_sheet_never_writes_over_its_scenario(capsys, tmp_path) -> None:
    scenario = tmp_path / "mine.toml"
    scenario.write_text((Path(__file__).parents[2] / "scenarios" / "lecture.toml").read_text(encoding="utf-8"))
    before = scenario.read_text(encoding="utf-8")
    code, _, err = run_cli(capsys, "trace", str(scenario), "--format", "markdown", "--blanks", "-o",
                           str(tmp_path / "x.md"), "--key", str(scenario), "--force")
    assert code == 2 and "is the scenario being shown" in err and scenario.read_text(encoding="utf-8") == before


@pytest.mark.parametrize(("name", "blanks"), [("lecture", "all"), ("xor", "backward,update"), ("softmax", "loss,delta2"),
                                              ("solar", "update")])
def test_grade_marks_a_trace_sheet_s_key_right_in_every_cell(capsys, tmp_path, name, blanks) -> None:
    sheet = tmp_path / f"{name}.md"
    code, _, _ = run_cli(capsys, "trace", name, "--format", "markdown", "--to", "2", "--blanks", blanks, "-o", str(sheet))
    assert code == 0
    key = tmp_path / f"{name}.key.toml"
    answers = tomllib.loads(key.read_text(encoding="utf-8"))["iteration"]
    assert set(answers) == {"1", "2"}
    code, out, _ = run_cli(capsys, "grade", name, str(key), "--key", str(key), "--format", "json")
    score = json.loads(out)["score"]
    assert code == 0 and score["wrong"] == 0 and score["missing"] == 0 and score["right"] > 0


def test_a_convolutional_scenario_s_handout_is_the_board_s_in_markdown_and_latex(capsys) -> None:
    code, out, err = run_cli(capsys, "trace", "conv", "--format", "latex", "--iterations", "1")
    assert code == 0 and out.startswith("\\documentclass") and out.rstrip().endswith("\\end{document}")
    assert "\\mathrm{im2col}\\left(" in out and "not written yet" not in err
    code, out, _ = run_cli(capsys, "trace", "conv", "--format", "markdown", "--iterations", "1")
    assert code == 0 and "P¹ = im2col(x)" in out and "z¹ (map 2) = fold(z¹[2, :])" in out
    assert "| 1 | 2 |" not in out  # no table per matrix any more


def test_from_to_phases_and_chain_choose_a_convolutional_handout_s_content(capsys) -> None:
    code, out, _ = run_cli(capsys, "trace", "conv", "--format", "markdown", "--iterations", "3", "--from", "2",
                           "--to", "3", "--phases", "forward,backward", "--chain", "theta1[2,1]")
    assert code == 0
    assert [line for line in out.splitlines() if line.startswith("## ")] == ["## Iteration 2", "## Iteration 3"]
    assert "(forward, layer 1)" in out and "(backward, layer 1)" in out
    assert "(loss)" not in out and "(update, layer" not in out
    assert out.count("#### Chain rule for theta1[2,1]") == 2


@pytest.mark.parametrize(("args", "message"), [
    (["--chain", "theta2[1,1]"], "--chain theta2[1,1]: layer 2 (maxpool) has no weights or bias"),
    (["--chain", "theta1[10,1]"], "--chain theta1[10,1]: 'theta1[10,1]': theta1 is 9×2; the cell is outside it"),
    (["--blanks", "update", "-o", "sheet.md"],
     "conv.toml: a sheet with blanks of a convolutional scenario is not written yet; write the handout without --blanks"),
])
def test_a_convolutional_handout_s_bad_value_is_one_message_and_exit_2(capsys, tmp_path, monkeypatch, args,
                                                                       message) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, "trace", "conv", "--format", "markdown", "--iterations", "1", *args)
    assert code == 2 and message in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # nothing written
