"""The question of an `ask` or `choose` step: an input for a number, or the options to pick
from; the verdict, the hints revealed so far, and the explanation once it is answered.

The panel only draws a `Question` and an `Attempt` (tutor.app.session) and posts what the learner
did; the screen checks it with the Run and hands the new attempt back.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from tutor.app.predictions import Reveal
from tutor.app.session import Attempt, Question
from tutor.app.widgets.fitted import Fitted, Part
from tutor.app.widgets.reveal import reveal_line
from tutor.app.widgets.step_scroll import StepScroll
from tutor.render.memo import Memo
from tutor.render.prose import Prose

ANSWER_START = "0123456789-.(+"
"""Typing one of these on the lesson screen starts an answer to an `ask`."""


class AnswerInput(Input):
    """The answer box; Escape hands the keys back to the lesson."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "leave", "leave answer", show=True)]

    class Leave(Message):
        """The learner left the answer box without answering."""

    def action_leave(self) -> None:
        self.post_message(self.Leave())


class CheckButton(Fitted, Button):
    """`check`, beside the answer box, for the mouse."""


class ChoiceList(OptionList, can_focus=False):
    """The options of a `choose`; picked by a click or by their number on the keyboard."""

    DEFAULT_CSS = """
    ChoiceList {
        height: auto;
        max-height: 12;
        border: none;
        padding: 0;
        margin: 1 0 0 0;
        background: transparent;
    }
    ChoiceList > .option-list--option-highlighted {
        background: transparent;
    }
    ChoiceList > .option-list--option-hover {
        background: $boost;
    }
    """


class AnswerRow(Fitted, Horizontal):
    """The answer box and its button."""


