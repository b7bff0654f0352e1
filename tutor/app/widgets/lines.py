"""A widget that shows lines it keeps: Textual's Line API over strips drawn once per width.

A Static holding a rich renderable turns it into strips again each time it is shown; a step
change in a lesson would pay that for every part of the step. A `Lines` widget is one widget
for a whole step, whatever it holds, and draws the strips of each width once: showing a step
seen before is a lookup, and the screen lays out one widget instead of many.
"""

from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from typing import ClassVar

from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.filter import LineFilter
from textual.geometry import Region, Size, Spacing
from textual.strip import Strip
from textual.widget import Widget

from tutor.app.widgets.fitted import Fitted
from tutor.app.widgets.kept_styles import KeptStyles


def strips(widget: Widget, renderable: RenderableType, width: int, base: Style) -> list[Strip]:
    """`renderable` drawn at `width` with the app's console, as strips of that width, on
    `base` (the widget's colours: Textual shows a Line API widget's strips as they are)."""
    options = widget.app.console_options.update(highlight=False).update_width(width)
    lines = widget.app.console.render_lines(renderable, options, pad=True, new_lines=False)
    return [Strip(Segment.apply_style(line, base), width) for line in lines]


BAR = "▌"


def barred(lines: list[Strip], bar: Style, fill: Style, width: int) -> list[Strip]:
    """`lines` (drawn 3 cells narrower than `width`) behind a bar on the left, padded by one
    cell each side in `fill`: what a CSS `border-left: outer` and `padding: 0 1` look like."""
    pad = Segment(" ", fill)
    head = [Segment(BAR, bar), pad]
    return [Strip([*head, *line, pad], width) for line in lines]


@lru_cache(maxsize=64)
def blank(width: int, style: Style) -> Strip:
    """An empty line (strips never change, so one serves every widget of that width)."""
    return Strip([Segment(" " * width, style)], width) if width else Strip([], 0)


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
    segments = Segment.apply_style(line.render(widget.app.console), base)  # no wrapping pass
    return Strip(segments, line.cell_len).adjust_cell_length(width, base).crop(0, width)


class Lines(Fitted, KeptStyles):
    """Shows `lines(width)`, which a subclass keeps; `shown()` after what it returns changed.

    Textual asks for one line at a time, and asks for the height too; the lines of the width
    on screen are held between two `shown()` calls, and the widget's colours between two
    style changes, so each ask is a lookup (`rich_style` walks every ancestor).

    A widget without border, padding, outline, tint or opacity hands its kept strips to the
    screen as they are (through the app's line filters, whose result each strip keeps):
    Textual would otherwise copy every line of every frame into a new strip to frame it with
    nothing, and filter that copy again."""

    DEFAULT_CSS = """
    Lines { height: auto; }
    """

    _showing: tuple[int, list[Strip]] | None = None
    _base: Style | None = None
    _background: Color | bool | None = None
    """The widget's background on screen, for the line filters; False: framed by Textual;
    None: not known yet."""

    def lines(self, width: int) -> list[Strip]:
        """The lines to show at content width `width`."""
        raise NotImplementedError

    def shown(self, *, height_changed: bool = True) -> None:
        """Draw again; lay the screen out again only when the height may have changed."""
        self._showing = None
        self.refresh(layout=height_changed)

    @property
    def base_style(self) -> Style:
        """The widget's own colours (its `rich_style`), kept until its styles change."""
        if self._base is None:
            self._base = self.rich_style
        return self._base

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base = None
        self._background = None
        self._showing = None

    @property
    def link_style_hover(self) -> Style:
        """A line under the mouse (an option, a button) on a lighter background (the CSS
        `link-background-hover`), its colours kept."""
        _, background = self.background_colors
        return Style(bgcolor=(background + self.styles.link_background_hover).rich_color)

    def _lines(self, width: int) -> list[Strip]:
        showing = self._showing
        if showing is None or showing[0] != width:
            showing = self._showing = (width, self.lines(width))
        return showing[1]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def render_line(self, y: int) -> Strip:
        width = self.size.width  # the content's: within the padding
        lines = self._lines(width)
        return lines[y] if 0 <= y < len(lines) else blank(width, self.base_style)

    def render_lines(self, crop: Region) -> list[Strip]:
        background = self._unframed_background()
        if background is None or (self.auto_links and self.hover_style._link_id):
            return super().render_lines(crop)  # framed; or a link under the mouse, restyled
        width = self.size.width
        lines = self._lines(width)
        base, filters = self.base_style, self.get_line_filters()
        shown = [
            self._finished(lines[y] if 0 <= y < len(lines) else blank(width, base), width, filters)
            for y in crop.line_range
        ]
        if crop.column_span != (0, width):
            x1, x2 = crop.column_span
            shown = [strip.crop(x1, x2) for strip in shown]
        return shown

    def finish_ahead(self, lines: list[Strip], width: int) -> None:
        """Pass `lines` through the app's line filters now, as `render_lines` will, and turn
        the result into terminal sequences, as the screen will (each strip keeps both), so
        that showing them later costs neither."""
        if self._unframed_background() is None:
            return
        filters, console = self.get_line_filters(), self.app.console
        for strip in lines:
            self._finished(strip, width, filters).render(console)

    def _finished(self, strip: Strip, width: int, filters: Sequence[LineFilter]) -> Strip:
        """`strip` as the screen gets it from this unframed widget (each step kept by the
        strip it started from, so the second time is lookups)."""
        background = self._background
        assert isinstance(background, Color)  # known unframed: see _unframed_background
        strip = strip.adjust_cell_length(width, self.base_style)
        for line_filter in filters:
            strip = strip.apply_filter(line_filter, background)
        return strip

    def _unframed_background(self) -> Color | None:
        """The widget's background, when Textual would draw its lines as they are (no
        frame, no colour change); None when it would frame them."""
        if self._background is None:
            self._background = self.background_colors[1] if self._unframed() else False
        return self._background if isinstance(self._background, Color) else None

    def _unframed(self) -> bool:
        """Whether Textual would draw the lines as they are (no frame, no colour change)."""
        styles = self.styles
        return (
            not any(edge for edge, _ in styles.border)
            and not any(edge for edge, _ in styles.outline)
            and styles.padding == Spacing()
            and not styles.tint.a
            and styles.text_opacity == 1.0
            and self.opacity == 1.0
            and (not styles.has_rule("hatch") or styles.hatch == "none")
        )


