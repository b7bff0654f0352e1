"""The lesson's work off the UI thread: starting (read the file, wait for torch, make the Run),
and computing what may be slow (a step that repeats, a knob re-run, going back to a saved step).

A widget with no looks, so that its workers belong to the lesson screen and end with it; it
talks back only through messages. Live training: the Run calls `progress` after each iteration
of a repeat; the callback posts the series so far (at most 20 times a second), paced so that a
step with a plot lasts `train_seconds` and the curve can be watched growing. `hurry` drops the
pacing (→ during training: finish now); `stop` ends the repeat where it is (the Run keeps the
step as stopped there).
"""

from __future__ import annotations

import contextlib
import io
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from textual import work
from textual.message import Message
from textual.widget import Widget
from textual.worker import get_current_worker

from tutor.app.engine import StartError
from tutor.engine.views import LineError, StepView, TensorView
from tutor.i18n import _
from tutor.lesson import LessonError, LessonFile, load_lesson
from tutor.render import StepPanel

if TYPE_CHECKING:
    from tutor.app.app import TutorApp
    from tutor.engine.run import Progress, Run
    from tutor.session import LessonSession, ResumePoint

FRAME = 0.05
"""Seconds between two live updates from a worker: 20 frames a second at most."""


def warm_up() -> None:
    """Draw a throwaway step off the UI thread: the first Markdown and Python highlighting
    import markdown-it and pygments' lexer (~100 ms), which the first key should not pay."""
    sample = StepView(1, 1, "warm", "**bold** and `code`", "y = x @ W + b", "loss", 2)
    Console(file=io.StringIO(), width=80, color_system="truecolor").print(StepPanel(sample))