class QuestionPanel(Fitted, Vertical):
    """Hidden on steps without a question; `show(question, attempt)` draws one."""

    DEFAULT_CSS = """
    QuestionPanel {
        height: auto;
        margin: 0 1 1 1;
        padding: 0 1;
        border: round $accent 70%;
        border-title-color: $accent;
        border-title-style: bold;
    }
    QuestionPanel.-solved { border: round $success 70%; border-title-color: $success; }
    QuestionPanel #q-answer-row { height: auto; margin: 1 0 0 0; }
    QuestionPanel AnswerInput { width: 1fr; max-width: 40; }
    QuestionPanel #q-check { margin: 0 0 0 1; min-width: 9; }
    QuestionPanel #q-feedback, QuestionPanel #q-hints, QuestionPanel #q-explain {
        height: auto;
        margin: 1 0 0 0;
    }
    QuestionPanel #q-help { color: $text-muted; margin: 1 0 0 0; }
    """

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
        self._prompts: dict[str, Memo] = {}  # each question's prompt, drawn once per width
        self.display = False

    def compose(self) -> ComposeResult:
        yield Part(id="q-prompt")
        with AnswerRow(id="q-answer-row"):
            yield AnswerInput(
                placeholder="a number, or a formula like 1/3", compact=True, select_on_focus=False
            )
            yield CheckButton("check", id="q-check", compact=True)
        yield ChoiceList()
        yield Part(id="q-feedback", markup=False)
        yield Part(id="q-hints", markup=False)
        yield Part(id="q-explain")
        yield Part(id="q-help", markup=False)

    # ------------------------------------------------------------------ drawing

    def hide(self) -> None:
        self.question = None
        self.display = False

    def show(
        self, question: Question, attempt: Attempt, answer: str, reveal: Reveal | None = None
    ) -> None:
        """Draw `question` as the learner left it; `answer` is the right one (for giving up),
        `reveal` the learner's first number against the real value (a prediction). Coming
        back to a question as it was left only shows it again: each part drawn anew would
        lay the screen out again, and the options' list lays itself out twice."""
        self.question = question
        self.display = True
        drawn = (question, replace(attempt), answer, reveal)
        if drawn == self._drawn:
            return
        changed = not self._drawn or self._drawn[0] != question
        self._drawn = drawn
        self.set_class(attempt.solved, "-solved")
        if question.kind == "choose":
            self.border_title = "choose one"
        else:
            self.border_title = "predict" if question.predicts else "question"
        if changed:
            self.query_one("#q-prompt", Static).update(self._prompt(question))
        ask = question.kind == "ask"
        self.query_one("#q-answer-row").display = ask and not attempt.finished
        choices = self.query_one(ChoiceList)
        choices.display = not ask
        if not ask:
            self._draw_options(choices, question, attempt, answer)
        if changed and ask:
            self.query_one(AnswerInput).value = ""
        self._part("#q-feedback", self._feedback(attempt))
        hints = [
            Text.assemble((f"hint {i}/{len(question.hints)}  ", "bold yellow"), hint)
            for i, hint in enumerate(question.hints[: attempt.hints_shown], start=1)
        ]
        self._part("#q-hints", Group(*hints) if hints else None)
        self._part("#q-explain", self._explain(question, attempt, answer, reveal))
        self.query_one("#q-help", Static).update(self._help(question, attempt))

    def prepare(self, question: Question) -> None:
        """Draw the prompt of `question` ahead, at the width it will have (the lesson screen
        does this for the next step while the learner reads)."""
        if isinstance(self.parent, StepScroll):
            self.parent.draw_ahead(self.query_one("#q-prompt"), self._prompt(question))

    def _prompt(self, question: Question) -> Memo:
        memo = self._prompts.get(question.prompt)
        if memo is None:
            memo = self._prompts[question.prompt] = Memo(Prose(question.prompt))
        return memo

    def _draw_options(
        self, choices: ChoiceList, question: Question, attempt: Attempt, answer: str
    ) -> None:
        right = question.correct_option if attempt.finished else None
        options = []
        for i, text in enumerate(question.options):
            if i == right:
                mark = ("✓ ", "bold green")
            elif attempt.picked == i and attempt.correct is False:
                mark = ("✗ ", "bold red")
            else:
                mark = ("  ", "")
            options.append(
                Option(Text.assemble(mark, (f"{i + 1}  ", "bold #e0af68"), text), id=f"c{i}")
            )
        choices.clear_options()
        choices.add_options(options)

    @staticmethod
    def _feedback(attempt: Attempt) -> RenderableType | None:
        if not attempt.feedback:
            return None
        if attempt.correct:
            return Text.assemble(("✓ ", "bold green"), (attempt.feedback, "green"))
        if attempt.correct is False:
            return Text.assemble(("✗ ", "bold red"), attempt.feedback, ("  try again", "dim"))
        return Text.assemble(("? ", "bold yellow"), attempt.feedback)

    @staticmethod
    def _explain(
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

    @staticmethod
    def _help(question: Question, attempt: Attempt) -> Text:
        if attempt.finished:
            return Text("→ next step")
        how = (
            "type a number, ⏎ to check"
            if question.kind == "ask"
            else f"press 1–{len(question.options)} or click an option"
        )
        left = len(question.hints) - attempt.hints_shown
        hint = f"h for a hint ({left} left) · g for the answer" if left else "g for the answer"
        if question.predicts and not attempt.tries:
            how = f"predict: {how}; step {question.predicts} computes it"
        return Text(f"{how} · {hint} · → to skip")

    def _part(self, selector: str, renderable: RenderableType | None) -> None:
        part = self.query_one(selector, Static)
        part.update(renderable if renderable is not None else "")
        part.display = renderable is not None

    # ------------------------------------------------------------------ input

    def start_answer(self, first: str = "") -> None:
        """Focus the answer box, typing `first` into it (type-to-answer)."""
        box = self.query_one(AnswerInput)
        box.focus()
        if first:
            box.insert_text_at_cursor(first)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.post_message(self.Answer(event.value))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        value = self.query_one(AnswerInput).value
        if value.strip():
            self.post_message(self.Answer(value))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Choice(event.option_index))
