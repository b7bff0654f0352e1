"""A lesson's views as HTML for a handout: numbers in real tables, heatmaps with light cell
colours that survive a printer, a plot as inline SVG.

Pure functions from the engine's view records (`tutor.engine.views`) to HTML strings, beside
the rich renderers: a browser and a printer want tables and a light page, not a terminal dump.
Every colour repeats what the printed number says, so a black-and-white copy loses nothing.
"""

from __future__ import annotations

import html
import math
import re

import numpy as np

from tutor.engine.views import (
    AttentionView,
    CompareView,
    ConfusionView,
    HeatmapView,
    PlotView,
    SweepView,
    TensorView,
    View,
)
from tutor.i18n import _
from tutor.render.compare import compare_note
from tutor.render.confusion import ACCURACY, PRECISION, RECALL
from tutor.render.numbers import NumberFormat, format_difference, format_shape
from tutor.render.palette import SERIES, Scale, mix

RGB = tuple[int, int, int]
PAPER: RGB = (255, 255, 255)
INK_NEGATIVE: RGB = (30, 90, 190)  # numbers on white: dark enough to read once printed
INK_POSITIVE: RGB = (180, 60, 20)
CELL_NEGATIVE: RGB = (120, 165, 235)  # the darkest cell backgrounds: black text stays readable
CELL_POSITIVE: RGB = (240, 140, 100)
MAX_ROWS = 24  # a handout shows this many rows and columns of a big tensor, then says so

CSS = """
body { font: 11pt/1.45 system-ui, sans-serif; color: #1a1a1a; background: #fff;
       max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; border-bottom: 2px solid #333; padding-bottom: .3rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #bbb; }
pre, code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .92em; }
pre { background: #f4f4f4; border-left: 3px solid #999; padding: .5rem .8rem; overflow-x: auto; }
figure { margin: .8rem 0; }
figcaption { font-weight: 600; margin-bottom: .2rem; }
figcaption .meta { font-weight: normal; color: #666; }
table.values { border-collapse: collapse; font-family: ui-monospace, Menlo, monospace;
               font-size: .9em; }
table.values td, table.values th { border: 1px solid #ccc; padding: .1rem .45rem;
                                   text-align: right; }
table.values th { background: #f0f0f0; font-weight: 600; }
.pair { display: flex; gap: 1.5rem; flex-wrap: wrap; align-items: flex-start; }
.question { border: 1px solid #888; border-radius: 4px; padding: .4rem .8rem; margin: .8rem 0; }
.answer { color: #175e17; font-weight: 600; }
.error { color: #a01010; }
.note { color: #555; font-size: .9em; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; }
  figure, table, .question, pre { break-inside: avoid; }
}
"""


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def prose_html(text: str) -> str:
    """A lesson's text (paragraphs, `code`, **bold**, *emphasis*) as HTML paragraphs."""
    out = []
    for para in re.split(r"\n\s*\n", text.strip()):
        if para.strip():
            out.append(f"<p>{inline_html(para.strip())}</p>")
    return "\n".join(out)


def inline_html(text: str) -> str:
    """Inline Markdown of one paragraph: escaped first, so lesson text cannot inject markup."""
    parts = re.split(r"(`[^`]+`)", text)
    done = []
    for part in parts:
        if part.startswith("`") and part.endswith("`") and len(part) > 1:
            done.append(f"<code>{esc(part[1:-1])}</code>")
            continue
        piece = esc(part)
        piece = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", piece)
        piece = re.sub(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])", r"<em>\1</em>", piece)
        done.append(piece)
    return "".join(done)


