"""Where a learner works on a step's question, and on the inspect line: `h` and `g`, ⏎ and
`:` that open the `AnswerLine`, typing or pasting that starts an answer, a click or a digit
that picks an option, the line submitted, and the inspected expressions kept under the step.

A plain class the `LessonScreen` owns (the screen keeps the bindings, so the key bar and `?`
list them as before, and passes each key and message on). It reads the screen's session and
busy state, and asks the screen to redraw, to say why a key did nothing, and to start work in
its `Runner`: what it needs of the screen is the `QuestionHost` protocol below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar

from textual import events
from textual.widget import Widget
from textual.widgets import Input

from tutor.app.widgets.answer_line import AnswerLine
from tutor.app.widgets.document import Follow, LessonDocument
from tutor.app.widgets.knobs import KnobPanel
from tutor.engine.views import LineError, TensorView
from tutor.i18n import _

if TYPE_CHECKING:
    from tutor.app.widgets.runner import Runner
    from tutor.session import LessonSession

ANSWER_START = "0123456789-.(+"
"""Typing one of these on a step with an open `ask` starts an answer."""
KEPT_INSPECTIONS = 5
"""Inspected expressions shown under the current step, the newest last."""
LINE_FOR = {"ask": "answer", "write": "write"}
"""The answer line's mode for each kind of question that is answered on it."""
W = TypeVar("W", bound=Widget)


class QuestionHost(Protocol):
    """What the question desk needs of the lesson screen."""

    session: LessonSession | None
    busy: str

    @property
    def focused(self) -> Widget | None: ...
    @property
    def runner(self) -> Runner: ...
    @property
    def document(self) -> LessonDocument: ...
    def query_one(self, selector: type[W]) -> W: ...
    def check_busy(self, action: str) -> bool: ...
    def begin(self, busy: str) -> None: ...
    def redraw(self, follow: Follow = "keep") -> None: ...
    def say(self, note: str) -> None: ...


