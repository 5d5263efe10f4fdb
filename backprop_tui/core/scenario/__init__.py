"""Scenario files: TOML in, validated dataclasses out; knows nothing of screens."""
