"""The stepper's widgets, one per file; each draws through backprop_tui.render."""
