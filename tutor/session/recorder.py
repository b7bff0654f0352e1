"""The session's side of the progress store: one learner, every `Report` written at once.

Every front-end saves through this one path (the app, `--plain`, the classroom): a step shown is
a step saved (each write is its own SQLite transaction, ~0.1 ms), so `kill -9` loses nothing
already done. The learner's name is given by the caller (the classroom server sets it from the
SSH login) or is the local user: no key, field or file can point a session at another student's
rows. A store that cannot be opened or written turns saving off, with `problem` saying why; the
lesson goes on. A PostgreSQL store that is out of reach (`StoreUnavailable`), even when the
session starts, does not: its writes are kept until it is back, and a read meanwhile finds
nothing saved.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.i18n import _
from tutor.progress import Event, LearnerProgress, LessonProgress, ProgressStore, local_learner
from tutor.progress.store import StoreError, StoreUnavailable

if TYPE_CHECKING:
    from tutor.session.questions import Report

PROBLEMS = (sqlite3.Error, OSError, StoreError, ValueError)


class Recorder:
    """Opens the store on first use (from any thread) and saves reports into it."""

    def __init__(self, learner: str | None = None, data: Path | None = None) -> None:
        self.name = learner or local_learner()
        self.data = data
        self.problem = ""  # why nothing is saved, once something went wrong
        self._learner: LearnerProgress | None = None
        self._lock = threading.Lock()

    @property
    def learner(self) -> LearnerProgress | None:
        """This learner's progress; None when the store cannot be used (see `problem`)."""
        with self._lock:
            if self._learner is None and not self.problem:
                try:
                    store = ProgressStore(self.data, patient=True)
                    self._learner = store.learner(self.name)
                except PROBLEMS as error:
                    self.problem = _("progress is not saved: {error}").format(error=error)
            return self._learner

    def lesson(self, lesson_id: str) -> LessonProgress | None:
        learner = self.learner
        if learner is None:
            return None
        try:
            return learner.lesson(lesson_id)
        except StoreUnavailable:
            return None
        except PROBLEMS as error:
            self._broken(error)
            return None

    def lessons(self) -> dict[str, LessonProgress]:
        learner = self.learner
        if learner is None:
            return {}
        try:
            return {p.lesson_id: p for p in learner.lessons()}
        except StoreUnavailable:
            return {}
        except PROBLEMS as error:
            self._broken(error)
            return {}

    def events(self, lesson_id: str) -> list[Event]:
        """What this learner did in one lesson, oldest first: what a resume restores."""
        learner = self.learner
        if learner is None:
            return []
        try:
            return learner.events(lesson_id)
        except StoreUnavailable:
            return []
        except PROBLEMS as error:
            self._broken(error)
            return []

    def forget(self, lesson_id: str) -> bool:
        """Start a lesson over: the list and a later resume see a lesson not begun, while its
        history stays in the store for the teacher (a `reset` event, not a deletion)."""
        learner = self.learner
        if learner is None:
            return False
        try:
            learner.restart(lesson_id)
        except PROBLEMS as error:
            self._broken(error)
            return False
        return True

    def save(self, report: Report) -> bool:
        """Write one report; False when saving is off (then `problem` says why)."""
        learner = self.learner
        if learner is None:
            return False
        lesson, step = report.lesson_id, report.step_id
        try:
            if report.kind == "step":
                learner.reached(lesson, step, report.index, report.total, report.title)
                if report.total and report.index >= report.total:
                    learner.completed(lesson, step)
            elif report.kind in ("answer", "write"):  # a line written is saved as an answer
                learner.answered(
                    lesson,
                    step,
                    report.given,
                    bool(report.correct),
                    attempt=report.tries,
                    hints_used=report.hints,
                )
            elif report.kind == "hint":
                learner.hint(lesson, step, report.hints)
            elif report.kind == "gave-up":
                learner.gave_up(lesson, step, attempt=report.tries, hints_used=report.hints)
            elif report.kind == "knob":
                learner.knob(lesson, step, report.name, report.given)
        except PROBLEMS as error:
            self._broken(error)
            return False
        return True

    def _broken(self, error: Exception) -> None:
        with self._lock:
            self.problem = _("progress is not saved: {error}").format(error=error)
            self._learner = None
