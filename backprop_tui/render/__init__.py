"""One place that turns engine output into rich renderables, markdown and JSON.

The app and the CLI both draw through here, so the screen and the exported text never disagree.
"""
