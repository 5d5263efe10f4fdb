"""The `export` subcommand: a scenario as a standalone PyTorch script.

A dense or convolutional stepper scenario becomes a script that computes the same numbers as
`trace` (float64, the same batches, the weights and images written in), and so does a checkpoint
on one test image (`--image`); a CNN scenario becomes a training script for the same network
and hyperparameters. The handler imports what it needs lazily so `--help` stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from backprop_tui.cli.args import whole_number
from backprop_tui.core.errors import UserError
from backprop_tui.i18n import _

MAX_ITERATIONS = 1_000_000
"""The scenario loader's own limit on training.iterations (core/scenario/load.py), repeated here
because building the parser must not import NumPy."""

FORMATS = ("pytorch",)


def register(subparsers: Any) -> None:
    """Add `export` to the CLI's subparsers."""
    p = subparsers.add_parser(
        "export",
        help=_("write SCENARIO as a standalone PyTorch script"),
        description=_("Write a scenario as a Python script that needs only PyTorch. A dense or convolutional "
                      "stepper scenario's script (or a checkpoint's, with --image) runs the same network (the weights "
                      "written in, float64, the same batches) and prints the loss of each iteration, or with --json "
                      "the iterations as `trace --format json` lists them. A CNN scenario's script trains the same "
                      "network with the same hyperparameters on Fashion-MNIST. See docs/pytorch.md."),
    )
    p.add_argument("scenario", metavar="SCENARIO", help=_("a path or a bundled name, e.g. lecture or fashion_cnn"))
    p.add_argument("--format", choices=FORMATS, default="pytorch", help=_("what to write (default: pytorch)"))
    p.add_argument("--output", "-o", metavar="FILE.py", help=_("write to this file (atomically) instead of stdout"))
    p.add_argument("--force", action="store_true", help=_("replace --output if it exists"))
    p.add_argument("--variant", help=_("dense scenarios: apply one of the scenario's [[variant]] tables"))
    p.add_argument("--iterations", type=whole_number(1, MAX_ITERATIONS), metavar="N",
                   help=_("stepper scenarios: how many updates the script runs (default: the scenario's)"))
    p.add_argument("--data-dir", metavar="D",
                   help=_("the Fashion-MNIST folder: a CNN scenario's script reads it by default (default: "
                          "the one `backprop-tui train` would use, found now); a stepper scenario's fashion_mnist "
                          "images and a checkpoint's test image are read from it now"))
    p.add_argument("--image", type=whole_number(0, 10**6), metavar="N",
                   help=_("with a checkpoint (.npz): export its trained network on test image N (read from "
                          "the folder the run trained on, or --data-dir)"))
    p.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    """Write the script to --output (refusing to replace a file without --force) or stdout."""
    from backprop_tui.core.scenario.bundled import resolve
    from backprop_tui.core.scenario.kind import file_kind
    from backprop_tui.core.vocab import ScenarioKind

    path = resolve(args.scenario)
    if args.output:
        _check_output(Path(args.output), path, args.force)
    kind = None if args.image is not None else file_kind(path)  # a checkpoint is no TOML
    if args.image is not None:
        text = _checkpoint_text(args, path)
    elif kind is ScenarioKind.CNN:
        text = _cnn_text(args, path)
    elif kind is ScenarioKind.CONV:
        text = _conv_text(args, path)
    else:
        text = _dense_text(args, path)
    if args.output:
        from backprop_tui.core.fileio import atomic_write_text

        atomic_write_text(args.output, text, "script")
        print(_("wrote {file}").format(file=args.output), file=sys.stderr)
    else:
        _write_source(text)
    return 0


def _write_source(text: str) -> None:
    """The script on stdout. Python reads source as UTF-8 (PEP 3120), so where the output
    encoding cannot hold the script's θ and σ (an ASCII locale), its UTF-8 bytes are written
    as they are: redirected to a file, it is still the same script."""
    encoding = sys.stdout.encoding or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
        return
    sys.stdout.write(text)


