"""The stepping mode: one screen that walks the steps of a scenario, key by key.

The screen owns the view state (position, decimals, transposes, cursor, play) as reactives and
redraws its widgets from the Textual-free Stepper; iterations that are slow to compute (a
784-128-10 network) are computed in a thread worker, and the next one is prefetched.
"""

from __future__ import annotations

from collections import deque

import numpy as np
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer

from backprop_tui.core.dense import chain
from backprop_tui.core.dense.chain import DrillDown
from backprop_tui.core.dense.steps import Step, first_divergent_step
from backprop_tui.core.scenario.conv_model import ConvScenario
from backprop_tui.core.vocab import Move, Parameter, Phase, Quantity
from backprop_tui.walk.stepper import Position, Stepper
from backprop_tui.tui.commands import StepperCommands
from backprop_tui.tui.language import switch, translate_bindings
from backprop_tui.i18n import _, ngettext, own_name
from backprop_tui.render.step import shown_matrices
from backprop_tui.walk.focus import Focus, Pointer, Target, focus_layer, focus_of, moved, resolve
from backprop_tui.tui.screens.goto_dialog import GoToIterationDialog
from backprop_tui.tui.screens.stepper_authoring import AuthoringActions
from backprop_tui.tui.screens.stepper_quiz import QuizActions
from backprop_tui.core.errors import UserError
from backprop_tui.tui.frame_gc import collect_after_frame
from backprop_tui.tui.widgets.chain_panel import ChainPanel
from backprop_tui.tui.widgets.error_panel import ErrorPanel
from backprop_tui.tui.widgets.loss_chart import LossChart
from backprop_tui.tui.widgets.network import NetworkDiagram
from backprop_tui.tui.widgets.quiz_panel import QuizPanel
from backprop_tui.tui.widgets.status_line import StatusLine
from backprop_tui.tui.widgets.step_footer import NAVIGATION, QUIZ_KEYS, StepFooter, step_keys
from backprop_tui.tui.widgets.step_pane import StepPane

def _diverged_here(steps: list[Step], step: Step) -> bool:
    """Whether `step` is the first of its iteration's `steps` to hold an inf or a NaN (flagged in
    its heading)."""
    divergent = first_divergent_step(steps)
    return divergent is not None and divergent.index == step.index


SPEEDS = (4.0, 2.0, 1.0, 0.5, 0.25, 0.1, 0.05)
"""Seconds per step while playing, slowest first."""
MIN_DECIMALS, MAX_DECIMALS = 1, 8


def _move(key: str, action: str, description: str, show: bool = False, key_display: str | None = None) -> Binding:
    return Binding(key, f"move('{action}')", description, show=show, key_display=key_display)


