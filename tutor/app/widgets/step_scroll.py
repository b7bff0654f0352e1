"""The scrolling area of a lesson."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widget import Widget

from tutor.app.widgets.fitted import Fitted
from tutor.render.memo import Memo


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

    def width_for(self, part: Widget) -> int:
        """The width `part` (a widget inside this scroll) has, or will have once shown: it
        does not depend on what is shown, since the scroll bar is always there."""
        if not self.size.width:
            return 0
        width = self.scrollable_content_region.width
        node = part
        while isinstance(node, Widget) and node is not self:
            width -= node.styles.margin.width
            if node is not part:
                width -= node.styles.gutter.width
            node = node.parent
        return width

    def draw_ahead(self, part: Widget, memo: Memo) -> None:
        """Draw `memo` now, at the width `part` will give it, so that showing it there later
        replays lines."""
        width = self.width_for(part) - part.styles.gutter.width
        if width > 0:
            options = self.app.console_options.update(highlight=False).update_width(width)
            memo.warm(self.app.console, options)
