"""The Textual app: screens per mode, one widget per file, styles in .tcss files."""
