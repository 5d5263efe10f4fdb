"""CLI subcommands for the step-through engine: open, trace, validate, scenarios."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backprop_tui.cli.args import whole_number
from backprop_tui.cli.handout import add_handout_arguments, refuse_handout_options, walk_length, write_trace_handout
from backprop_tui.core.errors import UserError
from backprop_tui.i18n import _, error_text, language, ngettext, translated

if TYPE_CHECKING:
    from backprop_tui.core.dense.run import Iteration
    from backprop_tui.core.dense.steps import Step
    from backprop_tui.core.scenario.conv_model import ConvScenario
    from backprop_tui.core.scenario.model import Scenario


MAX_TRACE_ITERATIONS = 2000
"""A trace prints every step of every iteration; beyond this it is a book, not a handout."""


def register(subparsers: Any) -> None:
    """Add `open`, `trace`, `validate` and `scenarios` to the CLI's subparsers."""
    p = subparsers.add_parser("open", help=_("open the app on SCENARIO (the default when no command is given)"))
    p.add_argument("scenario", nargs="?", default="lecture", help=_("a path or a bundled name (default: lecture)"))
    p.add_argument("--variant", help=_("step through one of the scenario's variants"))
    p.add_argument("--image", type=whole_number(0, 10**6), metavar="N",
                   help=_("with a checkpoint (.npz): step through its trained network on test image N"))
    p.set_defaults(func=cmd_open)

    p = subparsers.add_parser("trace", help=_("print every step of the first iterations"))
    p.add_argument("scenario", help=_("a path or a bundled name, e.g. lecture"))
    p.add_argument("--iterations", type=whole_number(1, MAX_TRACE_ITERATIONS),
                   help=_("how many updates (default: the scenario's; at most {maximum})").format(
                       maximum=MAX_TRACE_ITERATIONS))
    p.add_argument("--format", choices=("text", "markdown", "latex", "json"), default="text",
                   help=_("text (default), json, or a handout: markdown, or latex (a document for pdflatex)"))
    p.add_argument("--variant", help=_("apply one of the scenario's [[variant]] tables"))
    p.add_argument("--decimals", type=whole_number(1, 12), default=4, help=_(
        "decimals per cell of the text tables (1 to 12, default 4); handouts write 4 significant digits, more "
        "where an update's change needs them, as the app's worked lines do"))
    p.add_argument("--output", "-o", help=_("write to this file (atomically) instead of stdout"))
    add_handout_arguments(p, MAX_TRACE_ITERATIONS)
    p.set_defaults(func=cmd_trace)

    p = subparsers.add_parser("validate", help=_("check scenario files and report every problem"))
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO")
    p.set_defaults(func=cmd_validate)

    p = subparsers.add_parser("scenarios", help=_("list the bundled scenarios"))
    p.set_defaults(func=cmd_scenarios)


def stepping_scenario_path(name: str) -> Path:
    """The file of a scenario to step through; a CNN scenario is pointed to `train` instead."""
    from backprop_tui.core.scenario.bundled import resolve
    from backprop_tui.core.scenario.errors import ScenarioError
    from backprop_tui.core.scenario.kind import file_kind
    from backprop_tui.core.vocab import ScenarioKind

    path = resolve(name)
    try:
        is_cnn = file_kind(path) is ScenarioKind.CNN
    except ScenarioError:
        is_cnn = False  # the loader reports it properly
    if is_cnn:
        raise UserError(f"{path.name}: " + _("a CNN scenario is trained, not stepped through: run `{command}`").format(
            command=f"backprop-tui train {name}"))
    return path


def require_variant(scenario: Scenario, name: str, flag: str = "--variant") -> None:
    """Refuse a --variant the scenario does not have: a mistyped flag, not a broken file.

    Raises UserError naming the flag, the file, a near miss and the variants there are.
    """
    from backprop_tui.core.scenario.errors import suggestion

    names = [variant.name for variant in scenario.variants]
    if name in names:
        return
    file = scenario.source.name if scenario.source else _("the scenario")
    if not names:
        raise UserError(f"{flag} {name}: " + _('{file} has no variant "{name}"; it has no [[variant]] tables').format(
            file=file, name=name))
    raise UserError(f"{flag} {name}: " + _('{file} has no variant "{name}"{hint}; its variants: {names}').format(
        file=file, name=name, hint=translated(suggestion(name, names)), names=", ".join(names)))


