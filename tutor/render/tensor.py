"""A tensor as a learner should see it: its name and shape, then every number, coloured by
sign and size, with the gradient beside the value once `backward` has run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.style import Style
from rich.text import Text

from tutor.engine.views import TensorView
from tutor.i18n import _
from tutor.render import palette
from tutor.render.layout import (
    Pick,
    crop,
    fit_labels,
    indent,
    ljust_cells,
    pick,
    pick_slices,
    rjust_cells,
    side_by_side,
    slice_label,
    width_of,
)
from tutor.render.numbers import NumberFormat, format_scalar, format_shape

LABEL_WIDTH = 12
"""Row and column labels longer than this are cut with `…`."""
GAP = "  "
"""Between two numbers of a row."""
BESIDE_GAP = 5
"""Between a value and its gradient."""
MIN_BESIDE_COLS = 5
"""Fewer columns than this and the gradient goes below the value instead of beside it."""


def _brackets(row: int, rows: int) -> tuple[str, str]:
    """The matrix bracket pieces for line `row` of `rows`: `⎡ ⎤`, `⎢ ⎥`, `⎣ ⎦` or `[ ]`."""
    if rows == 1:
        return "[", "]"
    if row == 0:
        return "⎡", "⎤"
    if row == rows - 1:
        return "⎣", "⎦"
    return "⎢", "⎥"


@dataclass(frozen=True)
class Matrix:
    """The numbers of one array (rank >= 1) laid out as bracketed rows, summarised to fit.

    Rank 1 is one row, rank 2 a grid, higher ranks a stack of labelled 2-D slices. The format
    and the colour scale are chosen once for the whole array, so that its slices agree.
    """

    data: np.ndarray
    heat: bool = True
    row_labels: tuple[str, ...] | None = None
    col_labels: tuple[str, ...] | None = None
    max_rows: int = 8
    max_slices: int = 4

    @property
    def columns(self) -> int:
        """How many columns the array has (its last dimension)."""
        return int(self.data.shape[-1])

    def lines(self, col_limit: int) -> list[Text]:
        """The array drawn with at most `col_limit` columns (gap included) per row."""
        data = np.asarray(self.data)
        fmt = NumberFormat.for_values(data)
        scale = palette.Scale.for_values(data) if self.heat else None
        if data.ndim == 1:
            labels = self.col_labels or self.row_labels
            return self._grid(data.reshape(1, -1), fmt, scale, col_limit, None, labels)
        if data.ndim == 2:
            return self._grid(data, fmt, scale, col_limit, self.row_labels, self.col_labels)
        out: list[Text] = []
        for index in pick_slices(tuple(data.shape[:-2]), self.max_slices):
            if index is None:
                out.append(Text("⋮", style=palette.META))
                continue
            out.append(Text(slice_label(index), style=palette.META))
            out.extend(self._grid(data[index], fmt, scale, col_limit, None, None))
        return out

    def _grid(
        self,
        grid: np.ndarray,
        fmt: NumberFormat,
        scale: palette.Scale | None,
        col_limit: int,
        row_labels: Sequence[str] | None,
        col_labels: Sequence[str] | None,
    ) -> list[Text]:
        n_rows, n_cols = grid.shape
        rows: Pick = pick(n_rows, self.max_rows)
        cols: Pick = pick(n_cols, col_limit)
        rlabels = fit_labels(row_labels, n_rows, LABEL_WIDTH)
        clabels = fit_labels(col_labels, n_cols, LABEL_WIDTH)
        cells = {
            (i, j): fmt(grid[i, j]) for i in rows if i is not None for j in cols if j is not None
        }
        cell_width = max((len(text) for text in cells.values()), default=1)
        widths = [
            1 if j is None else max(cell_width, cell_len(clabels[j]) if clabels else 0)
            for j in cols
        ]
        shown = [rlabels[i] for i in rows if i is not None] if rlabels else []
        label_width = max((cell_len(label) for label in shown), default=0)
        prefix = label_width + 1 if rlabels else 0

        out: list[Text] = []
        if clabels:
            line = Text(" " * (prefix + 2))
            for k, (j, width) in enumerate(zip(cols, widths, strict=True)):
                line.append(GAP if k else "")
                line.append(
                    " " * width if j is None else rjust_cells(clabels[j], width), palette.LABEL
                )
            out.append(line)
        for r, i in enumerate(rows):
            left, right = _brackets(r, len(rows))
            line = Text()
            if rlabels:
                label = "⋮" if i is None else rlabels[i]
                line.append(ljust_cells(label, label_width) + " ", palette.LABEL)
            line.append(left + " ", palette.META)
            for k, (j, width) in enumerate(zip(cols, widths, strict=True)):
                line.append(GAP if k else "")
                if i is None:
                    line.append(("⋱" if j is None else "⋮").center(width), palette.META)
                elif j is None:
                    line.append("…", palette.META)
                else:
                    value = grid[i, j]
                    style = scale.text_style(float(value)) if scale else Style.null()
                    line.append(cells[i, j].rjust(width), style)
            line.append(" " + right, palette.META)
            out.append(line)
        return out


class TensorTable:
    """One `TensorView`: a header `W  shape 2×1 · float32 · cpu`, then the values.

    A 0-d tensor or a plain number is one line, `loss = 0.25`. With a gradient, `W.grad` is
    drawn beside `W` in the same layout (below it when the width is too small), because
    comparing a weight with its gradient is what backprop is about. Large tensors show their
    corners around `…`, and no line ever passes the width the console offers.
    """

    def __init__(
        self,
        view: TensorView,
        *,
        heat: bool = True,
        max_rows: int = 10,
        max_cols: int = 12,
        max_slices: int = 4,
        indent: int = 2,
    ) -> None:
        self.view = view
        self.heat = heat
        self.max_rows = max_rows
        self.max_cols = max(max_cols, 2)
        self.max_slices = max_slices
        self.indent = indent

    @property
    def is_scalar(self) -> bool:
        """Drawn on one line: a 0-d tensor, a Python number or a shape."""
        return self.view.data.ndim == 0 or self.view.dtype in ("number", "shape")

    def _meta(self) -> str:
        view = self.view
        parts = (
            [] if self.is_scalar else [_("shape {shape}").format(shape=format_shape(view.shape))]
        )
        kind = _("number") if view.dtype == "number" else view.dtype  # a torch dtype as it is
        parts += [part for part in (kind, view.device) if part]
        if view.requires_grad:
            parts.append(_("grad: true"))
        return " · ".join(parts)

    def header(self) -> Text:
        """The first line: name, shape, dtype, device (and the value, for a scalar)."""
        view = self.view
        if not self.is_scalar:
            return Text.assemble((view.name, palette.NAME), "  ", (self._meta(), palette.META))
        if view.dtype == "shape":  # x.shape = 4×2
            return Text.assemble(
                (view.name, palette.NAME), " = ", format_shape(tuple(int(d) for d in view.data))
            )
        value = np.asarray(view.data).reshape(-1)[0] if view.data.size else np.float64("nan")
        line = Text.assemble(
            (view.name, palette.NAME), " = ", format_scalar(value.item(), view.dtype)
        )
        line.append("   " + self._meta(), palette.META)
        if view.grad is not None and np.asarray(view.grad).size == 1:
            grad = np.asarray(view.grad).reshape(-1)[0].item()
            line.append("   ")
            line.append(f"{view.name}.grad", palette.NAME)
            line.append(f" = {format_scalar(grad, view.dtype)}")
        return line

    def _matrix(self, data: np.ndarray) -> Matrix:
        return Matrix(
            data,
            heat=self.heat,
            row_labels=self.view.row_labels,
            col_labels=self.view.col_labels,
            max_rows=self.max_rows,
            max_slices=self.max_slices,
        )

    def body(self, available: int) -> list[Text]:
        """The values (and gradient) laid out for `available` cells, before any cropping."""
        view = self.view
        if self.is_scalar:
            return []
        if view.data.size == 0:
            return [Text(_("(empty)"), style=palette.META)]
        value = self._matrix(np.asarray(view.data))
        limits = range(max(min(value.columns, self.max_cols), 2), 1, -1)
        if view.grad is None or np.asarray(view.grad).ndim == 0:
            lines: list[Text] = []
            for limit in limits:
                lines = value.lines(limit)
                if width_of(lines) <= available:
                    break
            return lines
        grad = self._matrix(np.asarray(view.grad))
        name = Text(view.name, style=palette.NAME)
        grad_name = Text(f"{view.name}.grad", style=palette.NAME)
        for limit in limits:
            if limit < min(value.columns, MIN_BESIDE_COLS):
                break
            lines = side_by_side(
                [[name, *value.lines(limit)], [grad_name, *grad.lines(limit)]], BESIDE_GAP
            )
            if width_of(lines) <= available:
                return lines
        for limit in limits:
            lines = [*value.lines(limit), grad_name, *grad.lines(limit)]
            if width_of(lines) <= available:
                break
        return lines

    def lines(self, width: int) -> list[Text]:
        """Every line of the table, none wider than `width`."""
        body = indent(self.body(width - self.indent), self.indent)
        return crop([self.header(), *body], max(width, 1))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.lines(options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = width_of(self.lines(10_000))
        narrowest = max(width_of(indent(self.body(0), self.indent)), len(self.view.name) + 2)
        return Measurement(min(narrowest, widest), widest).clamp(max_width=options.max_width)
