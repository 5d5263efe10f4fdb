"""The scenario's title and description ("what to look for"), shown above the step when the scenario
opens (the step pane draws it) and in the help screen."""

from __future__ import annotations

from rich.text import Text

from backprop_tui.core.scenario.model import Scenario
from backprop_tui.i18n import _
from backprop_tui.render.describe import scenario_description, scenario_title


LIST_MARKERS = ("-", "*", "•", "|")


def reflow(description: str) -> str:
    """The description's paragraphs as single lines, so they wrap to the pane's width.

    Files wrap their text by hand at some width; a line break inside a paragraph is a space,
    except before a list item or table row (a line starting with one of LIST_MARKERS).
    """
    paragraphs = []
    for paragraph in description.strip().split("\n\n"):
        lines = [line.strip() for line in paragraph.splitlines() if line.strip()]
        text = lines[0] if lines else ""
        for line in lines[1:]:
            text += ("\n" if line.startswith(LIST_MARKERS) else " ") + line
        paragraphs.append(text)
    return "\n\n".join(paragraphs)


def about_text(scenario: Scenario) -> Text:
    """Title, description (or a note that the file has none), and how to hide or show it again."""
    text = Text(scenario_title(scenario), style="bold")
    description = reflow(scenario_description(scenario))
    text.append("\n" + description if description else "\n" + _("(this scenario has no description)"))
    text.append("\n" + _("The first move hides this; i shows it again."), style="dim italic")
    return text