class StepperScreen(QuizActions, AuthoringActions, Screen[None]):
    """Walks one scenario's steps; the app hands it a new Stepper on reload or open."""

    COMMANDS = {StepperCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (96, "-wide"), (110, "-beside"), (160, "-widest")]
    """From -beside the chain rule sits beside the step rather than below it: under the drawing
    (-beside), or in a column of its own (-widest)."""
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        _move("right,n", "next_step", "Next step", show=True, key_display="→"),
        _move("left,p", "prev_step", "Prev step", show=True, key_display="←"),
        _move("down,full_stop", "next_phase", "Next phase", show=True, key_display="↓"),
        _move("up,comma", "prev_phase", "Previous phase"),
        _move("pagedown,N", "next_iteration", "Next iteration", key_display="PgDn"),
        _move("pageup,P", "prev_iteration", "Previous iteration"),
        _move("greater_than_sign", "ahead", "10 iterations ahead"),
        _move("less_than_sign", "back", "10 iterations back"),
        _move("home,g", "first_step", "First step of the iteration"),
        _move("end,G", "last_step", "Last step of the iteration"),
        Binding("space", "toggle_play", "Play/pause", show=True),
        Binding("plus,equals_sign", "speed(1)", "Play faster", show=False),
        Binding("minus", "speed(-1)", "Play slower", show=False),
        Binding("h,shift+left", "cursor(0,-1)", "Cursor left", show=False),
        Binding("l,shift+right", "cursor(0,1)", "Cursor right", show=False),
        Binding("k,shift+up", "cursor(-1,0)", "Cursor up", show=False),
        Binding("j,shift+down", "cursor(1,0)", "Cursor down", show=False),
        Binding("w", "toggle_chain", "Show/hide the chain rule in the forward phase", show=False),
        Binding("semicolon", "scalar_step", "Next cell of the result (then the next step)", show=False),
        Binding("t", "toggle_sources", "Show/hide transposed sources", show=False),
        Binding("right_square_bracket", "scroll(1)", "Scroll the step down", show=False),
        Binding("left_square_bracket", "scroll(-1)", "Scroll the step up", show=False),
        Binding("right_curly_bracket", "scroll_sideways(1)", "Scroll wide matrices and old → new right", show=False),
        Binding("left_curly_bracket", "scroll_sideways(-1)", "Scroll wide matrices and old → new left", show=False),
        Binding("s", "sample(1)", "Next sample", show=True),
        Binding("S", "sample(-1)", "Previous sample in the network", show=False),
        Binding("f", "fold", "Fold the network and loss chart away (or back)", show=False),
        Binding("colon", "go_to", "Go to iteration N", show=False, key_display=":"),
        Binding("i", "about", "Show/hide the scenario's description", show=False),
        Binding("d", "decimals(1)", "More decimals", show=False),
        Binding("D", "decimals(-1)", "Fewer decimals", show=False),
        Binding("e", "edit", "Edit a value in the file", show=False),
        Binding("u", "undo", "Undo the last edit", show=False),
        Binding("x", "export", "Write a handout of the walk (markdown or LaTeX, blanks)", show=False),
        Binding("v", "variant", "Switch variant", show=False),
        Binding("c", "compare", "Compare variants", show=False),
        Binding("L", "landscape", "Loss landscape", show=False),
        Binding("a", "toggle_quiz", "Quiz: type each result before it shows (on/off)", show=False),
        Binding("tab", "quiz_skip", "Skip (reveal the asked cell)", show=True, key_display="tab"),
        Binding("escape", "quiz_leave", "Leave the quiz", show=True, key_display="esc"),
        Binding("A", "quiz_summary", "Quiz summary (and save it)", show=True),
        Binding("O", "plane", "What each unit computes over the input plane", show=False),
        Binding("K", "switch_language", "Switch language (English/한국어)", show=False),
    ]

    position: reactive[Position] = reactive(Position, init=False, repaint=False)
    decimals: reactive[int] = reactive(3, init=False, repaint=False)
    show_sources: reactive[bool] = reactive(False, init=False, repaint=False)
    chain_in_forward: reactive[bool] = reactive(False, init=False, repaint=False)
    """Whether the chain rule shows in the forward phase too (it is about gradients, so it is hidden there)."""
    playing: reactive[bool] = reactive(False, init=False, repaint=False)
    speed: reactive[int] = reactive(2, init=False, repaint=False)
    """Index into SPEEDS."""
    sample: reactive[int] = reactive(0, init=False, repaint=False)
    """The batch column the network diagram shows (0-based; clamped to the batch when drawn)."""
    busy: reactive[bool] = reactive(False, init=False, repaint=False)
    """A worker is computing the iteration the last move needs."""

    def __init__(self, stepper: Stepper, quiz: bool = False) -> None:
        super().__init__()
        self.stepper = stepper
        self._start_quiz = quiz
        self.cursors: dict[int, tuple[int, int]] = {}
        """The cursor (row, column of θ) per layer, so each layer keeps its own."""
        self.pointer: Pointer | None = None
        """The cell the learner moved to or clicked in the current step (any matrix, as displayed)."""
        self._drills: dict[tuple, DrillDown | None] = {}
        self._timer: Timer | None = None
        self._ready = False
        self._pending: deque[Move] = deque()
        """Moves pressed while a worker was computing, taken in order once it lands."""

    def compose(self) -> ComposeResult:
        yield StatusLine(id="top")
        with Horizontal(id="body"):
            with Vertical(id="side"):
                yield NetworkDiagram(id="network")
                yield ChainPanel(id="chain-side")  # the chain rule's place from 110 to 160 columns
                yield LossChart(id="loss")
            yield StepPane(id="main")  # the description, the step, and the chain rule below or beside it
        yield QuizPanel(id="quiz")
        yield ErrorPanel(id="errors")
        yield StepFooter()

    def on_resize(self) -> None:
        """Across a breakpoint the chain rule changes place (below, under the drawing, or in its own
        column), even when the step pane keeps its width."""
        if self._ready:
            self.call_after_refresh(self.redraw)

    def on_mount(self) -> None:
        translate_bindings(self)
        self.query_one(ErrorPanel).show_error(None)
        self._timer = self.set_interval(SPEEDS[self.speed], self._tick, pause=True)
        self.query_one(StepPane).show_about(self.stepper.scenario)
        # the widgets every redraw draws, found once (a query per widget per key adds up)
        self._status = self.query_one(StatusLine)
        self._network = self.query_one(NetworkDiagram)
        self._pane = self.query_one(StepPane)
        self._chain_side = self.query_one("#chain-side", ChainPanel)
        self._loss_plot = self.query_one("#loss-plot")
        self._loss_chart = self.query_one(LossChart)
        self._footer = self.query_one(StepFooter)
        self._ready = True
        self._go(self.stepper.position)
        if self._start_quiz:
            self.action_toggle_quiz()

    # -- the language ---------------------------------------------------------------------------

    def action_switch_language(self) -> None:
        """Switch the interface language (English ↔ 한국어) and redraw everything in it."""
        now = switch(self.app)
        self.notify(_("Language: {name}").format(name=own_name(now)), timeout=2)

    def retranslate(self) -> None:
        """Redraw every text of the screen in the current language (called by language.switch)."""
        pane = self.query_one(StepPane)
        pane.forget_drawn()  # what was drawn, and drawn ahead, in the old language
        self.query_one("#chain-side", ChainPanel).forget_drawn()
        self.query_one(NetworkDiagram).forget_drawn()
        self.query_one(ErrorPanel).retranslate()
        if pane.about_shown:
            pane.show_about(self.stepper.scenario)
        self.redraw()

    # -- the scenario ---------------------------------------------------------------------------

    def install(self, stepper: Stepper, opened: bool = False) -> None:
        """Show a new stepper (reloaded, or `opened`: another scenario, whose description is shown);
        drill-downs of the old one are stale, and moves queued for it are dropped."""
        variant_changed = stepper.scenario.variant != self.stepper.scenario.variant
        self.stepper = stepper
        self._drills.clear()
        self._pending.clear()
        if opened or variant_changed:  # other numbers: the quiz's answers were to other steps
            self.quiz_restart()
        pane = self.query_one(StepPane)
        if opened:
            pane.show_about(stepper.scenario)
            pane.scroll_home(animate=False)
        elif pane.about_shown:
            pane.show_about(stepper.scenario)  # the file's description may be what was edited
        elif stepper.scenario.source is not None:
            self.notify(_("Reloaded {file}").format(file=stepper.scenario.source.name), timeout=2)
        self.refresh_bindings()  # the footer's keys depend on the scenario (a batch has a sample key)
        pane.cache.clear()
        self.busy = False
        self._go(stepper.position)

    def show_error(self, error: UserError | None) -> None:
        """Show (or clear, with None) the loader's messages below the still-usable stepper."""
        source = self.stepper.scenario.source
        self.query_one(ErrorPanel).show_error(error, source.name if source else None)

    # -- drawing --------------------------------------------------------------------------------

    def focus_weight(self) -> Focus:
        """The weight under the cursor for the current step."""
        return self.focus_for(self.stepper.step)

    def focus_for(self, step: Step) -> Focus:
        """The weight under the cursor in `step`, clamped to its layer's shape."""
        layer = focus_layer(step, len(self.stepper.scenario.layers))
        parameter = Parameter.BIAS if step.parameter is Parameter.BIAS else Parameter.WEIGHTS
        weights = self.stepper.iteration.before.params.weights[layer - 1]  # None: a maxpool or flatten layer
        rows, cols = weights.shape if weights is not None else (1, 1)
        r, c = self.cursors.get(layer, (0, 0))
        return Focus(layer, min(r, rows - 1), min(c, cols - 1), parameter)

    def drilldown(self, focus: Focus) -> DrillDown | None:
        """The chain rule for the focused weight in this iteration, cached; None if it cannot be made."""
        key = (self.stepper.position.iteration, focus)
        if key not in self._drills:
            row = focus.col if focus.parameter is Parameter.BIAS else focus.row
            try:
                with np.errstate(all="ignore"):
                    if isinstance(self.stepper.scenario, ConvScenario):
                        from backprop_tui.core.dense.conv_chain import conv_drilldown as make  # with the conv engine
                    else:
                        make = chain.drilldown
                    self._drills[key] = make(self.stepper.scenario, self.stepper.iteration,
                                             focus.layer, row, focus.col, focus.parameter)
            except Exception:  # a drill-down must never take the stepper down with it
                self._drills[key] = None
        return self._drills[key]

    def redraw(self) -> None:
        """Draw every widget from the stepper's current position."""
        if not self._ready:
            return
        s = self.stepper
        step = s.step
        focus = self.focus_weight()
        hidden = self.quiz_hidden(step)  # in quiz mode: the asked cells, with the cursor put on one
        with self.app.batch_update():
            self._status.show(s, self.busy, self.playing,
                              self.quiz_session.score if self.quiz_on and self.quiz_session else None)
            self._network.show_network(s, focus, self.sample, self.decimals, conceal=hidden is not None,
                                       cursor=self.cursor_target())
            drill = self.drilldown(focus)
            chain_off = self._chain_off(step)
            self._pane.show(s.position.iteration, step, focus, self.decimals, self.show_sources,
                            _diverged_here(s.steps, step), self.pointer, hidden, drill=drill, chain_wanted=not chain_off)
            side = self._chain_side  # the chain rule under the drawing (110 to 160 columns)
            side.show(drill, self.decimals)
            for widget in (side, self._loss_plot):
                widget.set_class(chain_off, "-chain-off")
            loss_chart = self._loss_chart
            loss_chart.show(s.losses(), s.data_losses(), s.position.iteration + 1)
            loss_chart.display = not self.quiz_conceals_loss()
            self.quiz_show(step)
            batch = len(s.iteration.batch) > 1
            quiz = [item for item, action in QUIZ_KEYS if self.quiz_check(action)]  # the keys the quiz has now
            self._footer.show([*NAVIGATION, *quiz, *step_keys(step.phase, batch, self.chain_in_forward)])
        self.call_after_refresh(self._warm_next)

    def _warm_next(self) -> None:
        """Once this frame is out, prepare what → shows next (its matrices rendered, the next
        iteration computed when this is the last step), so the next key press only blits; then
        collect the frame's garbage, so no collection falls inside the next key press."""
        try:
            self._prepare_next()
        finally:
            collect_after_frame()

    def _prepare_next(self) -> None:
        s = self.stepper
        iteration, following = s.position.iteration, s.position.step + 1
        if following == len(s.steps):
            iteration, following = iteration + 1, 0
            if not s.is_cached(iteration):
                if s.slow or self.busy:
                    return  # the prefetch worker computes it, then calls this again
                try:
                    s.prepare(iteration)
                except Exception:  # the move itself will compute it again and report the error
                    return
        step = s.steps_of(iteration)[following]
        focus = self.focus_for(step)
        current = iteration == s.position.iteration and not self.quiz_on  # drawn for the current iteration
        drill = self.drilldown(focus) if current else None
        self._pane.warm(iteration, step, focus, self.decimals, self.show_sources,
                        _diverged_here(s.steps_of(iteration), step), drill, not self._chain_off(step))
        if current:
            cursor = resolve(step, shown_matrices(step, self.show_sources), focus, None)  # where it will be
            self._network.prepare(s, step, focus, self.sample, self.decimals, cursor)
            if self._chain_side.display:
                self._chain_side.prepare(drill, self.decimals)

    def _chain_off(self, step: Step) -> bool:
        """Whether the chain rule is hidden at `step`: it is about gradients, so in the forward
        phase unless w asks for it, and wherever the quiz keeps this iteration's numbers back."""
        return (step.phase is Phase.FORWARD and not self.chain_in_forward) or self.quiz_conceals_iteration()

    def watch_position(self) -> None:
        self.redraw()

    def watch_decimals(self) -> None:
        self.redraw()

    def watch_show_sources(self) -> None:
        self.redraw()

    def watch_chain_in_forward(self) -> None:
        self.redraw()

    def watch_sample(self) -> None:
        self.redraw()

    def watch_busy(self) -> None:
        self.redraw()

    def watch_playing(self, playing: bool) -> None:
        if self._timer is not None:
            self._timer.resume() if playing else self._timer.pause()
        self.redraw()

    def watch_speed(self, speed: int) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_interval(SPEEDS[speed], self._tick, pause=not self.playing)
        self.notify(_("Playing at {seconds} s per step").format(seconds=f"{SPEEDS[speed]:g}"), timeout=2)

    # -- moving ---------------------------------------------------------------------------------

    def action_move(self, name: str) -> None:
        """Take a move (by its Move name, as BINDINGS give it); one that needs a slow iteration
        computed runs the computation in a worker.

        Moves pressed while it computes are queued and taken in order, so every press counts.
        """
        move = Move(name)
        self._hide_about()
        if self.busy:
            self._pending.append(move)
            return
        try:
            wanted = self.stepper.needs_compute(move)
            if wanted is not None and self.stepper.slow:
                self.busy = True
                self._compute(self.stepper, move, wanted)
                return
            self._go(self.stepper.move(move))
        except Exception as error:  # the engine never raises on numbers, but the app must not die
            self.notify(_("Could not compute that step: {error}").format(error=error), severity="error")
            return
        self._prefetch()

    @work(thread=True, exclusive=True, group="compute", exit_on_error=False)
    def _compute(self, stepper: Stepper, move: Move, wanted: int) -> None:
        """Compute iteration `wanted` off the UI thread, then take the move on it."""
        try:
            stepper.prepare(wanted)
            error = None
        except Exception as exc:
            error = exc
        self.app.call_from_thread(self._computed, stepper, move, error)

    def _computed(self, stepper: Stepper, move: Move, error: Exception | None) -> None:
        if stepper is not self.stepper:
            return  # the scenario was reloaded meanwhile; that move belonged to the old one
        self.busy = False
        if error is not None:
            dropped = len(self._pending)
            self._pending.clear()
            said = (ngettext("Could not compute that step: {error} ({count} later key press dropped)",
                             "Could not compute that step: {error} ({count} later key presses dropped)", dropped)
                    if dropped else _("Could not compute that step: {error}"))
            self.notify(said.format(error=error, count=dropped), severity="error")
            return
        self._go(self.stepper.move(move))
        while self._pending and not self.busy:  # moves on cached iterations are taken at once
            self.action_move(self._pending.popleft())
        if not self.busy:
            self._prefetch()

    def _go(self, position: Position) -> None:
        """Show `position` (redrawn through the watcher, or directly when it did not change)."""
        if position == self.position:
            self.redraw()
        else:
            self.position = position

    def _prefetch(self) -> None:
        """For slow scenarios, compute the next iteration while the learner reads this one."""
        following = self.stepper.position.iteration + 1
        if self.stepper.slow and not self.stepper.is_cached(following):
            self._prefetch_worker(self.stepper, following)

    @work(thread=True, exclusive=True, group="prefetch", exit_on_error=False)
    def _prefetch_worker(self, stepper: Stepper, iteration: int) -> None:
        try:
            stepper.prepare(iteration)
        except Exception:  # the move that needs this iteration computes it again and reports the error
            return
        if self.app.is_running:
            self.app.call_from_thread(self._warm_next)

    def action_go_to(self) -> None:
        """Ask for an iteration and go there, at the same step (as > does)."""
        self._hide_about()
        current = self.stepper.position.iteration + 1
        self.app.push_screen(GoToIterationDialog(current, self.stepper.planned),
                             lambda chosen: None if chosen is None else self.go_to_iteration(chosen - 1))

    def go_to_iteration(self, wanted: int) -> None:
        """Show iteration `wanted` (0-based) at the current step; iterations not computed yet are
        computed in a worker (every one up to it, for the loss chart), as `>` does."""
        if self.busy:
            self.notify(_("Still computing the last move; try again when it is done."), severity="warning")
            return
        target = Position(wanted, self.stepper.position.step)
        if self.stepper.is_cached(wanted):
            self._go(self.stepper.go(target))
            return
        self.busy = True
        self._compute_to(self.stepper, target)

    @work(thread=True, exclusive=True, group="compute", exit_on_error=False)
    def _compute_to(self, stepper: Stepper, target: Position) -> None:
        try:
            stepper.prepare(target.iteration)
            error = None
        except Exception as exc:
            error = exc
        self.app.call_from_thread(self._computed_to, stepper, target, error)

    def _computed_to(self, stepper: Stepper, target: Position, error: Exception | None) -> None:
        if stepper is not self.stepper:
            return  # reloaded meanwhile
        self.busy = False
        if error is not None:
            self.notify(_("Could not compute iteration {number}: {error}").format(number=target.iteration + 1, error=error),
                        severity="error")
        else:
            self._go(self.stepper.go(target))
        while self._pending and not self.busy:
            self.action_move(self._pending.popleft())

    def _tick(self) -> None:
        if not self.busy and not self._pending:
            self.action_move(Move.NEXT_STEP)

    def _hide_about(self) -> None:
        """The first key that changes the view hides the description (i shows it again)."""
        self._pane.show_about(None)

    def action_toggle_play(self) -> None:
        self._hide_about()
        self.playing = not self.playing

    def action_speed(self, change: int) -> None:
        self.speed = min(max(self.speed + change, 0), len(SPEEDS) - 1)

    def cursor_target(self) -> Target | None:
        """The matrix and cell (as displayed) the cursor is on in the current step."""
        step = self.stepper.step
        return resolve(step, shown_matrices(step, self.show_sources), self.focus_weight(), self.pointer)

    def point(self, key: Quantity, cell: tuple[int, int]) -> None:
        """Put the cursor on `cell` of `key` in the current step; on a weight or bias (θ, θᵀ, ∂E/∂θ,
        θ new, b …) the layer's weight cursor, and so the chain rule, follows."""
        self._hide_about()
        self.pointer = Pointer.at(self.stepper.step, key, cell)
        weight = focus_of(key, cell)
        if weight is not None and weight.layer is not None:
            row, col = self.cursors.get(weight.layer, (0, 0))
            self.cursors[weight.layer] = (row if weight.parameter is Parameter.BIAS else weight.row, weight.col)
        self.redraw()

    def action_cursor(self, rows: int, cols: int) -> None:
        """Move the cursor by (rows, cols) in the matrix it is in, as that matrix is displayed."""
        target = self.cursor_target()
        if target is None:
            return
        key, cell = target
        self.point(key, moved(cell, self.stepper.step.matrix(key).shape, rows, cols))

    @on(StepPane.CellClicked)
    def _clicked(self, message: StepPane.CellClicked) -> None:
        self.point(message.key, message.cell)

    def action_scalar_step(self) -> None:
        """Scalar stepping: the next cell of the step's result, row by row; after its last cell,
        the next step, on the first cell of its result."""
        step = self.stepper.step
        result = step.operation.result
        target = self.cursor_target()
        shape = step.matrix(result).shape
        placed = self.pointer is not None and (self.pointer.iteration, self.pointer.step) == (step.iteration, step.index)
        if target is None or target[0] != result or not placed:  # first press in a step: its first cell
            self.point(result, (0, 0))
            return
        row, col = target[1]
        if (row, col) != (shape[0] - 1, shape[1] - 1):
            self.point(result, (row, col + 1) if col + 1 < shape[1] else (row + 1, 0))
            return
        if self.busy or self.stepper.needs_compute(Move.NEXT_STEP) is not None and self.stepper.slow:
            self.action_move(Move.NEXT_STEP)  # computed in a worker; the next step opens as usual
            return
        following = self.stepper.steps_of(self.stepper.target(Move.NEXT_STEP).iteration)
        position = self.stepper.target(Move.NEXT_STEP)
        self.pointer = Pointer.at(following[position.step], following[position.step].operation.result, (0, 0))
        self.action_move(Move.NEXT_STEP)

    def action_scroll(self, direction: int) -> None:
        """Scroll the step pane by a few lines (it takes no focus, so arrows stay for stepping)."""
        self.query_one(StepPane).scroll_relative(y=4 * direction, animate=False)

    def action_scroll_sideways(self, direction: int) -> None:
        """Scroll the matrices and the old → new table sideways by a quarter of the pane."""
        pane = self.query_one(StepPane)
        pane.scroll_sideways(max(8, pane.size.width // 4) * direction)

    def action_about(self) -> None:
        """Show the scenario's description above the step, or hide it."""
        pane = self.query_one(StepPane)
        pane.show_about(None if pane.about_shown else self.stepper.scenario)
        if pane.about_shown:
            pane.scroll_home(animate=False)

    def action_toggle_chain(self) -> None:
        """Show the chain rule in the forward phase too, or hide it there again."""
        self._hide_about()
        self.chain_in_forward = not self.chain_in_forward

    def action_toggle_sources(self) -> None:
        self._hide_about()
        self.show_sources = not self.show_sources

    def action_landscape(self) -> None:
        """E over a plane of parameter space with every variant's path; iterations stepped there
        are shown here on return."""
        from backprop_tui.tui.screens.landscape import LandscapeScreen

        self._hide_about()
        self.app.push_screen(LandscapeScreen(self.stepper), lambda _: self._go(self.stepper.position))

    def action_plane(self) -> None:
        """Every unit's value over the plane of two inputs, the unit under the diagram's cursor
        enlarged; iterations stepped there are shown here on return."""
        from backprop_tui.tui.screens.plane import PlaneScreen, open_error

        self._hide_about()
        why = open_error(self.stepper)
        if why is not None:
            self.notify(why, severity="warning")
            return
        focus = self.focus_weight()
        self.app.push_screen(PlaneScreen(lambda: self.stepper, (focus.layer, focus.col)),
                             lambda _: self._go(self.stepper.position))

    def action_decimals(self, change: int) -> None:
        self._hide_about()
        self.decimals = min(max(self.decimals + change, MIN_DECIMALS), MAX_DECIMALS)

    def action_fold(self) -> None:
        """Hide the side pane (network and chart) so the step has the whole width, or show it again."""
        self.toggle_class("-folded")
        self.redraw()  # the chain rule under the drawing (110 to 160 columns) moves below the step

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer shows (and the app takes) the sample keys only where a batch has samples to pick."""
        if action == "sample":
            return len(self.stepper.iteration.batch) > 1
        if action in ("edit", "compare", "landscape", "plane") and isinstance(self.stepper.scenario, ConvScenario):
            return False  # written for dense networks; a convolutional scenario is edited in its file
        quiz = self.quiz_check(action)
        return True if quiz is None else quiz

    def action_sample(self, change: int) -> None:
        """Show the next (or previous) sample of the batch in the network, wrapping around."""
        self._hide_about()
        m = len(self.stepper.iteration.batch)
        self.sample = (min(self.sample, m - 1) + change) % m
