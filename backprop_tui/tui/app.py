"""The Textual app: loads the scenario, watches its file, and hands steppers to the stepping screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App
from textual.binding import Binding

from backprop_tui.core.errors import UserError
from backprop_tui.i18n import _
from backprop_tui.core.scenario.bundled import resolve
from backprop_tui.core.scenario.model import Scenario
from backprop_tui.walk.stepper import Stepper
from backprop_tui.walk.authoring import UndoStack, editable_copy, is_bundled
from backprop_tui.tui.frame_gc import quiet_gc
from backprop_tui.tui.screens.error import ErrorScreen
from backprop_tui.tui.screens.help import HelpScreen
from backprop_tui.tui.screens.open_dialog import OpenScenarioDialog
from backprop_tui.tui.screens.stepper import StepperScreen
from backprop_tui.tui.language import translate_bindings
from backprop_tui.walk.watch import FileWatcher, open_scenario

STYLES = Path(__file__).parent / "styles"
"""Absolute, so subclasses defined elsewhere (tests) find the styles too."""


class ComputeFailed(UserError):
    """The engine could not compute a loaded scenario's first steps (a bug, shown instead of a traceback)."""


def _path_of(name_or_path: str | Path) -> Path:
    """The file behind a name or path (a missing one is watched for, in case it appears)."""
    try:
        return resolve(name_or_path)
    except UserError:
        return Path(name_or_path)


class BackpropApp(App[None]):
    """backprop-tui: step through a scenario; saving its file reloads it in place."""

    CSS_PATH = [STYLES / "stepper.tcss", STYLES / "dialogs.tcss"]
    TITLE = "backprop-tui"
    BINDINGS = [
        Binding("question_mark", "help", "Help", show=True, key_display="?"),
        Binding("o", "open", "Open", show=False),
        Binding("r", "reload", "Reload from disk", show=False),
        Binding("q", "quit", "Quit", show=True),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),  # as in any terminal program
    ]
    WATCH_SECONDS = 0.5
    """How often the scenario file's modification time is polled."""

    def __init__(self, scenario: str | Path, variant: str | None = None, quiz: bool = False,
                 image: int | None = None) -> None:
        super().__init__()
        self.source: str | Path = scenario
        self.variant = variant
        self.quiz = quiz
        """Open the stepper in quiz mode (`backprop-tui quiz`)."""
        self.image = image
        """With a checkpoint as `scenario`: the test image its network is stepped through on."""
        self.watcher = FileWatcher(_path_of(scenario))
        self.undo = UndoStack()
        """File texts before each in-app edit."""

    def run(self, *args: Any, **kwargs: Any) -> None:
        """App.run, with the garbage collector tuned for an interactive session first."""
        quiet_gc()
        return super().run(*args, **kwargs)

    def on_mount(self) -> None:
        translate_bindings(self)
        try:
            stepper = self._stepper(open_scenario(self.source, self.variant, self.image))
        except UserError as error:
            self.push_screen(ErrorScreen(error))
        else:
            self.push_screen(StepperScreen(stepper, quiz=self.quiz))
        self.set_interval(self.WATCH_SECONDS, self._poll)

    @staticmethod
    def _stepper(loaded: Scenario, old: Stepper | None = None) -> Stepper:
        """A stepper for a loaded scenario (at the old one's place).

        Raises ComputeFailed when the engine cannot compute its first steps.
        """
        try:
            return old.reload(loaded) if old is not None else Stepper(loaded)
        except Exception as error:  # the engine raises nothing on numbers; keep the app alive regardless
            raise ComputeFailed(_("{file}: could not be computed ({error})").format(
                file=loaded.source or _("scenario"), error=f"{type(error).__name__}: {error}")) from error

    def _find(self, kind: type) -> object | None:
        return next((s for s in self.screen_stack if isinstance(s, kind)), None)

    def _show(self, stepper: Stepper, opened: bool = False) -> None:
        """Show a stepper (in place of the last one or of the error screen); `opened`: a scenario
        the learner has not seen yet, so its description is shown."""
        stepper_screen = self._find(StepperScreen)
        if isinstance(stepper_screen, StepperScreen):
            stepper_screen.install(stepper, opened)
            stepper_screen.show_error(None)
        elif isinstance(self.screen, ErrorScreen):
            self.switch_screen(StepperScreen(stepper))
        else:
            self.push_screen(StepperScreen(stepper))

    def _show_error(self, error: UserError) -> None:
        """Show the messages over the last good stepper, or alone if there is none."""
        stepper_screen = self._find(StepperScreen)
        if isinstance(stepper_screen, StepperScreen):
            stepper_screen.show_error(error)
        elif isinstance(self.screen, ErrorScreen):
            self.screen.show_error(error)

    def _poll(self) -> None:
        if self.watcher.changed():
            self.action_reload()

    def action_reload(self) -> None:
        """Load the file again; the learner stays at the same iteration and step where possible."""
        self.watcher.changed()
        screen = self._find(StepperScreen)
        old = screen.stepper if isinstance(screen, StepperScreen) else None
        try:
            stepper = self._stepper(open_scenario(self.source, self.variant, self.image), old)
        except UserError as error:
            self._show_error(error)
        else:
            self._show(stepper, opened=old is None)

    def action_open(self) -> None:
        if not isinstance(self.screen, OpenScenarioDialog):
            self.push_screen(OpenScenarioDialog(_path_of(self.source)), self._opened)

    def _opened(self, scenario: Scenario | None) -> None:
        if scenario is None:
            return
        try:
            stepper = self._stepper(scenario)
        except UserError as error:
            self._show_error(error)
            return
        self.source, self.variant = scenario.source or self.source, scenario.variant
        self.watcher = FileWatcher(scenario.source)
        self.undo = UndoStack()  # the edits were to the other file
        self._show(stepper, opened=True)

    def set_variant(self, variant: str | None) -> None:
        """Step through another variant of the same file, at the same place."""
        self.variant = variant
        self.action_reload()

    def editable_path(self) -> Path:
        """The file in-app edits go to: the scenario's own, or a copy in the working folder for a
        bundled one (which then becomes the watched source)."""
        path = _path_of(self.source)
        if not is_bundled(path):
            return path
        copy = editable_copy(path, Path.cwd())
        self.source, self.watcher = copy, FileWatcher(copy)
        self.notify(_("{name} ships with the app, so the edit goes to a copy: {copy}").format(name=path.name, copy=copy),
                    timeout=6)
        return copy

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))