def _hex(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def ink(scale: Scale, value: float) -> str:
    """A number's colour on paper: its sign and size, dark enough for any printer."""
    t = scale.position(value) if not math.isnan(value) else 0.0
    end = INK_NEGATIVE if t < 0 else INK_POSITIVE
    return _hex(mix((70, 70, 70), end, abs(t) ** 0.7))


def cell(scale: Scale, value: float) -> str:
    """A heatmap cell's background: white for 0, light blue or orange at the ends."""
    t = scale.position(value) if not math.isnan(value) else 0.0
    end = CELL_NEGATIVE if t < 0 else CELL_POSITIVE
    return _hex(mix(PAPER, end, abs(t) ** 0.8))


def _matrix(
    data: np.ndarray,
    *,
    heat: bool = False,
    rows: tuple[str, ...] | None = None,
    cols: tuple[str, ...] | None = None,
) -> str:
    """A 0-, 1- or 2-d array as a table, each number in its tensor's one format."""
    grid = np.atleast_2d(np.asarray(data))
    fmt = NumberFormat.for_values(grid)
    scale = Scale.for_values(grid)
    shown = grid[:MAX_ROWS, :MAX_ROWS]
    lines = ['<table class="values">']
    if cols:
        head = "".join(f"<th>{esc(c)}</th>" for c in cols[: shown.shape[1]])
        lines.append(f"<tr>{'<th></th>' if rows else ''}{head}</tr>")
    for i, row in enumerate(shown):
        label = f"<th>{esc(rows[i])}</th>" if rows and i < len(rows) else ""
        cells = []
        for value in row:
            number = float(value) if grid.dtype != np.bool_ else float(bool(value))
            style = f"background:{cell(scale, number)}" if heat else f"color:{ink(scale, number)}"
            cells.append(f'<td style="{style}">{esc(fmt(value))}</td>')
        lines.append(f"<tr>{label}{''.join(cells)}</tr>")
    lines.append("</table>")
    if grid.shape[0] > MAX_ROWS or grid.shape[1] > MAX_ROWS:
        shown_note = _("the first {n} rows and columns shown").format(n=MAX_ROWS)
        lines.append(f'<p class="note">{esc(shown_note)}</p>')
    return "\n".join(lines)


def _caption(name: str, tensor: TensorView) -> str:
    meta = _("shape {shape}").format(shape=format_shape(tensor.shape)) + f" · {tensor.dtype}"
    if tensor.requires_grad:
        meta += " · " + _("requires grad")
    return f'<figcaption>{esc(name)} <span class="meta">{esc(meta)}</span></figcaption>'


def _slices(data: np.ndarray, name: str, **kw: object) -> str:
    """Rank 3 and up: one table per leading index, named as a learner would index it."""
    if data.ndim <= 2:
        return _matrix(data, **kw)  # type: ignore[arg-type]
    parts = []
    for k in range(min(data.shape[0], MAX_ROWS)):
        parts.append(f'<p class="note">{esc(name)}[{k}]</p>')
        parts.append(_slices(data[k], f"{name}[{k}]", **kw))
    return "\n".join(parts)


def tensor_html(tensor: TensorView, *, heat: bool = False) -> str:
    """A value as a table, with its gradient beside it when it has one."""
    kw = {"heat": heat, "rows": tensor.row_labels, "cols": tensor.col_labels}
    value = (
        f"<figure>{_caption(tensor.name, tensor)}"
        f"{_slices(np.asarray(tensor.data), tensor.name, **kw)}</figure>"
    )
    if tensor.grad is None:
        return value
    grad = (
        f"<figure><figcaption>{esc(tensor.name)}.grad</figcaption>"
        f"{_slices(np.asarray(tensor.grad), tensor.name + '.grad', heat=heat)}</figure>"
    )
    return f'<div class="pair">{value}{grad}</div>'


def confusion_html(view: ConfusionView) -> str:
    labels = view.labels
    predicted = (esc(_("predicted {label}").format(label=label)) for label in labels)
    head = "".join(f"<th>{text}</th>" for text in predicted)
    rows = [f'<table class="values"><tr><th></th>{head}</tr>']
    for i, label in enumerate(labels):
        cells = "".join(f"<td>{int(n)}</td>" for n in view.matrix[i])
        actual = esc(_("true {label}").format(label=label))
        rows.append(f"<tr><th>{actual}</th>{cells}</tr>")
    rows.append("</table>")
    names = (esc(_("class")), esc(_(PRECISION)), esc(_(RECALL)))
    metrics = [
        '<table class="values"><tr><th>{}</th><th>{}</th><th>{}</th><th>F1</th></tr>'.format(*names)
    ]
    for i, label in enumerate(labels):
        if i < len(view.precision):
            metrics.append(
                f"<tr><th>{esc(label)}</th><td>{view.precision[i]:.4f}</td>"
                f"<td>{view.recall[i]:.4f}</td><td>{view.f1[i]:.4f}</td></tr>"
            )
    accuracy = esc(_(ACCURACY))
    metrics.append(f"<tr><th>{accuracy}</th><td colspan=3>{view.accuracy:.4f}</td></tr></table>")
    return (
        f"<figure><figcaption>{esc(view.name)}</figcaption>"
        f'<div class="pair">{"".join(rows)}{"".join(metrics)}</div></figure>'
    )


def plot_svg(view: PlotView, width: int = 520, height: int = 220) -> str:
    """The series as lines on a light chart: axes with their ends labelled, and a legend."""
    pad_l, pad_r, pad_t, pad_b = 56, 12, 12, 28
    values = [
        v for s in view.series.values() for v in s if math.isfinite(v) and not (view.log and v <= 0)
    ]
    if not values:
        nothing = esc(_("(nothing to plot)"))
        return f'<p class="note">{nothing}</p>'
    tr = (lambda v: math.log10(v)) if view.log else (lambda v: v)
    lo, hi = tr(min(values)), tr(max(values))
    hi = hi if hi > lo else lo + 1
    length = max(len(s) for s in view.series.values())
    label, x_name = esc(view.title or _("plot")), esc(view.x_name or _("iteration"))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{label}" style="font:10px sans-serif">',
        f'<rect x="{pad_l}" y="{pad_t}" width="{width - pad_l - pad_r}" '
        f'height="{height - pad_t - pad_b}" fill="#fff" stroke="#999"/>',
    ]
    for n, (name, series) in enumerate(view.series.items()):
        xs = view.x.get(name) or list(range(len(series)))
        x_lo, x_hi = min(xs, default=0), max(xs, default=1)
        x_span = (x_hi - x_lo) or 1
        points = []
        for x, y in zip(xs, series, strict=False):
            if not math.isfinite(y) or (view.log and y <= 0):
                continue
            px = pad_l + (x - x_lo) / x_span * (width - pad_l - pad_r)
            py = height - pad_b - (tr(y) - lo) / (hi - lo) * (height - pad_t - pad_b)
            points.append(f"{px:.1f},{py:.1f}")
        colour = SERIES[n % len(SERIES)]
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="1.8" '
            f'points="{" ".join(points)}"/>'
        )
        parts.append(
            f'<text x="{pad_l + 8}" y="{pad_t + 14 + 12 * n}" fill="{colour}">{esc(name)}</text>'
        )
    top, bottom = max(values), min(values)
    parts += [
        f'<text x="{pad_l - 4}" y="{pad_t + 8}" text-anchor="end">{top:.4g}</text>',
        f'<text x="{pad_l - 4}" y="{height - pad_b}" text-anchor="end">{bottom:.4g}</text>',
        f'<text x="{width - pad_r}" y="{height - 8}" text-anchor="end">{x_name} → {length}</text>',
        "</svg>",
    ]
    title = f"<figcaption>{esc(view.title)}</figcaption>" if view.title else ""
    return f"<figure>{title}{''.join(parts)}</figure>"


