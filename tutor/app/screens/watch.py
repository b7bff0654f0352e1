"""`tutor watch FILE`: the lesson screen for its author, reloaded on every save.

The file is polled (twice a second: no dependency, works on every file system and editor
that saves by renaming). A change reloads the lesson in the start worker and returns to the
step the author was on (found by its id, so a step inserted above it does not move the
author), with the knobs as the author turned them and the answers given to every question
that is still there unchanged; keys pressed meanwhile are done once the author is back on
their step. A lesson that cannot load shows every mistake in the error panel, under its step;
one that loads is checked whole in the background (as `tutor check` does) and what breaks or
fails anywhere is listed at the top, each entry going to its step (`j`, or a click).
"""

from __future__ import annotations

import copy
import importlib
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.worker import get_current_worker

from tutor.app.problems import Located, found_problems, read_steps
from tutor.app.screens.lesson import LessonScreen
from tutor.app.widgets.document import LessonDocument
from tutor.app.widgets.error_panel import ErrorPanel
from tutor.app.widgets.problem_list import ProblemList
from tutor.i18n import N_, _
from tutor.lesson import LessonError, LessonFile
from tutor.session.questions import Attempt

if TYPE_CHECKING:
    from tutor.engine.run import Run
    from tutor.lesson.models import Step
    from tutor.session import LessonSession

POLL_SECONDS = 0.5
QUESTION_FIELDS = frozenset(
    {"ask", "answer", "choose", "prompt", "write", "check", "hint", "hints", "explain", "tolerance"}
)
"""A step's fields that make its question: an answer is kept across a save while they stay."""


def question_of(step: Step) -> dict[str, Any]:
    """What a step asks, as plain data to compare across saves."""
    return step.model_dump(include=set(QUESTION_FIELDS))


def kept_answers(session: LessonSession) -> dict[str, tuple[dict[str, Any], Attempt]]:
    """What was done with each question so far, by step id, with the question it answered."""
    lesson = session.run.lesson
    return {
        lesson.step_id(k - 1): (question_of(lesson.steps[k - 1]), copy.deepcopy(attempt))
        for k, attempt in session.attempts.items()
        if 0 < k <= len(lesson.steps)
    }


def restore_answers(
    session: LessonSession, answers: Mapping[str, tuple[dict[str, Any], Attempt]], seen: set[str]
) -> None:
    """Give back the answers whose step is still there asking the same question."""
    lesson = session.run.lesson
    for i, step in enumerate(lesson.steps):
        step_id = lesson.step_id(i)
        if step_id in answers and answers[step_id][0] == question_of(step):
            session.attempts[i + 1] = answers[step_id][1]
        if step_id in seen:
            session.seen.add(i + 1)


