"""A `sweep` step's shown value, once per knob value, side by side under its value's label.

Each run's figure is drawn by the ordinary renderer; the figures are then packed left to right,
as many to a row as the width allows, so a narrow terminal and a handout both get every run.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.text import Text

from tutor.engine.views import SweepView, View
from tutor.i18n import _
from tutor.render import palette
from tutor.render.layout import side_by_side, width_of

GAP = 3


class SweepRow:
    """A `SweepView`: `W` with, per value, `lr = 0.005` above that run's `W`."""

    def __init__(self, view: SweepView, draw: Callable[[View], RenderableType]) -> None:
        self.view = view
        self.draw = draw  # the renderer of one run's figure (`render_view`)

    def blocks(self, console: Console, options: ConsoleOptions) -> list[list[Text]]:
        """Each run's figure as lines, its label first."""
        blocks = []
        for label, view in zip(self.view.labels, self.view.views, strict=True):
            rendered = console.render_lines(self.draw(view), options, pad=False)
            lines = [Text.assemble(*((s.text, s.style) for s in line)) for line in rendered]
            for line in lines:
                line.rstrip()
            while lines and not lines[-1].plain:
                lines.pop()
            blocks.append([Text(label, style=palette.NAME), *lines])
        return blocks

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text.assemble(
            (self.view.name, palette.NAME), ("  " + _("one per value"), palette.META)
        )
        width = options.max_width
        row: list[list[Text]] = []
        for block in self.blocks(console, options):
            wide = sum(width_of(b) + GAP for b in row) + width_of(block)
            if row and wide > width:
                yield from side_by_side(row, GAP)
                yield Text()
                row = []
            row.append(block)
        yield from side_by_side(row, GAP)
