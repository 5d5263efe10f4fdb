"""Batch mode in Korean (issue 16): train, evaluate, predict and data print Korean sentences with
the same numbers as in English; their errors name the file and the flag and exit 2; --help is
Korean; the training screen is Korean and holds its layout at 80x24 and 120x36."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from rich.cells import cell_len

from backprop_tui import i18n
from backprop_tui.cli.main import main
from backprop_tui.core.cnn.checkpoint import load_checkpoint
from backprop_tui.core.cnn.config import load_cnn_scenario
from backprop_tui.tui.screens.training import TrainingScreen
from backprop_tui.tui.training_app import ScreenApp

from test_cnn_cli import SMALL_TOML, isolated, small_scenario  # noqa: F401  (fixtures)
from test_watch_screen import fill_with_a_recorded_run, recorded_app
from watch_support import screen_text, wait_for, watch_job

ROOT = Path(__file__).resolve().parents[2]
HANGUL = re.compile("[\uac00-\ud7a3]")
SMALL, LARGE = (80, 24), (120, 36)


def data_flags(synthetic_dir: Path) -> list[str]:
    return ["--data-dir", str(synthetic_dir), "--no-verify"]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def heading_numbers(text: str) -> list[str]:
    """The numbers of the report's first line: epochs, accuracy, correct/total."""
    return re.findall(r"\d+(?:\.\d+)?%?", text.splitlines()[0] if text else "")


def test_train_in_korean_says_the_run_and_reports_the_same_numbers_as_in_english(
        isolated: Path, synthetic_dir: Path, small_scenario: Path, capsys) -> None:  # noqa: F811
    common = [str(small_scenario), "--epochs", "1", *data_flags(synthetic_dir)]
    code, english, _ = run(capsys, "train", *common, "--checkpoint", str(isolated / "en.npz"))
    assert code == 0
    code, korean, err = run(capsys, "--lang", "ko", "train", *common, "--checkpoint", str(isolated / "ko.npz"))
    assert code == 0, err
    assert f"small: 학습용 600장, 테스트용 200장 ({synthetic_dir}); 체크포인트 {isolated / 'ko.npz'}" in korean
    report = korean[korean.index("small, 에포크 1개 후: 테스트 정확도 "):]
    for words in ("클래스별 테스트 정확도", "혼동 행렬 (행: 실제 클래스, 열: 예측 레이블)", "레이블", "정확도",
                  "실제 \\ 예측", "Ankle boot"):  # the data set's class names stay as Fashion-MNIST names them
        assert words in report, words
    english_report = english[english.index("small after 1 epoch: test accuracy "):]
    assert heading_numbers(report) == heading_numbers(english_report)      # 1, the accuracy, correct/total
    assert re.findall(r"\d+\.\d%", report) == re.findall(r"\d+\.\d%", english_report)  # every class's accuracy
    assert "training images" not in korean and "Confusion matrix" not in korean


def test_evaluate_predict_and_data_in_korean(isolated: Path, synthetic_dir: Path, small_scenario: Path,  # noqa: F811
                                             capsys) -> None:
    ckpt = isolated / "run.npz"
    assert main(["train", str(small_scenario), "--epochs", "1", *data_flags(synthetic_dir), "--checkpoint",
                 str(ckpt)]) == 0
    english = capsys.readouterr().out
    loss = load_checkpoint(ckpt).state.history[-1]["test_loss"]

    code, out, _ = run(capsys, "evaluate", str(ckpt), *data_flags(synthetic_dir), "--lang", "ko")
    assert code == 0
    heading = " ".join(out.split("\n클래스별")[0].split())       # a long path makes rich wrap the heading
    assert heading.startswith(f"{ckpt} (에포크 1/1): 테스트 정확도 ")
    assert f"테스트 손실 {loss:.4f}" in out and "클래스별 테스트 정확도" in out
    assert heading_numbers(heading)[-3:] == heading_numbers(english[english.index("small after"):])[-3:]

    code, out, _ = run(capsys, "predict", str(ckpt), "--index", "3", *data_flags(synthetic_dir), "--lang", "ko")
    assert code == 0
    assert re.search(r"테스트 이미지 3: 실제 클래스 \d \S.*; 예측 \d .* \((맞음|틀림)\)", out), out
    assert "예측 확률" in out and "확률" in out and "(정답)" in out and "Predicted" not in out
    assert len(re.findall(r"\d+\.\d\d%", out)) == 10                     # ten probabilities, as in English

    code, out, _ = run(capsys, "data", "--data-dir", str(synthetic_dir), "--lang", "ko")
    assert code == 1  # synthetic files fail the MD5 check: used only with --no-verify
    assert out.startswith("Fashion-MNIST은(는) 다음 곳에서 이 순서로 찾습니다:\n  1. ")
    assert "   <- --no-verify일 때만 사용" in out and "쓸 수 없음: " in out


