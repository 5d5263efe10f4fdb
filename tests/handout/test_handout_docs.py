"""docs/handouts holds what the commands write today, and the LaTeX handout compiles."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import pytest

from backprop_tui.cli.main import main

DOCS = Path(__file__).resolve().parents[2] / "docs" / "handouts"
COMMANDS = [line.strip() for line in (DOCS / "README.md").read_text(encoding="utf-8").splitlines()
            if line.strip().startswith("backprop-tui trace")]
"""The commands docs/handouts/README.md gives for regenerating its files."""


def test_the_readme_gives_a_command_for_each_file() -> None:
    written = {Path(shlex.split(c)[shlex.split(c).index("-o") + 1]).name for c in COMMANDS}
    assert written == {"lecture.md", "lecture.tex", "lecture-sheet.md", "conv.md", "conv.tex"}
    assert {p.name for p in DOCS.iterdir()} == written | {"README.md", "lecture-sheet.key.toml"}


@pytest.mark.parametrize("command", COMMANDS)
def test_the_handouts_in_docs_are_current(command: str, tmp_path: Path, capsys) -> None:
    args = shlex.split(command)[1:]
    where = args.index("-o") + 1
    name = Path(args[where]).name
    args[where] = str(tmp_path / name)
    assert main(args) == 0
    for written in tmp_path.iterdir():
        assert written.read_text(encoding="utf-8") == (DOCS / written.name).read_text(encoding="utf-8"), (
            f"docs/handouts/{written.name} is stale: run `{command}`")


def compile_latex(pdflatex: str, tex: Path) -> str:
    """Run pdflatex on `tex` in its folder (once: a handout has no cross-references to settle);
    fail on any LaTeX error. Returns the log."""
    result = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", tex.name],
                            cwd=tex.parent, capture_output=True, text=True, timeout=120)
    log = tex.with_suffix(".log").read_text(encoding="latin-1")
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert result.returncode == 0 and not errors, "\n".join(errors) or result.stdout[-2000:]
    assert tex.with_suffix(".pdf").stat().st_size > 10_000
    return log


def test_the_lecture_s_latex_handout_compiles_with_pdflatex(pdflatex: str, tmp_path: Path) -> None:
    tex = tmp_path / "lecture.tex"
    tex.write_text((DOCS / "lecture.tex").read_text(encoding="utf-8"), encoding="utf-8")
    log = compile_latex(pdflatex, tex)
    assert "Overfull \\hbox" not in log  # every line fits the page


def test_the_docs_show_the_lecture_s_first_substituted_equation() -> None:
    from .test_handout_board import LECTURE_FIRST_LATEX, LECTURE_FIRST_MARKDOWN

    assert "```text\n" + LECTURE_FIRST_MARKDOWN + "```" in (DOCS / "lecture.md").read_text(encoding="utf-8")
    assert LECTURE_FIRST_LATEX in (DOCS / "lecture.tex").read_text(encoding="utf-8")


def test_the_docs_show_the_conv_scenario_s_first_convolution(pdflatex: str, tmp_path: Path) -> None:
    from .test_conv_board import CONV_FIRST_LATEX, CONV_FIRST_MARKDOWN

    assert "```text\n" + CONV_FIRST_MARKDOWN + "```" in (DOCS / "conv.md").read_text(encoding="utf-8")
    assert CONV_FIRST_LATEX in (DOCS / "conv.tex").read_text(encoding="utf-8")
    tex = tmp_path / "conv.tex"
    tex.write_text((DOCS / "conv.tex").read_text(encoding="utf-8"), encoding="utf-8")
    assert "Overfull \\hbox" not in compile_latex(pdflatex, tex)
