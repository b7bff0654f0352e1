"""The lesson's scroll bar: Textual's own, with its lines kept.

Textual draws a scroll bar as a rich renderable turned into strips, every cell then restyled,
in every frame that repaints it, and a step change repaints it: a millisecond of a key that
costs five. What it draws depends on a few numbers (where the thumb is, how long, the colours
for the mouse's state), so the lines of the last few are kept.

It also keeps the one frame per step change (StepScroll): the bar asks to be repainted while the
screen is laid out, in the frame that draws it anyway.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from textual.geometry import Region
from textual.scrollbar import ScrollBar
from textual.strip import Strip

if TYPE_CHECKING:
    from textual.widget import Widget

KEPT = 16
"""Bars kept: the thumbs of the steps nearby, and the ones passed while scrolling."""


class KeptScrollBar(ScrollBar):
    """A `ScrollBar` whose lines are drawn once for each thumb and colour."""

    def __init__(self, vertical: bool = True, name: str | None = None, *, thickness: int = 1):
        super().__init__(vertical, name, thickness=thickness)
        self._kept: OrderedDict[tuple[object, ...], list[Strip]] = OrderedDict()
        self.laying_out = False
        """Set by the scroll area while Textual lays the screen out."""

    def render_lines(self, crop: Region) -> list[Strip]:
        key = self._drawn_from(crop)
        lines = self._kept.get(key)
        if lines is None:
            lines = self._kept[key] = super().render_lines(crop)
            if len(self._kept) > KEPT:
                self._kept.popitem(last=False)
        else:
            self._kept.move_to_end(key)
        return lines

    def _drawn_from(self, crop: Region) -> tuple[object, ...]:
        """Everything Textual draws the bar from (ScrollBar.render and its renderer)."""
        parent: Widget | None = self.parent  # type: ignore[assignment]
        assert parent is not None
        styles = parent.styles
        if self.grabbed:
            colours = styles.scrollbar_background_active, styles.scrollbar_color_active
        elif self.mouse_over:
            colours = styles.scrollbar_background_hover, styles.scrollbar_color_hover
        else:
            colours = styles.scrollbar_background, styles.scrollbar_color
        under = parent.background_colors[0] if colours[0].a < 1 else None
        thumb = self.window_virtual_size, self.window_size, self.position, self.thickness
        return crop, self.size, thumb, colours, under, self.app.theme

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> ScrollBar:
        super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
        if self.laying_out and not (layout or recompose):
            self._repaint_required = False  # drawn by the frame being composed
        return self
