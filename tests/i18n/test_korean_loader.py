"""The scenario loader's messages in Korean beyond the dense checks: the TOML hint for an inline
table split over lines, a file without a title; file, line and column as they are, exit 2."""

from __future__ import annotations

from backprop_tui import i18n
from backprop_tui.cli.main import main
from backprop_tui.core.scenario.load import loads
from backprop_tui.render.describe import scenario_title

SPLIT_INLINE_TABLE = 'title = "x"\n[data]\nfashion_mnist = { split = "test",\n  indices = [1] }\n'


def test_the_inline_table_hint_in_korean_names_file_line_and_column(tmp_path, capsys) -> None:
    path = tmp_path / "inline.toml"
    path.write_text(SPLIT_INLINE_TABLE, encoding="utf-8")
    assert main(["validate", str(path), "--lang", "ko"]) == 2
    assert capsys.readouterr().err == (
        "inline.toml: 3행 34열: 올바른 TOML이 아님: Invalid initial character for a key part; TOML 1.0에서 인라인 "
        "테이블 { ... }은(는) 한 줄에 들어가야 함: 연 줄에서 닫거나, [section] 테이블로 쓰세요\n")
    assert main(["validate", str(path), "--lang", "en"]) == 2
    assert capsys.readouterr().err == (
        "inline.toml: line 3, column 34: not valid TOML: Invalid initial character for a key part; an inline table "
        "{ ... } must fit on one line in TOML 1.0: close it on the line where it opens, or write it as a [section] "
        "table\n")


def test_a_scenario_without_a_title_is_untitled_in_the_interface_language() -> None:
    text = ('[network]\ninputs = 1\n[[layer]]\nunits = 1\nactivation = "sigmoid"\nweights = [[0.5]]\n'
            '[data]\ninputs = [[1.0]]\ntargets = [[1.0]]\n')
    scenario = loads(text)
    assert scenario_title(scenario) == "Untitled scenario" == scenario.title
    i18n.set_language("ko")
    assert scenario_title(scenario) == "제목 없는 시나리오"
    assert scenario_title(loads('title = "Mine"\n' + text)) == "Mine"          # a file's own title is its data


def test_a_cell_that_names_nothing_is_explained_in_korean_and_exits_2(capsys) -> None:
    """vocab's reasons (what a quantity name or cell may be) in the interface language."""
    assert main(["explain", "lecture", "z1[2,2]", "--lang", "ko"]) == 2
    assert capsys.readouterr().err == ("오류: lecture.toml: CELL 'z1[2,2]': 'z1[2,2]': z1은(는) 3×1임; "
                                       "그 칸은 바깥에 있음 (번호는 1부터 셈)\n")
    assert main(["explain", "lecture", "z1[0]", "--lang", "ko"]) == 2
    assert "'z1[0]': 칸은 화면의 표처럼 1부터 셈" in capsys.readouterr().err
    assert main(["explain", "lecture", "zz1", "--lang", "ko"]) == 2
    assert "'zz1'은(는) 양의 이름이 아닙니다. 이름은 theta1, b1, x," in capsys.readouterr().err
    assert main(["explain", "lecture", "z1[2,2]", "--lang", "en"]) == 2
    assert capsys.readouterr().err == ("error: lecture.toml: CELL 'z1[2,2]': 'z1[2,2]': z1 is 3×1; the cell is "
                                       "outside it (indices count from 1)\n")


def test_a_write_refused_in_korean_names_the_path(tmp_path, capsys) -> None:
    assert main(["trace", "lecture", "--iterations", "1", "-o", str(tmp_path), "--lang", "ko"]) == 2
    assert capsys.readouterr().err == f"오류: {tmp_path}: 디렉터리임; 파일을(를) 쓸 파일 이름을 주세요\n"
    missing = tmp_path / "no" / "out.txt"
    assert main(["trace", "lecture", "--iterations", "1", "-o", str(missing), "--lang", "ko"]) == 2
    assert capsys.readouterr().err.startswith(f"오류: {missing}: 그곳에 파일을(를) 쓸 수 없음: ")
    assert main(["trace", "lecture", "--iterations", "1", "-o", str(tmp_path), "--lang", "en"]) == 2
    assert capsys.readouterr().err == f"error: {tmp_path}: is a directory; give a file name for the file\n"


def test_the_input_plane_s_refusals_in_korean_exit_2(capsys) -> None:
    assert main(["plane", "lecture", "--inputs", "1,1", "--lang", "ko"]) == 2
    assert capsys.readouterr().err == "오류: lecture.toml: --inputs 1,1: 평면에는 서로 다른 입력 둘이 필요함 (받은 값: 입력 1을(를) 두 번)\n"
    assert main(["plane", "lecture", "--inputs", "1,5", "--lang", "ko"]) == 2
    assert capsys.readouterr().err == "오류: lecture.toml: --inputs 1,5: 입력 5은(는) 없음: 이 신경망의 입력은 1에서 2까지\n"
    assert main(["plane", "lecture", "--inputs", "1,5", "--lang", "en"]) == 2
    assert capsys.readouterr().err == ("error: lecture.toml: --inputs 1,5: input 5 does not exist: the network has "
                                       "inputs 1 to 2\n")


