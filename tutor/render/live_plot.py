"""A `repeat`'s plot while it runs: drawn on an x axis that already spans every iteration, so
the curves grow from left to right instead of stretching, with the legend's last values moving.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from tutor.engine.views import PlotView
from tutor.i18n import _
from tutor.render import LinePlot, palette
from tutor.render.layout import crop


class LivePlot:
    """Iterations `done` of `total` of the series recorded so far (several share the chart)."""

    def __init__(
        self,
        title: str,
        series: Mapping[str, Sequence[float]],
        done: int,
        total: int,
        *,
        height: int = 12,
    ) -> None:
        self.title = title
        self.series = {name: list(values) for name, values in series.items()}
        self.done, self.total = done, max(total, 1)
        self.height = height

    def header(self) -> Text:
        return Text.assemble(
            (self.title, palette.NAME),
            "  ",
            (_("iteration {i} of {n}").format(i=self.done, n=self.total), "bold yellow"),
            ("  · " + _("→ finishes now · s stops"), palette.META),
        )

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width, 1)
        names = [name for name, values in self.series.items() if values]
        lines = [self.header()]
        if names:
            pad = {
                name: values + [math.nan] * (self.total - len(values))
                for name, values in self.series.items()
            }
            colour = palette.has_colour(console)
            lines += LinePlot(PlotView(pad), height=self.height).chart(
                names, width, self.height, colour
            )
            lines += LinePlot(PlotView(self.series)).legend(names, colour)
        yield from crop(lines, width)
