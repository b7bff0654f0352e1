"""One lesson, step by step: keys and clicks become calls on the LessonSession, and `redraw`
draws whatever the Run says the current step is (so back shows exactly what was seen).

Starting needs torch: the Run is made in a worker that waits for the app's torch worker, and the
screen says it is waiting meanwhile (lesson_work.py). A step that repeats runs in a worker (its
plot grows live); any other step runs directly, so next draws within a frame, and is usually
ready before → is pressed (lesson_ahead.py). Questions:
lesson_answers.py; knobs: lesson_knobs.py; resuming saved progress: lesson_resume.py.

Every key is always in the key bar (bindings that came and went would redraw it on every step),
so keys that do nothing at the moment just do nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, ProgressBar, Static

from tutor.app.screens.lesson_ahead import LessonAhead
from tutor.app.screens.lesson_answers import LessonAnswers
from tutor.app.screens.lesson_knobs import LessonKnobs
from tutor.app.screens.lesson_resume import LessonResume
from tutor.app.widgets.error_panel import ErrorPanel
from tutor.app.widgets.intro import IntroPanel
from tutor.app.widgets.keybar import KeyBar
from tutor.app.widgets.knobs import KnobPanel
from tutor.app.widgets.lines import BarredBlocks
from tutor.app.widgets.navbar import NavBar
from tutor.app.widgets.question import QuestionPanel
from tutor.app.widgets.reveal import RevealPanel
from tutor.app.widgets.status import EngineStatus
from tutor.app.widgets.step_pane import StepPane
from tutor.app.widgets.step_scroll import StepScroll
from tutor.app.widgets.topbar import TopBar
from tutor.lesson import LessonError, LessonFile, pick
from tutor.session import LessonSession, Report, Reporter

WAITING = (
    "This lesson opens as soon as torch has loaded: once per session, a second or two. "
    "Meanwhile, ? shows the keys."
)


class LessonScreen(LessonKnobs, LessonResume, LessonAhead, LessonAnswers):
    """A lesson from `path` (already loaded as `lesson`, or failed with `error`)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right,n,space", "next", "next", key_display="→"),
        Binding("left,p", "back", "back", key_display="←"),
        Binding("home", "restart", "restart", show=False),
        Binding("h", "hint", "hint"),
        Binding("g", "give_up", "give up", show=False),
        Binding("e", "toggle_code", "code"),
        Binding("k", "knobs", "knobs"),
        Binding("s,escape", "stop", "stop", show=False),
        Binding("enter", "answer", "answer", show=False),
        Binding("q", "close", "lessons"),
        Binding("question_mark", "help", "help", key_display="?"),
    ]

    DEFAULT_CSS = """
    LessonScreen #waiting {
        height: auto;
        margin: 1 1;
        padding: 1 2;
        border: round $primary 40%;
        color: $text-muted;
    }
    LessonScreen #waiting EngineStatus { background: transparent; padding: 0; margin: 1 0 0 0; }
    LessonScreen #repeat-progress { padding: 0 2; height: 1; }
    LessonScreen #lesson-main { height: 1fr; }
    LessonScreen #lesson-done { margin: 0 1 1 1; color: $text; }
    LessonScreen #lesson-done > .barred-blocks--bar { color: $success 70%; }
    LessonScreen ErrorPanel { margin: 1 1 1 1; }
    """

    show_code: reactive[bool] = reactive(True)

    class Reported(Message):
        """A step reached or an answer given: the seam for saved progress and scores."""

        def __init__(self, report: Report) -> None:
            super().__init__()
            self.report = report

    def __init__(
        self,
        path: Path,
        *,
        lesson: LessonFile | None = None,
        error: LessonError | None = None,
        direct: bool = False,
    ) -> None:
        super().__init__()
        self.path = path
        self.lesson = lesson
        self.load_error = error
        self.direct = direct
        self.session: LessonSession | None = None
        self.device = ""
        self.busy = ""  # what a worker is doing, "" when idle

    def compose(self) -> ComposeResult:
        title = pick(self.lesson.lesson.title, self.tutor.lang) if self.lesson else ""
        yield TopBar(title or self.path.name, "", id="lesson-topbar")
        with Horizontal(id="lesson-main"):
            with StepScroll(id="body"):
                with Vertical(id="waiting"):
                    yield Static(WAITING, markup=False)
                    yield EngineStatus()
                yield IntroPanel(id="intro")
                yield StepPane(id="step")
                yield RevealPanel(id="reveal")
                yield QuestionPanel(id="question")
                yield ErrorPanel(id="error")
                # a total from the start: an indeterminate bar animates (15 frames a second)
                # even while hidden
                yield ProgressBar(id="repeat-progress", total=1, show_eta=False)
                yield BarredBlocks(id="lesson-done")
            yield KnobPanel(id="knobs")
        yield NavBar()
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#waiting").display = False
        self.query_one("#repeat-progress").display = False
        self.query_one("#lesson-done").display = False
        self.query_one(IntroPanel).display = False
        self.query_one(StepPane).display = False
        self.query_one(StepScroll).focus()
        self.query_one(NavBar).show(0, 0, busy="starting…")
        if self.load_error is not None:
            self._failed(self.load_error, "this lesson could not be loaded")
        else:
            self.start()

    # ------------------------------------------------------------------ drawing

    def redraw(self, *, moved: bool = False) -> None:
        """Draw the current position from the session; `moved` scrolls back to the top."""
        session = self.session
        if session is None:
            return
        run = session.run
        k, total = session.position, session.total
        self.query_one(TopBar).set_info(f"step {k}/{total} · {self.device}")
        intro, pane = self.query_one(IntroPanel), self.query_one(StepPane)
        question, errors = self.query_one(QuestionPanel), self.query_one(ErrorPanel)
        intro.display = k == 0
        pane.display = k != 0
        failed = run.blocked
        if k == 0:
            intro.show_lesson(run.file, run.lang, device=self.device, params=dict(run.params))
        else:
            pane.show(session.view(), note=self.stopped_note(k))
            pane.set_code_visible(self.show_code)
        self.query_one(RevealPanel).show(session.reveals() if k and not failed else [])
        outcome = run.outcome(k) if k else None
        if outcome is not None and outcome.error is not None:
            errors.show_error(outcome.error, run.file.path, title=f"step {k} could not run")
        else:
            errors.clear()
        asked = session.question() if not failed else None
        if asked is None:
            question.hide()
            if isinstance(self.focused, Input):
                self.query_one(StepScroll).focus()
        else:
            reveal = session.reveal(k) if asked.predicts else None
            question.show(asked, session.attempt(), session.answer_text(), reveal)
        self.query_one(NavBar).show(k, total, failed=failed, busy=self.busy, score=session.score())
        done = self.query_one("#lesson-done", BarredBlocks)
        done.display = k == total and not failed
        if done.display:
            line = self.done_line()
            if not done.blocks or str(done.blocks[0]) != line:
                done.show(Text(line))
        if moved:
            self.query_one(StepScroll).scroll_home(animate=False)
        self.schedule_ahead()

    def stopped_note(self, k: int) -> str:
        """`stopped after 12 of 30 iterations`, for a repeat the learner stopped early."""
        assert self.session is not None
        repeat = self.session.run.lesson.steps[k - 1].repeat or 0
        outcome = self.session.run.outcome(k)
        if repeat and outcome.error is None and outcome.iterations < repeat:
            return f"stopped after {outcome.iterations} of {repeat} iterations"
        return ""

    def done_line(self) -> str:
        """Under the last step: the lesson is done, the score, and where q goes."""
        then = "q to quit" if self.direct else "q for the list of lessons"
        score = self.score_line()
        return (
            f"✓ Lesson done. {score[0].upper()}{score[1:]}. {then}."
            if score
            else (f"✓ Lesson done. {then}.")
        )

    def score_line(self) -> str:
        """`2 of 3 questions right`, or "" for a lesson without questions."""
        if self.session is None or not self.session.questions:
            return ""
        right, asked = self.session.score()
        skipped = self.session.questions - asked
        line = f"{right} of {asked} question{'s' if asked != 1 else ''} right"
        return line + (f" ({skipped} not reached)" if skipped else "")

    def watch_show_code(self, show: bool) -> None:
        if self.is_mounted:
            self.query_one(StepPane).set_code_visible(show)

    # ------------------------------------------------------------------ moving

    def action_next(self) -> None:
        session = self.session
        if session is None or self.busy:
            return
        if session.at_end:
            self.notify(self.done_line(), title="that was the last step")
            return
        if session.run.blocked:
            self.app.bell()
            return
        if self.may_be_slow():
            self.run_slow_step()
            return
        session.forward()
        self.redraw(moved=True)

    def action_back(self) -> None:
        if self.session is not None and not self.busy and self.session.back():
            self.redraw(moved=True)

    def action_restart(self) -> None:
        if self.session is not None and not self.busy:
            self.session.restart()
            self.redraw(moved=True)

    def on_nav_bar_move(self, event: NavBar.Move) -> None:
        if event.step < 0:
            self.action_back()
        elif self.session is not None and self.session.at_end:
            self.action_close()
        else:
            self.action_next()

    def action_stop(self) -> None:
        """`s` or Escape: stop a running repeat where it is (the step keeps what it did)."""
        if self.busy:
            self.stop_requested.set()

    def action_toggle_code(self) -> None:
        self.show_code = not self.show_code

    def action_close(self) -> None:
        self.stop_requested.set()  # a repeat still running in a worker ends at once
        if self.direct:
            self.app.exit()
        else:
            self.dismiss()

    def action_help(self) -> None:
        self.tutor.action_help()

    def reporter(self) -> Reporter:
        """Where the session's reports go: up to the app, as `LessonScreen.Reported`."""

        def report(report: Report) -> None:
            self.post_message(self.Reported(report))

        return report
