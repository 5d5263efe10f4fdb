"""The command palette Provider: every key binding of the active screen and the app, by name."""

from __future__ import annotations

from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from backprop_tui.i18n import _


KEY_NAMES = {
    "right": "→", "left": "←", "up": "↑", "down": "↓", "full_stop": ".", "comma": ",",
    "greater_than_sign": ">", "less_than_sign": "<", "plus": "+", "equals_sign": "=", "minus": "-",
    "question_mark": "?", "pagedown": "PgDn", "pageup": "PgUp", "space": "space",
    "left_square_bracket": "[", "right_square_bracket": "]",
    "left_curly_bracket": "{", "right_curly_bracket": "}", "semicolon": ";", "colon": ":",
}


def key_text(binding: Binding) -> str:
    """The keys of a binding as the help screen and the palette show them: → / n."""
    return " / ".join(KEY_NAMES.get(key, key) for key in binding.key.split(","))


class StepperCommands(Provider):
    """Offers each action of the screen it was opened on, and the app's own, with their keys."""

    def _commands(self) -> list[tuple[str, str, object]]:
        found = []
        seen: set[str] = set()
        for namespace in (self.screen, self.app):
            for binding in namespace.BINDINGS:
                if not isinstance(binding, Binding) or binding.action in seen or not binding.description:
                    continue
                seen.add(binding.action)
                found.append((_(binding.description), key_text(binding),
                              partial(self.app.run_action, binding.action, namespace)))
        return found

    async def discover(self) -> Hits:
        for name, keys, run in self._commands():
            yield DiscoveryHit(name, run, help=_("key: {keys}").format(keys=keys))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, keys, run in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=_("key: {keys}").format(keys=keys))
