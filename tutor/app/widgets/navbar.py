"""The bar under a lesson: back and next for the mouse, a dot per step, the score, and how
many lines of the document are out of view above and below (the document has no scroll bar)."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.message import Message
from textual.strip import Strip
from textual.timer import Timer

from tutor.app.looks import Looks
from tutor.app.widgets.line_bar import LineBar, bar
from tutor.i18n import _

MAX_DOTS = 40


def dots(position: int, total: int, looks: Looks, failed: bool = False) -> Text:
    """`●●●○○○○○`: steps done, the one shown, steps ahead (a fraction when there are many)."""
    if total > MAX_DOTS:
        return Text.assemble((f"{position}", "bold"), (f" / {total}", "dim"))
    line = Text()
    for k in range(1, total + 1):
        if k < position:
            line.append("●", looks.primary)
        elif k == position:
            line.append("●", "bold red" if failed else f"bold {looks.accent}")
        else:
            line.append("○", looks.faint)
        if k < total:
            line.append(" " if total <= 20 else "")
    return line


class NavBar(LineBar):
    """`‹ back   ● ● ○ ○   next ›`: one line; a click on back or next posts `NavBar.Move`
    (the keyboard has its own keys, and focus stays on the step)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "navbar--back",
        "navbar--back-off",
        "navbar--next",
        "navbar--next-off",
        "navbar--score",
        "navbar--above",
        "navbar--below",
    }

    DEFAULT_CSS = """
    NavBar {
        height: 1;
        background: $surface;
        link-background-hover: $panel;
    }
    NavBar > .navbar--back { color: $foreground; text-style: bold; }
    NavBar > .navbar--next { color: $primary; text-style: bold; }
    NavBar > .navbar--back-off { color: $foreground 60%; text-style: bold; }
    NavBar > .navbar--next-off { color: $primary 60%; text-style: bold; }
    NavBar > .navbar--score { color: $text-muted; }
    NavBar > .navbar--above { color: $text-muted; }
    NavBar > .navbar--below { color: $accent; text-style: bold; }
    """

    class Move(Message):
        """A click on back (-1) or next (+1)."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    class Page(Message):
        """A click on the lines out of view: a page up (-1) or down (+1)."""

        def __init__(self, direction: int) -> None:
            super().__init__()
            self.direction = direction

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._state: tuple[object, ...] = (0, 0, False, "", None)
        self._out_of_view = (0, 0)
        self._note = ""
        self._note_timer: Timer | None = None

    def say(self, note: str, seconds: float = 4.0) -> None:
        """A short word in place of the dots (why a key did nothing, say), for `seconds`."""
        if self._note_timer is not None:
            self._note_timer.stop()
        self._note = note
        self._note_timer = self.set_timer(seconds, self._unsay)
        self.changed()

    def _unsay(self) -> None:
        self._note, self._note_timer = "", None
        self.changed()

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
        if state != self._state:
            self._state = state
            self.changed()

    def out_of_view(self, above: int, below: int) -> None:
        """`↑12 ↓30`: the document's lines above and below its window."""
        if (above, below) != self._out_of_view:
            self._out_of_view = (above, below)
            self.changed()

    def _view(self) -> Text:
        above, below = self._out_of_view
        view = Text()
        for count, arrow, direction, looks in ((above, "↑", -1, "above"), (below, "↓", 1, "below")):
            if count:
                press = Style(meta={"@click": f"page({direction})"})
                view.append(f"{arrow}{count} ", self.part_style(f"navbar--{looks}") + press)
        return view

    def content(self) -> tuple[object, ...]:
        return self._state, self._note, self._out_of_view

    def line(self, width: int) -> Strip:
        position, total, failed, busy, score = self._state
        assert isinstance(position, int) and isinstance(total, int)
        style = self.part_style
        back = self._button(_(" ‹ back "), -1, position > 0 and not busy, "navbar--back")
        label = _(" done ✓ ") if position >= total > 0 else _(" next › ")
        forward = self._button(label, 1, not failed and not busy, "navbar--next")
        middle = (
            Text(str(busy), style="yellow")
            if busy
            else Text(self._note, style="yellow")
            if self._note
            else dots(position, total, Looks.of(self.app), failed)
        )
        middle.justify = "center"
        right = Text.assemble(forward)
        if isinstance(score, tuple):
            right = Text.assemble(
                (_(" score "), "dim"), (f"{score[0]}/{score[1]}", "bold"), " ", forward
            )
            right.stylize_before(style("navbar--score"), 0, right.cell_len - forward.cell_len)
        right = Text.assemble(self._view(), right)
        return bar(self, back, middle, right, width, self.part_style(""))

    def _button(self, label: str, step: int, enabled: bool, looks: str) -> Text:
        """A button's label: clickable, or faded (`looks` is its component class)."""
        if not enabled:
            return Text(label, style=self.part_style(f"{looks}-off"))
        press = Style(meta={"@click": f"move({step})"})
        return Text(label, style=self.part_style(looks) + press)

    def action_move(self, step: int) -> None:
        self.post_message(self.Move(step))

    def action_page(self, direction: int) -> None:
        self.post_message(self.Page(direction))
