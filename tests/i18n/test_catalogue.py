"""The Korean catalogue covers every user-facing string of the translated modules, is compiled, and
keeps each message's {slots}; a string in those modules that is neither marked for translation nor
listed below as not translatable fails the scan."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import catalogues  # noqa: E402  (tools/catalogues.py: the Babel extraction the maintainers run)
from backprop_tui.render import pytorch_cnn_script as _torch_cnn, pytorch_script as _torch  # noqa: E402
from backprop_tui.render import pytorch_conv_script  # noqa: E402
from backprop_tui.tui.screens.browse import PickerScreen  # noqa: E402

STYLE_WORDS = {"bold", "dim", "italic", "reverse", "red", "underline", "strike", "on", "white", "black"}
"""Rich style words: a string made only of these is a style, not text."""
NOT_TEXT_KEYWORDS = {"style", "id", "classes", "severity", "group", "key_display", "justify", "vertical",
                     "overflow", "header_style", "name", "action", "metavar", "dest", "choices", "default",
                     "all", "invalid", "over", "divide", "under", "title_justify"}

UNTRANSLATABLE: dict[str, set[str]] = {
    # words the lecture writes as symbols or names, the same in every language
    "backprop_tui/core/dense/activations.py": {"leaky_relu"},            # a name in scenario files
    "backprop_tui/core/dense/network.py": set(),
    "backprop_tui/core/dense/steps.py": set(),
    "backprop_tui/render/describe.py": {"no equation for a step whose operation is ",  # a bug's message
                                        " = col2im(", "im2col"},  # equations: names of operations
    "backprop_tui/render/step.py": set(),
    "backprop_tui/render/legend.py": set(),
    "backprop_tui/tui/commands.py": {"PgDn", "PgUp"},                  # key names
    "backprop_tui/tui/language.py": {"English"},                       # each language in its own words
    "backprop_tui/tui/app.py": {"stepper.tcss", "dialogs.tcss", "backprop-tui"},  # file and program names
    "backprop_tui/tui/screens/help.py": set(),
    "backprop_tui/tui/screens/glossary.py": {"English"},              # the column of English terms
    "backprop_tui/tui/widgets/step_footer.py": {  # its CSS
        "\n    StepFooter #pinned {\n        dock: right;\n        width: auto;\n    }\n    "},
    "backprop_tui/tui/screens/stepper.py": {"-chain-off"},          # a CSS class (polish: chain rule placement)
    "backprop_tui/tui/widgets/about_panel.py": set(),
    "backprop_tui/tui/widgets/status_line.py": set(),
    "backprop_tui/cli/dense.py": set(),
    "backprop_tui/render/worked.py": {" if > 0 else 0.01·", "learning_rate"},  # a formula; a field name
    "backprop_tui/tui/widgets/network.py": {"NetworkDiagram { height: 1fr; }"},  # CSS
    "backprop_tui/tui/screens/browse.py": {PickerScreen.DEFAULT_CSS},                 # CSS
    "backprop_tui/tui/widgets/plane_view.py": {"PlaneView { height: 1fr; }"},         # CSS
    "backprop_tui/tui/screens/landscape.py": {"PgDn", "PgUp"},                       # key names
    "backprop_tui/tui/screens/plane.py": {"PgDn", "PgUp"},                           # key names
    "backprop_tui/render/landscape.py": {
        "bold cyan1", "bold deep_pink1", "bold orange1",                                # the paths' styles
        "pip install 'backprop-tui[plot]'", "\nE(theta - s*gamma*dE/dtheta)\n",          # a command; a formula
        "Agg",                                                                          # matplotlib's backend
        # the JSON's own documentation of its fields: the JSON is the same in every language
        "E[j][i] is E at (x[i], y[j])",
        "point(x, y) = origin + x*directions[0] + y*directions[1], parameters in the order of 'parameters'",
        # the image's labels: matplotlib's fonts have no Hangul, so the image (for slides) stays English
        " (log-spaced bands)", ", after one step ", "cuts along the gradient",
        "s: gradient steps of gamma (0: now, 1: after one step)"},
    "backprop_tui/render/plane.py": {"values[j][i] is the unit's value at (x.values[i], y.values[j])"},  # JSON's
    # the exported scripts are code (comments and docstrings included): English in every language
    "backprop_tui/render/pytorch_script.py": {
        _torch._STEP_CLASS, _torch._SQUARED_ERROR, _torch._MSE, _torch._CROSS_ENTROPY, _torch._BCE,
        _torch._PLAIN.template, _torch._MOMENTUM.template, _torch._FULL_BATCH.template, _torch._MINI_BATCH.template,
        _torch._SCRIPT.template, "Step()", "nn.Identity()", "nn.LeakyReLU(", "nn.ReLU()", "nn.Sigmoid()",
        "nn.Softmax(dim=1)", "nn.Tanh()", "backprop-tui trace ", " --format json", "backprop-tui export ",
        " --format pytorch --iterations ", ", drawn by backprop-tui (", " init, seed ", " = None  # layer ",
        " has no bias", "  # train_bias = false: b stays as written", ", train_bias=False",
        " is applied inside the loss below, which takes the logits ", "gradient descent",
        "stochastic gradient descent on mini-batches", "the sample"},
    "backprop_tui/render/pytorch_cnn_script.py": {
        _torch_cnn._CONSTANT.template, _torch_cnn._COSINE.template, _torch_cnn._STEP.template,
        _torch_cnn._SGD.template, _torch_cnn._ADAM.template, _torch_cnn._TORCH_MOMENTUM.template,
        _torch_cnn._LECTURE_MOMENTUM.template, "None", "nn.Conv2d(", ", kernel_size=", "nn.MaxPool2d(", "nn.Linear(",
        "nn.Dropout(", "nn.ReLU()", "nn.Flatten()", "# model.layer[",
        "# The folder where backprop-tui found Fashion-MNIST when this script was written.",
        "# backprop-tui found no Fashion-MNIST when this script was written: pass --data-dir\n"
        "# (or run `backprop-tui data download` and export again).",
        "no PyTorch form for the schedule "},                                           # a bug's message
    "backprop_tui/render/script_text.py": {'-float("inf")'},                         # code
    "backprop_tui/walk/stepper.py": {"Stepper"},                                      # a type annotation
    "backprop_tui/walk/focus.py": {"Pointer"},                                        # a type annotation
    "backprop_tui/walk/history.py": {" has not been computed"},                       # a bug's IndexError
    # the exported script's code and comments (code a learner runs, not interface text), each a
    # named template of the module, gathered in its SCRIPT_TEXT
    "backprop_tui/render/pytorch_conv_script.py": set(pytorch_conv_script.SCRIPT_TEXT),
}
"""Strings of the covered modules that are no interface text."""

NOT_YET: dict[str, set[str]] = {
    # the convolutional stepper's worked lines (merged from cnnstep after this catalogue was made)
    "backprop_tui/render/worked.py": {" is its window's maximum, else 0", " won its window",
                                      "(no patch covers this pixel)", "(zero padding)", "the window's maximum is "},
    # appended to the TOML parser's own message, which is English
    "backprop_tui/core/scenario/toml_source.py": {
        "an inline table { ... } must fit on one line in TOML 1.0: close it on the line where it opens, "
        "or write it as a [section] table"},
    # the title of a file without one: it is the scenario's data, shown as it is
    "backprop_tui/core/scenario/load.py": {"Untitled scenario"},
    # Translated so far: how every view names a divergence. Not yet: the `compare` output and screen.
    "backprop_tui/render/compare.py": {
        " (log scale)", " are drawn at ", " per variant: ", "(in the plot, losses above ", "(no plot: plotext failed: ",
        "(nothing to plot: every loss is inf/NaN from the start)\n", ", cut at ", "E at start",
        "Loss E on all the data after k updates (k = 0: the initial weights), ", "iteration (updates done)",
        "loss E on all the data", "what it shows",
    },
    # Translated so far: the trace's text output. Not yet: the messages of `trace`/`validate`/`open`
    # around it (stderr notes and flag errors) and the CLI's --help texts.
    "backprop_tui/cli/dense.py": {
        " is not a checkpoint; --image opens batch mode's trained network (a .npz file written by train) on one test image",
        "with a checkpoint (.npz): step through its trained network on test image N",
        " (pass --iterations N; `compare` shows whole runs)", ' has no variant "', " of the scenario's ",
        '"; it has no [[variant]] tables', ": a CNN scenario is trained, not stepped through: run `backprop-tui train ",
        "; its variants: ", "how many updates (default: the scenario's; at most ", "note: tracing the first ",
        "wrote ", ": OK", "the scenario",
        ": a LaTeX handout of a convolutional scenario is not written yet; use --format markdown, text or json",
        # --help
        "text (default), json, or a handout: markdown, or latex (a document for pdflatex)",
        "decimals per cell of the text tables (1 to 12, default 4); handouts write 4 significant digits, more where an update's change needs them, as the app's worked lines do",
        "a path or a bundled name (default: lecture)", "a path or a bundled name, e.g. lecture",
        "apply one of the scenario's [[variant]] tables", "check scenario files and report every problem",
        "decimals per cell (1 to 12, default 4)", "list the bundled scenarios",
        "open the app on SCENARIO (the default when no command is given)",
        "print every step of the first iterations", "step through one of the scenario's variants",
        "write to this file (atomically) instead of stdout",
    },
}
"""Interface text of the covered modules that has no translation yet, named so it cannot grow unseen."""

MARKERS = {"_", "N_", "ngettext", "_note", "Message"}


def _marked_or_skipped(tree: ast.AST) -> set[int]:
    """ids of the string nodes that are marked messages, docstrings or clearly not text."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                skip.add(id(body[0].value))
            for first, second in zip(body, body[1:]):  # attribute docstrings
                if isinstance(first, (ast.Assign, ast.AnnAssign)) and isinstance(second, ast.Expr) \
                        and isinstance(second.value, ast.Constant):
                    skip.add(id(second.value))
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in MARKERS:
                for arg in node.args:
                    skip.update(id(n) for n in ast.walk(arg))
            if name in ("Binding", "_move"):  # key, action, description (the description is extracted)
                for arg in node.args[:3]:
                    skip.update(id(n) for n in ast.walk(arg))
            if name in ("query_one", "query", "getattr", "split", "startswith", "join", "replace",
                        "toggle_class", "Quantity", "parse_quantity", "add_parser", "get", "register"):
                for arg in node.args:
                    skip.update(id(n) for n in ast.walk(arg))
            for keyword in node.keywords:
                if keyword.arg in NOT_TEXT_KEYWORDS:
                    skip.update(id(n) for n in ast.walk(keyword.value))
        if isinstance(node, (ast.Subscript, ast.Compare)):
            skip.update(id(n) for n in ast.walk(node.slice if isinstance(node, ast.Subscript) else node))
        if isinstance(node, ast.Dict):  # keys of dicts are names (the values may be text)
            skip.update(id(k) for k in node.keys if k is not None)
        if isinstance(node, ast.Set):  # sets of names (the help's action groups)
            skip.update(id(n) for n in ast.walk(node))
        if isinstance(node, ast.Assert) and node.msg is not None:  # a developer's invariant
            skip.update(id(n) for n in ast.walk(node.msg))
    return skip


