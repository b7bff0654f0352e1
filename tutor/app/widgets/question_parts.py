"""The parts of a question that are not the panel itself: the answer box and its button, and
the lines drawn in their place (`BoxLine` under the `Prompt`) until the learner answers, the
options of a `choose` (`Choices`), and the notes under them (`Notes`). Drawn lines cost a lookup
on a step change; an input field and a button cost a layout. The drawn parts draw the panel's
frame too, each their share (tutor.app.widgets.frame).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Button, Input

from tutor.app.widgets.fitted import Fitted
from tutor.app.widgets.frame import Frame
from tutor.app.widgets.lines import Blocks, strips


class AnswerInput(Input):
    """The answer box; Escape hands the keys back to the lesson."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "leave", "leave answer", show=True)]

    class Leave(Message):
        """The learner left the answer box without answering."""

    def action_leave(self) -> None:
        self.post_message(self.Leave())


class CheckButton(Fitted, Button):
    """`check`, beside the answer box, for the mouse."""


BOX_WIDTH = 40
"""The answer box's widest (its CSS `max-width`); `check` and a gap take ten cells more."""


@dataclass(frozen=True)
class BoxLine:
    """The answer box and its button as one line, in the colours the real ones have: what an
    `ask` shows until the learner starts answering. A click on the box starts the answer; on
    `check`, checks what the box holds."""

    text: str  # what the box holds, or its placeholder
    box: Style
    button: Style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(1, min(BOX_WIDTH, options.max_width - 10))
        text = Text(self.text, style=self.box + Style(meta={"@click": "answer"}))
        text.truncate(width, pad=True)
        check = Text("  check  ", style=self.button + Style(meta={"@click": "check"}))
        yield Text.assemble(text, " ", check, no_wrap=True, overflow="crop")


class FramedBlocks(Blocks):
    """Blocks inside the question's frame: their sides, framed blank lines between them and
    `LEAD` above them (the space above a part), `title` over them as the top edge, and the
    bottom edge under them when the part is the last (`CLOSED`)."""

    LEAD = 0
    CLOSED = False

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.frame: Frame | None = None
        self.title: str | None = None

    def frame_as(self, frame: Frame, title: str | None = None) -> None:
        """Draw the frame in `frame`'s colours, with `title` at the top (the prompt's)."""
        if (frame, title) != (self.frame, self.title):
            self.frame, self.title = frame, title
            self.shown()

    def prepare(self, width: int, *blocks: RenderableType, frame: Frame | None = None) -> None:
        """Draw `blocks` ahead, inside `frame` (a question not answered yet: the frame of the
        one on screen may be a solved one's)."""
        shown = self.frame
        self.frame = frame or shown
        try:
            super().prepare(width, *blocks)
        finally:
            self.frame = shown

    def look(self) -> object:
        return (self.base_style, self.frame)

    def lines(self, width: int) -> list[Strip]:
        frame = self.frame
        if frame is None or width <= 0:
            return super().lines(width)
        lines = [] if self.title is None else [frame.top(width, self.title)]
        lines.extend([frame.blank(width)] * self.LEAD)
        lines.extend(super().lines(width))
        if self.CLOSED:
            lines.append(frame.bottom(width))
        return lines

    def gap_line(self, width: int) -> Strip:
        return super().gap_line(width) if self.frame is None else self.frame.blank(width)

    def draw(self, index: int, block: RenderableType, width: int) -> list[Strip]:
        frame = self.frame
        if frame is None:
            return self.draw_inside(index, block, width)
        return frame.sides(self.draw_inside(index, block, frame.inner(width)), width)

    def draw_inside(self, index: int, block: RenderableType, width: int) -> list[Strip]:
        """The `index`th block's lines within the frame, `width` wide."""
        return strips(self, block, width, self.base_style)


class Prompt(FramedBlocks):
    """The question under the frame's top edge, and the answer box drawn as a line while the
    keys belong to the lesson: showing an `ask` lays out no input field and no button until
    they are used."""

    class Pressed(Message):
        """A click on the drawn box (`check` False) or on its `check` (True)."""

        def __init__(self, check: bool) -> None:
            super().__init__()
            self.check = check

    def action_answer(self) -> None:
        self.post_message(self.Pressed(check=False))

    def action_check(self) -> None:
        self.post_message(self.Pressed(check=True))


class Choices(FramedBlocks):
    """The options of a `choose`, a line each; picked by a click, or by their number on the
    keyboard (the lesson screen's keys)."""

    GAP = 0
    LEAD = 1

    DEFAULT_CSS = """
    Choices { link-background-hover: $primary 20%; }
    """

    def draw_inside(self, index: int, block: RenderableType, width: int) -> list[Strip]:
        click = Style(meta={"@click": f"pick({index})"})  # the whole line, not just its words
        return [line.apply_style(click) for line in super().draw_inside(index, block, width)]

    class Picked(Message):
        """An option clicked (from 0)."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def action_pick(self, index: int) -> None:
        self.post_message(self.Picked(index))


class Notes(FramedBlocks):
    """The verdict, the hints, the explanation and the keys, closing the frame."""

    LEAD = 1
    CLOSED = True
