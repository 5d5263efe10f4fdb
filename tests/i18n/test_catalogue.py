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
from backprop_tui.render import pytorch_conv_script, script_text  # noqa: E402
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
    "backprop_tui/cli/dense.py": {"backprop-tui train "},              # a command to type
    # the title `new` writes into a file named only by its suffix (the file's text, as the template's); commands
    "backprop_tui/cli/author.py": {"My scenario", "backprop-tui ", "backprop-tui trace "},
    "backprop_tui/cli/explain.py": {": CELL "},                       # the argument's name (metavar)
    "backprop_tui/cli/export.py": {"--data-dir"},                     # a flag
    "backprop_tui/cli/handout.py": {"FILE"},                          # a metavar, as -o FILE.md
    "backprop_tui/cli/sheet.py": {".toml/.md/.tex/.key.toml"},        # file suffixes
    "backprop_tui/i18n.py": {"*/LC_MESSAGES/", "LANG",                # a glob; an environment variable
                             "English"},                              # each language in its own words
    "backprop_tui/cli/main.py": {
        "backprop-tui",                                                  # the program's name
        # said only when stdout cannot show the language asked for: so in English
        "note: this output's encoding ({encoding}) cannot show {language} text; writing English"},
    # a type's __name__: argparse names it only for a ValueError, which these types never let through
    "backprop_tui/cli/args.py": {"whole number"},
    "backprop_tui/cli/progress.py": {"[bold]{task.fields[label]}", "{task.fields[stats]}"},  # rich's column templates
    "backprop_tui/cli/textout.py": {"GREEK SMALL LETTER ", "GREEK CAPITAL LETTER ", " BLOCK", "NFKD",  # Unicode names
                                    "backprop-tui-ascii"},                                          # a codec error handler's name
    "backprop_tui/core/scenario/model.py": {"Scenario", "Scenario | None"},  # type annotations
    # developers' invariants (a caller checks first: explain's cell, quiz's keys, the step kinds)
    "backprop_tui/core/dense/explain.py": {" does not compute ", "; no cell (", "no function rule for "},
    "backprop_tui/core/dense/mistakes.py": {" does not compute ", "; no cell ("},
    "backprop_tui/core/dense/notation.py": {"no updated quantity for ", "no ∂E/∂ quantity for "},
    "backprop_tui/core/dense/replay.py": {"no evaluation for "},
    # the check's words in English for the core and JSON; render/verdict.py draws them translated
    "backprop_tui/core/dense/gradcheck.py": {
        " is used", "DISAGREES", "finite differences have no precision at this magnitude", "no precision",
        "not smooth", "not smooth within the finite-difference step (the one-sided differences disagree)",
        "the loss overflows: finite differences have no precision at this magnitude", "within rounding",
        "z = 0: not differentiable, the convention "},
    "backprop_tui/core/dense/losses.py": {"E = −(1/(m·k))·ΣΣ[y·log ŷ + (1 − y)·log(1 − ŷ)]"},  # a formula
    "backprop_tui/core/dense/operation.py": {"col2im", "im2col"},  # names of operations
    "backprop_tui/core/strict_json.py": {"not strict JSON: bare "},  # the tests' strict parser (no user reads it)
    # the quantities' ASCII names and their pattern, a type annotation, a developer's invariant
    "backprop_tui/core/vocab.py": {"(?P<stem>[A-Za-z_]*?)(?P<layer>[0-9]*)(?P<new>_new)?", "Quantity", "dE_da{}",
                                   "dE_db{}", "dE_dpatches{}", "dE_dtheta{}", "theta{}_new", "v_theta{}_new",
                                   "has no", " layer, got ", "layers count from 1, got "},
    # the TOML `new` writes (keys and values of the format) and the name its self-check gives the text
    "backprop_tui/core/scenario/template.py": {"# [variant.training]", "# learning_rate = 2.0", '# name = "faster"',
                                               "batch_size = ", "learning_rate = 0.5          ", "new scenario",
                                               'optimizer = "gd"             '},
    # developers' invariants: the app never asks for these (a drill-down's failure is caught)
    "backprop_tui/core/dense/conv_chain.py": {" has no weights"},
    "backprop_tui/core/dense/conv_run.py": {"the output layer's activation is checked through its z"},
    "backprop_tui/render/worked.py": {" if > 0 else 0.01·", "learning_rate"},  # a formula; a field name
    # batch mode (cli/cnn*): flags, key and signal names, commands and the data set's name, as typed
    "backprop_tui/cli/cnn.py": {"--data-dir", "--no-verify", "--batch-size"},
    "backprop_tui/cli/cnn_session.py": {"Fashion-MNIST", "--data-dir", "$FASHION_MNIST_DIR", "--no-verify",
                                        "`backprop-tui data download`", "sudo apt-get install dataset-fashion-mnist",
                                        "train --limit "},
    "backprop_tui/cli/cnn_resume.py": {"backprop-tui", "--data-dir", "--no-verify", "--checkpoint PATH",
                                       "--batch-size", "--data-dir "},
    "backprop_tui/cli/cnn_output.py": {"SIGINT", "SIGTERM", "SIGHUP", "Ctrl-C"},
    "backprop_tui/cli/cnn_watch.py": {"Ctrl-C", "Ctrl-Q"},
    "backprop_tui/cli/cnn_browse.py": {"a checkpoint opened read-only is never trained"},  # a bug's message
    "backprop_tui/tui/screens/training.py": {"Ctrl-C"},                 # a key name
    "backprop_tui/tui/training_app.py": {"backprop-tui"},               # the program's name
    "backprop_tui/tui/widgets/network.py": {"NetworkDiagram { height: 1fr; }"},  # CSS
    "backprop_tui/tui/widgets/step_pane.py": {"step-pane--rule"},  # a CSS component class
    # the CNN core (ko-cnncore): paths, URLs, checksums, flags, formats, class names in annotations
    "backprop_tui/core/cnn/blas.py": {"/proc/self/maps"},                 # a file read
    "backprop_tui/core/cnn/checkpoint.py": {"backprop-tui-cnn-checkpoint/1", "optim/step"},  # file format, entry
    "backprop_tui/core/cnn/config.py": {
        "CnnScenario",                 # a type annotation
        "Untitled CNN",                # the title stored in the scenario (and its checkpoint): data, as it is
        " GiB",                        # a unit
        '{ type = "flatten" }',        # TOML to write, the same in every language
    },
    "backprop_tui/core/cnn/data.py": {  # mirrors, the Debian folder, published MD5s, folder and flag names
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/", "/usr/share/datasets/fashion-mnist",
        "DataRecord", "fashion-mnist", "FashionMNIST", "backprop-tui", "--data-dir", "$FASHION_MNIST_DIR",
        "8d4fb7e6c68d591d4c3dfef9ec88bf0d", "f4a8712d7a061bf5bd6d2ca38dc4d50a", "25c81989df183df01b3e8a0aad5dffbe",
        "9018921c3c673c538a1fc5bad174d6f9", "bef4ecab320f06d8554ea6380940ec79", "8181f5470baa50b63fa0f6fddb340f0a",
        "bb300cfdad3c16e7a12a480ee83cd310", "15d484375f8d13e6eb1aabb0c3f46965",
        # the data set's own class names, as predict, the report and the JSON show them in every language
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"},
    "backprop_tui/core/cnn/decoded.py": {"backprop-tui", "fashion-mnist-", "fashion-mnist-*.bin"},  # cache files
    "backprop_tui/core/cnn/download.py": {"Range", "backprop-tui"},    # an HTTP header; the User-Agent
    "backprop_tui/core/cnn/fast.py": {"ConvReluPool",                  # a type annotation
                                      "the fused block needs an even convolution output"},  # a developer's invariant
    "backprop_tui/core/cnn/idx.py": {">HBB",                           # a struct format
                                     "IDX cannot store dtype "},      # a developer's error (writing test fixtures)
    "backprop_tui/core/cnn/layers.py": {"Dropout needs a random generator while training"},  # a developer's invariant
    "backprop_tui/core/cnn/model.py": {"Network",                      # a type annotation
                                       "a network assembled by hand has no twin"},  # a developer's invariant
    "backprop_tui/core/cnn/parallel.py": {"Parts", "cnn-part"},        # a type annotation; a thread name
    "backprop_tui/core/cnn/train.py": {"TrainState"},                  # a type annotation
    "backprop_tui/core/conv/checkpoint.py": {": model.layer["},        # a key path, after the file name
    "backprop_tui/walk/quiz.py": {" has nothing left to ask", " of iteration "},  # a caller's bug (LookupError)
    "backprop_tui/tui/screens/quiz_summary.py": {  # its CSS
        "\n    QuizSummaryScreen { align: center middle; }\n    QuizSummaryScreen #quiz-summary { width: 90%; "
        "height: 85%; border: round $primary; background: $surface;\n                                      "
        "padding: 0 1; }\n    "},
    "backprop_tui/tui/widgets/quiz_panel.py": {  # its CSS
        "\n    QuizPanel { display: none; height: auto; max-height: 8; border-top: solid $primary-darken-2; "
        "padding: 0 1; }\n    QuizPanel #quiz-ask { height: 1; }\n    QuizPanel #quiz-prompt { width: auto; "
        "height: 1; }\n    QuizPanel #quiz-input { width: 24; }\n    QuizPanel #quiz-score { width: 1fr; height: 1; "
        "text-align: right; }\n    QuizPanel #quiz-feedback { height: auto; }\n    "},
    "backprop_tui/tui/screens/handout_dialog.py": {
        "#handout-blanks", "#handout-path, #handout-blanks", "#handout-write",  # CSS selectors
        "LaTeX",                                                                # a format's name
        "forward, loss, backward, update"},                                     # the phases as --phases takes them
    "backprop_tui/render/board.py": {"no board line for an operation of kind "},  # a bug's message (ValueError)
    "backprop_tui/render/latex_text.py": {"NFKD"},                                    # a Unicode normal form
    "backprop_tui/render/handout_latex.py": {"@@BOX@@"},                             # a stand-in for LaTeX
    # the English column of the glossary: the terms as English speaks them, beside their Korean
    "backprop_tui/render/glossary.py": {
        "activation function", "backward pass", "chain rule", "cross-entropy", "finite differences", "forward pass",
        "gradient check", "gradient descent", "hidden layer", "learning rate", "neural network",
        "partial derivative", "step function", "stochastic gradient descent", "weighted sum", "weighted sums"},
    "backprop_tui/render/conv_board.py": {"col2im", "im2col"},  # names of operations in the equations
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
    "backprop_tui/render/script_text.py": {'-float("inf")', script_text.JSON_HELPERS,  # code
                                            script_text.PRINT_LOSSES},
    "backprop_tui/walk/stepper.py": {"Stepper"},                                      # a type annotation
    "backprop_tui/walk/focus.py": {"Pointer"},                                        # a type annotation
    "backprop_tui/walk/history.py": {" has not been computed"},                       # a bug's IndexError
    # the exported script's code and comments (code a learner runs, not interface text), each a
    # named template of the module, gathered in its SCRIPT_TEXT
    "backprop_tui/render/pytorch_conv_script.py": set(pytorch_conv_script.SCRIPT_TEXT),
}
"""Strings of the covered modules that are no interface text."""

NOT_YET: dict[str, set[str]] = {}
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


LEFT_OUT = {"Layer {layer}: ": {"layer"}, "{article} {shape} matrix": {"article"},
            "wrote {file}: {article}": {"article"}, "--loss {loss} needs {article}": {"article", "network_article"}}
"""Slots a translation may leave out, by the start of their message: the Korean step titles leave
the layer out, since the phase tag before every title names it (so the heading fits 80 columns);
Korean has no articles ("an 8x3 matrix" is "8x3 행렬"; `new`'s "a 2-3-1 network" is "2-3-1 신경망")."""


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
