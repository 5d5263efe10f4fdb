"""The CNN core's messages in Korean (issue 16): a broken data file, a broken checkpoint, a bad
scenario key, a diverged run and the data search, each through the CLI as a learner meets them.
In Korean the message still names the file and the offending key or byte, keeps its numbers as
they are and exits as before; in English it is unchanged, byte for byte."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from backprop_tui import i18n
from backprop_tui.cli.main import main
from backprop_tui.core.cnn import download
from backprop_tui.core.cnn.data import CLASS_NAMES
from backprop_tui.core.conv.checkpoint import checkpoint_scenario
from backprop_tui.core.errors import UserError

from test_cnn_cli import SMALL_TOML, isolated, small_scenario  # noqa: F401  (fixtures)
from test_cnn_download import mirrors  # noqa: F401  (fixture: two local mirrors)

ROOT = Path(__file__).resolve().parents[2]
HANGUL = range(0xAC00, 0xD7A4)


def hangul(text: str) -> bool:
    return any(ord(c) in HANGUL for c in text)


def run(capsys, *args: str) -> tuple[int, str]:
    """`backprop-tui ARGS` in this process: (exit code, stderr)."""
    code = main(list(args))
    return code, capsys.readouterr().err


@pytest.fixture
def trained(isolated: Path, synthetic_dir: Path, small_scenario: Path) -> Path:  # noqa: F811
    checkpoint = isolated / "c.npz"
    assert main(["train", str(small_scenario), "--epochs", "1", "--data-dir", str(synthetic_dir), "--no-verify",
                 "--checkpoint", str(checkpoint)]) == 0
    return checkpoint


# -- a bad scenario key ------------------------------------------------------------------------------

BAD_KEYS = [
    # (change to the small scenario, key path named, English message, Korean words of it)
    ("size = 2", "size = 5", "model.layer[3].size", "pool size 5 does not divide the input 28x28",
     "풀 크기 5(으)로는 입력 28x28이(가) 나누어떨어지지 않음"),
    ("padding = 1", "padding = 3", "model.layer[1].padding", "padding 3 must be smaller than the kernel 3",
     "패딩 3은(는) 커널 3보다 작아야 함"),
    ("units = 10", "units = 7", "model.layer[5]",
     "the last layer must be a dense layer with 10 units (one per class), got dense with 7 units",
     "마지막 레이어는 노드 10개(클래스마다 하나)의 dense 레이어여야 함 (받은 값: 노드 7개의 dense)"),
]


@pytest.mark.parametrize("old, new, key, english, korean", BAD_KEYS, ids=[k[2] for k in BAD_KEYS])
def test_a_bad_scenario_key_is_named_in_a_korean_sentence(isolated: Path, synthetic_dir: Path,  # noqa: F811
                                                          small_scenario: Path, capsys, old: str,  # noqa: F811
                                                          new: str, key: str, english: str, korean: str) -> None:
    assert SMALL_TOML.count(old) == 1
    small_scenario.write_text(SMALL_TOML.replace(old, new))
    common = ["train", str(small_scenario), "--data-dir", str(synthetic_dir), "--no-verify"]
    code, err = run(capsys, "--lang", "ko", *common)
    assert code == 2 and "Traceback" not in err
    assert f"small.toml: {key}: {korean}" in err
    assert english not in err
    code, err = run(capsys, "--lang", "en", *common)
    assert code == 2 and f"small.toml: {key}: {english}\n" in err and not hangul(err)


def test_a_checkpoint_s_stored_scenario_is_named_as_such_in_korean(trained: Path, capsys) -> None:
    """A damaged scenario inside a checkpoint: the file, "(stored scenario)" in Korean, the key."""
    damaged = trained.with_name("d.npz")
    with zipfile.ZipFile(trained) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "scenario_json.npy":
                import io

                import numpy as np

                text = str(np.load(io.BytesIO(data))[()]).replace('"size": 2', '"size": 5')
                buffer = io.BytesIO()
                np.save(buffer, np.array(text))
                data = buffer.getvalue()
            target.writestr(info, data)
    code, err = run(capsys, "--lang", "ko", "evaluate", str(damaged), "--no-verify")
    assert code == 2
    assert f"{damaged} (저장된 시나리오): model.layer[3].size: 풀 크기 5(으)로는 입력 28x28이(가)" in err


# -- a broken data file ------------------------------------------------------------------------------

def test_a_truncated_data_file_is_named_in_korean(trained: Path, synthetic_dir: Path, capsys) -> None:
    broken = synthetic_dir / "train-labels-idx1-ubyte.gz"
    broken.write_bytes(broken.read_bytes()[:100])
    code, err = run(capsys, "--lang", "ko", "evaluate", str(trained), "--data-dir", str(synthetic_dir), "--no-verify")
    assert code == 2 and "Traceback" not in err
    assert f"{broken}: gzip 데이터가 손상되었거나 잘림 (" in err
    assert "파일을 지우고 다시 받으세요 (`backprop-tui data download`)" in err
    code, err = run(capsys, "--lang", "en", "evaluate", str(trained), "--data-dir", str(synthetic_dir), "--no-verify")
    assert code == 2 and f"{broken}: the gzip data is damaged or truncated (" in err
    assert "); delete the file and fetch it again (`backprop-tui data download`)\n" in err


def test_a_data_file_that_is_not_idx_names_its_bytes_in_korean(trained: Path, synthetic_dir: Path, capsys) -> None:
    broken = synthetic_dir / "t10k-images-idx3-ubyte.gz"
    broken.unlink()
    plain = synthetic_dir / "t10k-images-idx3-ubyte"
    plain.write_bytes(b"\x01\x02\x08\x03" + bytes(100))
    code, err = run(capsys, "--lang", "ko", "evaluate", str(trained), "--data-dir", str(synthetic_dir), "--no-verify")
    assert code == 2
    assert (f"{plain}: IDX 파일이 아님 (매직 넘버 0x01020803; 0x0000 다음에 08 같은 형식 바이트와 차원 수가 "
            "와야 함)") in err
    code, err = run(capsys, "--lang", "en", "evaluate", str(trained), "--data-dir", str(synthetic_dir), "--no-verify")
    assert code == 2 and (f"{plain}: not an IDX file (magic number 0x01020803; expected 0x0000 followed by a type "
                          "byte such as 08 and the number of dimensions)\n") in err


def test_a_file_that_is_not_fashion_mnist_says_so_in_korean(trained: Path, synthetic_dir: Path, capsys) -> None:
    code, err = run(capsys, "--lang", "ko", "evaluate", str(trained), "--data-dir", str(synthetic_dir))
    assert code == 2
    assert f"{synthetic_dir / 'train-images-idx3-ubyte.gz'}: 내용의 MD5가 " in err  # the first file checked
    assert "파일이 손상되었거나 Fashion-MNIST가 아닙니다" in err and "--no-verify" in err


def test_a_missing_data_folder_is_named_in_korean(trained: Path, isolated: Path, capsys) -> None:  # noqa: F811
    missing = isolated / "nowhere"
    code, err = run(capsys, "--lang", "ko", "evaluate", str(trained), "--data-dir", str(missing))
    assert code == 2
    assert f"--data-dir {missing}: 그런 폴더가 없음; Fashion-MNIST의 네 파일 train-images-idx3-ubyte, " in err
    code, err = run(capsys, "--lang", "en", "evaluate", str(trained), "--data-dir", str(missing))
    assert f"--data-dir {missing}: no such folder; it must hold the four Fashion-MNIST files " in err


def test_data_not_found_lists_every_place_and_way_in_korean(trained: Path, isolated: Path, capsys) -> None:  # noqa: F811
    code, err = run(capsys, "--lang", "ko", "evaluate", str(trained))
    assert code == 2
    assert "Fashion-MNIST를 찾지 못했습니다. 찾아본 곳 (이 순서로):" in err
    assert f"  1. {isolated / 'cache' / 'backprop-tui' / 'fashion-mnist'}  (backprop-tui 캐시: 그런 폴더가 없음)" in err
    assert "다음 중 한 가지 방법으로 받으세요:" in err
    # the commands stay as they are, and stay aligned: their notes start in one column
    apt = next(line for line in err.splitlines() if "apt-get install" in line)
    fetch = next(line for line in err.splitlines() if "data download" in line)
    assert apt.index("(Debian/Ubuntu;") == fetch.index("(위의 캐시 폴더에 받음)")
    assert "그 폴더를 --data-dir이나 $FASHION_MNIST_DIR로 알려 주세요." in err


def test_data_lists_the_places_in_korean(isolated: Path, synthetic_dir: Path, monkeypatch, capsys) -> None:  # noqa: F811
    monkeypatch.setenv("FASHION_MNIST_DIR", str(synthetic_dir.parent))
    main(["--lang", "ko", "data"])
    out = capsys.readouterr().out
    assert "(backprop-tui 캐시: 그런 폴더가 없음)" in out and "(Keras 캐시: 그런 폴더가 없음)" in out
    assert "($FASHION_MNIST_DIR: Fashion-MNIST 파일 없음)" in out


# -- a broken checkpoint -----------------------------------------------------------------------------

def _rewritten(checkpoint: Path, entry: str, change) -> Path:
    damaged = checkpoint.with_name("damaged.npz")
    with zipfile.ZipFile(checkpoint) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, change(data) if info.filename == entry else data)
    return damaged


def test_a_truncated_checkpoint_entry_is_named_in_korean(trained: Path, capsys) -> None:
    damaged = _rewritten(trained, "param/1.weight.npy", lambda data: data[:-8])
    code, err = run(capsys, "--lang", "ko", "evaluate", str(damaged))
    assert code == 2 and "Traceback" not in err
    assert (f"{damaged}: 손상된 체크포인트: 항목 param/1.weight: 헤더는 모양이 4x1x3x3인 float32 값(144바이트)"
            "이라고 하지만, 항목에는 136바이트가 있음") in err
    code, err = run(capsys, "--lang", "en", "evaluate", str(damaged))
    assert code == 2 and err == (f"error: {damaged}: damaged checkpoint: entry param/1.weight: its header describes "
                                 "float32 values of shape 4x1x3x3 (144 bytes), but the entry holds 136 bytes\n")


def test_a_checkpoint_with_a_wrong_training_state_names_the_key_in_korean(trained: Path, capsys) -> None:
    import io

    import numpy as np

    def negative_epoch(data: bytes) -> bytes:
        text = str(np.load(io.BytesIO(data))[()]).replace('"epoch": 1', '"epoch": -1')
        buffer = io.BytesIO()
        np.save(buffer, np.array(text))
        return buffer.getvalue()

    damaged = _rewritten(trained, "state_json.npy", negative_epoch)
    code, err = run(capsys, "--lang", "ko", "evaluate", str(damaged))
    assert code == 2
    assert f'{damaged}: 손상된 체크포인트: 저장된 학습 상태: "epoch"은(는) 0 이상이어야 함 (받은 값: -1)' in err
    code, err = run(capsys, "--lang", "en", "evaluate", str(damaged))
    assert f'{damaged}: damaged checkpoint: the stored training state: "epoch" should be at least 0, got -1\n' in err


@pytest.mark.parametrize("content, korean, english", [
    (b"hello", ".npz 체크포인트가 아님 (zip 압축 파일이 아님; train은 --checkpoint PATH로 .npz 체크포인트를 씀)",
     "not a .npz checkpoint (not a zip archive; train writes .npz checkpoints with --checkpoint PATH)"),
    (b"\x93NUMPY\x01\x00", ".npz 체크포인트가 아님 (NumPy .npy 배열 하나임",
     "not a .npz checkpoint (it is a single NumPy .npy array;"),
], ids=["text", "npy"])
def test_a_file_that_is_no_checkpoint_is_named_in_korean(isolated: Path, capsys, content: bytes,  # noqa: F811
                                                         korean: str, english: str) -> None:
    path = isolated / "x.npz"
    path.write_bytes(content)
    code, err = run(capsys, "--lang", "ko", "evaluate", str(path))
    assert code == 2 and f"{path}: {korean}" in err
    code, err = run(capsys, "--lang", "en", "evaluate", str(path))
    assert code == 2 and f"{path}: {english}" in err and not hangul(err)


def test_no_checkpoint_at_all_in_korean(isolated: Path, capsys) -> None:  # noqa: F811
    code, err = run(capsys, "--lang", "ko", "evaluate", str(isolated / "none.npz"))
    assert code == 2
    assert f"{isolated / 'none.npz'}: 그런 체크포인트 파일이 없음 (train이 --checkpoint PATH로 씀)" in err


# -- a diverged run, the checkpoint in the stepper, the download -------------------------------------

def test_a_diverged_run_says_so_in_korean_and_exits_1(trained: Path, synthetic_dir: Path, monkeypatch,
                                                      capsys) -> None:
    from backprop_tui.core.cnn import layers

    real = layers.softmax_cross_entropy

    def exploding(logits, labels):
        loss, grad, probs = real(logits, labels)
        return float("nan"), grad, probs

    monkeypatch.setattr("backprop_tui.core.cnn.train.softmax_cross_entropy", exploding)
    code, err = run(capsys, "--lang", "ko", "train", "--resume", "--epochs", "2", "--checkpoint", str(trained),
                    "--data-dir", str(synthetic_dir), "--no-verify")
    assert code == 1
    assert "학습이 발산했습니다: 에포크 2의 배치 1에서 손실이 NaN이 되었습니다 (학습률 0.02)" in err


def test_the_checkpoint_in_the_stepper_is_titled_in_korean(trained: Path, synthetic_dir: Path, capsys) -> None:
    from backprop_tui.render.describe import scenario_description, scenario_title

    english = checkpoint_scenario(trained, 3)  # the test images of the folder the run trained on
    label = CLASS_NAMES[english.labels[0]]
    assert scenario_title(english) == f"c.npz: test image 3 ({label})"
    i18n.set_language("ko")
    korean = checkpoint_scenario(trained, 3)   # its title is said where it is drawn, in the language of then
    assert scenario_title(korean) == f"c.npz: 테스트 이미지 3 ({label})"  # the data set's class name, as predict shows it
    description = scenario_description(korean)
    assert description.startswith("배치 모드로 학습한 신경망(에포크 1/1)의 테스트 이미지 3(레이블 ")
    assert "학습률 0.02" in description and "c.npz은(는) 읽기만 하며" in description
    i18n.set_language("en")
    code, err = run(capsys, "--lang", "ko", str(trained), "--image", "500")  # refused before the app starts
    assert code == 2 and "--image 500: 테스트 세트의 이미지는 0부터 199까지임" in err


def test_data_download_reports_each_file_in_korean(tmp_path: Path, mirrors, monkeypatch, capsys) -> None:  # noqa: F811
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first, _second = mirrors
    first.break_after["train-labels-idx1-ubyte.gz"] = 10  # the first attempt breaks off, the second resumes
    assert main(["--lang", "ko", "data", "download"]) == 0
    out = capsys.readouterr().out
    cache = tmp_path / "cache" / "backprop-tui" / "fashion-mnist"
    assert f"{cache / 'train-images-idx3-ubyte.gz'}: 내려받음, 체크섬 정상" in out
    assert f"{cache / 'train-labels-idx1-ubyte.gz'}: 내려받음 (이어 받기), 체크섬 정상" in out
    assert "; 다시 시도합니다" in out
    assert main(["--lang", "ko", "data", "download"]) == 0
    assert f"{cache / 't10k-labels-idx1-ubyte.gz'}: 이미 있음, 체크섬 정상" in capsys.readouterr().out


def test_an_unreachable_mirror_is_reported_in_korean(tmp_path: Path) -> None:
    i18n.set_language("ko")
    lines: list[str] = []
    with pytest.raises(UserError) as caught:
        download.download_all(tmp_path / "offline", ("http://127.0.0.1:9/",), retries=2, log=lines.append,
                              timeout=2, backoff=0)
    assert lines[0].startswith("http://127.0.0.1:9/train-images-idx3-ubyte.gz: 연결할 수 없음 (")
    assert lines[0].endswith("; 다시 시도합니다")
    message = str(caught.value)
    assert message.startswith(f"Fashion-MNIST를 {tmp_path / 'offline'}에 내려받지 못했습니다:\n")
    assert ": 연결할 수 없음 (" in message and "(2번 시도)" in message
    assert "연결되는 미러가 없어 시도하지 않음: train-labels-idx1-ubyte.gz, t10k-images" in message
    assert message.endswith("받다 만 파일은 .part 파일로 남겨 두며, 다음에 이어서 받습니다.")


# -- an output that cannot hold Korean ---------------------------------------------------------------

def test_korean_asked_on_an_ascii_stream_gives_the_english_error_not_a_crash(trained: Path) -> None:
    """As the rest of the CLI does: an ASCII output cannot show Hangul, so the message is English."""
    damaged = _rewritten(trained, "param/1.weight.npy", lambda data: data[:-8])
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "PYTHONPATH": str(ROOT), "BACKPROP_TUI_LANG": "ko"}
    result = subprocess.run([sys.executable, "-m", "backprop_tui", "--lang", "ko", "evaluate", str(damaged)],
                            capture_output=True, env=env, cwd=damaged.parent, timeout=120)
    assert result.returncode == 2
    err = result.stderr.decode("ascii")
    assert "Traceback" not in err
    assert f"{damaged}: damaged checkpoint: entry param/1.weight: its header describes" in err


def test_a_core_error_is_drawn_in_the_language_of_the_moment_it_is_shown(isolated: Path) -> None:  # noqa: F811
    """The app keeps an error on its error screen while K switches the language: the error's text
    follows (it carries a Message, made in English before the language was known)."""
    from backprop_tui.core.cnn.checkpoint import load_checkpoint

    with pytest.raises(UserError) as caught:
        load_checkpoint(isolated / "none.npz")
    error = caught.value
    assert str(error) == f"{isolated / 'none.npz'}: no such checkpoint file (train writes one with --checkpoint PATH)"
    i18n.set_language("ko")
    assert str(error) == f"{isolated / 'none.npz'}: 그런 체크포인트 파일이 없음 (train이 --checkpoint PATH로 씀)"
    i18n.set_language("en")
    assert str(error).endswith(": no such checkpoint file (train writes one with --checkpoint PATH)")


def test_a_conv_scenario_without_its_data_names_the_key_in_korean(isolated: Path, monkeypatch,  # noqa: F811
                                                                 capsys) -> None:
    missing = isolated / "nowhere"
    monkeypatch.setenv("FASHION_MNIST_DIR", str(missing))
    code, err = run(capsys, "--lang", "ko", "trace", "fashion_conv")
    assert code == 2
    assert f"fashion_conv.toml: data.fashion_mnist: $FASHION_MNIST_DIR {missing}: 그런 폴더가 없음; " in err
    code, err = run(capsys, "--lang", "en", "trace", "fashion_conv")
    assert code == 2 and f"fashion_conv.toml: data.fashion_mnist: $FASHION_MNIST_DIR {missing}: no such folder; " in err


def test_a_data_folder_with_several_problems_lists_each_in_korean(trained: Path, synthetic_dir: Path,
                                                                  capsys) -> None:
    (synthetic_dir / "t10k-labels-idx1-ubyte.gz").unlink()
    odd = synthetic_dir / "train-images-idx3-ubyte.gz"
    odd.unlink()
    odd.mkdir()
    args = ["evaluate", str(trained), "--data-dir", str(synthetic_dir), "--no-verify"]
    code, err = run(capsys, "--lang", "ko", *args)
    assert code == 2
    assert (f"--data-dir {synthetic_dir}: t10k-labels-idx1-ubyte이(가) 없음 (각각 .gz 또는 압축하지 않은 파일); "
            "train-images-idx3-ubyte.gz은(는) 일반 파일이 아님\n") in err
    code, err = run(capsys, "--lang", "en", *args)
    assert (f"--data-dir {synthetic_dir}: missing t10k-labels-idx1-ubyte (each .gz or plain); "
            "train-images-idx3-ubyte.gz is not a regular file\n") in err


def test_a_torchvision_root_one_level_too_high_is_pointed_down_in_korean(trained: Path, synthetic_dir: Path,
                                                                         capsys) -> None:
    root = synthetic_dir.parent / "torch-root"
    (root / "FashionMNIST").mkdir(parents=True)
    synthetic_dir.rename(root / "FashionMNIST" / "raw")
    named = root / "FashionMNIST"
    code, err = run(capsys, "--lang", "ko", "evaluate", str(trained), "--data-dir", str(named), "--no-verify")
    assert code == 2
    assert f". 파일은 {named / 'raw'}에 있음: 그 폴더(--data-dir {named / 'raw'})나 torchvision 루트 {root}을(를) 알려 주세요" in err
