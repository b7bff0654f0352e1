"""The lesson screen's questions: typing an answer (a digit starts one), picking an option by
its number or a click, hints with `h`, the answer with `g`. A mixin of `LessonScreen`; the
checking is the LessonSession's, the drawing the QuestionPanel's.
"""

from __future__ import annotations

from textual import events
from textual.screen import Screen
from textual.widgets import Input

from tutor.app.widgets.knobs import KnobPanel
from tutor.app.widgets.question import ANSWER_START, QuestionPanel
from tutor.app.widgets.question_parts import AnswerInput
from tutor.app.widgets.step_scroll import StepScroll
from tutor.session import LessonSession


class LessonAnswers(Screen[None]):
    """Keys and messages of a step's question."""

    session: LessonSession | None
    busy: str

    def redraw(self, *, moved: bool = False) -> None:
        raise NotImplementedError

    @property
    def idle_session(self) -> LessonSession | None:
        """The session, unless a worker is computing a step (then the Run is not ours)."""
        return None if self.busy else self.session

    def action_hint(self) -> None:
        session = self.idle_session
        if session is not None and session.question() is not None:
            session.hint()
            self.redraw()

    def action_give_up(self) -> None:
        """`g`: show the answer now (recorded as given up; no score for it)."""
        session = self.idle_session
        if session is not None and session.question() is not None:
            session.give_up()
            self.redraw()

    def action_answer(self) -> None:
        session = self.idle_session
        asked = session.question() if session else None
        if session and asked and asked.kind == "ask" and not session.attempt().finished:
            self.query_one(QuestionPanel).start_answer()

    def on_key(self, event: events.Key) -> None:
        """Type-to-answer: a digit starts an `ask` answer, or picks a `choose` option."""
        session, char = self.idle_session, event.character
        if session is None or not char or isinstance(self.focused, Input):
            return
        if self.query_one(KnobPanel).has_focus_within:  # + and − turn the knob there
            return
        asked = session.question()
        if asked is None or session.attempt().finished:
            return
        if asked.kind == "ask" and char in ANSWER_START:
            event.stop()
            event.prevent_default()
            self.query_one(QuestionPanel).start_answer(char)
        elif asked.kind == "choose" and char.isdigit() and 1 <= int(char) <= len(asked.options):
            event.stop()
            event.prevent_default()
            self._choose(int(char) - 1)

    def on_question_panel_answer(self, event: QuestionPanel.Answer) -> None:
        session = self.idle_session
        if session is None:
            return
        attempt = session.answer(event.text)
        if attempt.correct is not None:  # judged, right or wrong: the keys are the lesson's
            # again (h for the hint, → to move on); typing a digit starts a new answer
            self.query_one(AnswerInput).value = ""
            self.query_one(StepScroll).focus()
        self.redraw()  # an unreadable answer keeps the box, to be corrected

    def on_question_panel_choice(self, event: QuestionPanel.Choice) -> None:
        self._choose(event.index)

    def _choose(self, index: int) -> None:
        session = self.idle_session
        if session is None or session.attempt().finished:
            return
        session.choose(index)
        self.redraw()

    def on_answer_input_leave(self, _event: AnswerInput.Leave) -> None:
        self.query_one(StepScroll).focus()