def test_a_scenario_that_does_not_learn_has_no_student_numbers_said_in_korean() -> None:
    import pytest

    from backprop_tui.core.dense.student import students
    from backprop_tui.core.errors import UserError
    from backprop_tui.core.scenario.load import apply_variant, load
    from backprop_tui.core.scenario.bundled import resolve

    diverging = apply_variant(load(resolve("learning-rate")), "too-large")
    i18n.set_language("ko")
    with pytest.raises(UserError) as raised:
        students(diverging, 2, 0)
    assert str(raised.value) == ("learning-rate.toml: 반복하는 동안 손실이 줄지 않아, 학생별 수가 지켜야 할 흐름이 없음; "
                                 "학습이 되는 시나리오를 고르세요")


def test_a_bad_quiz_table_in_korean_names_file_and_key(tmp_path, capsys) -> None:
    from pathlib import Path

    lecture = (Path(__file__).resolve().parents[2] / "scenarios" / "lecture.toml").read_text(encoding="utf-8")
    path = tmp_path / "quiz.toml"
    lecture = lecture.replace('ask = ["forward", "loss", "backward", "update"]', 'ask = ["forwrd", "loss", "loss"]')
    path.write_text(lecture.replace('cells = "all"', "cells = 0"), encoding="utf-8")
    assert main(["validate", str(path), "--lang", "ko"]) == 2
    korean = capsys.readouterr().err.splitlines()
    assert ('quiz.toml: quiz.ask[1]: forward, loss, backward, update 중 하나여야 함 (받은 값: 문자열 "forwrd") '
            '("forward"을(를) 뜻했나요?)') in korean
    assert 'quiz.toml: quiz.ask[3]: "loss"은(는) 배열 앞쪽에서 이미 물음' in korean
    assert 'quiz.toml: quiz.cells: "all"이나 1 이상의 정수 (행렬마다 묻는 칸 수)여야 함 (받은 값: 0)' in korean
    assert main(["validate", str(path), "--lang", "en"]) == 2
    assert 'quiz.toml: quiz.ask[3]: "loss" is already asked earlier in the array' in capsys.readouterr().err


def test_an_edit_that_cannot_be_undone_says_why_in_korean(tmp_path) -> None:
    import pytest

    from backprop_tui.core.scenario.edit import edit_file, undo_edit
    from backprop_tui.core.scenario.errors import ScenarioError
    from pathlib import Path

    path = tmp_path / "lecture.toml"
    path.write_text((Path(__file__).resolve().parents[2] / "scenarios" / "lecture.toml").read_text(encoding="utf-8"),
                    encoding="utf-8")
    edit = edit_file(path, ("training", "learning_rate"), 0.25)
    edit_file(path, ("training", "learning_rate"), 0.75)        # typed again since
    i18n.set_language("ko")
    with pytest.raises(ScenarioError) as raised:
        undo_edit(edit)
    assert str(raised.value) == ("lecture.toml: training.learning_rate: 지금은 0.75임 (편집이 쓴 값은 0.25); "
                                 "되돌리지 않았으므로 그 변경은 그대로 남음")


def test_the_landscape_s_refusals_in_korean_exit_2(capsys) -> None:
    assert main(["landscape", "lecture", "--plane", "b1[1],theta1[1,1]", "--lang", "ko"]) == 2
    assert capsys.readouterr().err == "오류: 'b1[1]': 레이어 1에는 편향이 없음\n"
    assert main(["landscape", "lecture", "--plane", "theta1[1,1],theta1[1,1]", "--lang", "ko"]) == 2
    assert capsys.readouterr().err == "오류: 평면에는 서로 다른 가중치 둘이 필요함 (받은 값: theta1[1,1]을(를) 두 번)\n"
    assert main(["landscape", "lecture", "--plane", "theta9[1,1],theta1[1,1]", "--lang", "en"]) == 2
    assert capsys.readouterr().err == "error: 'theta9[1,1]': the network has layers 1 to 2\n"


def test_an_answer_sheet_s_problems_in_korean_name_the_file_and_key_and_exit_2(tmp_path, capsys) -> None:
    sheet = tmp_path / "a.toml"
    sheet.write_text('[iteration.1]\nz1 = [1]\nyhat = true\n"z1[4]" = 1.0\n[iteration.9]\n', encoding="utf-8")
    assert main(["grade", "lecture", str(sheet), "--lang", "ko"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "오류: a.toml: iteration.1.z1: 수 3개의 목록 (z1은(는) 3x1)이어야 함 (받은 값: 길이 1인 목록)",
        "a.toml: iteration.1.yhat: 수여야 함 (받은 값: true)",
        "a.toml: iteration.1.\"z1[4]\": z1 (3x1) 안의 칸이어야 함 (받은 값: 'z1[4]': 'z1[4]': z1은(는) 3×1임; 그 칸은 "
        "바깥에 있음 (번호는 1부터 셈))",
        "a.toml: iteration.9: 1에서 3까지의 반복 번호여야 함 (받은 값: '9')",
    ]
    assert main(["grade", "lecture", str(sheet), "--lang", "en"]) == 2
    assert capsys.readouterr().err.splitlines()[0] == ("error: a.toml: iteration.1.z1: expected a list of 3 numbers "
                                                       "(z1 is 3x1), found a list of 1")