def test_train_s_errors_in_korean_name_the_file_and_flag_and_exit_2(
        isolated: Path, synthetic_dir: Path, small_scenario: Path, capsys) -> None:  # noqa: F811
    ckpt = isolated / "run.npz"
    common = [str(small_scenario), "--epochs", "1", *data_flags(synthetic_dir), "--checkpoint", str(ckpt)]
    assert main(["train", *common]) == 0
    capsys.readouterr()

    code, _, err = run(capsys, "--lang", "ko", "train", *common)
    assert code == 2 and "Traceback" not in err
    assert (f"--checkpoint {ckpt}: {ckpt}이(가) 이미 있습니다 ('small'의 체크포인트, 에포크 1개 중 1개 끝남). "
            "--resume으로 이어 가거나, --fresh로 새로 시작하거나") in err

    code, _, err = run(capsys, "--lang", "ko", "train", *common, "--resume", "--lr", "0.5")
    assert code == 2
    assert f"--resume은(는) {ckpt}에 저장된 학습을 저장된 설정 그대로 이어 가는데" in err
    assert "--lr 0.5 (저장된 값: 0.02)" in err

    code, _, err = run(capsys, "predict", str(ckpt), "--index", "200", *data_flags(synthetic_dir), "--lang", "ko")
    assert code == 2 and "--index 200: 테스트 세트의 이미지는 0에서 199까지임" in err

    folder = isolated / "a-folder"
    folder.mkdir()
    code, _, err = run(capsys, "--lang", "ko", "train", *common[:-1], str(folder))
    assert code == 2 and f"--checkpoint {folder}: 폴더임; 체크포인트의 파일 이름을 주세요" in err


