"""`python -m backprop_tui` runs the same entry point as the `backprop-tui` script."""

try:
    from backprop_tui.cli import entry
except KeyboardInterrupt:  # Ctrl-C in the first instant, before the entry point is even loaded
    import sys

    print("interrupted", file=sys.stderr)
    raise SystemExit(130) from None

entry()
