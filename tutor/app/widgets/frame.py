"""The question's round frame, drawn by the parts inside it.

A CSS border on the question panel has Textual draw the panel's own lines on every frame (an
edge, padding, and blanks the parts cover), and cut each line of the parts in five where the
panel's and the parts' edges fall. Drawn by the parts, each their share (the prompt the top edge
and its title, the notes the bottom edge, every part its sides), a question is kept lines like
the rest of the step: a step with a question costs what a step without one does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

MARGIN = 1
"""Cells outside each side edge."""
PAD = 1
"""Cells between an edge and what the frame holds."""
GUTTER = 2 * (MARGIN + 1 + PAD)
"""Cells the frame takes from a line's width."""


@dataclass(frozen=True)
class Frame:
    """A round frame's colours: its edges, its title, and the background it sits on."""

    edge: Style
    title: Style
    fill: Style

    def inner(self, width: int) -> int:
        """The width left for what the frame holds, in a line `width` wide."""
        return max(0, width - GUTTER)

    def sides(self, lines: list[Strip], width: int) -> list[Strip]:
        """`lines` (drawn `inner(width)` wide) between the side edges."""
        if width < GUTTER:
            return [line.crop_extend(0, width, self.fill) for line in lines]
        left, right = _sides(self, width)
        return [Strip([*left, *line, *right], width) for line in lines]

    def top(self, width: int, title: str) -> Strip:
        """The top edge, `title` set into it (`╭─ title ───╮`)."""
        return _top(self, width, title)

    def bottom(self, width: int) -> Strip:
        """The bottom edge (`╰──────╯`)."""
        return _edge(self, width, "╰", "╯")

    def blank(self, width: int) -> Strip:
        """An empty line inside the frame."""
        return _blank(self, width)


@lru_cache(maxsize=32)
def _sides(frame: Frame, width: int) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    margin, pad = Segment(" " * MARGIN, frame.fill), Segment(" " * PAD, frame.fill)
    edge = Segment("│", frame.edge)
    return (margin, edge, pad), (pad, edge, margin)


@lru_cache(maxsize=32)
def _blank(frame: Frame, width: int) -> Strip:
    inner = frame.inner(width)
    return frame.sides([Strip([Segment(" " * inner, frame.fill)], inner)], width)[0]


@lru_cache(maxsize=32)
def _edge(frame: Frame, width: int, left: str, right: str) -> Strip:
    if width < GUTTER:
        return Strip([Segment(" " * width, frame.fill)], width)
    margin = Segment(" " * MARGIN, frame.fill)
    line = Segment(left + "─" * (width - 2 * MARGIN - 2) + right, frame.edge)
    return Strip([margin, line, margin], width)


@lru_cache(maxsize=32)
def _top(frame: Frame, width: int, title: str) -> Strip:
    if width < GUTTER or not title:
        return _edge(frame, width, "╭", "╮")
    room = width - 2 * MARGIN - 3  # the corners, and one edge cell before the title
    label = Text(f" {title} ")
    label.truncate(room, overflow="ellipsis")
    margin = Segment(" " * MARGIN, frame.fill)
    rest = room - label.cell_len
    segments = [
        margin,
        Segment("╭─", frame.edge),
        Segment(label.plain, frame.title),
        Segment("─" * rest + "╮", frame.edge),
        margin,
    ]
    return Strip(segments, width)
