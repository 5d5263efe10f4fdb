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

    keep_ctrl_c_from_callbacks()
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


def keep_ctrl_c_from_callbacks() -> None:
    """Make a Ctrl-C that lands inside a callback the interpreter cannot raise from count.

    Python reports an exception raised in a weakref callback or `__del__` as "Exception ignored
    in ..." with a traceback and carries on; a Ctrl-C landing in importlib's module-lock callback
    while a command starts was swallowed that way and the command ran to its end. This hook
    raises it again a millisecond later, outside the callback, where `main` turns it into
    "interrupted" and exit 130; every other unraisable exception goes to the previous hook.
    (sys.unraisablehook: https://docs.python.org/3/library/sys.html#sys.unraisablehook)
    """
    import _thread
    import signal
    import sys
    import threading

    previous = sys.unraisablehook

    def again(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    def hook(unraisable: "sys.UnraisableHookArgs") -> None:
        if issubclass(unraisable.exc_type, KeyboardInterrupt) and threading.current_thread() is not threading.main_thread():
            _thread.interrupt_main()  # another thread's callback: the main thread takes it
            return
        if issubclass(unraisable.exc_type, KeyboardInterrupt):
            # Raised now (raise_signal, interrupt_main) it would land in this hook and be
            # ignored again: a one-shot timer raises it a millisecond later, after the callback.
            signal.signal(signal.SIGALRM, again)
            signal.setitimer(signal.ITIMER_REAL, 0.001)
            return
        previous(unraisable)

    sys.unraisablehook = hook


def _interrupted() -> int:
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # in the interface language once it is chosen (English before: nothing is imported here)
    i18n = sys.modules.get("backprop_tui.i18n")
    try:
        print(i18n._("interrupted") if i18n is not None else "interrupted", file=sys.stderr, flush=True)
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
