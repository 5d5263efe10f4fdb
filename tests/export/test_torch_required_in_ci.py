"""The PyTorch cross-checks skip where torch is missing, except in CI, where they fail.

Runs pytest on them in a subprocess with a stand-in `torch` package whose import fails, once
without CI (they skip) and once with CI=true (they fail: CI installs torch, so a missing torch
there is a broken CI, not a reason to skip).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from export_support import REPO

TORCH_TESTS = [
    "tests/cnn/test_cnn_torch.py",
    "tests/export/test_export_pytorch_dense.py::test_the_script_runs_as_a_file_and_prints_each_iteration_s_loss",
    "tests/export/test_export_pytorch_cnn.py::test_the_script_s_own_bad_input_is_one_message_and_exit_2",
    "tests/export/test_export_pytorch_conv.py::test_the_script_runs_as_a_file_and_prints_each_iteration_s_loss",
    "tests/export/test_export_pytorch_conv.py::test_the_script_s_gradients_are_the_stepper_s_backward_pass[conv]",
]


def _pytest_without_torch(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    hidden = tmp_path / "no-torch"
    (hidden / "torch").mkdir(parents=True)
    (hidden / "torch" / "__init__.py").write_text('raise ImportError("torch is hidden by this test")\n')
    env = {key: value for key, value in os.environ.items() if key not in ("CI", "PYTHONPATH")}
    env["PYTHONPATH"] = str(hidden)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", *TORCH_TESTS],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=300,
    )


def test_without_torch_they_skip_locally(tmp_path) -> None:
    result = _pytest_without_torch(tmp_path, ci=None)
    assert result.returncode == 0, result.stdout
    assert f"{len(TORCH_TESTS)} skipped" in result.stdout
    assert "PyTorch is not installed" in result.stdout


@pytest.mark.parametrize("ci", ["true", "1"])
def test_without_torch_they_fail_in_ci(tmp_path, ci) -> None:
    result = _pytest_without_torch(tmp_path, ci=ci)
    assert result.returncode == 1, result.stdout
    assert f"{len(TORCH_TESTS)} error" in result.stdout
    assert "CI is set but PyTorch cannot be imported (torch is hidden by this test)" in result.stdout
