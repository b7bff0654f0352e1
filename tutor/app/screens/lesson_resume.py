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
from tutor.lesson import LessonFile
from tutor.session import LessonSession, ResumePoint, resume_point


class LessonResume(LessonWork):
    """Offers to resume where the saved progress left off."""

    def __init__(self) -> None:
        super().__init__()
        self.resume_to = 0  # the step chosen, until the Run can go there
        self.point: ResumePoint | None = None  # what the saved progress says
        self.offered = False

    def _loaded(self, lesson: LessonFile) -> None:
        super()._loaded(lesson)
        if not self.offered:
            self.offered = True
            self.offer_resume(lesson)

    def offer_resume(self, lesson: LessonFile) -> None:
        """Ask, when this learner has been in this lesson before (past step 0)."""
        lesson_id = lesson.lesson.id
        saved = self.tutor.progress.lesson(lesson_id)
        events = self.tutor.progress.events(lesson_id) if saved is not None else []
        point = resume_point(lesson, saved, self.tutor.lang, events)
        if point is None:
            return
        self.point = point
        screen = ResumeScreen(point.step, point.total, point.title, point.note)
        self.app.push_screen(screen, callback=self._chosen)

    def _chosen(self, step: int | None) -> None:
        self.resume_to = step or 0
        if self.session is not None:
            self.resume()

    def after_start(self) -> None:
        super().after_start()
        self.resume()

    def resume(self) -> None:
        session, target, point = self.session, self.resume_to, self.point
        if session is None or point is None or target <= session.position or self.busy:
            return
        self.resume_to = 0
        self.begin_work(f"resuming at step {target}…", target)
        self._go(session, point)

    @work(thread=True, exclusive=True, group="step", exit_on_error=False)
    def _go(self, session: LessonSession, point: ResumePoint) -> None:
        worker = get_current_worker()
        progress = self.live_progress(session, -1, lambda: worker.is_cancelled)
        problem = ""
        try:
            session.resume(point, progress, lambda: worker.is_cancelled)
        except Exception as error:  # never a traceback on screen
            problem = f"{type(error).__name__}: {error}"
        if not worker.is_cancelled:
            self.post_message(StepComputed(problem))
