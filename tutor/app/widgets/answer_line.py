"""The line under the document where a learner types: an answer to an `ask`, the statement
of a write step, or an expression to inspect (`:`).

It is an `Input` shown only while it is used: typing a digit on the lesson starts an answer
(the keys are the lesson's otherwise, so → and h keep working), Enter checks it, Escape leaves
it. Pastes and fast typing arrive whole, as Textual's Input takes them. For code (a write step,
the inspect line) what is typed is highlighted as Python, Tab completes the word being typed
from the names in scope, and ↑ ↓ walk through the lines typed before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar, Literal

from rich.highlighter import Highlighter
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input

from tutor.app.looks import Looks
from tutor.i18n import N_, _

Mode = Literal["answer", "write", "inspect"]

TITLES: dict[Mode, str] = {
    "answer": N_("your answer"),
    "write": N_("your line"),
    "inspect": N_("inspect"),
}
PLACEHOLDERS: dict[Mode, str] = {
    "answer": N_("a number, or a formula like 1/3 · ⏎ check · esc leave"),
    "write": N_(
        "statements, ; between two · Tab completes · ↑ earlier tries · ⏎ check · esc leave"
    ),
    "inspect": N_("any expression: W.grad.norm(), A @ V, softmax(S, dim=-1) · ⏎ show · esc close"),
}


class CodeHighlighter(Highlighter):
    """Python as the lessons write it: numbers, strings, operators, calls and attributes."""

    def __init__(self, looks: Looks) -> None:
        self.rules = (
            (r"(?<![\w.])\d+(\.\d*)?([eE][-+]?\d+)?", looks.accent),
            (r"'[^']*'|\"[^\"]*\"", looks.success),
            (r"[-+*/@%=<>!]+", looks.secondary),
            (r"[A-Za-z_]\w*(?=\()", f"bold {looks.primary}"),
            (r"(?<=\.)[A-Za-z_]\w*", looks.primary),
        )

    def highlight(self, text: Text) -> None:
        for pattern, style in self.rules:
            text.highlight_regex(pattern, style)


class NameSuggester(Suggester):
    """Suggests the rest of the word being typed, from what the lesson has in scope."""

    def __init__(self, complete: Callable[[str], list[str]]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.complete = complete

    async def get_suggestion(self, value: str) -> str | None:
        stem = value.rsplit(None, 1)[-1] if value.strip() else ""
        word = stem.rsplit(".", 1)[-1]
        for ch in "([,+-*/@=":
            word = word.rsplit(ch, 1)[-1]
        if not word:
            return None
        for candidate in self.complete(value):
            if candidate != word:
                return value + candidate[len(word) :]
        return None


MAX_ANSWER = 200
"""Characters an answer may have: a number, or a short formula."""
MAX_CODE = 1000
"""Characters a written line or an inspected expression may have."""


class AnswerLine(Input):
    """`answer ▏0.25`: hidden until `begin`; posts `Input.Submitted` on Enter."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", N_("leave"), key_display="esc"),
        Binding("tab", "complete", N_("complete"), show=False),
        Binding("up", "history(-1)", N_("earlier"), show=False),
        Binding("down", "history(1)", N_("later"), show=False),
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
    AnswerLine.-inspect { border: round $accent 70%; border-title-color: $accent; }
    """

    class Leave(Message):
        """Escape: the keys go back to the lesson."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            placeholder=_(PLACEHOLDERS["answer"]),
            max_length=MAX_ANSWER,
            select_on_focus=False,
            id=id,
        )
        self.mode: Mode = "answer"
        self.border_title = _(TITLES["answer"])
        self.history: Sequence[str] = ()
        self.back = 0  # how far up the history ↑ has gone (0: the line being typed)
        self.complete: Callable[[str], list[str]] = lambda _text: []

    def begin(
        self,
        first: str = "",
        *,
        mode: Mode = "answer",
        history: Sequence[str] = (),
        complete: Callable[[str], list[str]] | None = None,
    ) -> None:
        """Open the line and give it the keys, with `first` typed (type-to-answer); a code
        line (write, inspect) highlights Python, completes names with `complete`, and recalls
        `history` (oldest first) with ↑."""
        if mode != self.mode or not self.has_class("-open"):
            self.value = ""
        self.mode = mode
        self.border_title = _(TITLES[mode])
        self.placeholder = _(PLACEHOLDERS[mode])
        self.max_length = MAX_ANSWER if mode == "answer" else MAX_CODE
        self.highlighter = CodeHighlighter(Looks.of(self.app)) if mode != "answer" else None
        self.complete = complete or (lambda _text: [])
        self.suggester = NameSuggester(self.complete) if complete is not None else None
        self.history, self.back = history, 0
        self.set_class(mode == "inspect", "-inspect")
        self.add_class("-open")
        if first:
            self.insert_text_at_cursor(first)
        self.focus()

    def end(self) -> None:
        """Close the line, empty."""
        self.value = ""
        self.remove_class("-open")

    def action_complete(self) -> None:
        """Tab: take the suggested rest of the word (→ at the end of the line does too)."""
        if self.cursor_at_end:
            self.action_cursor_right()

    def action_history(self, direction: int) -> None:
        """↑ an earlier line, ↓ a later one (past the newest: an empty line)."""
        if not self.history:
            return
        self.back = max(0, min(len(self.history), self.back - direction))
        self.value = self.history[-self.back] if self.back else ""
        self.cursor_position = len(self.value)

    def action_leave(self) -> None:
        self.post_message(self.Leave())
