"""Shared helpers for the TUI tests: the screen as plain text, and waiting on conditions."""

from __future__ import annotations

import io
import time
from collections.abc import Callable

from rich.console import Console
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static

from backprop_tui.tui.app import BackpropApp


def screen_text(app: App) -> str:
    """What the terminal shows now, line by line, without styles."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


async def wait_for(pilot: Pilot, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app run until `condition()` holds; fail after `timeout` seconds (never a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await pilot.pause(0.02)
    await pilot.pause()


def pane_text(app: App, part: str) -> str:
    """A part of the step pane ("heading", "matrices", "worked", "update", "notes", "chain",
    "about") as plain text, all of it, including what is scrolled out of view; "" when not shown."""
    from backprop_tui.tui.widgets.step_pane import StepPane

    return app.screen.query_one(StepPane).part_text(part)


def chain_text(app: App) -> str:
    """The chain rule's drill-down as plain text, from where it is drawn: the step pane (below
    the step, or beside it from 160 columns) or the panel under the network (110 to 160 columns)."""
    from backprop_tui.tui.widgets.step_pane import StepPane

    pane = app.screen.query_one(StepPane)
    if pane.chain_shown:
        return pane.part_text("chain")
    side = app.screen.query_one("#chain-side")
    return widget_text(side, side.content_size.width or 400)


def widget_text(widget: Static, width: int = 400) -> str:
    """A Static's whole content as plain text, including what is scrolled out of view."""
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(widget.content)
    return console.export_text()


class FastWatchApp(BackpropApp):
    """The app polling its file every 50 ms, so tests that save the file wait less."""

    WATCH_SECONDS = 0.05
