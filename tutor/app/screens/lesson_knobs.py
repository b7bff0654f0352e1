"""The lesson screen's knobs: `k` opens the panel; a value the learner sets is turned in the
Run in a worker (it re-runs every step from the first that reads the knob, up to the step on
screen), and the screen redraws what changed. Steps before that first reader keep their frames.

Turns come faster than re-runs (a held `+`): the newest value of each knob waits in `pending`,
the running re-run is told to stop its repeat early (`interrupted`), and the pending values are
turned as soon as it returns, so the screen always ends on the last value asked for.
"""

from __future__ import annotations

from textual import work
from textual.worker import get_current_worker

from tutor.app.knob import Knob, Value
from tutor.app.screens.lesson_work import LessonWork, StepComputed
from tutor.app.widgets.knobs import KnobPanel
from tutor.app.widgets.step_scroll import StepScroll
from tutor.lesson import pick
from tutor.session import LessonSession


class LessonKnobs(LessonWork):
    """The knobs panel and the re-runs it asks for."""

    def __init__(self) -> None:
        super().__init__()
        self.pending: dict[str, Value] = {}

    def knobs(self) -> list[Knob]:
        """The lesson's params, as the panel shows them, in the learner's language."""
        run = self.run
        if run is None:
            return []
        return [
            Knob(
                name,
                spec.min,
                spec.max,
                spec.step,
                tuple(spec.options) if spec.options is not None else None,
                pick(spec.help, run.lang) if spec.help else "",
                isinstance(spec.value, int) and not isinstance(spec.value, bool),
            )
            for name, spec in run.lesson.params.items()
        ]

    def after_start(self) -> None:
        super().after_start()
        if self.run is not None:
            self.query_one(KnobPanel).load(self.knobs(), self.run.params)
        if self.pending:
            self.apply_knobs()

    def action_knobs(self) -> None:
        """`k`: open the panel (and give it the keys), or close it."""
        panel = self.query_one(KnobPanel)
        if panel.display and panel.has_focus_within:
            panel.action_close()
        else:
            panel.open()

    def on_knob_panel_closed(self, event: KnobPanel.Closed) -> None:
        event.stop()
        self.query_one(StepScroll).focus()

    def on_knob_panel_changed(self, event: KnobPanel.Changed) -> None:
        event.stop()
        self.pending[event.name] = event.value
        if not self.busy and self.session is not None:
            self.apply_knobs()

    def interrupted(self) -> bool:
        return bool(self.pending)

    def apply_knobs(self) -> None:
        """Turn every pending knob in a worker; the step on screen stays on screen."""
        session = self.session
        if session is None or not self.pending:
            return
        changes, self.pending = dict(self.pending), {}
        names = ", ".join(changes)
        self.begin_work(f"re-running with the new {names}…", session.position)
        self._turn(session, changes, session.position)

    @work(thread=True, exclusive=True, group="step", exit_on_error=False)
    def _turn(self, session: LessonSession, changes: dict[str, Value], shown: int) -> None:
        worker = get_current_worker()
        progress = self.live_progress(session, shown, lambda: worker.is_cancelled)
        problem = ""
        for name, value in changes.items():
            try:
                session.set_param(name, value, progress)
            except Exception as error:  # a value the engine refuses: say so, keep the lesson
                message = getattr(error, "message", None) or str(error)
                self.app.call_from_thread(self.notify, message, title=name, severity="error")
        if not worker.is_cancelled:
            self.post_message(StepComputed(problem, moved=False))

    def after_work(self, *, moved: bool) -> None:
        super().after_work(moved=moved)
        if self.run is not None:  # the Run's values, except those asked for since
            params = self.run.params.items()
            self.query_one(KnobPanel).set_values(
                {name: value for name, value in params if name not in self.pending}
            )
        if self.pending:
            self.apply_knobs()