class Runner(Widget):
    """Runs the lesson's slow work in workers and posts what happened."""

    DEFAULT_CSS = """
    Runner { display: none; }
    """

    class Loaded(Message):
        """The lesson file is read (torch may still be loading)."""

        def __init__(self, lesson: LessonFile) -> None:
            super().__init__()
            self.lesson = lesson

    class Started(Message):
        """The Run exists: the lesson can be stepped through."""

        def __init__(self, run: Run, device: str) -> None:
            super().__init__()
            self.run, self.device = run, device

    class Failed(Message):
        """The lesson could not load or start."""

        def __init__(self, error: LessonError | str, title: str) -> None:
            super().__init__()
            self.error, self.title = error, title

    class Progress(Message):
        """Iterations done by a repeat of `step`; `series` (a copy) when the step is the one
        the learner is going to and has a plot to grow."""

        def __init__(
            self, step: int, done: int, total: int, series: dict[str, list[float]] | None
        ) -> None:
            super().__init__()
            self.step, self.done, self.total, self.series = step, done, total, series

    class Prepared(Message):
        """The next step was computed ahead (`ahead`): → only has to show it."""

    class Done(Message):
        """The work ended (`problem` says what broke, if anything did); `moved`: the learner
        went to another step, else the step on screen was re-run in place."""

        def __init__(self, problem: str, *, moved: bool) -> None:
            super().__init__()
            self.problem, self.moved = problem, moved

    def __init__(self, train_seconds: float) -> None:
        super().__init__()
        self.train_seconds = train_seconds
        self.stopping = threading.Event()  # `s`/Escape, or the screen closing
        self.hurrying = threading.Event()  # → while training: no more pacing
        self._wake = threading.Event()  # either of them: a paced wait ends at once
        self.interrupted: Callable[[], bool] = lambda: False  # newer work waits (a knob)

    @property
    def tutor(self) -> TutorApp:
        return self.app  # type: ignore[return-value]

    def stop(self) -> None:
        self.stopping.set()
        self._wake.set()

    def hurry(self) -> None:
        self.hurrying.set()
        self._wake.set()

    def _begin(self) -> None:
        for event in (self.stopping, self.hurrying, self._wake):
            event.clear()

    # ------------------------------------------------------------------ workers

    @work(thread=True, exclusive=True, group="start", exit_on_error=False)
    def start(self, path: Path, lesson: LessonFile | None) -> None:
        """Read the file if needed, wait for torch, make the Run: all off the UI thread."""
        worker = get_current_worker()
        app = self.tutor
        try:
            lesson = lesson or load_lesson(path)
            self.post_message(self.Loaded(lesson))
            engine = app.wait_engine(lambda: worker.is_cancelled)
            if engine is None:
                if not worker.is_cancelled:
                    self.post_message(self.Failed(app.engine_error, _("torch could not load")))
                return
            config = app.config
            run = engine.start(lesson, device=config.device, sets=config.sets, lang=app.lang)
            device = engine.device_label(run.device)
            warm_up()
        except LessonError as error:
            self.post_message(self.Failed(error, _("this lesson could not start")))
        except StartError as error:
            self.post_message(self.Failed(str(error), _("this lesson could not start")))
        except Exception as error:  # the app must never show a traceback
            self.post_message(self.Failed(f"{type(error).__name__}: {error}", "unexpected"))
        else:
            self.post_message(self.Started(run, device))

    def forward(self, session: LessonSession) -> None:
        """Compute the next step (it repeats, or replays one that did)."""
        self._begin()
        self._forward(session, session.position + 1)

    @work(thread=True, exclusive=True, group="step", exit_on_error=False)
    def _forward(self, session: LessonSession, shown: int) -> None:
        worker = get_current_worker()
        self._finish(lambda: session.forward(self.live(session, shown, worker)), True)

    @work(thread=True, exclusive=True, group="step", exit_on_error=False)
    def ahead(self, run: Run) -> None:
        """Compute the next step while the learner reads this one, without moving. Whatever
        goes wrong is left for `forward` to meet again and say (a lesson error is kept in the
        step's outcome; anything else leaves the step uncomputed)."""
        with contextlib.suppress(Exception):
            run.prepare()
        if not get_current_worker().is_cancelled:
            self.post_message(self.Prepared())

    def turn(self, session: LessonSession, changes: Mapping[str, Any]) -> None:
        """Turn knobs: the Run re-runs from the first step that reads one; the step on
        screen stays on screen."""
        self._begin()
        self._turn(session, dict(changes), session.position)

    @work(thread=True, exclusive=True, group="step", exit_on_error=False)
    def _turn(self, session: LessonSession, changes: dict[str, Any], shown: int) -> None:
        worker = get_current_worker()
        progress = self.live(session, shown, worker)
        for name, value in changes.items():
            try:
                session.set_param(name, value, progress)
            except Exception as error:  # a value the engine refuses: say so, keep the lesson
                message = getattr(error, "message", None) or str(error)
                self.app.call_from_thread(self.notify, message, title=name, severity="error")
        if not worker.is_cancelled:
            self.post_message(self.Done("", moved=False))

    class Inspected(Message):
        """What the inspect line's expression is (a view to draw, or a located error)."""

        def __init__(self, expression: str, result: TensorView | LineError) -> None:
            super().__init__()
            self.expression, self.result = expression, result

    def write(self, session: LessonSession, text: str) -> None:
        """Check the learner's line for the current write step (it runs their statements)."""
        self._begin()
        self._write(session, text)

    @work(thread=True, exclusive=True, group="step", exit_on_error=False)
    def _write(self, session: LessonSession, text: str) -> None:
        self._finish(lambda: session.write(text), False)

    def inspect(self, session: LessonSession, text: str) -> None:
        """Evaluate the inspect line's expression on a copy of the current step's state."""
        self._begin()
        self._inspect(session, text)

    @work(thread=True, exclusive=True, group="step", exit_on_error=False)
    def _inspect(self, session: LessonSession, text: str) -> None:
        try:
            result: TensorView | LineError = session.inspect(text)
        except Exception as error:  # never a traceback: said as the line's error
            result = LineError(f"{type(error).__name__}: {error}", text, 1)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Inspected(text, result))

    def resume(self, session: LessonSession, point: ResumePoint) -> None:
        """Go back to where the learner was (the steps on the way are computed)."""
        self._begin()
        self._resume(session, point)

    @work(thread=True, exclusive=True, group="step", exit_on_error=False)
    def _resume(self, session: LessonSession, point: ResumePoint) -> None:
        worker = get_current_worker()
        progress = self.live(session, -1, worker)
        self._finish(lambda: session.resume(point, progress, lambda: worker.is_cancelled), True)

    def _finish(self, work: Callable[[], object], moved: bool) -> None:
        problem = ""
        try:
            work()
        except Exception as error:  # never a traceback on screen
            problem = f"{type(error).__name__}: {error}"
        if not get_current_worker().is_cancelled:
            self.post_message(self.Done(problem, moved=moved))

    # ------------------------------------------------------------------ live training

    def live(self, session: LessonSession, shown: int, worker: Any) -> Progress:
        """The Run's callback for work in a worker (called on the worker's thread): paces
        and posts the repeat of step `shown`, and says stop when asked to."""
        run, pace = session.run, self.train_seconds
        clock = {"step": 0, "start": 0.0, "last": 0.0}

        def progress(i: int, series: Mapping[str, list[float]]) -> bool:
            k = run.position + 1  # the step being computed
            total = run.lesson.steps[k - 1].repeat or 0
            if clock["step"] != k:
                clock.update(step=k, start=time.monotonic(), last=0.0)
            live = k == shown and bool(run.file.code[k - 1].plot)
            if live and pace > 0 and total and not self.hurrying.is_set():
                wait = clock["start"] + pace * (i + 1) / total - time.monotonic()
                if wait > 0:
                    self._wake.wait(wait)  # wakes at once when stopped or hurried
            now = time.monotonic()
            if now - clock["last"] >= FRAME or i + 1 == total:
                clock["last"] = now
                copy = {n: list(v) for n, v in series.items()} if live else None
                self.post_message(self.Progress(k, i + 1, total, copy))  # thread-safe
            return not (worker.is_cancelled or self.stopping.is_set() or self.interrupted())

        return progress
