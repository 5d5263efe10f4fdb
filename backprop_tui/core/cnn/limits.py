"""Size limits shared by the scenario checks and the command-line flags.

They keep a scenario or a flag that validates from crashing later with an out-of-memory error
deep inside NumPy: a model or a batch this tool cannot sensibly train is refused up front, with
the figure and the key (or flag) to change.
"""

from __future__ import annotations

DEFAULT_SCENARIO = "fashion_cnn"
"""The bundled CNN scenario that `train` uses when none is named."""

MAX_LEARNING_RATE = 10.0
"""training.learning_rate and --lr: at most this."""

MAX_MOMENTUM = 0.999
"""training.momentum and --momentum: at most this."""

MAX_EPOCHS = 1000
MAX_BATCH_SIZE = 60000

MAX_PARAMETERS = 50_000_000
"""Weights and biases of a whole model (200 MB as float32, about three times that while training)."""

MAX_BATCH_BYTES = 4 * 1024**3
"""Estimated activation memory of one training batch (forward and backward) or evaluation batch."""

EVAL_BATCH = 250
"""Images per evaluation batch (evaluate and predict_proba)."""

BYTES_PER_FLOAT = 4
