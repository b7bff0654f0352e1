"""Resuming a lesson: once the file is read, saved progress (kept by lesson id and step id)
says where the learner was; a prompt offers that step or the beginning. The prompt may be
answered before torch has loaded; the Run then goes to the step as soon as it exists, in a
worker (the steps on the way are computed, and may repeat).
"""

from __future__ import annotations

from textual import work
from textual.worker import get_current_worker

from tutor.app.screens.lesson_work import LessonWork, StepComputed
from tutor.app.screens.resume import ResumeScreen
from tutor.app.session import LessonSession
from tutor.lesson import LessonFile, pick


class LessonResume(LessonWork):
    """Offers to resume where the saved progress left off."""

    def __init__(self) -> None:
        super().__init__()
        self.resume_to = 0  # the step chosen, until the Run can go there
        self.offered = False

    def _loaded(self, lesson: LessonFile) -> None:
        super()._loaded(lesson)
        if not self.offered:
            self.offered = True
            self.offer_resume(lesson)

    def offer_resume(self, lesson: LessonFile) -> None:
        """Ask, when this learner has been in this lesson before (past step 0)."""
        model = lesson.lesson
        saved = self.tutor.progress.lesson(model.id)
        if saved is None or saved.last_index < 1:
            return
        ids = [model.step_id(i) for i in range(len(model.steps))]
        if saved.last_step in ids:  # by id: the lesson may have changed since
            step = ids.index(saved.last_step) + 1
        else:
            step = min(saved.last_index, len(ids))
        title = pick(model.steps[step - 1].title, self.tutor.lang)
        done = "You finished it before." if saved.completed else ""
        if saved.right or saved.wrong:
            done += f" Answers so far: {saved.right} right, {saved.wrong} wrong."
        screen = ResumeScreen(step, len(ids), title, done.strip())
        self.app.push_screen(screen, callback=self._chosen)

    def _chosen(self, step: int | None) -> None:
        self.resume_to = step or 0
        if self.session is not None:
            self.resume()

    def after_start(self) -> None:
        super().after_start()
        self.resume()

    def resume(self) -> None:
        session, target = self.session, self.resume_to
        if session is None or target <= session.position or self.busy:
            return
        self.resume_to = 0
        self.begin_work(f"resuming at step {target}…", target)
        self._go(session, target)

    @work(thread=True, exclusive=True, group="step", exit_on_error=False)
    def _go(self, session: LessonSession, target: int) -> None:
        worker = get_current_worker()
        progress = self.live_progress(session, -1, lambda: worker.is_cancelled)
        problem = ""
        try:
            while session.position < target and not worker.is_cancelled:
                if not session.forward(progress):
                    break
        except Exception as error:  # never a traceback on screen
            problem = f"{type(error).__name__}: {error}"
        if not worker.is_cancelled:
            self.post_message(StepComputed(problem))
