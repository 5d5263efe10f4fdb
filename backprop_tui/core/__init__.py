"""The core: scenario files, the dense engine and the CNN numerics. No rich, Textual or argparse."""
