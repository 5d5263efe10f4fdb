"""Convolutional stepper scenarios' bridges to batch mode: real images and trained checkpoints.

The stepping itself (conv.py, conv_run.py, conv_steps.py) lives with the dense engine in
core.dense, which may not import batch mode (core.cnn); this package may import both.
"""
