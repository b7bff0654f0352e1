"""The lesson as one scrolling document: every step reached stays on the page, above the one
in focus, so a question is read under the values it asks about.

Built as Textual's Line API examples and toolong's log view are: a `ScrollView` whose
`render_line` reads lines kept per width. The document is a list of `Part`s (the front page,
a step, its question, the lesson-done line); each part keeps its lines per width in a
`textual.cache.LRUCache`, so stepping back and forth, or scrolling, draws nothing again. Parts
before the current step are drawn quieter (their colours dimmed towards the background).

The document has no scroll bar: a bar changes on every step (the document grows, the view
follows), and redrawing it cost a third of a step's frame, which thirty students pressing
together on two cores pay thirty times. It says instead how many lines are out of view above
and below (`Scrolled`), and the nav bar shows them.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

KEPT_WIDTHS = 4
"""Widths (and quiet or not) a part keeps its lines for: a terminal is resized now and then."""

Follow = Literal["current", "end", "keep"]

EARLIER = Style(dim=True)
"""Steps before the current one: dim (Textual draws dim as colours nearer the background)."""


@dataclass(eq=False)
class Part:
    """One block of the document. `key` says what it shows: the screen reuses a part whose
    key is unchanged, and with it every line already drawn. `action` is posted (as
    `LessonDocument.Clicked`) when the part is clicked: an option of a question, say."""

    key: Hashable
    renderable: RenderableType
    action: Hashable | None = None
    side: int = 1
    lines: LRUCache[tuple[int, bool], list[Strip]] = field(
        default_factory=lambda: LRUCache(KEPT_WIDTHS)
    )


class LessonDocument(ScrollView, can_focus=True, inherit_bindings=False):
    """The parts of the lesson so far; `show` replaces them and follows the current step."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "scroll_up", "scroll up", show=False),
        Binding("down", "scroll_down", "scroll down", show=False),
        Binding("pageup", "page_up", "page up", show=False),
        Binding("pagedown", "page_down", "page down", show=False),
        Binding("end", "scroll_end", "end", show=False),
    ]

    DEFAULT_CSS = """
    LessonDocument {
        height: 1fr;
        scrollbar-size-vertical: 0;
        overflow-x: hidden;
        overflow-y: scroll;
    }
    """

    class Scrolled(Message):
        """The lines out of view changed: `above` and `below` the window."""

        def __init__(self, above: int, below: int) -> None:
            super().__init__()
            self.above, self.below = above, below

    class Clicked(Message):
        """A click on a part that has an action."""

        def __init__(self, action: Hashable) -> None:
            super().__init__()
            self.action = action

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.parts: tuple[Part, ...] = ()
        self.current = 0  # the index of the first part of the step in focus
        self._starts: list[int] = [0]  # where each part begins, at `_width`
        self._width = 0
        self.following: Follow = "current"  # kept on a resize, until the reader scrolls
        self._out_of_view = (0, 0)  # as last told (`Scrolled`) or read after `show`
        self._showing = False

    def on_mount(self) -> None:
        self.watch(self, "scroll_y", self._tell_out_of_view, init=False)

    # ------------------------------------------------------------------ content

    def show(self, parts: Sequence[Part], current: int, follow: Follow = "current") -> None:
        """Show `parts`, those from `current` on in focus; `follow` scrolls to the current
        step ("current": the whole of it in view, as much as fits of what came before;
        "end": the last line in view, for a plot growing; "keep": where the reader is)."""
        self.parts, self.current = tuple(parts), current
        self._measure(self._content_width())
        self.refresh()
        if follow != "keep":
            self.following = follow
            self._showing = True  # its caller reads `out_of_view`: no message to say it
            try:
                self.follow(follow)
            finally:
                self._showing = False
        self._out_of_view = self.out_of_view

    def follow(self, how: Follow = "current") -> None:
        """Scroll so that the current step is in view (see `show`)."""
        if how == "keep":
            return
        height = self.scrollable_content_region.height
        end = max(0, self.virtual_size.height - height)
        if how == "end":
            y = end
        else:
            start = self._starts[min(self.current, len(self.parts))]
            y = min(start, end)
        # forced: right after the content grew, Textual's scrolling limits are those of the
        # last layout (there is none for a step), and the first frame must be right
        self.scroll_to(y=y, animate=False, force=True)

    @property
    def out_of_view(self) -> tuple[int, int]:
        """Lines of the document above and below the window. The reader's scrolling and a
        resize say it with `Scrolled`; who calls `show` reads it (a message would come a
        frame later, and a step would draw two)."""
        height = self.scrollable_content_region.height
        above = round(self.scroll_y)
        return above, max(0, self.virtual_size.height - height - above)

    def _tell_out_of_view(self) -> None:
        out_of_view = self.out_of_view
        if out_of_view != self._out_of_view and not self._showing:
            self._out_of_view = out_of_view
            self.post_message(self.Scrolled(*out_of_view))

    def part_at(self, y: int) -> Part | None:
        """The part drawn on document line `y` (0 is the first line of the document)."""
        index = bisect_right(self._starts, y) - 1
        return self.parts[index] if 0 <= index < len(self.parts) else None

    def start_of(self, index: int) -> int:
        """The document line where part `index` begins."""
        return self._starts[min(index, len(self.parts))]

    # ------------------------------------------------------------------ drawing

    def _content_width(self) -> int:
        return self.scrollable_content_region.width or self.size.width

    def _lines(self, index: int, width: int) -> list[Strip]:
        return self._lines_of(self.parts[index], width, index < self.current)

    def _draw(self, part: Part, width: int, quiet: bool) -> list[Strip]:
        if quiet:  # the same lines, dimmed: drawn from the lines in focus, kept too
            return [strip.apply_style(EARLIER) for strip in self._lines_of(part, width, False)]
        inner = max(1, width - 2 * part.side)
        base = self.rich_style
        options = self.app.console.options.update(highlight=False).update_width(inner)
        rendered = self.app.console.render_lines(part.renderable, options, pad=True)
        side = [Segment(" " * part.side, base)] if part.side else []
        return [Strip([*side, *Segment.apply_style(line, base), *side], width) for line in rendered]

    def _lines_of(self, part: Part, width: int, quiet: bool) -> list[Strip]:
        lines = part.lines.get((width, quiet))
        if lines is None:
            lines = self._draw(part, width, quiet)
            part.lines.set((width, quiet), lines)
        return lines

    def draw_ahead(self, coming: Sequence[Part]) -> None:
        """Draw, while the learner reads, what the next step will show: its parts (`coming`)
        in focus, and the parts now in focus as they will be then, dimmed. A new step then
        costs no more than one seen before."""
        width = self._content_width()
        if width <= 0:
            return
        for part in self.parts[self.current :]:
            self._lines_of(part, width, True)
        for part in coming:
            self._lines_of(part, width, False)

    def _measure(self, width: int) -> None:
        """Where every part begins at `width`, and the document's height."""
        self._width = width
        starts = [0]
        if width > 0:
            for index in range(len(self.parts)):
                starts.append(starts[-1] + len(self._lines(index, width)))
        else:
            starts += [0] * len(self.parts)
        self._starts = starts
        size = Size(width, starts[-1])
        if size != self.virtual_size:
            # The document scrolls whatever its length (`overflow-y: scroll`, a bar of no
            # width), so a document that grew or shrank changes nothing on screen but its own
            # lines. Setting the reactive would lay out the whole screen and draw every widget
            # again (~10 ms a step); it is set without its watchers.
            self.set_reactive(LessonDocument.virtual_size, size)

    def on_resize(self, _event: events.Resize) -> None:
        width = self._content_width()
        if width != self._width:
            self._measure(width)
            self.refresh()
        self.follow(self.following)
        self._tell_out_of_view()

    # the reader scrolls: the document stays where they put it, even on a resize
    def action_scroll_up(self) -> None:
        self.following = "keep"
        super().action_scroll_up()

    def action_scroll_down(self) -> None:
        self.following = "keep"
        super().action_scroll_down()

    def action_page_up(self) -> None:
        self.following = "keep"
        super().action_page_up()

    def action_page_down(self) -> None:
        self.following = "keep"
        super().action_page_down()

    def on_mouse_scroll_up(self, _event: events.MouseScrollUp) -> None:
        self.following = "keep"

    def on_mouse_scroll_down(self, _event: events.MouseScrollDown) -> None:
        self.following = "keep"

    def notify_style_update(self) -> None:
        """A theme or CSS change: every kept line was drawn in the old colours."""
        super().notify_style_update()
        for part in self.parts:
            part.lines.clear()
        if self.is_mounted:
            self._measure(self._content_width())

    def render_line(self, y: int) -> Strip:
        width = self._content_width()
        if width != self._width:
            self._measure(width)
        line = y + self.scroll_offset.y
        index = bisect_right(self._starts, line) - 1
        if 0 <= index < len(self.parts):
            lines = self._lines(index, width)
            offset = line - self._starts[index]
            if offset < len(lines):
                return lines[offset]
        return Strip.blank(width, self.rich_style)

    # ------------------------------------------------------------------ mouse

    def on_click(self, event: events.Click) -> None:
        part = self.part_at(event.y + self.scroll_offset.y)
        if part is not None and part.action is not None:
            event.stop()
            self.post_message(self.Clicked(part.action))