def test_train_help_is_korean(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["train", "--help", "--lang", "ko"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "CNN 시나리오를 Fashion-MNIST로 학습하고, 에포크마다 테스트 세트로 평가합니다." in out
    assert "training.learning_rate 값을 바꿉니다 (0보다 크고" in out and "(기본값: fashion_cnn.npz)" in out
    assert "override training" not in out


def test_korean_train_into_an_ascii_pipe_writes_english_and_says_why(isolated: Path, synthetic_dir: Path,  # noqa: F811
                                                                     small_scenario: Path) -> None:  # noqa: F811
    environ = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", i18n.ENV_VAR)}
    environ.update(PYTHONIOENCODING="ascii", PYTHONPATH=str(ROOT), BACKPROP_TUI_LANG="ko", HOME=str(isolated))
    result = subprocess.run([sys.executable, "-m", "backprop_tui", "train", str(small_scenario), "--epochs", "1",
                             *data_flags(synthetic_dir), "--checkpoint", str(isolated / "a.npz")],
                            cwd=ROOT, env=environ, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "cannot show 'ko' text; writing English" in result.stderr      # as every command does (cli.main)
    assert "small after 1 epoch: test accuracy" in result.stdout and not HANGUL.search(result.stdout)


def test_the_bundled_cnn_scenario_has_a_korean_title_and_a_checkpoint_keeps_it(
        isolated: Path, synthetic_dir: Path, small_scenario: Path, capsys) -> None:  # noqa: F811
    scenario = load_cnn_scenario("fashion_cnn")
    assert scenario.titles == {"ko": "Fashion-MNIST 합성곱 신경망"} and "합성곱 블록" in scenario.descriptions["ko"]
    # a run started from a file without title_ko resumes with that file given again, title_ko added
    ckpt = isolated / "run.npz"
    assert main(["train", str(small_scenario), "--epochs", "1", *data_flags(synthetic_dir), "--checkpoint",
                 str(ckpt)]) == 0
    titled = isolated / "titled.toml"
    titled.write_text(SMALL_TOML.replace('title = "small"', 'title = "small"\ntitle_ko = "작은 신경망"'))
    capsys.readouterr()
    code, out, err = run(capsys, "--lang", "ko", "train", str(titled), "--epochs", "2", "--resume",
                         *data_flags(synthetic_dir), "--checkpoint", str(ckpt))
    assert code == 0, err
    assert out.startswith("small: 학습용 600장")          # the stored run's own title (it has no title_ko)
    assert load_cnn_scenario(str(titled)).titles == {"ko": "작은 신경망"}


def test_a_checkpoint_stores_the_korean_title_with_its_scenario(isolated: Path, synthetic_dir: Path,  # noqa: F811
                                                                capsys) -> None:
    titled = isolated / "titled.toml"
    titled.write_text(SMALL_TOML.replace('title = "small"', 'title = "small"\ntitle_ko = "작은 신경망"'))
    ckpt = isolated / "run.npz"
    code, out, err = run(capsys, "--lang", "ko", "train", str(titled), "--epochs", "1", *data_flags(synthetic_dir),
                         "--checkpoint", str(ckpt))
    assert code == 0, err
    assert out.startswith("작은 신경망: 학습용 600장") and "작은 신경망, 에포크 1개 후: 테스트 정확도" in out
    assert load_checkpoint(ckpt).scenario.titles == {"ko": "작은 신경망"}
    code, out, _ = run(capsys, "train", str(titled), "--epochs", "1", *data_flags(synthetic_dir), "--checkpoint",
                       str(isolated / "en.npz"))
    assert code == 0 and out.startswith("small: 600 training images")


# -- the training screen ----------------------------------------------------------------------------


async def test_the_training_screen_trains_in_korean(isolated: Path, synthetic_dir: Path,  # noqa: F811
                                                     small_scenario: Path) -> None:  # noqa: F811
    i18n.set_language("ko")  # as --lang ko leaves it before the screen opens
    job = watch_job(str(small_scenario), "--epochs", "1", *data_flags(synthetic_dir), "--checkpoint",
                    str(isolated / "run.npz"))
    app = ScreenApp(TrainingScreen(job))
    async with app.run_test(size=LARGE) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: screen.ended is not None)
        assert job.finished and screen.ended.startswith("에포크 1개 완료: 테스트 정확도 ")
        text = screen_text(app)
        for words in ("small: 학습용 600장, 테스트용 200장", "배치별 학습 손실", "에포크별 테스트 손실과 정확도",
                      "학습률", "에포크 1 후 테스트 세트: 200개 중 ", "실제 \\ 예측", "첫 합성곱: 필터 4개 3x3",
                      "에포크 1개 모두 학습함", "(q: 나가기)", "q 멈춤 / 종료", "n 다음 틀린 예"):
            assert words in text, words
        accuracy = job.session.last_test.accuracy
        assert f"테스트 정확도 {accuracy:.1%}" in text and f"테스트 정확도 {accuracy:.2%}" in screen.ended
        assert "training loss" not in text and "Stop / quit" not in text and "\ue000" not in text  # wide_plot.WIDE_MARK
        await pilot.press("q")


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x36"])
async def test_the_korean_training_screen_cuts_nothing(size: tuple[int, int]) -> None:
    """Each chart's title, legend and axis label whole (or, where plotext has no room for one,
    left out as in English), and the progress line's parts whole, with the test accuracy."""
    i18n.set_language("ko")
    app = recorded_app()
    async with app.run_test(size=size) as pilot:
        await fill_with_a_recorded_run(pilot)
        lines = screen_text(app).splitlines()
        assert all(cell_len(line) <= size[0] for line in lines)
        progress = lines[1]
        assert "에포크 4/4  배치 7/19" in progress and progress.rstrip().endswith("테스트 정확도 85.5%")
        charts = "\n".join(lines[2:14])
        assert charts.count("에포크\n") + charts.count("에포크 ") >= 3          # every x axis labelled
        for title in ("배치별 학습 손실", "에포크별 테스트 손실과 정확도", "학습률"):
            shown = [line for line in lines[2:4] if title[:3] in line]
            assert not shown or title in shown[0], (title, shown)           # whole, never cut
        if size == LARGE:
            assert "배치별 학습 손실" in charts and "•• 에포크 평균" in charts and "•• 정확도 %" in charts
            assert "남은 시간 0:02 (전체 0:02)" in progress and "초당 299장" in progress
        assert "  정확" in screen_text(app)  # the heat map's accuracy column, not cut to 정확…


def test_wide_characters_are_measured_for_plotext_and_marks_removed() -> None:
    from rich.text import Text

    from backprop_tui.render.wide_plot import WIDE_MARK, for_plotext, without_marks

    assert for_plotext("epoch") == "epoch"
    marked = for_plotext("에포크 평균")
    assert len(marked) == cell_len("에포크 평균") and marked.replace(WIDE_MARK, "") == "에포크 평균"
    picture = Text.assemble(("│ ", "red"), (marked, "bold"), ("   │", "red"))
    plain = without_marks(picture)
    assert plain.plain == "│ 에포크 평균   │" and plain.spans[1].style == "bold"


def test_the_progress_line_leaves_out_whole_parts_that_do_not_fit() -> None:
    from backprop_tui.tui.screens.training import progress_line

    parts = [("bar", 0), ("에포크 4/4", 0), ("배치 7/19", 1), ("초당 299장", 4), ("남은 시간 0:02", 3),
             ("테스트 정확도 85.5%", 2)]
    assert progress_line(parts, 0) == "  ".join(text for text, _ in parts)
    assert progress_line(parts, 50) == "bar  에포크 4/4  배치 7/19  테스트 정확도 85.5%"
    assert progress_line(parts, 10) == "bar  에포크 4/4"


class TestKoreanTrainingSnapshots:
    """The training screen in Korean (a recorded run), looked at as PNGs before they were kept."""

    def test_training_80x24(self, snap_compare) -> None:
        i18n.set_language("ko")
        assert snap_compare(recorded_app(), terminal_size=SMALL, run_before=fill_with_a_recorded_run)

    def test_training_120x36(self, snap_compare) -> None:
        i18n.set_language("ko")
        assert snap_compare(recorded_app(), terminal_size=LARGE, run_before=fill_with_a_recorded_run)


def test_a_cnn_scenario_opened_in_korean_trains_in_korean(isolated: Path, small_scenario: Path,  # noqa: F811
                                                          capsys) -> None:
    """`backprop-tui SCENARIO --lang ko` for a CNN scenario runs `train --watch` in Korean too
    (without a terminal, batch mode; here no data is reachable, so it stops at that)."""
    code, _, err = run(capsys, "--lang", "ko", str(small_scenario))
    assert code == 2
    assert err.startswith("참고: --watch에는 터미널이 필요합니다; 대신 배치 모드의 진행 줄을 쓰며 학습합니다\n")


async def test_the_english_progress_line_at_80_columns_keeps_the_test_accuracy() -> None:
    app = recorded_app()
    async with app.run_test(size=SMALL) as pilot:
        await fill_with_a_recorded_run(pilot)
        progress = screen_text(app).splitlines()[1].rstrip()
        assert progress.endswith("epoch 4/4  batch 7/19  test acc 85.5%"), progress


def test_a_diverging_run_says_so_in_korean_names_the_checkpoint_and_exits_1(
        isolated: Path, synthetic_dir: Path, small_scenario: Path, capsys) -> None:  # noqa: F811
    import warnings

    ckpt = isolated / "c.npz"
    common = [*data_flags(synthetic_dir), "--checkpoint", str(ckpt)]
    assert main(["train", str(small_scenario), "--epochs", "1", *common]) == 0
    good = ckpt.read_bytes()
    capsys.readouterr()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code, _, err = run(capsys, "--lang", "ko", "train", str(small_scenario), "--lr", "10", "--fresh", *common)
    assert code == 1
    # the first sentence is the core's (how it diverged); then what was kept and what to do, in Korean
    assert err.rstrip().endswith(f". 체크포인트 {ckpt}은(는) 마지막으로 쓴 그대로 남아 있습니다. 학습률을 낮추고"
                                 "(--lr, 또는 시나리오의 training.learning_rate) 다시 학습하세요."), err
    assert ckpt.read_bytes() == good


async def test_the_training_screen_says_a_diverged_run_in_korean(isolated: Path, synthetic_dir: Path,  # noqa: F811
                                                                 small_scenario: Path) -> None:  # noqa: F811
    import warnings

    i18n.set_language("ko")
    job = watch_job(str(small_scenario), "--epochs", "1", "--lr", "10", *data_flags(synthetic_dir), "--checkpoint",
                    str(isolated / "run.npz"))
    app = ScreenApp(TrainingScreen(job))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        async with app.run_test(size=LARGE) as pilot:
            screen = app.screen
            await wait_for(pilot, lambda: screen.ended is not None)
            assert screen.ended.startswith("오류: ") and f"{isolated / 'run.npz'}에는 아무것도 쓰지 않았습니다" in screen.ended
            assert "학습률을 낮추고" in " ".join(screen_text(app).split())  # the advice, however it wraps
            await pilot.press("q")
