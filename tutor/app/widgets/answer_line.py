"""The line under the document where a learner types: an answer to an `ask`.

It is an `Input` shown only while it is used: typing a digit on the lesson starts an answer
(the keys are the lesson's otherwise, so → and h keep working), Enter checks it, Escape leaves
it. Pastes and fast typing arrive whole, as Textual's Input takes them.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input

MAX_ANSWER = 200
"""Characters an answer may have: a number, or a short formula."""


class AnswerLine(Input):
    """`answer ▏0.25`: hidden until `begin`; posts `Input.Submitted` on Enter."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "leave answer", key_display="esc"),
    ]

    DEFAULT_CSS = """
    AnswerLine {
        display: none;
        height: 3;
        margin: 0 1;
        border: round $warning 70%;
        border-title-color: $warning;
    }
    AnswerLine.-open { display: block; }
    """

    class Leave(Message):
        """Escape: the keys go back to the lesson."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            placeholder="a number, or a formula like 1/3 · ⏎ check · esc leave",
            max_length=MAX_ANSWER,
            select_on_focus=False,
            id=id,
        )
        self.border_title = "your answer"

    def begin(self, first: str = "") -> None:
        """Open the line and give it the keys, with `first` typed (type-to-answer)."""
        self.add_class("-open")
        if first:
            self.insert_text_at_cursor(first)
        self.focus()

    def end(self) -> None:
        """Close the line, empty."""
        self.value = ""
        self.remove_class("-open")

    def action_leave(self) -> None:
        self.post_message(self.Leave())
