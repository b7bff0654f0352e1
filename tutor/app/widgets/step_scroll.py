"""The scrolling area of a lesson."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.scrollbar import ScrollBar
from textual.widget import Widget

from tutor.app.widgets.fitted import Fitted
from tutor.app.widgets.scroll_bar import KeptScrollBar


class StepScroll(Fitted, VerticalScroll, inherit_bindings=False):
    """Scrolls with ↑ ↓ and page keys only: ← → and home belong to stepping back and forth.

    The scroll bar is always there (an empty track when the step fits): a step too long for
    the screen next to one that fits would otherwise change the width of everything in it,
    laying the screen out three times and drawing every part again at the other width. With
    the bar fixed, a new height needs no second pass either (`Fitted`)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "scroll_up", "scroll up", show=False),
        Binding("down", "scroll_down", "scroll down", show=False),
        Binding("pageup", "page_up", "page up", show=False),
        Binding("pagedown", "page_down", "page down", show=False),
        Binding("ctrl+home", "scroll_home", "top", show=False),
        Binding("ctrl+end", "scroll_end", "bottom", show=False),
    ]

    DEFAULT_CSS = """
    StepScroll {
        height: 1fr;
        padding: 1 1 0 1;
        scrollbar-size-vertical: 1;
        overflow-y: scroll;
        background: $background;
    }
    StepScroll:focus { background-tint: transparent; }
    """

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        """Textual calls this while laying the screen out, when the bar may get a new thumb.

        One frame per step, not two: a step of another height gives the bar a new thumb, and
        the bar asks for a repaint, which Textual would draw in a second frame a sixtieth of a
        second later: every widget of the screen rendered again, for a bar the first frame has
        just drawn (the scroll area's size changed, so all of its region, bar included, is in
        that frame). The bar marks a repaint asked for now as done (KeptScrollBar). Scrolling
        still repaints the bar as usual. Should Textual rename what this relies on, the bar
        just gets its second frame again (tests/test_tmux.py checks the screen)."""
        bar = self.vertical_scrollbar
        laying_out = isinstance(bar, KeptScrollBar)
        if laying_out:
            bar.laying_out = True
        try:
            return super()._size_updated(size, virtual_size, container_size, layout)
        finally:
            if laying_out:
                bar.laying_out = False

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's, made as Textual makes it, with its lines kept (KeptScrollBar). Should
        Textual change how it makes one, the scroll area gets Textual's plain bar."""
        bar: ScrollBar | None = getattr(self, "_vertical_scrollbar", None)
        start = getattr(self.app, "_start_widget", None)
        if bar is None and start is not None:
            bar = self._vertical_scrollbar = KeptScrollBar(
                vertical=True, name="vertical", thickness=self.scrollbar_size_vertical
            )
            bar.display = False
            start(self, bar)
        return bar if bar is not None else super().vertical_scrollbar

    def width_for(self, part: Widget) -> int:
        """The width of `part`'s content (a widget inside this scroll), now or once shown: it
        does not depend on what is shown, since the scroll bar is always there."""
        if not self.size.width:
            return 0
        width = self.scrollable_content_region.width - part.styles.gutter.width
        node = part
        while isinstance(node, Widget) and node is not self:
            width -= node.styles.margin.width
            if node is not part:
                width -= node.styles.gutter.width
            node = node.parent
        return width
