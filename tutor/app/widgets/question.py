"""The question of an `ask` or `choose` step: an input for a number, or the options to pick
from; the verdict, the hints revealed so far, and the explanation once it is answered.

The panel only draws a `Question` and an `Attempt` (tutor.session) and posts what the learner
did; the screen checks it with the Run and hands the new attempt back.
"""

from __future__ import annotations

from dataclasses import astuple, replace
from functools import lru_cache
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.message import Message
from textual.widgets import Button, Input

from tutor.app.widgets.fitted import Fitted
from tutor.app.widgets.frame import Frame
from tutor.app.widgets.kept_styles import KeptStyles
from tutor.app.widgets.question_parts import (
    AnswerInput,
    BoxLine,
    CheckButton,
    Choices,
    Notes,
    Prompt,
)
from tutor.app.widgets.reveal import reveal_line
from tutor.app.widgets.step_scroll import StepScroll
from tutor.render.prose import Prose
from tutor.session import Attempt, Question, Reveal

ANSWER_START = "0123456789-.(+"
"""Typing one of these on the lesson screen starts an answer to an `ask`."""


KEPT_NOTES = 64
"""Notes (and option lists) a panel keeps: every question of a lesson, as left and as fresh."""


class AnswerRow(Fitted, Horizontal):
    """The answer box and its button."""


