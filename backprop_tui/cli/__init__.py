"""The `backprop-tui` command line: one module per area, each with `register()`."""
