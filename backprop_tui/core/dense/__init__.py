"""The step-through engine: pure NumPy in float64; knows nothing of terminals or Textual."""
