"""A renderable that draws once per width and replays its lines after that.

A TUI asks for the same renderable many times: once to measure its height, once to draw it,
and again each time the learner comes back to a step. Drawing a step (Markdown parsed, tables
laid out, every tensor cell formatted) costs milliseconds each time; replaying kept lines costs
next to nothing, which matters when thirty students share two cores.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment

_Key = tuple[object, ...]
MAX_WIDTHS = 4
"""Widths kept per renderable: a terminal is resized now and then, not continually."""


class Memo:
    """`renderable`, drawn at most once per set of console options that shape its lines.

    The inner renderable must not change after it is wrapped (view records never do)."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable
        self._lines: dict[_Key, list[list[Segment]]] = {}
        self._measurement: dict[tuple[int, int], Measurement] = {}

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        newline = Segment.line()
        for line in self._render(console, options):
            yield from line
            yield newline

    def _render(self, console: Console, options: ConsoleOptions) -> list[list[Segment]]:
        key = (
            options.max_width,
            options.min_width,
            options.justify,
            options.overflow,
            bool(options.no_wrap),
            options.highlight,
            options.markup,
            options.ascii_only,
        )
        lines = self._lines.get(key)
        if lines is None:
            lines = console.render_lines(
                self.renderable, options.update(height=None), pad=False, new_lines=False
            )
            if len(self._lines) >= MAX_WIDTHS:
                self._lines.pop(next(iter(self._lines)))
            self._lines[key] = lines
        return lines

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        key = (options.min_width, options.max_width)
        if key not in self._measurement:
            self._measurement[key] = Measurement.get(console, options, self.renderable)
        return self._measurement[key]
