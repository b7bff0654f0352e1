"""The lesson screen's work off the UI thread: starting (load the file, wait for torch, make
the Run) and computing a step that may be slow (one that repeats, or replays one that did).

A mixin of `LessonScreen`, kept apart so that the screen reads as what it draws and how keys
move it. Workers talk back with `call_from_thread` or thread-safe `post_message`, never by
touching widgets.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.screen import Screen
from textual.widgets import ProgressBar
from textual.worker import get_current_worker

from tutor.app.engine import StartError
from tutor.app.session import LessonSession, Reporter
from tutor.app.widgets.error_panel import ErrorPanel
from tutor.app.widgets.navbar import NavBar
from tutor.app.widgets.step_pane import warm_up
from tutor.app.widgets.topbar import TopBar
from tutor.lesson import LessonError, LessonFile, load_lesson, pick

if TYPE_CHECKING:
    from tutor.app.app import TutorApp
    from tutor.engine.run import Run

SHOW_PROGRESS_AFTER = 0.15
"""Seconds a step may compute before a progress bar appears."""


class RepeatProgress(Message):
    """Iterations done so far by a repeat running in a worker."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done, self.total = done, total


class StepComputed(Message):
    """The worker finished the step (`problem` says what broke, if anything did)."""

    def __init__(self, problem: str) -> None:
        super().__init__()
        self.problem = problem


class LessonWork(Screen[None]):
    """Starting a lesson and computing slow steps in workers."""

    path: Path
    lesson: LessonFile | None
    session: LessonSession | None
    device: str
    busy: str

    @property
    def tutor(self) -> TutorApp:
        return self.app  # type: ignore[return-value]

    @property
    def run(self) -> Run | None:
        return self.session.run if self.session else None

    def redraw(self, *, moved: bool = False) -> None:
        raise NotImplementedError

    def reporter(self) -> Reporter:
        raise NotImplementedError

    @work(thread=True, exclusive=True, group="start", exit_on_error=False)
    def start(self) -> None:
        """Load the file if needed, wait for torch, make the Run: all off the UI thread."""
        worker = get_current_worker()
        app = self.tutor
        try:
            lesson = self.lesson or load_lesson(self.path)
            app.call_from_thread(self._loaded, lesson)
            engine = app.wait_engine(lambda: worker.is_cancelled)
            if engine is None:
                if not worker.is_cancelled:
                    app.call_from_thread(self._failed, app.engine_error, "torch could not load")
                return
            config = app.config
            run = engine.start(lesson, device=config.device, sets=config.sets, lang=app.lang)
            device = engine.device_label(run.device)
            warm_up()
        except LessonError as error:
            app.call_from_thread(self._failed, error, "this lesson could not start")
        except StartError as error:
            app.call_from_thread(self._failed, str(error), "this lesson could not start")
        except Exception as error:  # the app must never show a traceback
            app.call_from_thread(self._failed, f"{type(error).__name__}: {error}", "unexpected")
        else:
            app.call_from_thread(self._started, run, device)

    def _loaded(self, lesson: LessonFile) -> None:
        self.lesson = lesson
        self.query_one(TopBar).set_title(pick(lesson.lesson.title, self.tutor.lang))
        if self.tutor.engine is None:
            self.query_one("#waiting").display = True
            self.query_one(NavBar).show(0, len(lesson.lesson.steps), busy="waiting for torch…")

    def _failed(self, error: LessonError | str, title: str) -> None:
        if not self.is_attached:
            return
        self.query_one("#waiting").display = False
        self.query_one(ErrorPanel).show_error(error, self.path, title=title)
        self.query_one(TopBar).set_info("error")
        self.query_one(NavBar).show(0, 0, failed=True)

    def _started(self, run: Run, device: str) -> None:
        if not self.is_attached:
            return
        self.session = LessonSession(run, reporter=self.reporter())
        self.device = device
        self.query_one("#waiting").display = False
        self.redraw(moved=True)

    def may_be_slow(self) -> bool:
        """A step not run yet that repeats, or may replay one that did: run it in a worker."""
        run = self.run
        if run is None:
            return False
        k = run.position + 1
        if k > run.total or run.done(k):
            return False
        return any(step.repeat for step in run.lesson.steps[:k])

    def run_slow_step(self) -> None:
        """Compute the next step in a worker; a progress bar shows only if it takes a while
        (most repeats take a few milliseconds, and a flash of a bar would be noise)."""
        session = self.session
        if session is None:
            return
        k = session.position + 1
        total = session.run.lesson.steps[k - 1].repeat or 0
        self.busy = f"running step {k}…"
        self.set_timer(SHOW_PROGRESS_AFTER, lambda: self._show_progress(k, total))
        self._compute(session, total)

    @work(thread=True, exclusive=True, group="step", exit_on_error=False)
    def _compute(self, session: LessonSession, total: int) -> None:
        worker = get_current_worker()
        last = [0.0]

        def progress(i: int, _series: object) -> bool:
            now = time.monotonic()
            if now - last[0] > 0.05:
                last[0] = now
                self.post_message(RepeatProgress(i + 1, total))  # thread-safe
            return not worker.is_cancelled

        problem = ""
        try:
            session.forward(progress)
        except Exception as error:  # never a traceback on screen
            problem = f"{type(error).__name__}: {error}"
        if not worker.is_cancelled:
            self.post_message(StepComputed(problem))

    def _show_progress(self, k: int, total: int) -> None:
        if not self.busy or self.session is None or self.session.position >= k:
            return
        bar = self.query_one("#repeat-progress", ProgressBar)
        bar.update(total=total or None, progress=0)
        bar.display = True
        self.query_one(NavBar).show(self.session.position, 0, busy=self.busy)

    def on_repeat_progress(self, event: RepeatProgress) -> None:
        bar = self.query_one("#repeat-progress", ProgressBar)
        if bar.display:
            bar.update(progress=event.done)

    def on_step_computed(self, event: StepComputed) -> None:
        self.busy = ""
        self.query_one("#repeat-progress").display = False
        if event.problem:
            self._failed(event.problem, "unexpected")
        else:
            self.redraw(moved=True)
