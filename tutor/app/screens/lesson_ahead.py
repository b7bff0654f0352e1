"""Reading time put to use: while the learner reads a step, the next one is computed and drawn
off screen, so that → only has to show it.

A first visit to a step otherwise costs its torch work, capturing its values and formatting
every number, two to three times what showing a kept step costs; with thirty students pressing
→ together on two cores, that difference is the difference between a frame now and a frame a
third of a second later. The work waits until the learner has paused (a key pressed sooner
puts it off again) and runs on the UI thread, since the Run is not shared between threads;
steps that repeat, or would replay one that did, are left for → (they animate in a worker).
Nothing is shown, stored or reported: `forward` restores the prepared frame as it would a
step seen before, with the same numbers the step would have computed then.
"""

from __future__ import annotations

from textual.timer import Timer

from tutor.app.screens.lesson_work import LessonWork
from tutor.app.widgets.question import QuestionPanel
from tutor.app.widgets.step_pane import StepPane

AHEAD_DELAY = 1.0
"""Seconds of quiet after a step is drawn before the next one is prepared."""


class LessonAhead(LessonWork):
    """Prepares the step after the one on screen, once the learner pauses."""

    _ahead: Timer | None = None

    def schedule_ahead(self) -> None:
        """Start (or restart) the wait before preparing the next step."""
        if self._ahead is not None:
            self._ahead.stop()
        self._ahead = self.set_timer(AHEAD_DELAY, self.prepare_ahead, name="prepare ahead")

    def prepare_ahead(self) -> None:
        self._ahead = None
        session = self.session
        if session is None or self.busy or self.may_be_slow() or not self.is_current:
            return
        run = session.run
        k = run.position + 1
        if k > run.total or run.blocked:
            return
        run.prepare()
        self.query_one(StepPane).prepare(run.view(k))
        question = session.question(k)
        if question is not None:
            self.query_one(QuestionPanel).prepare(question)