def cmd_open(args: argparse.Namespace) -> int:
    """Open the app. A missing file is an error here; a file with errors opens on the error
    screen, which reloads as soon as the file is fixed (the authoring loop). A --variant the
    file does not have is an error here too: the file is fine, the flag is wrong. A checkpoint
    or a CNN scenario opens the training screen instead."""
    from backprop_tui.cli.cnn import open_cnn

    if args.image is not None:
        return open_checkpoint_image(args.scenario, args.image)
    shown = open_cnn(args.scenario)  # a checkpoint, or a CNN scenario: the training screen
    if shown is not None:
        return shown
    path = stepping_scenario_path(args.scenario)
    if args.variant is not None:
        from backprop_tui.core.scenario.errors import ScenarioError
        from backprop_tui.core.scenario.load import load

        try:
            scenario = load(path)
        except ScenarioError:
            pass  # the app shows the file's errors, and reloads when they are fixed
        else:
            require_variant(scenario, args.variant)
    from backprop_tui.tui.app import BackpropApp

    BackpropApp(path, variant=args.variant).run()
    return 0


def open_checkpoint_image(checkpoint: str, image: int) -> int:
    """`backprop-tui RUN.npz --image N`: the stepper on the checkpoint's network and test image N
    (errors in the checkpoint or the data are reported here, before the app starts)."""
    from backprop_tui.core.conv.checkpoint import checkpoint_scenario

    if not checkpoint.endswith(".npz"):
        raise UserError(f"--image {image}: " + _(
            "{file} is not a checkpoint; --image opens batch mode's trained network (a .npz file written by "
            "train) on one test image").format(file=checkpoint))
    checkpoint_scenario(checkpoint, image)  # refuse here, with the message, rather than on a screen
    from backprop_tui.tui.app import BackpropApp

    BackpropApp(checkpoint, image=image).run()
    return 0


def trace_text(scenario: Scenario | ConvScenario, iterations: list[Iteration], steps: list[Step], decimals: int,
               width: int | None = None) -> str:
    """The text trace, rendered to a string through the shared rich renderer."""
    import io

    from rich.console import Console

    from backprop_tui.core.dense.steps import first_divergent_step
    from backprop_tui.render.compare import step_divergence_text
    from backprop_tui.render.export import steps_by_iteration
    from backprop_tui.render.matrix import View
    from backprop_tui.render.numbers import cell
    from backprop_tui.render.describe import scenario_title
    from backprop_tui.render.step import step_renderable
    from rich.text import Text

    console = Console(record=True, width=width or 120, force_terminal=False, color_system=None, file=io.StringIO())
    view = View(decimals=decimals)
    console.print(Text(scenario_title(scenario), style="bold"))
    by_iteration = steps_by_iteration(steps)
    for it in iterations:
        first_bad = first_divergent_step(by_iteration[it.number])
        diverged = (f"  ({step_divergence_text(first_bad.index + 1)})" if first_bad
                    else "  (" + _("diverged") + ")" if it.diverged else "")
        console.rule(_("Iteration {number}: loss before the update E = {loss}").format(
            number=it.number, loss=cell(it.loss, 6)) + diverged)
        for s in by_iteration[it.number]:
            console.print(step_renderable(s, view))
    return console.export_text()