def _is_text(value: str) -> bool:
    """Words a reader reads: two words or more, or one capitalised word ("Keys"); not a rich
    style, an action call (move('next_step')), a LaTeX piece, or a lower-case identifier."""
    if "\\" in value or re.fullmatch(r"[a-z_]+\(.*\)", value):
        return False
    if re.fullmatch(r"[\w.\[\]-]+", value) and re.search(r"[_.]", value):  # a key path or name: network.loss
        return False
    words = re.findall(r"[A-Za-z]{2,}", value)
    if not words or all(w.lower() in STYLE_WORDS for w in words):
        return False
    return len(words) > 1 or words[0][0].isupper() and len(words[0]) > 2 and words[0] not in SYMBOL_WORDS


SYMBOL_WORDS = {"ReLU", "LReLU", "NaN"}
"""Names written the same in every language (f′ of ReLU′(0) = 0)."""


def unmarked_strings(source: str) -> list[str]:
    tree = ast.parse((ROOT / source).read_text())
    skip = _marked_or_skipped(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            if _is_text(node.value):
                found.append(node.value)
    return found


@pytest.mark.parametrize("source", [
    pytest.param(source, marks=pytest.mark.xfail(
        strict=True, reason="listed in tools/catalogues.py PENDING: not translated yet; an XPASS means "
                            "its text is done, so take it off that list"))
    if source in catalogues.PENDING else source
    for source in catalogues.SOURCES])
def test_every_string_of_a_translated_module_is_marked_or_listed_as_not_text(source: str) -> None:
    allowed = UNTRANSLATABLE.get(source, set()) | NOT_YET.get(source, set())
    unmarked = sorted(set(unmarked_strings(source)) - allowed)
    assert not unmarked, f"{source}: user-facing text neither marked for translation nor listed: {unmarked}"


def test_the_scan_finds_an_unmarked_message(tmp_path: Path) -> None:
    sample = 'def f(app):\n    """Doc."""\n    app.notify("Reloaded the file", severity="error")\n' \
             '    app.notify(_("Marked text"))\n    return Text("x", style="bold reverse")\n'
    path = ROOT / "tools" / "_scan_sample.py"
    path.write_text(sample)
    try:
        assert unmarked_strings("tools/_scan_sample.py") == ["Reloaded the file"]
    finally:
        path.unlink()


def test_every_extracted_message_has_a_korean_translation_and_the_mo_is_compiled() -> None:
    found = catalogues.problems()
    assert not found, ("\n".join(found) + "\n\nTo fix: python tools/catalogues.py update; translate the new entries "
                       "of backprop_tui/locale/ko/LC_MESSAGES/backprop_tui.po; python tools/catalogues.py compile")


LEFT_OUT = {"Layer {layer}: ": {"layer"}, "{article} {shape} matrix": {"article"}}
"""Slots a translation may leave out, by the start of their message: the Korean step titles leave
the layer out, since the phase tag before every title names it (so the heading fits 80 columns);
Korean has no articles ("an 8x3 matrix" is "8x3 행렬")."""


def test_translations_keep_every_slot_of_their_message() -> None:
    """A translation names exactly its message's slots (a slot it invented would raise KeyError
    when formatted, one it lost would lose a number), save the LEFT_OUT ones."""
    catalog = catalogues.read("ko")
    slots = lambda text: set(re.findall(r"\{([a-z_]+)\}", text))  # noqa: E731
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        may_lose = set().union(*[v for k, v in LEFT_OUT.items() if ids[0].startswith(k)])
        for text in strings:
            if not slots(ids[-1]) - may_lose <= slots(text) <= slots(ids[-1]):
                wrong.append(message.id)
    assert not wrong


def test_the_catalogue_is_in_the_package_where_gettext_looks() -> None:
    from backprop_tui import i18n

    assert (i18n.LOCALE_DIR / "ko" / "LC_MESSAGES" / "backprop_tui.mo").exists()
    i18n.set_language("ko")
    assert i18n._("Next step") == "다음 단계"
    i18n.set_language("en")
    assert i18n._("Next step") == "Next step"


def _shadowing(tree: ast.AST) -> list[int]:
    """Lines of functions that call `_()` (the translator) while binding `_` themselves: Python makes
    `_` local to the whole function then, and the call fails (UnboundLocalError, or calls an int)."""
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        calls = binds = False
        stack = list(ast.iter_child_nodes(function))
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ListComp, ast.SetComp,
                                 ast.DictComp, ast.GeneratorExp)):
                continue  # their own scope
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_":
                calls = True
            if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store):
                binds = True
            stack.extend(ast.iter_child_nodes(node))
        if calls and binds:
            found.append(function.lineno)
    return found


