"""Reopening a lesson the learner has been in before: the `ResumeScreen` asks whether to go on
where they left it or to start over, and starting over forgets the old run.

Apart from the lesson screen because it reads the progress store and pushes its own screen;
the lesson screen only says what to do with the step chosen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tutor.app.screens.resume import ResumeScreen
from tutor.session import ResumePoint, resume_point

if TYPE_CHECKING:
    from tutor.app.app import TutorApp
    from tutor.lesson import LessonFile


def offer_resume(app: TutorApp, lesson: LessonFile, resume: Callable[[ResumePoint], None]) -> None:
    """Ask, when this learner has been in `lesson` before (past step 0); `resume` gets the
    point if they go on."""
    keeper = app.progress
    saved = keeper.lesson(lesson.lesson.id)
    point = resume_point(lesson, saved, app.lang, keeper.events(lesson.lesson.id))
    if point is None:
        return
    screen = ResumeScreen(point.step, point.total, point.title, point.note)

    def chosen(step: int | None) -> None:
        if step:
            resume(point)
        else:  # start over: the list's line and a later resume forget the old run
            keeper.forget(lesson.lesson.id)

    app.push_screen(screen, callback=chosen)