class QuestionPanel(KeptStyles, Fitted, Vertical):
    """Hidden on steps without a question; `show(question, attempt)` draws one."""

    DEFAULT_CSS = """
    QuestionPanel { height: auto; margin: 0 0 1 0; }
    QuestionPanel #q-answer-row {  /* a framed blank line, then the box: one line */
        height: 2;
        margin: 0 1;
        padding: 1 1 0 1;
        border-left: round $accent 70%;
        border-right: round $accent 70%;
    }
    QuestionPanel AnswerInput { width: 1fr; max-width: 40; }
    QuestionPanel #q-check { margin: 0 0 0 1; min-width: 9; }
    QuestionPanel > .question-panel--help { color: $text-muted; }
    QuestionPanel > .question-panel--edge { color: $accent 70%; }
    QuestionPanel > .question-panel--title { color: $accent; text-style: bold; }
    QuestionPanel > .question-panel--solved-edge { color: $success 70%; }
    QuestionPanel > .question-panel--solved-title { color: $success; text-style: bold; }
    """

    BLANK = True  # the parts cover it: nothing of its own to draw

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "question-panel--help",
        "question-panel--edge",
        "question-panel--title",
        "question-panel--solved-edge",
        "question-panel--solved-title",
    }

    class Answer(Message):
        """A typed answer to check."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Choice(Message):
        """An option picked (from 0)."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.question: Question | None = None
        self._drawn: tuple[object, ...] = ()  # what the parts show now, shown or hidden
        self._prompts: dict[str, Prose] = {}  # each question's prompt, drawn once per width
        self._answering = False  # the answer box has the keys
        self._kept_box: BoxLine | None = None
        # the parts, held rather than queried: the panel reaches them on every step change
        self.prompt = Prompt(id="q-prompt")
        self.row = AnswerRow(id="q-answer-row")
        self.box = AnswerInput(
            placeholder="a number, or a formula like 1/3", compact=True, select_on_focus=False
        )
        self.check = CheckButton("check", id="q-check", compact=True)
        self.choices = Choices(id="q-choices")
        self.notes = Notes(id="q-notes")
        self.display = False

    def compose(self) -> ComposeResult:
        yield self.prompt
        with self.row:
            yield self.box
            yield self.check
        yield self.choices
        yield self.notes

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """The drawn parts' heights added up (they sit edge to edge: the gaps are lines of the
        frame), without Textual laying them out to measure them; while the answer box is up,
        Textual measures."""
        if self.row.display:
            return super().get_content_height(container, viewport, width)
        parts = [part for part in (self.prompt, self.choices, self.notes) if part.display]
        return sum(part.get_content_height(container, viewport, width) for part in parts)

    # ------------------------------------------------------------------ drawing

    def hide(self) -> None:
        self.question = None
        self.display = False

    def show(
        self, question: Question, attempt: Attempt, answer: str, reveal: Reveal | None = None
    ) -> None:
        """Draw `question` as the learner left it; `answer` is the right one (for giving up),
        `reveal` the learner's first number against the real value (a prediction). Coming
        back to a question as it was left only shows it again (the prompt's lines are kept for
        every question; the rest is a few short lines)."""
        self.question = question
        self.display = True
        drawn = (question, replace(attempt), answer, reveal)
        if drawn == self._drawn:
            return
        changed = not self._drawn or self._drawn[0] != question
        self._drawn = drawn
        frame = self._frame(attempt.solved)
        self.prompt.frame_as(frame, title(question))
        self.choices.frame_as(frame)
        self.notes.frame_as(frame)
        if changed and question.kind == "ask":
            self.box.value = ""
        self._show_box()
        ask = question.kind == "ask"
        self.choices.display = not ask
        if not ask:
            self.choices.show(*self._options(question, attempt))
        self.notes.show(*self._notes(question, attempt, answer, reveal))

    def _frame(self, solved: bool) -> Frame:
        """The frame's colours, an answered question's or not."""
        prefix = "question-panel--solved-" if solved else "question-panel--"
        edge = self.kept_style(f"{prefix}edge")
        return Frame(
            edge=edge, title=self.kept_style(f"{prefix}title"), fill=Style(bgcolor=edge.bgcolor)
        )

    def _notes(
        self, question: Question, attempt: Attempt, answer: str, reveal: Reveal | None
    ) -> tuple[RenderableType, ...]:
        help_style = self.kept_style("question-panel--help")
        answer = answer if attempt.gave_up else ""  # shown only then
        return notes_of(question, astuple(attempt), answer, reveal, help_style)

    def _show_box(self) -> None:
        """The answer row while the learner answers; otherwise the box drawn under the
        prompt, as they left it (an `ask` not finished), or nothing."""
        question = self.question
        attempt = self._drawn[1] if self._drawn else None
        if question is None or not isinstance(attempt, Attempt):
            return
        open_ask = question.kind == "ask" and not attempt.finished
        self.row.display = open_ask and self._answering
        prompt = self._prompt(question)
        if open_ask and not self._answering:
            self.prompt.show(prompt, self._box_line())
        else:
            self.prompt.show(prompt)

    def _box_line(self) -> BoxLine:
        """The box as the learner left it; the same object while nothing changed, so its line
        is drawn once (and ahead, for the next question)."""
        box, check = self.box, self.check
        if self._answering:  # focused, the box looks otherwise than it will at rest
            looks, placeholder = box.rich_style, box.get_component_rich_style("input--placeholder")
            button = check.rich_style
        else:
            looks = self.kept_style(of=box)
            placeholder = self.kept_style("input--placeholder", of=box)
            button = self.kept_style(of=check)
        if box.value:
            line = BoxLine(box.value, looks, button)
        else:
            line = BoxLine(box.placeholder, looks + placeholder, button)
        if line != self._kept_box:
            self._kept_box = line
        return self._kept_box

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, AnswerInput) and not self._answering:
            self._answering = True
            self._show_box()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if isinstance(event.widget, AnswerInput) and self._answering:
            self._answering = False
            self._show_box()

    def on_choices_picked(self, event: Choices.Picked) -> None:
        event.stop()
        self.post_message(self.Choice(event.index))

    def on_prompt_pressed(self, event: Prompt.Pressed) -> None:
        event.stop()
        value = self.box.value
        if event.check and value.strip():
            self.post_message(self.Answer(value))
        else:
            self.start_answer()

    def prepare(self, question: Question) -> None:
        """Draw `question` ahead as it first shows (the prompt, an empty box or the options,
        the notes), at the widths it will have: the lesson screen does this for the next step
        while the learner reads."""
        if not isinstance(self.parent, StepScroll):
            return
        fresh, frame = Attempt(), self._frame(False)
        width = self.parent.width_for
        prompt, notes = self.prompt, self.notes
        if question.kind == "ask":
            blocks: tuple[RenderableType, ...] = (self._prompt(question),)
            if not self.box.value:  # a new question empties the box
                blocks += (self._box_line(),)
            prompt.prepare(width(prompt), *blocks, frame=frame)
        else:
            prompt.prepare(width(prompt), self._prompt(question), frame=frame)
            choices = self.choices
            choices.prepare(width(choices), *self._options(question, fresh), frame=frame)
        notes.prepare(width(notes), *self._notes(question, fresh, "", None), frame=frame)

    def _prompt(self, question: Question) -> Prose:
        prose = self._prompts.get(question.prompt)
        if prose is None:
            prose = self._prompts[question.prompt] = Prose(question.prompt)
        return prose

    @staticmethod
    def _options(question: Question, attempt: Attempt) -> tuple[Text, ...]:
        right = question.correct_option if attempt.finished else None
        wrong = attempt.picked if attempt.correct is False else None
        return options_of(question, right, wrong)

    # ------------------------------------------------------------------ input

    def start_answer(self, first: str = "") -> None:
        """Focus the answer box, typing `first` into it (type-to-answer)."""
        self._answering = True
        self._show_box()
        box = self.box
        box.focus()
        if first:
            box.insert_text_at_cursor(first)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.post_message(self.Answer(event.value))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        value = self.box.value
        if value.strip():
            self.post_message(self.Answer(value))