def view_html(view: View, fallback: str = "") -> str:
    """One view as HTML; `fallback` (the terminal drawing, as text) for the rest."""
    if isinstance(view, TensorView):
        return tensor_html(view)
    if isinstance(view, HeatmapView):
        return tensor_html(view.value, heat=True)
    if isinstance(view, AttentionView):
        value = view.value
        labelled = TensorView(
            value.name,
            value.data,
            value.dtype,
            value.device,
            row_labels=view.row_labels or value.row_labels,
            col_labels=view.col_labels or value.col_labels,
        )
        return tensor_html(labelled, heat=True)
    if isinstance(view, CompareView):
        if view.max_abs_diff is not None:
            diff = _("largest difference {diff}").format(diff=format_difference(view.max_abs_diff))
        else:
            diff = compare_note(view)
        return (
            f'<div class="pair">{tensor_html(view.left)}{tensor_html(view.right)}</div>'
            f'<p class="note">{esc(diff)}</p>'
        )
    if isinstance(view, ConfusionView):
        return confusion_html(view)
    if isinstance(view, PlotView):
        return plot_svg(view)
    if isinstance(view, SweepView):
        return "\n".join(
            f'<p class="note">{esc(view.name)} = {esc(label)}</p>\n{view_html(inner)}'
            for label, inner in zip(view.labels, view.views, strict=False)
        )
    return f"<pre>{esc(fallback)}</pre>"
