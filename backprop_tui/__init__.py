"""backprop-tui: watch a neural network learn, one chain-rule step at a time."""

__version__ = "0.1.0"
