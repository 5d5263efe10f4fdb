"""The `backprop-tui` command line: one module per area, each with `register()`."""

INTERRUPTED = 130
"""`cli.main.INTERRUPTED`, for a Ctrl-C that lands before `cli.main` is loaded (this package must
not import `cli.main` at its top, nor `cli.main` this package: that would be an import cycle)."""


def entry() -> None:
    """The process entry point of the `backprop-tui` script and `python -m backprop_tui`.

    Runs `cli.main.main` and exits with its code. A Ctrl-C that lands while `cli.main` itself is
    imported still ends as one line and exit 130, and once the command is over Ctrl-C is ignored,
    so one pressed while the interpreter shuts down prints no traceback either.
    """
    import sys

    try:
        from backprop_tui.cli.main import main

        code = main()
    except KeyboardInterrupt:
        code = _interrupted()
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the process is ending: nothing left to interrupt
    if code == INTERRUPTED:
        _exit_now(code)
    sys.exit(code)


def _interrupted() -> int:
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        print("interrupted", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass
    return INTERRUPTED


def _exit_now(code: int) -> None:
    """Exit with `code` after flushing the standard streams, without the interpreter's shutdown.

    Why: when Ctrl-C lands inside code that an extension runs through PyRun_String (Cython's
    module set-up, as in numpy.random), CPython marks the KeyboardInterrupt as unhandled even
    though `main` handled it, and at shutdown kills the process with SIGINT instead of exiting
    130. Every file the product writes is closed (and atomically renamed) before this point.
    """
    import os
    import sys

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(code)
