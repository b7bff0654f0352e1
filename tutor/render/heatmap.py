"""Matrices as coloured cells: a heatmap of any values, or attention weights with their queries,
keys and the row sums that softmax makes equal to 1.
"""

from __future__ import annotations

import numpy as np
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.style import Style
from rich.text import Text

from tutor.engine.views import AttentionView, HeatmapView, TensorView
from tutor.i18n import _
from tutor.render import palette
from tutor.render.layout import (
    center_cells,
    crop,
    fit_labels,
    indent,
    ljust_cells,
    pick,
    pick_slices,
    slice_label,
    width_of,
)
from tutor.render.numbers import NumberFormat, format_shape

LABEL_WIDTH = 10
SCALE_BAR = 24
"""Cells in the colour key under a heatmap."""


class Heatmap:
    """A `HeatmapView` or an `AttentionView` as a grid of coloured cells holding their values.

    For attention the rows are the queries, the columns the keys, and a last column shows each
    row's sum, which softmax makes 1.00. The colours follow `palette.Scale`; the numbers are
    always printed, so the map reads the same without colour. A colour key follows when the
    console shows colour.
    """

    def __init__(
        self,
        view: HeatmapView | AttentionView,
        *,
        max_rows: int = 16,
        max_cols: int = 12,
        max_slices: int = 4,
        digits: int = 2,
        indent: int = 2,
    ) -> None:
        self.view = view
        self.value: TensorView = view.value
        self.attention = isinstance(view, AttentionView)
        rows = getattr(view, "row_labels", None) or self.value.row_labels
        cols = getattr(view, "col_labels", None) or self.value.col_labels
        self.row_labels: tuple[str, ...] | None = rows
        self.col_labels: tuple[str, ...] | None = cols
        self.max_rows = max_rows
        self.max_cols = max(max_cols, 2)
        self.max_slices = max_slices
        self.indent = indent
        self.data = np.asarray(self.value.data)
        self.fmt = NumberFormat.for_values(self.data, digits=digits)
        self.scale = palette.Scale.for_values(self.data)

    def header(self) -> Text:
        """`A  attention 3×3 · rows: queries · columns: keys`."""
        value = self.value
        kind = _("attention {shape}") if self.attention else _("heatmap {shape}")
        parts = [kind.format(shape=format_shape(value.shape))]
        if self.attention:
            parts += [_("rows: queries"), _("columns: keys")]
        else:
            parts += [part for part in (value.dtype, value.device) if part]
        return Text.assemble((value.name, palette.NAME), "  ", (" · ".join(parts), palette.META))

    def _grid(self, grid: np.ndarray, col_limit: int, labelled: bool) -> list[Text]:
        n_rows, n_cols = grid.shape
        rows = pick(n_rows, self.max_rows)
        cols = pick(n_cols, col_limit)
        rlabels = fit_labels(self.row_labels, n_rows, LABEL_WIDTH) if labelled else None
        clabels = fit_labels(self.col_labels, n_cols, LABEL_WIDTH) if labelled else None
        cells = {
            (i, j): self.fmt(grid[i, j])
            for i in rows
            if i is not None
            for j in cols
            if j is not None
        }
        inner = max((len(text) for text in cells.values()), default=1)
        if clabels:
            inner = max(inner, *(cell_len(clabels[j]) for j in cols if j is not None))
        cell = inner + 2
        label_width = (
            max((cell_len(rlabels[i]) for i in rows if i is not None), default=0) + 1
            if rlabels
            else 0
        )
        sums = grid.sum(axis=1) if self.attention else None

        out: list[Text] = []
        if clabels or sums is not None:
            line = Text(" " * label_width)
            for j in cols:
                text = "" if j is None or not clabels else clabels[j]
                line.append(center_cells(text, 3 if j is None else cell), palette.LABEL)
            if sums is not None:
                line.append("  " + _("sum"), palette.META)
            out.append(line.rstrip() or line)
        for i in rows:
            line = Text()
            if rlabels:
                line.append(
                    ljust_cells("⋮" if i is None else rlabels[i], label_width), palette.LABEL
                )
            for j in cols:
                if i is None:
                    line.append(("⋱" if j is None else "⋮").center(3 if j is None else cell))
                elif j is None:
                    line.append(" … ", palette.META)
                else:
                    style = self.scale.cell_style(float(grid[i, j]))
                    line.append(" " + cells[i, j].rjust(inner) + " ", style)
            if sums is not None and i is not None:
                total = float(sums[i])
                style = palette.OK if abs(total - 1.0) < 1e-3 else palette.WARN
                line.append("  ")
                line.append(f"{total:.2f}", style)
            out.append(line)
        return out

    def body(self, available: int) -> list[Text]:
        """The cells laid out for `available` cells of width, before any cropping."""
        data = self.data
        if data.size == 0:
            return [Text(_("(empty)"), style=palette.META)]
        if data.ndim == 0:
            data = data.reshape(1, 1)
        lines: list[Text] = []
        columns = int(data.shape[-1])
        for limit in range(max(min(columns, self.max_cols), 2), 1, -1):
            lines = self._lines(data, limit)
            if width_of(lines) <= available:
                break
        return lines

    def _lines(self, data: np.ndarray, col_limit: int) -> list[Text]:
        if data.ndim == 1:
            return self._grid(data.reshape(1, -1), col_limit, labelled=False)
        if data.ndim == 2:
            return self._grid(data, col_limit, labelled=True)
        out: list[Text] = []
        for index in pick_slices(tuple(data.shape[:-2]), self.max_slices):
            if index is None:
                out.append(Text("⋮", style=palette.META))
                continue
            out.append(Text(slice_label(index), style=palette.META))
            out.extend(self._grid(data[index], col_limit, labelled=True))
        return out

    def key(self) -> Text:
        """The colour key: the lowest value, a bar of the scale's colours, the highest."""
        scale = self.scale
        low = -scale.limit if scale.diverging else 0.0
        line = Text(self.fmt(low) + " ", style=palette.META)
        for k in range(SCALE_BAR):
            value = low + (scale.limit - low) * (k + 0.5) / SCALE_BAR
            line.append(" ", Style(bgcolor=palette.to_color(scale.cell_rgb(value))))
        line.append(" " + self.fmt(scale.limit), palette.META)
        return line

    def lines(self, width: int, *, colour: bool = False) -> list[Text]:
        """Every line, none wider than `width`; with the colour key when `colour`."""
        body = [*self.body(width - self.indent)]
        if colour and self.data.size and np.issubdtype(self.data.dtype, np.number):
            body.append(self.key())
        return crop([self.header(), *indent(body, self.indent)], max(width, 1))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.lines(options.max_width, colour=palette.has_colour(console))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = width_of(self.lines(10_000))
        narrowest = max(width_of(indent(self.body(0), self.indent)), len(self.value.name) + 2)
        return Measurement(min(narrowest, widest), widest).clamp(max_width=options.max_width)
