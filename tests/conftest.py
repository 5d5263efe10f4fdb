"""Fixtures for the whole suite: PyTorch, optional locally and required in CI."""

from __future__ import annotations

import os
from types import ModuleType

import pytest


def in_ci() -> bool:
    """True where the environment variable CI is set (CI=true in .ci/run), unless set to a "no"."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def torch() -> ModuleType:
    """PyTorch, for the cross-checks against it. It is never a dependency of the product: without
    it these tests skip locally, but in CI (which installs it) they fail, so they always run there."""
    try:
        import torch as module
    except ImportError as error:
        if in_ci():
            pytest.fail(f"CI is set but PyTorch cannot be imported ({error}); .ci/run installs torch==2.13.0")
        pytest.skip("PyTorch is not installed (python -m pip install torch)")
    return module


@pytest.fixture(scope="session")
def pdflatex() -> str:
    """The pdflatex command, for the tests that compile the LaTeX handouts. Without it they skip
    locally, but in CI (.ci/run installs texlive-latex-base) they fail, so they always run there."""
    import shutil

    path = shutil.which("pdflatex")
    if path is None:
        if in_ci():
            pytest.fail("CI is set but pdflatex is not on PATH; .ci/run installs texlive-latex-base")
        pytest.skip("pdflatex is not installed (apt-get install texlive-latex-base)")
    return path


@pytest.fixture(autouse=True)
def english_interface(monkeypatch: pytest.MonkeyPatch):
    """Every test starts in English, whatever the machine's locale says (LANG=ko_KR.UTF-8 would
    make the CLI Korean), and leaves English behind: the interface language is per process.
    Tests of the language choice set or delete these variables themselves."""
    from backprop_tui import i18n

    monkeypatch.setenv(i18n.ENV_VAR, "en")
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture(autouse=True)
def _signal_handlers_left_as_found():
    """A test that runs the CLI in this process must not leave Ctrl-C ignored (or handled by the
    CLI): every child process a later test starts would inherit it, and a test of Ctrl-C in a child
    would see the child run to its end. Put back and failed here, so the test that did it is named."""
    import signal

    watched = [signal.SIGINT, signal.SIGTERM, signal.SIGALRM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    before = {number: signal.getsignal(number) for number in watched}
    yield
    changed = [signal.Signals(number).name for number in watched if signal.getsignal(number) != before[number]]
    for number in watched:
        signal.signal(number, before[number])
    assert not changed, f"the test left these signals' handlers changed: {changed}"
