"""A widget that shows lines it keeps: Textual's Line API over strips drawn once per width.

A Static holding a rich renderable turns it into strips again each time it is shown; a step
change in a lesson would pay that for every part of the step. A `Lines` widget is one widget
for a whole step, whatever it holds, and draws the strips of each width once: showing a step
seen before is a lookup, and the screen lays out one widget instead of many.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from tutor.app.widgets.fitted import Fitted


def strips(widget: Widget, renderable: RenderableType, width: int, base: Style) -> list[Strip]:
    """`renderable` drawn at `width` with the app's console, as strips of that width, on
    `base` (the widget's colours: Textual shows a Line API widget's strips as they are)."""
    options = widget.app.console_options.update(highlight=False).update_width(width)
    lines = widget.app.console.render_lines(renderable, options, pad=True, new_lines=False)
    return [Strip(Segment.apply_style(line, base), width) for line in lines]


def blank(width: int, style: Style) -> Strip:
    return Strip([Segment(" " * width, style)], width) if width else Strip([], 0)


class Lines(Fitted, Widget):
    """Shows `lines(width)`, which a subclass keeps; `shown()` after what it returns changed."""

    DEFAULT_CSS = """
    Lines { height: auto; }
    """

    def lines(self, width: int) -> list[Strip]:
        """The lines to show at content width `width`."""
        raise NotImplementedError

    def shown(self, *, height_changed: bool = True) -> None:
        """Draw again; lay the screen out again only when the height may have changed."""
        self.refresh(layout=height_changed)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        lines = self.lines(width)
        return lines[y] if 0 <= y < len(lines) else blank(width, self.rich_style)
