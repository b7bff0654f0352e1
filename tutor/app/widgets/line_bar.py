"""One-line bars (the top bar, the nav bar, the key bar) as Line API widgets.

A bar is one line whose content changes now and then (a step number, a score): the line is
drawn once per content and width, kept, and handed to Textual as it is; a change repaints the
bar without laying the screen out (its height never changes), and a bar that shows again what
it showed before (the dots of a step seen before) looks its line up.
"""

from __future__ import annotations

from collections.abc import Hashable

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.strip import Strip
from textual.widget import Widget

KEPT_LINES = 32
"""Lines a bar keeps, by content and width: a lesson's steps, back and forth."""


def bar(
    widget: Widget, left: Text, middle: Text, right: Text, width: int, base: Style, *, pad: int = 0
) -> Strip:
    """One line of `width`: `left` and `right` at the ends, `middle` in the room between,
    `pad` cells in from each side (cut with an ellipsis when it does not fit; centred when
    `middle.justify` says so)."""
    room = max(0, width - left.cell_len - right.cell_len - 2 * pad)
    middle = middle.copy()
    middle.truncate(room, overflow="ellipsis")
    if middle.justify == "center":
        middle.pad_left((room - middle.cell_len) // 2)
    middle.truncate(room, pad=True)
    middle.pad(pad)
    line = Text.assemble(left, middle, right)
    segments = Segment.apply_style(line.render(widget.app.console), base)
    return Strip(segments, line.cell_len).adjust_cell_length(width, base).crop(0, width)


class LineBar(Widget):
    """A one-line widget: subclasses draw `line(width)` for what `content()` says they show,
    and call `changed()` after that changed."""

    DEFAULT_CSS = """
    LineBar { height: 1; }
    """

    _kept: LRUCache[tuple[Hashable, int], Strip] | None = None
    _styles: dict[str, Style] | None = None

    def line(self, width: int) -> Strip:
        raise NotImplementedError

    def content(self) -> Hashable:
        """Everything the line depends on but the width and the styles."""
        raise NotImplementedError

    def changed(self) -> None:
        self.refresh()

    def part_style(self, name: str) -> Style:
        """A component class's style, or the bar's own for "" (each read walks the
        ancestors' styles: kept until the styles change)."""
        if self._styles is None:
            self._styles = {}
        style = self._styles.get(name)
        if style is None:
            style = self.rich_style if not name else self.get_component_rich_style(name)
            self._styles[name] = style
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._kept = None  # every kept line was drawn in the old styles
        self._styles = None

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y != 0 or width <= 0:
            return Strip.blank(width, self.rich_style)
        if self._kept is None:
            self._kept = LRUCache(KEPT_LINES)
        key = (self.content(), width)
        line = self._kept.get(key)
        if line is None:
            line = self.line(width)
            self._kept.set(key, line)
        return line
