"""The lesson screen's work off the UI thread: starting (load the file, wait for torch, make
the Run) and computing a step that may be slow (one that repeats, or replays one that did).

Live training: the Run calls `progress` after each iteration of a repeat; the callback posts
the series so far (at most 20 times a second) and the screen draws them growing (`LivePlot`).
A repeat with a plot computed for the step on screen is paced to last `train_seconds`, so the
growth can be seen; `s` or Escape sets `stop_requested` and the callback's False stops the
repeat where it is (the Run keeps the step as stopped there).

A mixin of `LessonScreen`, kept apart so that the screen reads as what it draws and how keys
move it. Workers talk back with `call_from_thread` or thread-safe `post_message`, never by
touching widgets.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.screen import Screen
from textual.widgets import ProgressBar
from textual.worker import get_current_worker

from tutor.app.engine import StartError
from tutor.app.widgets.error_panel import ErrorPanel
from tutor.app.widgets.live_plot import LivePlot
from tutor.app.widgets.navbar import NavBar
from tutor.app.widgets.question import QuestionPanel
from tutor.app.widgets.reveal import RevealPanel
from tutor.app.widgets.step_pane import StepPane, warm_up
from tutor.app.widgets.topbar import TopBar
from tutor.engine.views import StepView
from tutor.lesson import LessonError, LessonFile, load_lesson, pick
from tutor.session import LessonSession, Reporter

if TYPE_CHECKING:
    from tutor.app.app import TutorApp
    from tutor.engine.run import Progress, Run

SHOW_PROGRESS_AFTER = 0.15
"""Seconds a step may compute before a progress bar appears."""
FRAME = 0.05
"""Seconds between two live updates from a worker: 20 frames a second at most."""


class RepeatProgress(Message):
    """Iterations done so far by a repeat of step `step` running in a worker; `series` (a
    copy) when the step is the one on screen and has a plot to grow."""

    def __init__(
        self, step: int, done: int, total: int, series: dict[str, list[float]] | None = None
    ) -> None:
        super().__init__()
        self.step, self.done, self.total, self.series = step, done, total, series


class StepComputed(Message):
    """The worker finished (`problem` says what broke, if anything did); `moved`: the learner
    went to a new step (scroll to its top), else the step on screen was re-run in place."""

    def __init__(self, problem: str, *, moved: bool = True) -> None:
        super().__init__()
        self.problem, self.moved = problem, moved


class LessonWork(Screen[None]):
    """Starting a lesson and computing slow steps in workers."""

    path: Path
    lesson: LessonFile | None
    session: LessonSession | None
    device: str
    busy: str

    def __init__(self) -> None:
        super().__init__()
        self.stop_requested = threading.Event()  # `s`/Escape; cleared when work starts
        self.live_step = 0  # the step whose plot grows on screen now, or 0

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

    def interrupted(self) -> bool:
        """Whether a running repeat should stop for something newer (a knob turned again)."""
        return False

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
        """The file is read (torch may still be loading); subclasses add to this."""
        self.lesson = lesson
        self.query_one(TopBar).set_title(pick(lesson.lesson.title, self.tutor.lang))
        self.tutor.note_missing_language(lesson)
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
        self.after_start()

    def after_start(self) -> None:
        """The Run exists and is drawn (the knob and resume mixins take it from here)."""

    def may_be_slow(self) -> bool:
        """A step not run yet that repeats, or would replay one that did: run it in a worker."""
        run = self.run
        if run is None:
            return False
        k = run.position + 1
        if k > run.total:
            return False
        return any(run.lesson.steps[j - 1].repeat for j in run.to_compute(k))

    def run_slow_step(self) -> None:
        """Compute the next step in a worker; a progress bar shows only if it takes a while
        (most repeats take a few milliseconds, and a flash of a bar would be noise)."""
        session = self.session
        if session is None:
            return
        k = session.position + 1
        self.begin_work(f"running step {k}…", k)
        self._compute(session, k)

    def begin_work(self, busy: str, shown: int) -> None:
        """Mark the screen busy with work that ends on step `shown`; a bar if it drags on."""
        self.busy = busy
        self.stop_requested.clear()
        total = 0
        if self.session is not None and shown > 0:
            total = self.session.run.lesson.steps[shown - 1].repeat or 0
        self.set_timer(SHOW_PROGRESS_AFTER, lambda: self._show_progress(shown, total))

    @work(thread=True, exclusive=True, group="step", exit_on_error=False)
    def _compute(self, session: LessonSession, shown: int) -> None:
        worker = get_current_worker()
        problem = ""
        try:
            session.forward(self.live_progress(session, shown, lambda: worker.is_cancelled))
        except Exception as error:  # never a traceback on screen
            problem = f"{type(error).__name__}: {error}"
        if not worker.is_cancelled:
            self.post_message(StepComputed(problem))

    def live_progress(
        self, session: LessonSession, shown: int, cancelled: Callable[[], bool]
    ) -> Progress:
        """The Run's callback for work in a worker (called on the worker's thread): paces and
        posts the repeat of step `shown`, and says stop when asked to."""
        run, pace = session.run, self.tutor.config.train_seconds
        clock = {"step": 0, "start": 0.0, "last": 0.0}

        def progress(i: int, series: Mapping[str, list[float]]) -> bool:
            k = run.position + 1  # the step being computed
            total = run.lesson.steps[k - 1].repeat or 0
            if clock["step"] != k:
                clock.update(step=k, start=time.monotonic(), last=0.0)
            live = k == shown and bool(run.file.code[k - 1].plot)
            if live and pace > 0 and total:
                wait = clock["start"] + pace * (i + 1) / total - time.monotonic()
                if wait > 0:
                    self.stop_requested.wait(wait)  # wakes at once when stopped
            now = time.monotonic()
            if now - clock["last"] >= FRAME or i + 1 == total:
                clock["last"] = now
                copy = {n: list(v) for n, v in series.items()} if live else None
                self.post_message(RepeatProgress(k, i + 1, total, copy))  # thread-safe
            return not (cancelled() or self.stop_requested.is_set() or self.interrupted())

        return progress

    def _show_progress(self, k: int, total: int) -> None:
        if not self.busy or self.session is None or self.live_step == k:
            return
        bar = self.query_one("#repeat-progress", ProgressBar)
        bar.update(total=total or None, progress=0)
        bar.display = True
        self.query_one(NavBar).show(self.session.position, 0, busy=self.busy)

    def on_repeat_progress(self, event: RepeatProgress) -> None:
        if not self.busy:
            return
        if event.series is not None and self.session is not None:
            self._draw_live(self.session.run, event)
            return
        bar = self.query_one("#repeat-progress", ProgressBar)
        if bar.display:
            bar.update(progress=event.done)

    def _draw_live(self, run: Run, event: RepeatProgress) -> None:
        """The step being computed, its plot growing: drawn from the lesson (the Run's
        outcome does not exist yet) and the series the worker posted."""
        k = event.step
        step = run.lesson.steps[k - 1]
        title = pick(step.title, run.lang)
        view = StepView(
            k,
            run.total,
            title,
            pick(step.text, run.lang),
            "\n".join(s.strip("\n") for s in step.statements),
            step.backward or "",
            step.repeat or 0,
        )
        pane = self.query_one(StepPane)
        pane.show(view, live=LivePlot(title, event.series or {}, event.done, event.total))
        if self.live_step != k:
            self.live_step = k
            self.query_one("#intro").display = False
            pane.display = True
            pane.set_code_visible(pane.code_visible)
            for panel in (QuestionPanel, RevealPanel, ErrorPanel):
                self.query_one(panel).display = False
            for part in ("#repeat-progress", "#lesson-done"):
                self.query_one(part).display = False
        self.query_one(TopBar).set_info(f"step {k}/{run.total} · training…")
        busy = f"step {k}: iteration {event.done} of {event.total} · s to stop"
        self.query_one(NavBar).show(k - 1, run.total, busy=busy)

    def on_step_computed(self, event: StepComputed) -> None:
        self.busy = ""
        self.live_step = 0
        bar = self.query_one("#repeat-progress", ProgressBar)
        bar.display = False
        bar.update(total=1, progress=0)  # not indeterminate: that animates even when hidden
        if event.problem:
            self._failed(event.problem, "unexpected")
        else:
            self.after_work(moved=event.moved)

    def after_work(self, *, moved: bool) -> None:
        """Work done: draw the result (the knob and resume mixins do more)."""
        self.redraw(moved=moved)
