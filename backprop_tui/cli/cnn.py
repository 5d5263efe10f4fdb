"""The CNN subcommands: train, evaluate, predict, data (and data download).

Only argument parsing and wiring live here; each handler imports its heavy modules lazily so
`backprop-tui --help` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from backprop_tui.cli.args import number_in, positive, whole_number
from backprop_tui.core.cnn import limits
from backprop_tui.core.errors import UserError
from backprop_tui.i18n import _

DEFAULT_SCENARIO = limits.DEFAULT_SCENARIO


def register(subparsers: Any) -> None:
    """Add `train`, `evaluate`, `predict` and `data` to the CLI's subparsers."""
    _add_train(subparsers)
    _add_evaluate(subparsers)
    _add_predict(subparsers)
    _add_data(subparsers)


def _data_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="D",
        help=_("folder with the four Fashion-MNIST IDX files (.gz or plain); also a torchvision "
               "root holding FashionMNIST/raw. The only place used when given (as is $FASHION_MNIST_DIR "
               "otherwise): a missing file is an error. See `backprop-tui data`."),
    )
    parser.add_argument(
        "--no-verify",
        action="store_true",
        help=_("skip the MD5 check of the files' contents (for other data in the same format)"),
    )


def _add_train(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "train",
        help=_("train the NumPy CNN on Fashion-MNIST"),
        description=_("Train a CNN scenario on Fashion-MNIST, evaluating on the test set after "
                      "every epoch. Ctrl-C (or SIGTERM, SIGHUP, or a closed output such as `| head`) finishes the "
                      "batch, writes the checkpoint and stops with a non-zero exit code; the same command plus "
                      "--resume continues exactly where it stopped. An existing checkpoint is never replaced "
                      "unless --fresh says so. If the loss becomes NaN, infinite or explodes (an epoch's mean loss "
                      "above 4 times the starting loss: a learning rate too high), training stops with exit code 1 "
                      "and the checkpoint is left as the last good epoch wrote it. Bad input (a flag, a scenario, "
                      "the data) exits with 2."),
    )
    parser.add_argument("scenario", nargs="?", default=None, metavar="SCENARIO",
                        help=_("CNN scenario file or bundled name (default: {name})").format(name=DEFAULT_SCENARIO))
    parser.add_argument("--epochs", type=whole_number(1, limits.MAX_EPOCHS), metavar="N",
                        help=_("override {key}").format(key="training.epochs"))
    parser.add_argument("--batch-size", type=whole_number(1, limits.MAX_BATCH_SIZE), metavar="B",
                        help=_("override {key}").format(key="training.batch_size"))
    parser.add_argument("--lr", type=number_in(0, limits.MAX_LEARNING_RATE, above=True), metavar="X",
                        help=_("override {key} (above 0, at most {most})").format(
                            key="training.learning_rate", most=f"{limits.MAX_LEARNING_RATE:g}"))
    parser.add_argument("--momentum", type=number_in(0, limits.MAX_MOMENTUM), metavar="M",
                        help=_("override {key} (0 to {most})").format(key="training.momentum",
                                                                      most=f"{limits.MAX_MOMENTUM:g}"))
    parser.add_argument("--seed", type=int, metavar="S", help=_("override the scenario's seed"))
    parser.add_argument("--limit", type=positive, metavar="N",
                        help=_("train on the first N training images only (the test set stays whole)"))
    _data_dir_option(parser)
    parser.add_argument("--checkpoint", metavar="PATH", default="fashion_cnn.npz",
                        help=_("checkpoint written after every epoch (default: {name})").format(name="fashion_cnn.npz"))
    start = parser.add_mutually_exclusive_group()
    start.add_argument("--resume", action="store_true",
                       help=_("continue the run in --checkpoint (flags that repeat its settings are fine)"))
    start.add_argument("--fresh", action="store_true",
                       help=_("start a new run even though --checkpoint exists: it is replaced after the "
                              "first epoch (without --resume or --fresh, an existing checkpoint is refused)"))
    parser.add_argument("--metrics", metavar="FILE",
                        help=_("append one JSON line per epoch to FILE (on --resume, FILE is brought back to "
                               "exactly the epochs the checkpoint holds)"))
    parser.add_argument("--watch", action="store_true",
                        help=_("train on the training screen: live charts of the losses, accuracy and learning "
                               "rate, the confusion matrix, the mistakes and the first layer's filters after each "
                               "epoch (q stops like Ctrl-C); without a terminal, batch mode's lines instead"))
    parser.set_defaults(func=_train)


