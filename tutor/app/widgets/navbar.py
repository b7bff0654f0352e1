"""The bar under a lesson: back and next buttons for the mouse, a dot per step, the score."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Static

from tutor.app.widgets.fitted import Fitted, Part

MAX_DOTS = 40


def dots(position: int, total: int, failed: bool = False) -> Text:
    """`●●●○○○○○`: steps done, the one shown, steps ahead (a fraction when there are many)."""
    if total > MAX_DOTS:
        return Text.assemble((f"{position}", "bold"), (f" / {total}", "dim"))
    line = Text()
    for k in range(1, total + 1):
        if k < position:
            line.append("●", "#7aa2f7")
        elif k == position:
            line.append("●", "bold red" if failed else "bold #e0af68")
        else:
            line.append("○", "#4a4f63")
        if k < total:
            line.append(" " if total <= 20 else "")
    return line


class NavButton(Button, can_focus=False):
    """A button for the mouse; the keyboard has its own keys, and focus stays on the step."""


class NavBar(Fitted, Horizontal):
    """`‹ back   ● ● ○ ○   next ›`; the buttons post `NavBar.Move`."""

    DEFAULT_CSS = """
    NavBar {
        height: 1;
        background: $surface;
    }
    NavBar > Button {
        width: auto;
        min-width: 8;
        background: $surface;
        color: $text-muted;
    }
    NavBar > Button:hover {
        background: $panel;
        color: $text;
    }
    NavBar > #nav-next {
        color: $primary;
        text-style: bold;
    }
    NavBar > #nav-dots {
        width: 1fr;
        content-align: center middle;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    NavBar > #nav-score {
        width: auto;
        padding: 0 1;
        color: $text-muted;
    }
    """

    class Move(Message):
        """A click on back (-1) or next (+1)."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._state: tuple[object, ...] = ()

    def compose(self) -> ComposeResult:
        yield NavButton("‹ back", id="nav-back", compact=True)
        yield Part(id="nav-dots", markup=False)
        yield Part(id="nav-score", markup=False)
        yield NavButton("next ›", id="nav-next", compact=True)

    def show(
        self,
        position: int,
        total: int,
        *,
        failed: bool = False,
        busy: str = "",
        score: tuple[int, int] | None = None,
    ) -> None:
        """Draw the dots (or what a worker is doing); `score` is (right, asked), shown once
        a question has been asked."""
        state = (position, total, failed, busy, score if score and score[1] else None)
        if state == self._state:
            return  # every update lays the screen out again
        self._state = state
        right, asked = score or (0, 0)
        mark = Text.assemble(("score ", "dim"), (f"{right}/{asked}", "bold")) if asked else ""
        score_part = self.query_one("#nav-score", Static)
        if str(score_part.content) != str(mark):
            score_part.update(mark)
        score_part.display = bool(asked)  # no gap beside the dots until there is a score
        self.query_one("#nav-dots", Static).update(
            Text(busy, style="yellow") if busy else dots(position, total, failed)
        )
        self.query_one("#nav-back", Button).disabled = position == 0 or bool(busy)
        next_button = self.query_one("#nav-next", Button)
        label = "done ✓" if position >= total > 0 else "next ›"
        if str(next_button.label) != label:
            next_button.label = label
        next_button.disabled = failed or bool(busy)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Move(-1 if event.button.id == "nav-back" else 1))
