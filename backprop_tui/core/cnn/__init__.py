"""Batch mode: a NumPy CNN trained headless on Fashion-MNIST.

Nothing here imports Textual: the package is data (IDX files, scenarios, checkpoints), the
network (layers, a fused fast path, optimizers), the training loop, and rich/plain reporting.
"""