def _add_evaluate(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "evaluate", help=_("test accuracy, per-class table and confusion matrix of a checkpoint")
    )
    parser.add_argument("checkpoint", metavar="CHECKPOINT", help=_("a .npz written by `train`"))
    _data_dir_option(parser)
    parser.set_defaults(func=_evaluate)


def _add_predict(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "predict", help=_("draw one test image and show the checkpoint's predicted probabilities")
    )
    parser.add_argument("checkpoint", metavar="CHECKPOINT", help=_("a .npz written by `train`"))
    parser.add_argument("--index", type=int, required=True, metavar="I", help=_("test image index, 0-9999"))
    _data_dir_option(parser)
    parser.set_defaults(func=_predict)


def _add_data(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "data", help=_("show where Fashion-MNIST was found; `data download` fetches it"),
        description=_("Without a subcommand: list the places searched, in order, and which one holds the data."),
    )
    parser.add_argument("--data-dir", metavar="D", help=_("folder searched first"))
    parser.set_defaults(func=_data_where)
    actions = parser.add_subparsers(dest="data_command", metavar="ACTION")
    download = actions.add_parser(
        "download", help=_("fetch the four files from the official mirrors into the cache"),
        description=_("Download the four Fashion-MNIST files into the cache folder (or --to), "
                      "verifying each file's MD5, resuming partial downloads and retrying other mirrors."),
    )
    download.add_argument("--to", metavar="DIR", help=_("destination folder (default: the cache folder)"))
    download.add_argument("--retries", type=positive, default=3, metavar="N",
                          help=_("attempts per mirror and file (default: {count})").format(count=3))
    download.set_defaults(func=_data_download)


# -- handlers -------------------------------------------------------------------------------------


def open_cnn(name: str) -> int | None:
    """`backprop-tui NAME` for what is shown rather than stepped through: a checkpoint (.npz)
    opens read-only on the training screen, a CNN scenario trains on it (as `train --watch NAME`
    does); None for anything else (a stepping scenario, or a name that is neither)."""
    if name.endswith(".npz"):
        return _run("browse_command", argparse.Namespace(command="open", checkpoint=name, data_dir=None,
                                                          no_verify=False))
    from backprop_tui.core.scenario.bundled import resolve
    from backprop_tui.core.scenario.kind import file_kind
    from backprop_tui.core.vocab import ScenarioKind

    try:
        is_cnn = file_kind(resolve(name)) is ScenarioKind.CNN
    except UserError:
        return None  # the stepping app reports it
    if not is_cnn:
        return None
    from backprop_tui import i18n
    from backprop_tui.cli.main import main

    # the language chosen for this command (--lang anywhere on its line) goes on to the new one
    return main(["--lang", i18n.language(), "train", "--watch", name])


def _out_of_memory() -> UserError:
    return UserError(_("out of memory: this model or batch is too large for this machine's memory; use a "
                       "smaller training.batch_size (or --batch-size), or fewer filters or units"))


def _run(command: str, args: argparse.Namespace) -> int:
    """Run cnn_session's `command` with stdout guarded (closed pipe, narrow encoding) and any
    interruption ending as one line on stderr and exit 130, at any moment."""
    try:
        from backprop_tui.cli import cnn_session
        from backprop_tui.cli.cnn_output import guarded_stdout

        if command == "browse_command":
            from backprop_tui.cli import cnn_browse

            return cnn_browse.browse_command(args)

        if command == "train_command" and getattr(args, "watch", False) and sys.stdout.isatty():
            from backprop_tui.cli import cnn_watch

            return cnn_watch.watch_command(args)
        if command == "train_command":  # train guards its own output: a closed pipe stops it
            if getattr(args, "watch", False):
                print(_("note: {flag} needs a terminal; training with batch mode's progress lines instead")
                      .format(flag="--watch"), file=sys.stderr, flush=True)
            return cnn_session.train_command(args)
        with guarded_stdout():
            return int(getattr(cnn_session, command)(args))
    except MemoryError:
        raise _out_of_memory() from None
    except KeyboardInterrupt:
        print(_("interrupted: {command} stopped; nothing was written").format(command=args.command),
              file=sys.stderr, flush=True)
        return 130


def _train(args: argparse.Namespace) -> int:
    return _run("train_command", args)


def _evaluate(args: argparse.Namespace) -> int:
    return _run("evaluate_command", args)


def _predict(args: argparse.Namespace) -> int:
    return _run("predict_command", args)


def _data_where(args: argparse.Namespace) -> int:
    return _run("data_command", args)


def _data_download(args: argparse.Namespace) -> int:
    return _run("download_command", args)
