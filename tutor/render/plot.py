"""A line chart in braille dots, for the scalars a `repeat` records at each iteration.

Drawn with rich styles only (no ANSI of its own), so a console without colour gets plain
text. Each braille character holds 2×4 dots, which gives a smooth enough curve in ~12 rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.style import Style
from rich.text import Text

from tutor.engine.views import PlotView
from tutor.i18n import _, ngettext
from tutor.render import palette
from tutor.render.layout import crop
from tutor.render.numbers import NumberFormat, format_scalar

BRAILLE = 0x2800
DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
"""The bit of each dot of a braille cell, indexed [row][column]."""
MIN_PLOT_WIDTH = 8


class Canvas:
    """A grid of braille cells, `width` × `height` characters, drawn on in dot coordinates
    (2 dots across and 4 down per character); each cell remembers the last series drawn on it.
    """

    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.height = height
        self.bits = [[0] * width for _ in range(height)]
        self.owner = [[-1] * width for _ in range(height)]

    def dot(self, x: int, y: int, series: int) -> None:
        """Sets the dot at column `x`, row `y` (0 is the top) for `series`."""
        if 0 <= x < self.width * 2 and 0 <= y < self.height * 4:
            row, col = y // 4, x // 2
            self.bits[row][col] |= DOTS[y % 4][x % 2]
            self.owner[row][col] = series

    def line(self, x0: int, y0: int, x1: int, y1: int, series: int) -> None:
        """Bresenham's line from (x0, y0) to (x1, y1), both ends included."""
        dx, dy = abs(x1 - x0), -abs(y1 - y0)
        sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
        err = dx + dy
        while True:
            self.dot(x0, y0, series)
            if x0 == x1 and y0 == y1:
                return
            e2 = 2 * err
            if e2 >= dy:
                err += dy
                x0 += sx
            if e2 <= dx:
                err += dx
                y0 += sy

    def row(self, index: int, styles: Sequence[Style]) -> Text:
        """Character row `index` as text, each cell coloured by its series."""
        line = Text()
        for bits, owner in zip(self.bits[index], self.owner[index], strict=True):
            line.append(chr(BRAILLE + bits) if bits else " ", styles[owner] if bits else None)
        return line


SCALES_APART = 50.0
"""Series whose ranges differ by more than this factor are each drawn on their own scale: on
a shared axis the small one would be a flat line."""


def _scaled(values: list[float], log: bool) -> list[float]:
    """The values as drawn: their log10 on a log scale (where a value is not positive: a gap)."""
    if not log:
        return values
    return [math.log10(v) if v > 0 else math.nan for v in values]


def _own_scales(series: Sequence[Sequence[float]]) -> bool:
    spans = []
    for values in series:
        finite = [v for v in values if math.isfinite(v)]
        if finite:
            spans.append(max(abs(max(finite)), abs(min(finite)), max(finite) - min(finite)))
    spans = [s for s in spans if s > 0]
    return len(spans) > 1 and max(spans) / min(spans) > SCALES_APART


def _range(values: Sequence[Sequence[float]]) -> tuple[float, float]:
    finite = [v for series in values for v in series if math.isfinite(v)]
    if not finite:
        return 0.0, 1.0
    lo, hi = min(finite), max(finite)
    if hi == lo:
        pad = abs(lo) * 0.1 or 1.0
        return lo - pad, hi + pad
    return lo, hi


def x_label(value: float, xs: dict[str, list[float]]) -> str:
    """An end of the x axis: `40`, not `40.0`, when every recorded x is a whole number (the
    iterations a lesson recorded), else the number as a learner reads it."""
    recorded = (float(v) for values in xs.values() for v in values if math.isfinite(v))
    whole = float(value).is_integer() and all(v.is_integer() for v in recorded)
    return str(int(value)) if whole else format_scalar(value)