class WatchScreen(LessonScreen):
    """A `LessonScreen` that follows its file, for the lesson's author: every check shown."""

    author = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "next_problem", N_("next problem"), key_display="j"),
    ]

    class Checked(Message):
        """The background check of reload number `reload` found `problems`."""

        def __init__(self, reload: int, problems: list[Located]) -> None:
            super().__init__()
            self.reload, self.problems = reload, problems

    def __init__(self, path: Path) -> None:
        super().__init__(path, direct=True)
        self.offered = True  # an author wants their step back, not a resume prompt
        self.stamp = self._stamp()
        self.reloads = 0
        self.back_to = 0  # the step the author was on before a reload
        self.back_id = ""  # its id: found again after a step is inserted above it
        self.kept: dict[str, object] = {}  # knob values turned before the reload
        self.answers: dict[str, tuple[dict[str, Any], Attempt]] = {}  # by step id
        self.seen_ids: set[str] = set()  # question steps shown before the reload
        self.checks = 0  # background checks finished (for tests and the author's list)
        self.check_run: Run | None = None  # the background check's Run, to cancel it
        self.problem_list = ProblemList()  # what it found, at the top

    def on_mount(self) -> None:
        """Textual calls `LessonScreen.on_mount` after this one (every class's handler runs)."""
        self.query_one("#lesson-column").mount(self.problem_list, before=self.query_one(ErrorPanel))
        self.set_interval(POLL_SECONDS, self.check_file)

    def _stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def check_file(self) -> None:
        stamp = self._stamp()
        if stamp is None or stamp == self.stamp or self.busy:
            return
        self.stamp = stamp
        self.reload()

    def reload(self) -> None:
        """Read the file again and come back to the same step."""
        self.reloads += 1
        self.stop_check()
        if self.session is not None:
            session, run = self.session, self.session.run
            self.back_to = max(self.back_to, session.position)
            if session.position:
                self.back_id = run.lesson.step_id(session.position - 1)
            self.kept = {n: v for n, v in run.params.items() if not run.at_default(n)}
            self.answers = kept_answers(session)
            self.seen_ids = {run.lesson.step_id(k - 1) for k in session.seen if k}
        self.session = None  # until the new Run exists: keys wait, nothing old is redrawn
        self.lesson = None
        self.load_error = None
        self.stopped.clear()  # the steps run again: none is stopped any more
        self.desk.inspected = []  # values of the file as it was
        self.start()

    def loaded(self, lesson: LessonFile) -> None:
        self.query_one(ErrorPanel).clear()
        super().loaded(lesson)

    def failed(self, error: LessonError | str, title: str) -> None:
        self.session = None  # the old numbers no longer belong to the file on disk
        self.problem_list.show([])  # the error panel lists this file's mistakes
        self.refresh_bindings()
        super().failed(error, f"{title} — fix it and save: this screen reloads")

    def started(self, run: Run, device: str) -> None:
        self.query_one(ErrorPanel).clear()
        for name, value in self.kept.items():  # before any step runs: nothing re-runs
            if name in run.lesson.params:
                try:
                    run.set_param(name, value)
                except Exception:  # the knob's range changed in the file: its default stays
                    pass
        waiting, self.queued = self.queued, deque()  # done once back on the author's step
        super().started(run, device)
        self.queued.extend(waiting)
        if self.session is not None:
            restore_answers(self.session, self.answers, self.seen_ids)
        ids = [run.lesson.step_id(i) for i in range(run.total)]
        target = ids.index(self.back_id) + 1 if self.back_id in ids else self.back_to
        self.back_to, self.back_id, self.answers, self.seen_ids = 0, "", {}, set()
        if target:
            self.go_to(min(target, run.total))  # the kept keys follow, once it is there
        else:
            self.replay()
        self.check_lesson(self.reloads)

    # ------------------------------------------------------------------ the whole lesson

    @work(thread=True, exclusive=True, group="check", exit_on_error=False)
    def check_lesson(self, reload: int) -> None:
        """Run the whole lesson as `tutor check` does (off the UI thread, where torch's
        modules are imported), and post what it found."""
        worker = get_current_worker()
        app = self.tutor
        engine = app.wait_engine(lambda: worker.is_cancelled)
        if engine is None:
            return
        checking = importlib.import_module("tutor.engine.check")
        config = app.config
        try:
            params = dict(engine.params_module.parse_assignment(s) for s in config.sets)
        except Exception:  # a --set the lesson refuses: the start said so already
            params = {}
        name = str(self.path)

        def hold(run: Run) -> None:
            self.check_run = run

        result = checking.check_lesson(
            self.path, display=name, device=config.device, lang=app.lang, params=params, on_run=hold
        )
        self.check_run = None
        if worker.is_cancelled:
            return
        steps = read_steps(self.path)
        problems = [f.text for f in result.problems]
        warnings = [f.text for f in result.warnings]
        self.post_message(self.Checked(reload, found_problems(name, problems, warnings, steps)))

    def stop_check(self) -> None:
        """A save or leaving makes the running check stale: it stops at its next operation."""
        self.workers.cancel_group(self, "check")
        if self.check_run is not None:
            self.check_run.cancel()

    def on_watch_screen_checked(self, event: Checked) -> None:
        if event.reload != self.reloads or self.session is None:
            return  # a later save is being read: its own check follows
        self.checks += 1
        self.problem_list.show(event.problems)
        self.refresh_bindings()

    def on_unmount(self) -> None:
        self.stop_check()  # (and LessonScreen.on_unmount stops the lesson's own work)

    # ------------------------------------------------------------------ going to a problem

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_problem":
            return bool(self.problem_list.problems)
        return super().check_action(action, parameters)

    def action_next_problem(self) -> None:
        """`j`: go to the step of the next problem after this step (round to the first)."""
        session, problems = self.session, self.problem_list
        index = problems.next_after(session.position if session else 0)
        if index is not None:
            problems.highlighted = index
            self.jump(problems.problems[index].step or 0)

    def on_problem_list_jump(self, event: ProblemList.Jump) -> None:
        event.stop()
        self.query_one(LessonDocument).focus()
        self.jump(event.step)

    def jump(self, step: int) -> None:
        """Show `step`: back to it at once, or forward (the steps on the way computed)."""
        session = self.session
        if session is None or self.busy:
            self.say(_("wait: the lesson is working"))
            return
        if step > session.position:
            self.go_to(min(step, session.total))
            return
        while session.position > step and session.back():
            pass
        self.redraw("current")
