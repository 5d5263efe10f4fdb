"""The command line in Korean (issue 16): --help of the program and of every subcommand, argparse's
own words and errors, and the messages around each command's output; numbers, symbols, file names,
keys and flags stay as they are, errors still name the file and the key and exit 2, and
`--lang en` (or an output that cannot show Hangul) gives the English, unchanged."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from backprop_tui import i18n
from tests.support.cli_run import run_cli, strict

ROOT = Path(__file__).resolve().parents[2]
HANGUL = re.compile("[\uac00-\ud7a3]")

def text_width(text: str) -> int:
    """Terminal columns of `text`: two for a wide (Hangul) character, as a terminal draws it."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


MY_COMMANDS = ("open", "trace", "validate", "scenarios", "compare", "new", "export", "landscape", "explain",
               "quiz", "grade", "plane", "sheet")
"""The subcommands whose help this area writes (train, evaluate, predict and data are the CNN's)."""


def cli(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    """`backprop-tui ARGS` in a fresh process, with no language in its environment but `env`'s."""
    environ = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", i18n.ENV_VAR)}
    environ.update({"PYTHONIOENCODING": "utf-8", "COLUMNS": "80", **env, "PYTHONPATH": str(ROOT)})
    return subprocess.run([sys.executable, "-m", "backprop_tui", *args], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=120)


def test_a_korean_locale_makes_help_korean_and_lang_en_overrides_it() -> None:
    korean = cli(["--help"], LANG="ko_KR.UTF-8")
    assert korean.returncode == 0, korean.stderr
    lines = korean.stdout.splitlines()
    assert lines[0].startswith("사용법: backprop-tui [-h] [--lang {en,ko}] COMMAND ...")
    assert "역전파를 키 하나씩 단계별로 따라갑니다." in korean.stdout
    assert "위치 인수:" in lines and "옵션:" in lines
    assert "  -h, --help      이 도움말을 보여 주고 끝냅니다" in lines
    assert re.search(r"\n    trace +처음 몇 반복의 모든 단계를 출력\n", korean.stdout)
    assert re.search(r"\n    grade +답안지\(TOML\) 채점: 맞음, 틀림 \(실수를 짚어서\), 빈칸\n", korean.stdout)
    assert "usage:" not in korean.stdout and "show this help" not in korean.stdout

    english = cli(["--help", "--lang", "en"], LANG="ko_KR.UTF-8")
    assert english.returncode == 0
    assert english.stdout.startswith("usage: backprop-tui [-h]") and "\noptions:\n" in english.stdout
    assert not HANGUL.search(english.stdout)
    assert english.stdout == cli(["--help"]).stdout              # English is what it was without a locale


def in_process_help(capsys, language: str, command: str) -> str:
    """`backprop-tui --lang LANGUAGE COMMAND --help`, run in this process: what it prints."""
    from backprop_tui.cli.main import main

    with pytest.raises(SystemExit) as exited:
        main(["--lang", language, command, "--help"])
    assert exited.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", MY_COMMANDS)
def test_every_subcommand_s_help_is_korean_and_fits_80_columns(command: str, capsys, monkeypatch) -> None:
    """Each line at most 80 terminal cells (a Hangul syllable is two), the flags and metavars as they are."""
    monkeypatch.setenv("COLUMNS", "80")
    text, english_help = (in_process_help(capsys, language, command) for language in ("ko", "en"))
    assert text.startswith(f"사용법: backprop-tui {command} [-h]")
    assert "옵션:" in text.splitlines() and "이 도움말을 보여 주고 끝냅니다" in text
    flags = sorted(set(re.findall(r"--[a-z][a-z-]+", english_help)))
    assert flags == sorted(set(re.findall(r"--[a-z][a-z-]+", text)))  # every flag named, none translated
    # every help text of this area is Korean: no line of English words after the flags' column
    for line in text.splitlines():
        assert text_width(line) <= 80, line
        described = line[24:] if line.startswith("  ") else line
        assert not re.search(r"\b(the|and|of|with|per|default)\b [a-z]", described), line


def test_help_s_usage_lines_line_up_under_the_korean_prefix() -> None:
    text = cli(["trace", "--help", "--lang", "ko"]).stdout
    usage = text.split("\n\n", 1)[0].splitlines()
    start = text_width("사용법: backprop-tui trace ")
    assert len(usage) > 2 and all(line[:start].strip() == "" and line[start] == "[" or line[start:].strip() == "scenario"
                                  for line in usage[1:])


def test_argparse_s_errors_are_korean_name_the_flag_and_exit_2(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        run_cli(capsys, "--lang", "ko", "trace", "lecture", "--iterations", "0")
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert err.startswith("사용법: backprop-tui trace [-h]")
    assert err.endswith("backprop-tui trace: 오류: 인수 --iterations: 1 이상이어야 함 (받은 값: 0)\n")

    with pytest.raises(SystemExit) as exited:
        run_cli(capsys, "--lang", "ko", "trace", "lecture", "--format", "pdf")
    assert exited.value.code == 2
    assert ("오류: 인수 --format: 잘못된 선택: 'pdf' ('text', 'markdown', 'latex', 'json' 중에서 고르세요)"
            in capsys.readouterr().err)

    with pytest.raises(SystemExit) as exited:
        run_cli(capsys, "--lang", "ko", "sheet", "lecture")
    assert exited.value.code == 2
    assert "오류: 다음 인수가 필요합니다: --students, --seed, --output/-o" in capsys.readouterr().err

    with pytest.raises(SystemExit):
        run_cli(capsys, "--lang", "en", "trace", "lecture", "--iterations", "0")
    assert capsys.readouterr().err.endswith("error: argument --iterations: expected at least 1, got 0\n")


def test_an_argparse_message_is_translated_by_its_template_and_keeps_its_values() -> None:
    from backprop_tui.cli.args import argparse_message

    i18n.set_language("ko")
    assert argparse_message("argument --unit: invalid choice: 'q' (choose from 'a', 'b')") == \
        "인수 --unit: 잘못된 선택: 'q' ('a', 'b' 중에서 고르세요)"
    assert argparse_message("unrecognized arguments: --bogus x") == "알 수 없는 인수: --bogus x"
    assert argparse_message("argument --chain: expected at least one argument") == "인수 --chain: 값이 적어도 하나 필요합니다"
    assert argparse_message("something argparse never says") == "something argparse never says"
    i18n.set_language("en")
    assert argparse_message("unrecognized arguments: --bogus x") == "unrecognized arguments: --bogus x"


def test_explain_in_korean_prints_the_same_line_and_korean_errors_name_the_file_and_cell() -> None:
    korean = cli(["explain", "lecture", "z1[2]"], LANG="ko_KR.UTF-8")
    english = cli(["explain", "lecture", "z1[2]", "--lang", "en"], LANG="ko_KR.UTF-8")
    assert korean.returncode == english.returncode == 0
    assert korean.stdout == english.stdout == "z¹₂ = θ¹ᵀ₂₁·x₁ + θ¹ᵀ₂₂·x₂ = 1.1·1.0 + 0.7·0.5 = 1.45\n"

    wrong = cli(["explain", "lecture", "a2[1]"], LANG="ko_KR.UTF-8")
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    assert wrong.stderr.startswith("오류: lecture.toml: CELL 'a2[1]': a2을(를) 계산하는 단계가 없습니다 "
                                   "(출력 레이어의 활성화 값은 yhat입니다)")
    assert "lecture.toml의 단계가 계산하는 것: theta1_T, z1, a1," in wrong.stderr
    assert "칸은 1부터 셉니다: 열 벡터에서는 z1[2], 행렬에서는 theta1[2,3]처럼 씁니다" in wrong.stderr
    english = cli(["explain", "lecture", "a2[1]", "--lang", "en"], LANG="ko_KR.UTF-8")
    assert english.stderr.startswith("error: lecture.toml: CELL 'a2[1]': no step computes a2 (the output layer's "
                                     "activation is yhat): it is read, not computed")


def _lecture_answers(tmp_path: Path) -> Path:
    answers = tmp_path / "a.toml"
    answers.write_text("[iteration.1]\nz1 = [1.35, 1.45, 1.65]\nyhat = 0.619\ndelta2 = -0.381\n", encoding="utf-8")
    return answers


def test_grade_in_korean_heads_and_marks_the_sheet_in_korean_with_the_same_numbers(tmp_path) -> None:
    answers = _lecture_answers(tmp_path)
    korean = cli(["grade", "lecture", str(answers), "--key", str(answers)], LANG="ko_KR.UTF-8")
    english = cli(["grade", "lecture", str(answers), "--key", str(answers), "--lang", "en"], LANG="ko_KR.UTF-8")
    assert korean.returncode == english.returncode == 0, korean.stderr
    assert korean.stdout.splitlines()[0] == "a.toml (lecture.toml): 맞음 4, 틀림 1, 빈칸 0"
    assert english.stdout.splitlines()[0] == "a.toml on lecture.toml: 4 right, 1 wrong, 0 missing"
    assert "\n반복 1\n" in korean.stdout and "\niteration 1\n" in english.stdout
    # the verdict column is as wide as in English (a Korean word takes two columns a syllable)
    korean_rows = [line for line in korean.stdout.splitlines() if line.startswith("  z1[1]") or line.startswith("  delta2")]
    english_rows = [line for line in english.stdout.splitlines() if line.startswith("  z1[1]") or line.startswith("  delta2")]
    assert korean_rows == [row.replace("right  ", "맞음   ").replace("wrong  ", "틀림   ").replace("expected", "정답")
                           for row in english_rows]
    assert "  delta2  틀림        -0.381  정답 -0.0898" in korean.stdout
    assert re.findall(r"-?\d+\.\d+", korean.stdout) == re.findall(r"-?\d+\.\d+", english.stdout)

    bad = tmp_path / "bad.toml"
    bad.write_text("[iteration.1]\nzeta = 1.0\n", encoding="utf-8")
    refused = cli(["grade", "lecture", str(bad), "--relative", "2"], LANG="ko_KR.UTF-8")
    assert refused.returncode == 2
    assert "오류: 인수 --relative: 0에서 1 사이의 수여야 함 (받은 값: 2)" in refused.stderr


def test_grade_s_missing_cells_in_korean_fit_a_narrow_terminal() -> None:
    from backprop_tui.cli.grade import _Iterations, report_text
    from backprop_tui.core.dense.answers import computed_shapes, every_cell, grade, parse_answers
    from backprop_tui.core.scenario.load import load

    iterations = _Iterations(load("lecture"))
    sheet = parse_answers("[iteration.1]\ndelta2 = -0.381\n", "a.toml", lambda i: computed_shapes(iterations.steps(i)), 3)
    graded = grade(sheet, iterations.steps, every_cell(1, computed_shapes(iterations.steps(1))))
    i18n.set_language("ko")
    narrow = report_text(graded, "lecture.toml", "a.toml", width=60)
    assert all(text_width(line) <= 60 for line in narrow.splitlines()), narrow
    assert re.search(r"\n  a1 +빈칸  정답 0.7941, 0.81, 0.8389\n", narrow)
    assert re.search(r"\n  dE_dtheta1 +빈칸  정답 -0.0029, .*\.\.\. \(칸 6개\)\n", narrow)


def test_trace_s_notes_and_refusals_in_korean(capsys, tmp_path) -> None:
    code, out, err = run_cli(capsys, "--lang", "ko", "trace", "lecture", "--iterations", "1", "-o", str(tmp_path / "t.txt"))
    assert code == 0 and out == "" and err == f"{tmp_path / 't.txt'}을(를) 썼습니다\n"
    code, _, err = run_cli(capsys, "--lang", "ko", "trace", "lecture", "--variant", "fast")
    assert code == 2 and err == '오류: --variant fast: lecture.toml에는 변형 "fast"이(가) 없습니다. [[variant]] 테이블이 없습니다\n'
    code, _, err = run_cli(capsys, "--lang", "ko", "trace", "learning-rate", "--variant", "smal")
    assert code == 2 and err.startswith('오류: --variant smal: learning-rate.toml에는 변형 "smal"이(가) 없습니다')
    assert err.endswith('("too-small"을(를) 뜻했나요?). 있는 변형: too-small, right, too-large\n'), err
    code, _, err = run_cli(capsys, "--lang", "ko", "trace", "fashion_cnn")
    assert code == 2 and err == ("오류: fashion_cnn.toml: CNN 시나리오는 단계별로 따라가지 않고 학습합니다: "
                                 "`backprop-tui train fashion_cnn`을(를) 실행하세요\n")
    code, _, err = run_cli(capsys, "--lang", "ko", "trace", "lecture", "--blanks")
    assert code == 2 and err == "오류: --blanks: 유인물에만 씁니다. --format markdown 또는 --format latex을 더하세요\n"
    code, out, err = run_cli(capsys, "--lang", "ko", "validate", "lecture")
    assert code == 0 and out == "lecture: 이상 없음\n"


def test_the_long_trace_note_is_korean_with_its_numbers(capsys, tmp_path, monkeypatch) -> None:
    from backprop_tui.cli import dense

    monkeypatch.setattr(dense, "MAX_TRACE_ITERATIONS", 2)  # the lecture's 3 iterations are then "long"
    code, _, err = run_cli(capsys, "--lang", "ko", "trace", "lecture", "--format", "json", "-o", str(tmp_path / "t.json"))
    assert code == 0
    assert err.splitlines()[0] == ("참고: 시나리오의 반복 3번 중 처음 2번만 출력합니다 (--iterations N을 주세요. "
                                   "학습 전체는 `compare`가 보여 줍니다)")
    assert len(strict((tmp_path / "t.json").read_text(encoding="utf-8"))["iterations"]) == 2
    monkeypatch.setattr(dense, "MAX_TRACE_ITERATIONS", 2000)
    code, _, err = run_cli(capsys, "--lang", "en", "trace", "lecture", "--format", "json", "-o", str(tmp_path / "t.json"))
    assert code == 0 and err == f"wrote {tmp_path / 't.json'}\n"


def test_sheet_new_export_plane_and_landscape_speak_korean(capsys, tmp_path) -> None:
    code, _, err = run_cli(capsys, "--lang", "ko", "sheet", "lecture", "--students", "2", "--seed", "1", "-o", str(tmp_path / "s"))
    assert code == 0 and err == f"{tmp_path / 's'}에 문제지 2개를 썼습니다: lecture-1.toml/.md/.tex/.key.toml … lecture-2\n"
    code, _, err = run_cli(capsys, "--lang", "ko", "sheet", "lecture", "--students", "2", "--seed", "1", "-o", str(tmp_path / "s"))
    assert code == 2 and err == (f"오류: {tmp_path / 's' / 'lecture-1.toml'} (외 7개)이(가) 있습니다. "
                                 f"{tmp_path / 's'}의 문제지를 바꾸려면 --force를 주세요\n")

    code, _, err = run_cli(capsys, "--lang", "ko", "new", str(tmp_path / "n.toml"), "--layers", "2,3,3,2",
                           "--loss", "cross_entropy")
    assert code == 0 and err.splitlines() == [
        "참고: --loss cross_entropy에는 softmax 출력 레이어가 필요합니다: 출력 레이어는 softmax, 은닉 레이어는 sigmoid입니다 (--activation)",
        f"{tmp_path / 'n.toml'}을(를) 썼습니다: 2-3-3-2 신경망. `backprop-tui trace {tmp_path / 'n.toml'}` 또는 "
        f"`backprop-tui {tmp_path / 'n.toml'}`을(를) 실행해 보세요"]
    code, _, err = run_cli(capsys, "--lang", "ko", "new", str(tmp_path / "n.toml"))
    assert code == 2 and err == f"오류: {tmp_path / 'n.toml'}: 이미 있습니다. 덮어쓰려면 --force를 쓰세요\n"

    code, _, err = run_cli(capsys, "--lang", "ko", "export", "lecture", "--data-dir", str(tmp_path))
    assert code == 2 and err == ("오류: --data-dir은(는) CNN 시나리오에 씁니다. lecture.toml은(는) dense 시나리오입니다 "
                                 "(데이터가 파일 안에 있습니다)\n")

    code, _, err = run_cli(capsys, "--lang", "ko", "plane", "xor", "--unit", "3,1")
    assert code == 2 and err == ("오류: xor.toml: --unit 3,1: 신경망에 그런 노드가 없습니다 "
                                 "(레이어 1: 노드 1에서 2, 레이어 2: 노드 1에서 1)\n")

    code, out, err = run_cli(capsys, "--lang", "ko", "landscape", "learning-rate", "--iterations", "3",
                             "--resolution", "8", "--format", "json", "-o", str(tmp_path / "l.json"))
    assert code == 0 and err == f"{tmp_path / 'l.json'}을(를) 썼습니다\n"
    assert strict((tmp_path / "l.json").read_text(encoding="utf-8"))            # the file itself is data, not text


def test_a_student_s_file_has_its_own_korean_title_and_description_not_the_lecture_s(capsys, tmp_path) -> None:
    """The scenario's description_ko quotes the lecture's numbers (0.619, −0.381); a student's
    file has other numbers, so its Korean description is the sheet's, as its English one is."""
    from backprop_tui.core.scenario.load import load
    from backprop_tui.render.describe import scenario_description, scenario_title

    for language in ("en", "ko"):  # the file is the same whichever language wrote it
        code, _, _err = run_cli(capsys, "--lang", language, "sheet", "lecture", "--students", "2", "--seed", "1",
                                "-o", str(tmp_path / language))
        assert code == 0
    assert (tmp_path / "en" / "lecture-2.toml").read_text(encoding="utf-8") == \
        (tmp_path / "ko" / "lecture-2.toml").read_text(encoding="utf-8")
    student = load(tmp_path / "ko" / "lecture-2.toml")
    i18n.set_language("ko")
    assert scenario_title(student) == "강의: 2-3-1 신경망의 순전파와 역전파 (문제지 2/2, 시드 1)"
    assert scenario_description(student) == ("연습 문제지 2/2: lecture.toml의 신경망에 이 문제지만의 수를 넣었습니다 "
                                              "(뽑은 시드: 1).\n각 단계를 손으로 풀고 빈칸을 모두 채우세요.\n")
    i18n.set_language("en")
    assert scenario_title(student) == "Lecture: forward and back through a 2-3-1 network (sheet 2 of 2, seed 1)"
    import tomllib

    document = tomllib.loads((tmp_path / "ko" / "lecture-2.toml").read_text(encoding="utf-8"))
    assert "0.619" not in document["description_ko"] and "0.619" not in document["description"]


def test_quiz_and_compare_refusals_in_korean(capsys) -> None:
    code, _, err = run_cli(capsys, "--lang", "ko", "quiz", "lecture", "--variant", "fast")
    assert code == 2 and err == '오류: --variant fast: lecture.toml에는 변형 "fast"이(가) 없습니다. [[variant]] 테이블이 없습니다\n'
    code, _, err = run_cli(capsys, "--lang", "ko", "compare", "fashion_cnn")
    assert code == 2 and err == ("오류: fashion_cnn: CNN 시나리오입니다. compare는 단계별로 따라가는 (dense) 시나리오에 씁니다. "
                                 "이 시나리오는 `backprop-tui train`으로 학습하세요.\n")


def test_a_bad_lang_is_said_in_the_environment_s_language(capsys, monkeypatch) -> None:
    monkeypatch.setenv(i18n.ENV_VAR, "ko")
    code, _, err = run_cli(capsys, "trace", "lecture", "--lang", "xx")
    assert code == 2 and err == "오류: 인터페이스 언어 'xx'은(는) 없습니다. en, ko 중에서 고르세요\n"
    code, _, err = run_cli(capsys, "trace", "lecture", "--lang")
    assert code == 2 and err == "오류: --lang에는 언어가 필요합니다: en 또는 ko\n"
    monkeypatch.setenv(i18n.ENV_VAR, "en")
    code, _, err = run_cli(capsys, "trace", "lecture", "--lang")
    assert code == 2 and err == "error: --lang needs a language: en or ko\n"


def test_training_progress_lines_in_korean_keep_their_numbers() -> None:
    import io

    from backprop_tui.cli.progress import PlainProgress, epoch_line

    result = {"epoch": 2, "train_loss": 0.51234, "train_accuracy": 0.8123, "test_loss": 0.49876,
              "test_accuracy": 0.8234, "images_per_second": 10234.4, "train_seconds": 5.86}
    english = epoch_line(result, 3)
    i18n.set_language("ko")
    korean = epoch_line(result, 3)
    assert korean == ("에포크 2/3: 학습 손실 0.5123, 학습 정확도 81.23%, 테스트 손실 0.4988, 테스트 정확도 82.34%, "
                      "초당 이미지 10234장, 5.9초")
    assert re.findall(r"\d+(?:\.\d+)?%?", korean) == re.findall(r"\d+(?:\.\d+)?%?", english)
    stream = io.StringIO()
    PlainProgress(stream, 3).on_evaluate(0, 10000)
    assert stream.getvalue() == "  테스트 중: 테스트 이미지 0/10000장\n"


def test_korean_help_and_errors_to_an_ascii_output_are_english_with_the_note_and_never_crash() -> None:
    """As the Korean trace does (tests/i18n/test_language_choice.py): English, and a note saying why."""
    shown = cli(["--lang", "ko", "grade", "--help"], PYTHONIOENCODING="ascii")
    assert shown.returncode == 0
    assert shown.stderr == "note: this output's encoding (ascii) cannot show 'ko' text; writing English\n"
    assert shown.stdout.startswith("usage: backprop-tui grade") and "?" not in shown.stdout
    refused = cli(["trace", "lecture", "--iterations", "0"], PYTHONIOENCODING="ascii", LANG="ko_KR.UTF-8")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert refused.stderr.endswith("error: argument --iterations: expected at least 1, got 0\n")