KEPT_BLOCKS = 64
"""Blocks (at one width each) a `Blocks` widget keeps: a lesson's questions, say."""


class Blocks(Lines):
    """Renderables one under another, a blank line between two. Each block is drawn once per
    width and kept, by its identity: show the same object again (a question's prompt, kept by
    the caller) and it is not drawn again."""

    GAP = 1
    """Blank lines between two blocks."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.blocks: tuple[RenderableType, ...] = ()
        self._kept: OrderedDict[tuple[object, ...], tuple[object, list[Strip]]] = OrderedDict()

    def show(self, *blocks: RenderableType) -> None:
        """Show `blocks` (nothing is laid out again when they are the ones shown)."""
        if len(blocks) == len(self.blocks) and all(map(operator.is_, blocks, self.blocks)):
            return
        self.blocks = blocks
        self.shown()

    def prepare(self, width: int, *blocks: RenderableType) -> None:
        """Draw `blocks` now, at content width `width`, for showing them later."""
        if width > 0:
            for n, block in enumerate(blocks):
                self._drawn(n, block, width)

    def lines(self, width: int) -> list[Strip]:
        lines: list[Strip] = []
        if width <= 0:
            return lines
        for n, block in enumerate(self.blocks):
            if n:
                lines.extend([self.gap_line(width)] * self.GAP)
            lines.extend(self._drawn(n, block, width))
        return lines

    def gap_line(self, width: int) -> Strip:
        """A line of the gap between two blocks."""
        return blank(width, self.base_style)

    def look(self) -> object:
        """What, besides a block and the width, its lines depend on (they are kept by it)."""
        return self.base_style

    def draw(self, index: int, block: RenderableType, width: int) -> list[Strip]:
        """The lines of the `index`th block (a subclass may add to them)."""
        return strips(self, block, width, self.base_style)

    def _drawn(self, index: int, block: RenderableType, width: int) -> list[Strip]:
        key = (id(block), index, width, self.look())
        kept = self._kept.get(key)
        if kept is not None:
            self._kept.move_to_end(key)
            return kept[1]
        lines = self.draw(index, block, width)
        self.finish_ahead(lines, width)
        self._kept[key] = (block, lines)  # the block too: its id is the key
        if len(self._kept) > KEPT_BLOCKS:
            self._kept.popitem(last=False)
        return lines


class BarredBlocks(Blocks):
    """Blocks behind a coloured bar on the left (its colour: the `barred-blocks--bar`
    component class)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"barred-blocks--bar"}

    def draw(self, index: int, block: RenderableType, width: int) -> list[Strip]:
        if width <= 3:
            return super().draw(index, block, width)
        bar = self.kept_style("barred-blocks--bar")
        return barred(strips(self, block, width - 3, self.base_style), bar, self.base_style, width)