# Kept per question and attempt (the same objects each time), so that what was drawn ahead for
# the next question, or before for this one, is what `Blocks` shows again without drawing.


@lru_cache(maxsize=KEPT_NOTES)
def options_of(question: Question, right: int | None, wrong: int | None) -> tuple[Text, ...]:
    """The options, the right one marked ✓ once known and a wrong pick ✗."""
    options = []
    for i, text in enumerate(question.options):
        if i == right:
            mark = ("✓ ", "bold green")
        elif i == wrong:
            mark = ("✗ ", "bold red")
        else:
            mark = ("  ", "")
        options.append(Text.assemble(mark, (f"{i + 1}  ", "bold #e0af68"), text))
    return tuple(options)


@lru_cache(maxsize=KEPT_NOTES)
def notes_of(
    question: Question,
    fields: tuple[object, ...],
    answer: str,
    reveal: Reveal | None,
    help_style: Style,
) -> tuple[RenderableType, ...]:
    """The verdict, the hints shown, the explanation and the keys, under the question
    (`fields`: the attempt's, as `astuple` gives them)."""
    attempt = Attempt(*fields)  # type: ignore[arg-type]
    hints = [
        Text.assemble((f"hint {i}/{len(question.hints)}  ", "bold yellow"), hint)
        for i, hint in enumerate(question.hints[: attempt.hints_shown], start=1)
    ]
    every = (
        feedback(attempt),
        Group(*hints) if hints else None,
        explanation(question, attempt, answer, reveal),
        help_line(question, attempt, help_style),
    )
    return tuple(note for note in every if note is not None)


def feedback(attempt: Attempt) -> RenderableType | None:
    if not attempt.feedback:
        return None
    if attempt.correct:
        return Text.assemble(("✓ ", "bold green"), (attempt.feedback, "green"))
    if attempt.correct is False:
        return Text.assemble(("✗ ", "bold red"), attempt.feedback, ("  try again", "dim"))
    return Text.assemble(("? ", "bold yellow"), attempt.feedback)


def explanation(
    question: Question, attempt: Attempt, answer: str, reveal: Reveal | None
) -> RenderableType | None:
    if not attempt.finished:
        return None
    parts: list[RenderableType] = []
    if reveal is not None and (attempt.gave_up or attempt.tries > 1):
        parts.append(reveal_line(reveal, at=False))  # the first guess, now it is settled
    if attempt.gave_up:
        parts.append(Text.assemble(("the answer: ", "dim"), (answer, "bold")))
    if question.explain:
        parts.append(Prose(question.explain))
    return Group(*parts) if parts else None


def title(question: Question) -> str:
    """What the frame's top edge says."""
    if question.kind == "choose":
        return "choose one"
    return "predict" if question.predicts else "question"


def help_line(question: Question, attempt: Attempt, style: Style) -> Text:
    if attempt.finished:
        return Text("→ next step", style=style)
    how = (
        "type a number, ⏎ to check"
        if question.kind == "ask"
        else f"press 1–{len(question.options)} or click an option"
    )
    left = len(question.hints) - attempt.hints_shown
    hint = f"h for a hint ({left} left) · g for the answer" if left else "g for the answer"
    if question.predicts and not attempt.tries:
        how = f"predict: {how}; step {question.predicts} computes it"
    return Text(f"{how} · {hint} · → to skip", style=style)