class LinePlot:
    """A `PlotView`: each series against the iteration (or the recorded `x`, named on the axis),
    its y range on the axis (log10 when asked) and a legend with the last value of each series.
    Series of very different sizes are each drawn on their own scale, so none is a flat line.

    The chart takes the whole width on offer and `height` rows. Without colour, several
    series would be indistinguishable dots, so each then gets its own smaller chart.
    """

    def __init__(self, view: PlotView, *, height: int = 12) -> None:
        self.view = view
        self.height = max(height, 3)

    def title(self) -> Text:
        """`loss  50 iterations`, or the plot's own title."""
        names = ", ".join(self.view.series)
        longest = max((len(values) for values in self.view.series.values()), default=0)
        count = ngettext("{n} iteration", "{n} iterations", longest).format(n=longest)
        return Text.assemble((self.view.title or names, palette.NAME), "  ", (count, palette.META))

    def chart(self, names: Sequence[str], width: int, height: int, colour: bool) -> list[Text]:
        """The axes and curves of the series `names`, `width` cells wide in all."""
        log = self.view.log
        series = [_scaled([float(v) for v in self.view.series[name]], log) for name in names]
        own = _own_scales(series)
        lo, hi = _range(series)
        ends = np.array([10**lo, 10**hi] if log else [lo, hi])
        fmt = NumberFormat.for_values(ends, digits=3)

        def tick(value: float) -> str:
            return "" if own else fmt(10**value if log else value)

        rows = [0, height - 1] + ([(height - 1) // 2] if height >= 5 else [])
        ticks = {r: tick(hi - (hi - lo) * r / (height - 1)) for r in rows}
        label_width = max(len(t) for t in ticks.values())
        plot_width = max(width - label_width - 2, MIN_PLOT_WIDTH)
        canvas = Canvas(plot_width, height)
        order = list(self.view.series)
        xs = self.x_values(names)
        x_lo, x_hi = _range(list(xs.values())) if self.view.x else (0.0, 1.0)
        for name, values in zip(names, series, strict=True):
            owner = order.index(name)
            top, bottom = _range([values]) if own else (lo, hi)
            previous: tuple[int, int] | None = None
            for i, value in enumerate(values):
                at = xs[name][i] if i < len(xs[name]) else math.nan
                if not (math.isfinite(value) and math.isfinite(at)):
                    if math.isfinite(at) and value == value and value != 0:
                        # an explosion is the point, not a gap: ±inf pinned to the edge
                        x = round((at - x_lo) / (x_hi - x_lo) * (plot_width * 2 - 1))
                        canvas.dot(x, 0 if value > 0 else height * 4 - 1, owner)
                    previous = None
                    continue
                x = round((at - x_lo) / (x_hi - x_lo) * (plot_width * 2 - 1))
                y = round((bottom - value) / (bottom - top) * (height * 4 - 1))
                if previous is None:
                    canvas.dot(x, y, owner)
                else:
                    canvas.line(*previous, x, y, owner)
                previous = (x, y)
        styles = [
            Style(color=palette.SERIES[k % len(palette.SERIES)]) if colour else Style.null()
            for k in range(len(self.view.series))
        ]
        lines = []
        for r in range(height):
            mark = ticks.get(r)
            line = Text()
            line.append((mark or "").rjust(label_width) + (" ┤" if mark else " │"), palette.META)
            line.append_text(canvas.row(r, styles))
            line.rstrip()
            lines.append(line)
        lines.append(Text(" " * label_width + " └" + "─" * plot_width, palette.META))
        if self.view.x:
            first, last = x_label(x_lo, xs), x_label(x_hi, xs)
        else:
            longest = max((len(values) for values in series), default=0)
            first, last = "0", str(max(longest - 1, 0))
        middle = self.view.x_name or _("iteration")
        room = plot_width - len(first) - len(last)
        if room >= cell_len(middle) + 2:
            left = (room - cell_len(middle)) // 2
            x_axis = first + " " * left + middle + " " * (room - cell_len(middle) - left) + last
        else:
            x_axis = first + " " * max(room, 1) + last
        lines.append(Text(" " * (label_width + 2) + x_axis, palette.META))
        notes = ([_("y on a log scale")] if log else []) + (
            [_("each curve on its own scale: its min and max are in the legend")] if own else []
        )
        if notes:
            lines.append(Text(" " * (label_width + 2) + _("; ").join(notes), palette.META))
        return lines

    def x_values(self, names: Sequence[str]) -> dict[str, list[float]]:
        """Where each point of each series sits across: its recorded x, or its iteration
        spread over the whole width (a shorter series still spans the chart)."""
        if self.view.x:
            return {name: [float(v) for v in self.view.x.get(name, [])] for name in names}
        out = {}
        for name in names:
            n = len(self.view.series[name])
            out[name] = [i / (n - 1) if n > 1 else 0.5 for i in range(n)]
        return out

    def legend(self, names: Sequence[str], colour: bool) -> list[Text]:
        """One line per series: `● loss  last 0.0123  · min 0.0123 · max 1.234`."""
        lines = []
        order = list(self.view.series)
        for name in names:
            values = [float(v) for v in self.view.series[name]]
            finite = [v for v in values if math.isfinite(v)]
            k = order.index(name)
            marker = Style(color=palette.SERIES[k % len(palette.SERIES)]) if colour else None
            line = Text.assemble(("● ", marker), (name, palette.NAME))
            if values:
                before, _value, after = _("last {value}").partition("{value}")
                line.append("  " + before, palette.META)
                line.append(format_scalar(values[-1]), palette.NAME)
                line.append(after, palette.META)
            if finite:
                extremes = _("min {low} · max {high}").format(
                    low=format_scalar(min(finite)), high=format_scalar(max(finite))
                )
                line.append("  · " + extremes, palette.META)
            bad = [i for i, v in enumerate(values) if not math.isfinite(v)]
            if bad:  # NaN or inf marked, never silently dropped
                kinds = {"nan" if v != v else "inf" for v in values if not math.isfinite(v)}
                said = _("inf and nan") if len(kinds) == 2 else kinds.pop()
                where = _("{kinds} from point {i} ({bad} of {n})").format(
                    kinds=said, i=bad[0], bad=len(bad), n=len(values)
                )
                line.append("  · " + where, palette.WARN)
            if not values:
                line.append("  " + _("(no values)"), palette.META)
            lines.append(line)
        return lines

    def lines(self, width: int, *, colour: bool = True) -> list[Text]:
        """Every line of the plot, none wider than `width`."""
        names = [name for name, values in self.view.series.items() if len(values)]
        out = [self.title()]
        if not names:
            return crop([*out, Text(_("(nothing recorded)"), style=palette.META)], max(width, 1))
        if colour or len(names) == 1:
            out += self.chart(names, width, self.height, colour)
            out += self.legend(names, colour)
        else:
            for name in names:
                out += self.chart([name], width, max(self.height // 2, 4), colour)
                out += self.legend([name], colour)
        return crop(out, max(width, 1))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.lines(options.max_width, colour=palette.has_colour(console))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(MIN_PLOT_WIDTH + 10, options.max_width)
