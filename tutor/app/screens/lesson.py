"""One lesson as a scrolling document: keys and clicks become calls on the `LessonSession`, and
`redraw` lays out the lesson so far from it (so ← shows exactly what was seen).

Slow work (starting, a step that repeats, a knob re-run, resuming) runs in the `Runner`'s
workers; keys pressed meanwhile are kept in order and acted on when it is done, never dropped.
→ while a plot is growing finishes the training now; `s` stops it where it is.

Beside it: the question's keys and the answer and inspect line (`question_desk`), the rules
of what is drawn (`lesson_view`), the resume prompt (`resume_flow`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input

from tutor.app.document_parts import Drawing, PartCache, inspected_part, lesson_parts, step_parts
from tutor.app.knob import Value, knobs_of
from tutor.app.lesson_view import (
    done_line,
    ends_in_focus,
    stopped_note,
    training_frame,
    worth_looking_ahead,
)
from tutor.app.question_desk import QuestionDesk
from tutor.app.resume_flow import offer_resume
from tutor.app.widgets.answer_line import AnswerLine
from tutor.app.widgets.document import Follow, LessonDocument, Part
from tutor.app.widgets.error_panel import ErrorPanel
from tutor.app.widgets.keybar import KeyBar
from tutor.app.widgets.knobs import KnobPanel
from tutor.app.widgets.navbar import NavBar
from tutor.app.widgets.runner import Runner
from tutor.app.widgets.topbar import TopBar
from tutor.i18n import N_, _, ngettext
from tutor.lesson import LessonError, LessonFile, pick
from tutor.session import LessonSession, Report, ResumePoint

if TYPE_CHECKING:
    from tutor.app.app import TutorApp
    from tutor.engine.run import Run

WAITING = N_(
    "This lesson opens as soon as torch has loaded: once per session, a second or two. "
    "Keys pressed meanwhile are kept; ? shows them all."
)
SAY_BUSY_AFTER = 0.15
"""Seconds of work before the bar says the lesson is busy."""
LOOK_AHEAD_AFTER = 0.4
"""Seconds a step is on screen, untouched, before the next one is computed ahead: a class
pressing → together draws its frames first (thirty sessions' work ahead, started at once,
would delay the last students' frames), and a learner reads a step for longer than this."""
QUEUED = {"next", "back", "restart", "hint", "give_up", "answer", "toggle_code", "inspect"}
"""Actions kept while the lesson is busy, and done in order once it is not."""


class LessonScreen(Screen[None]):
    """A lesson from `path` (already loaded as `lesson`, or failed with `error`)."""

    author: ClassVar[bool] = False  # the author's checks drawn too (`tutor watch`)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right,n,space", "next", N_("next"), key_display="→"),
        Binding("left,p", "back", N_("back"), key_display="←"),
        Binding("home", "restart", N_("restart"), show=False),
        Binding("h", "hint", N_("hint")),
        Binding("g", "give_up", N_("give up"), show=False),
        Binding("e", "toggle_code", N_("code")),
        Binding("k", "knobs", N_("knobs")),
        Binding("colon", "inspect", N_("inspect"), key_display=":"),
        Binding("s,escape", "stop", N_("stop"), show=False),
        Binding("enter", "answer", N_("answer"), show=False),
        Binding("q", "close", N_("lessons")),
        Binding("question_mark", "help", N_("help"), key_display="?"),
    ]

    DEFAULT_CSS = """
    LessonScreen #lesson-main { height: 1fr; }
    LessonScreen #lesson-column { width: 1fr; }
    /* The two containers only place their children, which cover them: hidden, Textual's
       compositor does not draw their blank lines under the document on every frame. */
    LessonScreen #lesson-main, LessonScreen #lesson-column { visibility: hidden; }
    LessonScreen #lesson-column > *, LessonScreen KnobPanel { visibility: visible; }
    LessonScreen ErrorPanel { margin: 1 1; }
    """

    show_code: reactive[bool] = reactive(True)

    class Reported(Message):
        """A step reached, an answer given, a hint shown, a knob turned: the app saves it."""

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
        titles: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.titles = tuple(sorted((titles or {}).items()))  # prerequisites by title
        self.path = path
        self.lesson = lesson
        self.load_error = error
        self.direct = direct
        self.session: LessonSession | None = None
        self.device = ""
        self.busy = ""  # what a worker is doing, "" when idle
        self.training = 0  # the step whose plot grows on screen, 0 when none
        self.queued: deque[str] = deque()  # actions pressed while busy, in order
        self.desk = QuestionDesk(self)  # the question's keys, the answer and inspect line
        self.ahead_timer: Timer | None = None  # the next step computed ahead, once idle
        self.pending: dict[str, Value] = {}  # knob values waiting for the running work
        self.resume_to: ResumePoint | None = None  # chosen before the Run existed
        self.offered = False  # the resume prompt was shown (once per screen)
        self.stopped: dict[int, str] = {}  # repeats stopped early: their notes
        self.parts = PartCache()

    @property
    def tutor(self) -> TutorApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        title = pick(self.lesson.lesson.title, self.tutor.lang) if self.lesson else ""
        yield TopBar(title or self.path.name, "", id="lesson-topbar")
        with Horizontal(id="lesson-main"):
            with Vertical(id="lesson-column"):
                yield ErrorPanel(id="error")
                yield LessonDocument(id="document")
                yield AnswerLine(id="answer")
            yield KnobPanel(id="knobs")
        yield NavBar()
        yield KeyBar()
        yield Runner(self.tutor.config.train_seconds)

    @property
    def run(self) -> Run | None:
        return self.session.run if self.session else None

    @property
    def document(self) -> LessonDocument:
        return self.query_one(LessonDocument)

    @property
    def runner(self) -> Runner:
        return self.query_one(Runner)

    def on_mount(self) -> None:
        self.document.focus()
        self.runner.interrupted = lambda: bool(self.pending)
        self.query_one(NavBar).show(0, 0, busy=_("starting…"))
        if self.load_error is not None:
            self.failed(self.load_error, _("this lesson could not be loaded"))
        else:
            self.start()

    def start(self) -> None:
        self.busy = _("starting…")
        self.runner.start(self.path, self.lesson)

    # ------------------------------------------------------------------ starting

    def on_runner_loaded(self, event: Runner.Loaded) -> None:
        self.loaded(event.lesson)

    def loaded(self, lesson: LessonFile) -> None:
        """The file is read (torch may still be loading): title, and the resume prompt."""
        self.lesson = lesson
        self.query_one(TopBar).set_title(pick(lesson.lesson.title, self.tutor.lang))
        self.tutor.note_missing_language(lesson)
        if self.tutor.engine is None:
            self.busy = _("waiting for torch…")
            self.query_one(NavBar).show(0, len(lesson.lesson.steps), busy=self.busy)
            self.show_document([Part("waiting", Text(_(WAITING), style="dim"))], 0)
        if not self.offered:
            self.offered = True
            offer_resume(self.tutor, lesson, self.resume_at)

    def on_runner_started(self, event: Runner.Started) -> None:
        self.started(event.run, event.device)

    def started(self, run: Run, device: str) -> None:
        self.session = LessonSession(run, reporter=self.report)
        self.device = device
        self.busy = ""
        self.query_one(KnobPanel).load(knobs_of(run.lesson.params, run.lang), run.params)
        self.redraw()
        self.go_on()

    def on_runner_failed(self, event: Runner.Failed) -> None:
        self.failed(event.error, event.title)

    def failed(self, error: LessonError | str, title: str) -> None:
        self.busy = ""
        self.queued.clear()
        self.query_one(ErrorPanel).show_error(error, self.path, title=title)
        self.show_document([], 0)
        self.query_one(TopBar).set_info(_("error"))
        self.query_one(NavBar).show(0, 0, failed=True)

    def report(self, report: Report) -> None:
        """Where the session's reports go: up to the app, which saves them."""
        self.post_message(self.Reported(report))

    # ------------------------------------------------------------------ drawing

    def show_document(self, parts: list[Part], current: int, follow: Follow = "current") -> None:
        """The document's parts, and the nav bar's count of lines out of view, in one frame."""
        self.document.show(parts, current, follow)
        self.query_one(NavBar).out_of_view(*self.document.out_of_view)

    def redraw(self, follow: Follow = "keep") -> None:
        """Lay the lesson so far out from the session; `follow` scrolls to the step."""
        session = self.session
        if session is None:
            return
        k, total = session.position, session.total
        self.query_one(TopBar).set_info(
            _("step {k}/{n}").format(k=k, n=total) + f" · {self.device}"
        )
        parts, current = lesson_parts(session, self.parts, self.drawing())
        parts += [
            inspected_part(self.parts, expression, result)
            for expression, result in self.desk.shown_at(session.position)
        ]
        if follow == "current" and ends_in_focus(session):
            follow = "end"
        self.show_document(parts, current, follow)
        self.desk.close_if_settled()
        busy, score = self.busy, session.score()
        self.query_one(NavBar).show(k, total, failed=session.run.blocked, busy=busy, score=score)
        if self.ahead_timer is not None:
            self.ahead_timer.stop()
        self.ahead_timer = self.set_timer(LOOK_AHEAD_AFTER, self.look_ahead)

    def look_ahead(self) -> None:
        """Idle, the step on screen: compute the next one in a worker (keys wait meanwhile, as
        for any work), so that → only shows it."""
        session = self.session
        if session is None or self.busy or self.queued or self.pending or self.resume_to:
            return
        if worth_looking_ahead(session):
            self.busy = _("running step {k}…").format(k=session.position + 1)
            self.runner.ahead(session.run)

    def on_runner_prepared(self, _event: Runner.Prepared) -> None:
        self.busy = ""
        session = self.session
        if session is not None and not self.queued and not self.pending:
            k = session.position + 1
            if k <= session.total and session.run.done(k):
                self.document.draw_ahead(step_parts(session, self.parts, self.drawing(), k))
        self.go_on()

    def drawing(self) -> Drawing:
        return Drawing(
            self.device,
            self.show_code,
            self.done_line(),
            self.stopped.get,
            self.author,
            self.titles,
        )

    def done_line(self) -> str:
        """Under the last step: the lesson is done, the score, and where q goes."""
        return done_line(self.session, direct=self.direct)

    def watch_show_code(self, _show: bool) -> None:
        if self.is_mounted:
            self.redraw()

    # ------------------------------------------------------------------ keys while busy

    def check_busy(self, action: str) -> bool:
        """True when the lesson cannot act now: the action is kept for later."""
        if self.session is not None and not self.busy:
            return False
        if action in QUEUED and not self.query_one(ErrorPanel).display:
            self.queued.append(action)
            n = len(self.queued)
            self.query_one(NavBar).show(
                self.session.position if self.session else 0,
                self.session.total if self.session else 0,
                busy=ngettext("{busy} ({n} key waiting)", "{busy} ({n} keys waiting)", n).format(
                    busy=self.busy or _("starting…"), n=n
                ),
            )
        return True

    def replay(self) -> None:
        """Do the actions kept while busy, in order, until one starts work again."""
        while self.queued and not self.busy and self.session is not None:
            action = self.queued.popleft()
            getattr(self, f"action_{action}")()

    # ------------------------------------------------------------------ moving

    def action_next(self) -> None:
        if self.training:
            self.runner.hurry()  # → while a plot grows: finish the training now
            return
        if self.check_busy("next"):
            return
        session = self.session
        assert session is not None
        if session.at_end:
            self.notify(self.done_line(), title=_("that was the last step"))
            return
        if session.run.blocked:
            self.app.bell()
            self.say(_("this step broke: go back (←) or turn a knob (k)"))
            return
        if self.needs_computing():
            self.begin(_("running step {k}…").format(k=session.position + 1))
            self.runner.forward(session)
            return
        session.forward()  # a step computed before: restored, no torch work
        self.redraw("current")

    def begin(self, busy: str) -> None:
        """Work starts in a worker: keys are kept meanwhile; the bar says so only if the work
        takes a while (most steps take milliseconds, and a flash of a note would be noise)."""
        self.busy = busy
        self.set_timer(SAY_BUSY_AFTER, self.say_busy)

    def say_busy(self) -> None:
        session = self.session
        if self.busy and session is not None and not self.training:
            self.query_one(NavBar).show(session.position, session.total, busy=self.busy)

    def needs_computing(self) -> bool:
        """Whether the next step runs torch (its first visit, or a replay): a worker's job,
        so that `q` and the screen answer whatever the step costs (a step may take up to its
        time budget)."""
        run = self.session.run if self.session else None
        if run is None:
            return False
        k = run.position + 1
        return k <= run.total and bool(run.to_compute(k))

    def action_back(self) -> None:
        if not self.check_busy("back") and self.session is not None and self.session.back():
            self.redraw("current")

    def action_restart(self) -> None:
        if not self.check_busy("restart") and self.session is not None:
            self.session.restart()
            self.redraw("current")

    def on_lesson_document_scrolled(self, event: LessonDocument.Scrolled) -> None:
        self.query_one(NavBar).out_of_view(event.above, event.below)

    def on_nav_bar_page(self, event: NavBar.Page) -> None:
        if event.direction < 0:
            self.document.action_page_up()
        else:
            self.document.action_page_down()

    def on_nav_bar_move(self, event: NavBar.Move) -> None:
        if event.step < 0:
            self.action_back()
        elif self.session is not None and self.session.at_end and not self.busy:
            self.action_close()
        else:
            self.action_next()

    def action_stop(self) -> None:
        """`s` or Escape: stop a running repeat where it is (the step keeps what it did)."""
        if self.busy:
            self.runner.stop()

    def action_toggle_code(self) -> None:
        if not self.check_busy("toggle_code"):
            self.show_code = not self.show_code

    def action_close(self) -> None:
        self.cancel_work()
        if self.direct:
            self.app.exit()
        else:
            self.dismiss()

    def action_help(self) -> None:
        self.tutor.action_help()

    def cancel_work(self) -> None:
        """Leaving: a repeat ends at once, and a statement still computing stops at its
        next operation (the engine checks between them)."""
        self.runner.stop()
        if self.session is not None:
            self.session.run.cancel()

    def on_unmount(self) -> None:
        if self.session is not None:  # the app quits (ctrl+q) with work still running
            self.session.run.cancel()

    # ------------------------------------------------------------------ work done

    def on_runner_progress(self, event: Runner.Progress) -> None:
        if not self.busy or self.session is None:
            return
        if event.series is None:
            busy = (
                self.busy.split(" · ")[0]
                + " · "
                + _("iteration {i} of {n}").format(i=event.done, n=event.total)
            )
            self.query_one(NavBar).show(self.session.position, 0, busy=busy)
            return
        self.busy = _("training step {k}").format(k=event.step)
        self.training = k = event.step
        total = self.session.run.total
        drawing = Drawing(self.device, self.show_code, "", self.stopped.get, self.author)
        room = self.document.scrollable_content_region.height
        parts = training_frame(
            self.session, self.parts, drawing, k, event.series, event.done, event.total, room
        )
        self.show_document(parts, len(parts) - 1, "end")
        self.query_one(TopBar).set_info(_("step {k}/{n} · training…").format(k=k, n=total))
        busy = _("step {k}: iteration {i} of {n} · → finish now · s stop").format(
            k=k, i=event.done, n=event.total
        )
        self.query_one(NavBar).show(k - 1, total, busy=busy)

    def on_runner_done(self, event: Runner.Done) -> None:
        self.busy, self.training = "", 0
        if event.problem:
            self.failed(event.problem, _("unexpected"))
            return
        session = self.session
        if session is not None:
            k = session.position
            note = stopped_note(session, k)
            if note:
                self.stopped[k] = note
            else:
                self.stopped.pop(k, None)
            self.query_one(KnobPanel).set_values(
                {n: v for n, v in session.run.params.items() if n not in self.pending}
            )
        self.redraw("current")  # moved, or re-run in place: what changed is the step
        self.go_on()

    def go_on(self) -> None:
        """Idle again: knobs turned meanwhile first, then the step chosen to resume, then the
        keys kept while busy."""
        if self.pending:
            self.apply_knobs()
        elif self.resume_to is not None:
            self.resume()
        else:
            self.replay()

    def go_to(self, step: int) -> None:
        """Go to `step` (computing the steps on the way in a worker)."""
        if self.session is not None:
            self.resume_at(ResumePoint(step, self.session.total, "", ""))

    def resume_at(self, point: ResumePoint) -> None:
        """Go to `point` as soon as the Run exists and no work is running."""
        self.resume_to = point
        self.resume()

    def resume(self) -> None:
        """Go to the step chosen in the resume prompt, once the Run exists."""
        session, point = self.session, self.resume_to
        if session is None or point is None or self.busy:
            return
        self.resume_to = None
        if point.step <= session.position:
            session.restore(point)
            self.redraw()
            return
        self.begin(_("resuming at step {k}…").format(k=point.step))
        self.runner.resume(session, point)

    # ------------------------------------------------------------------ questions

    def action_hint(self) -> None:
        self.desk.hint()

    def action_give_up(self) -> None:
        self.desk.give_up()

    def action_answer(self) -> None:
        self.desk.answer()

    def action_inspect(self) -> None:
        self.desk.inspect()

    def say(self, note: str) -> None:
        """Why a key did nothing, in the bar under the lesson, for a few seconds."""
        if note:
            self.query_one(NavBar).say(note)

    def on_key(self, event: events.Key) -> None:
        self.desk.key(event)

    def on_paste(self, event: events.Paste) -> None:
        self.desk.paste(event)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.desk.submitted(event)

    def on_answer_line_leave(self, _event: AnswerLine.Leave) -> None:
        self.desk.close()

    def on_lesson_document_clicked(self, event: LessonDocument.Clicked) -> None:
        self.desk.clicked(event)

    def on_runner_inspected(self, event: Runner.Inspected) -> None:
        self.busy = ""
        if self.session is not None:
            self.desk.keep(self.session.position, event.expression, event.result)
            self.redraw("end")
        self.replay()

    # ------------------------------------------------------------------ knobs

    def action_knobs(self) -> None:
        """`k`: open the panel (and give it the keys), or close it."""
        panel = self.query_one(KnobPanel)
        if panel.display and panel.has_focus_within:
            panel.action_close()
        else:
            panel.open()

    def on_knob_panel_closed(self, event: KnobPanel.Closed) -> None:
        event.stop()
        self.document.focus()

    def on_knob_panel_changed(self, event: KnobPanel.Changed) -> None:
        event.stop()
        self.pending[event.name] = event.value
        if not self.busy and self.session is not None:
            self.apply_knobs()

    def apply_knobs(self) -> None:
        """Turn every pending knob in a worker; the step on screen stays on screen."""
        session = self.session
        if session is None or not self.pending:
            return
        changes, self.pending = dict(self.pending), {}
        self.begin(_("re-running with the new {names}…").format(names=", ".join(changes)))
        self.runner.turn(session, changes)
