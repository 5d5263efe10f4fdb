"""The `backprop-tui` command line: one module per area, each with `register()`."""


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
    sys.exit(code)


def _interrupted() -> int:
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        print("interrupted", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass
    return 130