def cmd_trace(args: argparse.Namespace) -> int:
    """`trace`: every step of the first iterations as text, JSON or a handout (markdown, LaTeX), to
    stdout or atomically to --output. Raises UserError (a flag, the file) or ScenarioError."""
    from rich.console import Console

    from backprop_tui.cli.textout import json_for
    from backprop_tui.core.dense.run import run
    from backprop_tui.core.dense.steps import build_steps
    from backprop_tui.core.fileio import atomic_write_text
    from backprop_tui.core.scenario.load import apply_variant, load
    from backprop_tui.render.export import to_json
    from backprop_tui.render.handout import HandoutOptions, check_range
    from backprop_tui.render.matrix import View
    from backprop_tui.render.step import step_renderable

    from backprop_tui.cli.conv import conv_iterations, is_conv, load_conv_scenario
    from backprop_tui.render.conv_trace import conv_to_json

    path = stepping_scenario_path(args.scenario)
    conv = is_conv(path)
    scenario = load_conv_scenario(path, args.variant) if conv else load(path)
    if args.variant is not None and not conv:
        require_variant(scenario, args.variant)
        scenario = apply_variant(scenario, args.variant)
    if args.format not in ("markdown", "latex"):
        refuse_handout_options(args)
    count = walk_length(args, scenario.training.iterations)
    if count > MAX_TRACE_ITERATIONS:
        print(ngettext("note: tracing the first {maximum} of the scenario's {count} iteration (pass --iterations N; "
                       "`compare` shows whole runs)",
                       "note: tracing the first {maximum} of the scenario's {count} iterations (pass --iterations N; "
                       "`compare` shows whole runs)", count).format(maximum=MAX_TRACE_ITERATIONS, count=count),
              file=sys.stderr)
        count = MAX_TRACE_ITERATIONS
    if conv:
        if args.format in ("markdown", "latex"):  # the board's lines, as for a dense scenario
            from backprop_tui.core.dense.conv_run import run as conv_run
            from backprop_tui.core.dense.conv_steps import build_conv_steps

            return write_trace_handout(args, scenario, conv_run(scenario, count), build_conv_steps)
        iterations, steps = conv_iterations(scenario, count)
    else:
        iterations = run(scenario, count)
        if args.format in ("markdown", "latex"):
            return write_trace_handout(args, scenario, iterations)
        steps = [s for it in iterations for s in build_steps(scenario, it)]
    first, last = check_range(HandoutOptions(args.first, args.last), len(iterations))
    iterations = iterations[first - 1:last]
    steps = [s for s in steps if first <= s.iteration <= last]
    if args.format == "json":
        text = (conv_to_json if conv else to_json)(scenario, iterations, steps) + "\n"
    elif args.output is None and sys.stdout.isatty():
        console = Console()
        for s in steps:
            console.print(step_renderable(s, View(decimals=args.decimals)))
        return 0
    else:
        text = trace_text(scenario, iterations, steps, args.decimals)
    if args.output:
        atomic_write_text(args.output, text)
        print(_("wrote {file}").format(file=args.output), file=sys.stderr)
    else:
        sys.stdout.write(json_for(sys.stdout, text) if args.format == "json" else text)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """`validate`: check each scenario file and report every problem; 2 when any file has one."""
    from backprop_tui.core.cnn.config import load_cnn_scenario
    from backprop_tui.core.scenario.bundled import resolve
    from backprop_tui.core.scenario.errors import ScenarioError
    from backprop_tui.core.scenario.kind import file_kind
    from backprop_tui.core.scenario.load import load
    from backprop_tui.core.vocab import ScenarioKind

    failures = 0
    for name in args.scenarios:
        try:
            path = resolve(name)
            if file_kind(path) is ScenarioKind.CNN:
                load_cnn_scenario(path)
            elif file_kind(path) is ScenarioKind.CONV:
                from backprop_tui.core.scenario.conv_load import load_conv

                load_conv(path)  # the format; the images are read when it is opened
            else:
                load(path)
            print(f"{name}: " + _("OK"))
        except ScenarioError as error:
            failures += 1
            print(error.render(), file=sys.stderr)
    return 2 if failures else 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    """`scenarios`: list the bundled scenarios, each with its kind and title."""
    from backprop_tui.core.scenario.bundled import bundled_dir, bundled_names
    from backprop_tui.core.scenario.kind import scenario_kind
    from backprop_tui.core.scenario.toml_source import read_toml
    from backprop_tui.core.vocab import ScenarioKind

    names = bundled_names()
    width = max((len(n) for n in names), default=0)
    for name in names:
        try:
            document = read_toml(bundled_dir() / f"{name}.toml")
            kind = "cnn  " if scenario_kind(document) is ScenarioKind.CNN else "steps"
            title = document.get(f"title_{language()}") or document.get("title", "")
        except UserError as error:
            kind, title = "error", error_text(error)
        print(f"{name:<{width}}  {kind}  {title}")
    return 0
