"""`python -m backprop_tui` runs the same entry point as the `backprop-tui` script."""

from backprop_tui.cli.main import main

raise SystemExit(main())