def _check_output(output: Path, scenario: Path, force: bool) -> None:
    """Nothing a user wrote is replaced unasked, and the scenario itself never."""
    if output.exists() and os.path.realpath(output) == os.path.realpath(scenario):
        raise UserError(f"--output {output}: " + _("that is the scenario file itself; give the script another name"))
    if output.is_dir():
        raise UserError(f"--output {output}: " + _("is a directory; give a file name for the script"))
    if output.exists() and output.is_file() and not force:
        raise UserError(f"--output {output}: " + _("the file exists; pass --force to replace it"))


def _dense_text(args: argparse.Namespace, path: Path) -> str:
    from backprop_tui.core.scenario.load import load
    from backprop_tui.render.pytorch_script import DenseExport, dense_script

    if args.data_dir is not None:
        raise UserError(_("--data-dir applies to CNN scenarios; {file} is a dense scenario (its data is in the file)"
                          ).format(file=path.name))
    scenario = load(path, args.variant)
    count = args.iterations or scenario.training.iterations
    return dense_script(DenseExport(scenario, count, args.scenario))


def _conv_text(args: argparse.Namespace, path: Path) -> str:
    """A convolutional stepper scenario's script, its images read now (the script reads nothing):
    Fashion-MNIST's from --data-dir where given, else found as `trace` finds them."""
    from backprop_tui.cli.conv import load_conv_scenario
    from backprop_tui.core.cnn.data import places_to_load
    from backprop_tui.core.conv.data import with_images
    from backprop_tui.core.scenario.conv_load import load_conv
    from backprop_tui.i18n import _
    from backprop_tui.render.pytorch_conv_script import ConvExport, conv_script

    if args.variant is not None or args.data_dir is None:
        scenario = load_conv_scenario(path, args.variant)  # a --variant: its message
    else:
        scenario = load_conv(path)
        if scenario.fashion is None:
            raise UserError(_("--data-dir {folder}: {file} has its images in the file ([data] inputs); --data-dir "
                              "chooses where Fashion-MNIST is read from").format(folder=args.data_dir, file=path.name))
        scenario = with_images(scenario, places_to_load(args.data_dir))
    count = args.iterations or scenario.training.iterations
    return conv_script(ConvExport(scenario, count, args.scenario))


def _checkpoint_text(args: argparse.Namespace, path: Path) -> str:
    """`export RUN.npz --image N`: the stepper's scenario of the checkpoint's network on test image N
    (core/conv/checkpoint.py), read from the data the run trained on (or --data-dir)."""
    from backprop_tui.core.cnn.data import places_to_load
    from backprop_tui.core.conv.checkpoint import checkpoint_scenario
    from backprop_tui.i18n import _
    from backprop_tui.render.pytorch_conv_script import ConvExport, conv_script

    if path.suffix != ".npz":
        raise UserError(_("--image {image}: {file} is not a checkpoint; --image exports batch mode's trained network "
                          "(a .npz file written by train) on one test image").format(image=args.image, file=path.name))
    if args.variant is not None:
        raise UserError(_("--variant {variant}: a checkpoint has no [[variant]] tables").format(variant=args.variant))
    places = places_to_load(args.data_dir) if args.data_dir is not None else None
    scenario = checkpoint_scenario(path, args.image, places)
    count = args.iterations or scenario.training.iterations
    return conv_script(ConvExport(scenario, count, args.scenario, image=args.image))


def _cnn_text(args: argparse.Namespace, path: Path) -> str:
    from backprop_tui.core.cnn.config import load_cnn_scenario
    from backprop_tui.core.cnn.data import find_data, places_to_load
    from backprop_tui.render.pytorch_cnn_script import CnnExport, cnn_script

    for flag, value in (("--variant", args.variant), ("--iterations", args.iterations)):
        if value is not None:
            raise UserError(_("{flag} applies to dense scenarios; {file} is a CNN scenario, whose script trains for "
                              "its epochs (the script takes --epochs and --limit)").format(flag=flag, file=path.name))
    scenario = load_cnn_scenario(path)
    places = places_to_load(args.data_dir)  # a named folder that lacks a file is an error here
    try:
        data_dir: Path | None = find_data(places).resolve()
    except UserError:
        data_dir = None
        print(_("note: Fashion-MNIST was not found on this machine (see `backprop-tui data`); the script "
                "will need --data-dir DIR"), file=sys.stderr)
    return cnn_script(CnnExport(scenario, data_dir, args.scenario))