def test_no_function_that_translates_binds_underscore_itself() -> None:
    package = ROOT / "backprop_tui"
    found = {str(path.relative_to(ROOT)): lines for path in package.rglob("*.py")
             if (lines := _shadowing(ast.parse(path.read_text())))}
    assert not found


def test_the_shadowing_check_finds_a_loop_variable_named_underscore() -> None:
    tree = ast.parse("def f(rows):\n    for _ in rows:\n        pass\n    return _('x')\n"
                     "def g(rows):\n    return [_ for _ in rows], _('y')\n")
    assert _shadowing(tree) == [1]


def _formatted_messages(tree: ast.AST) -> list[int]:
    """Lines where a message is an f-string (_(f"…{x}")): its text changes with x, so no catalogue
    entry can match it; a message names its slots instead (_("…{x}").format(x=x), Message(…, x=x))."""
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in MARKERS
            and node.args and isinstance(node.args[0], ast.JoinedStr)]


@pytest.mark.parametrize("source", sorted(set(catalogues.SOURCES) - catalogues.PENDING))  # PENDING: not yet
def test_no_message_is_an_f_string(source: str) -> None:
    assert _formatted_messages(ast.parse((ROOT / source).read_text())) == []


def test_the_f_string_check_finds_one() -> None:
    assert _formatted_messages(ast.parse('x = 1\n_(f"Layer {x}")\n_("Layer {x}").format(x=x)\n')) == [2]
