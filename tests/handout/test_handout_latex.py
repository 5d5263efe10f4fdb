"""Every bundled dense scenario and variant, with a chain rule and blanks, and a scenario whose
words hold every character LaTeX treats specially, compile with pdflatex without an error; and
the compile tests run in CI (they skip only locally, where pdflatex is missing)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from backprop_tui.core.scenario.bundled import bundled_names, resolve
from backprop_tui.core.scenario.kind import file_kind
from backprop_tui.core.scenario.load import apply_variant, load
from backprop_tui.core.dense.run import run
from backprop_tui.core.dense.steps import build_steps
from backprop_tui.core.vocab import Phase, ScenarioKind, parse_cell
from backprop_tui.render.handout import HandoutOptions, build_handout
from backprop_tui.render.handout_latex import to_latex

from .test_handout_docs import compile_latex

REPO = Path(__file__).resolve().parents[2]


def _cases() -> list[tuple[str, str | None]]:
    cases: list[tuple[str, str | None]] = []
    for name in bundled_names():
        if file_kind(resolve(name)) is not ScenarioKind.DENSE:
            continue
        cases.append((name, None))
        cases += [(name, v.name) for v in load(name).variants]
    return cases


@pytest.mark.parametrize(("name", "variant"), _cases())
def test_every_bundled_scenario_s_handout_compiles(pdflatex: str, tmp_path: Path, name: str, variant: str | None) -> None:
    scenario = load(name)
    if variant is not None:
        scenario = apply_variant(scenario, variant)
    iterations = run(scenario, 2)
    steps = [s for it in iterations for s in build_steps(scenario, it)]
    chains = (parse_cell("theta1[1,1]"),) + ((parse_cell("b1[1]"),) if scenario.layers[0].bias is not None else ())
    options = HandoutOptions(chains=chains, blank_phases=frozenset({Phase.UPDATE}))
    tex = tmp_path / f"{name}.tex"
    tex.write_text(to_latex(build_handout(scenario, iterations, steps, options)), encoding="utf-8")
    compile_latex(pdflatex, tex)


def test_a_scenario_s_own_words_cannot_break_the_document(pdflatex: str, tmp_path: Path) -> None:
    text = (REPO / "scenarios" / "lecture.toml").read_text(encoding="utf-8")
    nasty = r"50% of $x_1 & #2 {θ¹ᵀ} ~^\ <a|b> \end{document} Zoë 中 — “q” ½ ≥ ∂E/∂ŷ"
    text = text.replace('title = "Lecture: forward and back through a 2-3-1 network"', f"title = '''{nasty}'''")
    start = text.index('description = """')
    end = text.index('"""', start + len('description = """')) + 3
    text = text[:start] + f"description = '''{nasty}\nand a second line'''" + text[end:]
    scenario_file = tmp_path / "nasty.toml"
    scenario_file.write_text(text, encoding="utf-8")
    scenario = load(scenario_file)
    assert scenario.title == nasty and scenario.description.startswith(nasty)
    iterations = run(scenario, 1)
    steps = build_steps(scenario, iterations[0])
    tex = tmp_path / "nasty-handout.tex"
    tex.write_text(to_latex(build_handout(scenario, iterations, steps, HandoutOptions())), encoding="utf-8")
    compile_latex(pdflatex, tex)


def _pytest_without_pdflatex(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    empty = tmp_path / "no-tex"
    empty.mkdir()
    env = {key: value for key, value in os.environ.items() if key not in ("CI",)}
    env["PATH"] = str(empty)  # no pdflatex anywhere; python itself runs by its full path
    if ci is not None:
        env["CI"] = ci
    target = "tests/handout/test_handout_docs.py::test_the_lecture_s_latex_handout_compiles_with_pdflatex"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", target],
                          capture_output=True, text=True, cwd=REPO, env=env, timeout=300)


def test_without_pdflatex_the_compile_skips_locally(tmp_path: Path) -> None:
    result = _pytest_without_pdflatex(tmp_path, ci=None)
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout and "pdflatex is not installed" in result.stdout


@pytest.mark.parametrize("ci", ["true", "1"])
def test_without_pdflatex_the_compile_fails_in_ci(tmp_path: Path, ci: str) -> None:
    result = _pytest_without_pdflatex(tmp_path, ci=ci)
    assert result.returncode == 1, result.stdout
    assert "1 error" in result.stdout and "CI is set but pdflatex is not on PATH" in result.stdout


@pytest.mark.parametrize(("loss", "activation"), [("squared_error", "relu"), ("mse", "leaky_relu"),
                                                  ("cross_entropy", "tanh"), ("binary_cross_entropy", "identity")])
def test_every_loss_and_activation_compiles(pdflatex: str, tmp_path: Path, loss: str, activation: str) -> None:
    from backprop_tui.core.scenario.template import scenario_text
    from backprop_tui.render.handout_markdown import MAX_WIDTH, to_markdown

    path = tmp_path / f"{loss}.toml"
    path.write_text(scenario_text([3, 4, 2], activation, loss, seed=1, title=f"{loss} & {activation}"), encoding="utf-8")
    scenario = load(path)
    iterations = run(scenario, 2)
    steps = [s for it in iterations for s in build_steps(scenario, it)]
    options = HandoutOptions(chains=(parse_cell("theta1[2,3]"),), blank_phases=frozenset({Phase.LOSS}))
    handout = build_handout(scenario, iterations, steps, options)
    markdown = to_markdown(handout)
    assert "E = " in markdown and ("∂E/∂ŷ = " in markdown or loss == "cross_entropy")
    blocks = [b.split("```", 1)[0] for b in markdown.split("```text\n")[1:]]
    assert max(len(line) for b in blocks for line in b.splitlines()) <= MAX_WIDTH  # a printed page's width
    tex = tmp_path / f"{loss}.tex"
    tex.write_text(to_latex(handout), encoding="utf-8")
    compile_latex(pdflatex, tex)


@pytest.mark.parametrize("name", ["conv", "fashion_conv", str(REPO / "tests" / "handout" / "deep_conv.toml")])
def test_a_convolutional_scenario_s_handout_compiles_and_fits_the_page(pdflatex: str, tmp_path: Path, name: str) -> None:
    from backprop_tui.cli.conv import conv_iterations, load_conv_scenario
    from backprop_tui.core.errors import UserError

    try:
        scenario = load_conv_scenario(resolve(name), None)
    except UserError:  # fashion_conv reads the real data set
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but the real Fashion-MNIST is unavailable")
        pytest.skip("real Fashion-MNIST not installed (sudo apt-get install dataset-fashion-mnist)")
    iterations, steps = conv_iterations(scenario, 2)
    biased = scenario.layers[0].bias is not None
    options = HandoutOptions(chains=(parse_cell("theta1[1,1]"),) + ((parse_cell("b1[1]"),) if biased else ()))
    text = to_latex(build_handout(scenario, iterations, steps, options))
    if name == "fashion_conv":  # 28×28 images and a 9×1568 patch matrix, elided
        assert "\\underset{28\\times 28}" in text and "\\underset{9\\times 1568}" in text and "\\ddots" in text
    tex = tmp_path / f"{Path(name).stem}.tex"
    tex.write_text(text, encoding="utf-8")
    log = compile_latex(pdflatex, tex)
    assert "Overfull \\hbox" not in log