class QuestionDesk:
    """The current step's question and the inspect line, for the lesson screen `screen`."""

    def __init__(self, screen: QuestionHost) -> None:
        self.screen = screen
        self.inspected: list[tuple[int, str, TensorView | LineError]] = []  # step, line, result

    # ------------------------------------------------------------------ the question's state

    def open_question(self) -> str:
        """The kind of the current step's question while it is not settled, else ""."""
        session = self.screen.session
        asked = session.question() if session and not session.run.blocked else None
        if session is None or asked is None or session.attempt().finished:
            return ""
        return asked.kind

    def why_not(self) -> str:
        """Why `h`, `g` or ⏎ does nothing here, or "" when the step has an open question."""
        session = self.screen.session
        if session is None:
            return _("the lesson is starting")
        if session.question() is None:
            return _("no question on this step")
        if session.run.blocked:
            return _("this step broke: go back (←) or turn a knob (k)")
        if session.attempt().finished:
            return _("this question is settled: → for the next step")
        return ""

    def questioned(self, action: str) -> LessonSession | None:
        """The session when the step has an open question for `action`; else None, the key
        kept for later (busy) or the reason said in the bar."""
        if self.screen.check_busy(action):
            return None
        why = self.why_not()
        if self.screen.session is None or why:
            self.screen.say(why)
            return None
        return self.screen.session

    # ------------------------------------------------------------------ keys

    def hint(self) -> None:
        """`h`: the next hint, or why there is none."""
        session = self.questioned("hint")
        if session is None:
            return
        if session.hints_left() == 0:
            self.screen.say(_("no hint left: g shows the answer"))
        else:
            session.hint()
            self.screen.redraw("current")

    def give_up(self) -> None:
        """`g`: show the answer now (recorded as given up; no score for it)."""
        session = self.questioned("give_up")
        if session is not None:
            session.give_up()
            self.screen.redraw("current")

    def answer(self) -> None:
        """⏎: open the line for the current question (a number, or a write step's line)."""
        if self.screen.check_busy("answer"):
            return
        kind = self.open_question()
        session = self.screen.session
        if not kind:
            self.screen.say(self.why_not() or _("press 1–9 or click an option"))
        elif kind == "ask":
            self.screen.query_one(AnswerLine).begin()
        elif kind == "write" and session is not None:
            line = self.screen.query_one(AnswerLine)
            line.begin(mode="write", history=session.attempt().lines, complete=session.completions)

    def inspect(self) -> None:
        """`:`: a line for any expression, evaluated on a copy of the current step's state."""
        if self.screen.check_busy("inspect"):
            return
        session = self.screen.session
        if session is not None:
            history = [expression for _k, expression, _result in self.inspected]
            self.screen.query_one(AnswerLine).begin(
                mode="inspect", history=history, complete=session.completions
            )

    def key(self, event: events.Key) -> None:
        """Type-to-answer: a digit starts an `ask` answer, or picks a `choose` option."""
        char = event.character
        screen = self.screen
        if screen.busy or screen.session is None or not char or isinstance(screen.focused, Input):
            return
        if screen.query_one(KnobPanel).has_focus_within:  # + and − turn the knob there
            return
        session = screen.session
        asked = session.question() if not session.run.blocked else None
        if asked is None or session.attempt().finished:
            return
        if asked.kind == "ask" and char in ANSWER_START:
            event.stop()
            event.prevent_default()
            screen.query_one(AnswerLine).begin(char)
        elif asked.kind == "choose" and char.isdigit() and 1 <= int(char) <= len(asked.options):
            event.stop()
            event.prevent_default()
            self.choose(int(char) - 1)

    def paste(self, event: events.Paste) -> None:
        """A paste on the lesson (the answer line closed) opens the line with what was pasted,
        as typing its first character would; the line, once open, takes pastes itself."""
        screen = self.screen
        session = screen.session
        kind = self.open_question()
        if session is None or screen.busy or isinstance(screen.focused, Input) or not event.text:
            return
        text = event.text.strip().splitlines()[0] if event.text.strip() else ""
        if kind == "ask":
            screen.query_one(AnswerLine).begin(text)
        elif kind == "write":
            screen.query_one(AnswerLine).begin(
                text, mode="write", history=session.attempt().lines, complete=session.completions
            )
        else:
            return
        event.stop()

    def clicked(self, event: LessonDocument.Clicked) -> None:
        """A click on an option of the current step's question picks it."""
        action = event.action
        if isinstance(action, tuple) and action[0] == "choose" and self.screen.session is not None:
            if action[1] == self.screen.session.position:
                self.choose(action[2])

    def choose(self, index: int) -> None:
        session = self.screen.session
        if session is None or self.screen.busy or session.attempt().finished:
            return
        session.choose(index)
        self.screen.redraw("current")

    # ------------------------------------------------------------------ the line

    def submitted(self, event: Input.Submitted) -> None:
        """⏎ on the line: an answer judged now; a written line or an expression in a worker."""
        if not isinstance(event.input, AnswerLine):
            return
        event.stop()
        screen = self.screen
        session = screen.session
        if session is None or screen.busy:
            return
        line = event.input
        if line.mode == "inspect":
            if event.value.strip():
                line.value = ""
                screen.begin(_("inspecting…"))
                screen.runner.inspect(session, event.value)
            return
        if line.mode == "write":
            screen.begin(_("checking your line…"))
            screen.runner.write(session, event.value)
            return
        attempt = session.answer(event.value)
        if attempt.correct is not None:  # judged: the keys are the lesson's again
            self.close()
        screen.redraw("current")  # an unreadable answer keeps the line, to be corrected

    def close(self) -> None:
        """The line closes (Escape, an answer judged): the keys go back to the document."""
        line = self.screen.query_one(AnswerLine)
        if line.has_class("-open"):
            line.end()
            self.screen.document.focus()

    def close_if_settled(self) -> None:
        """After a redraw: the question the line was for is settled, or another step is on."""
        line = self.screen.query_one(AnswerLine)
        wanted = LINE_FOR.get(self.open_question(), "")
        if line.mode != "inspect" and wanted != line.mode:
            self.close()

    # ------------------------------------------------------------------ inspected values

    def keep(self, position: int, expression: str, result: TensorView | LineError) -> None:
        """An inspected expression's result, shown under step `position` (the last few)."""
        shown = [entry for entry in self.inspected if entry[0] == position]
        self.inspected = [*shown[-(KEPT_INSPECTIONS - 1) :], (position, expression, result)]

    def shown_at(self, position: int) -> list[tuple[str, TensorView | LineError]]:
        """The expressions inspected on step `position`, oldest first, with their results."""
        return [(expression, result) for k, expression, result in self.inspected if k == position]
