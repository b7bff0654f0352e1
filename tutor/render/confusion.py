"""A confusion matrix with the metrics read from it, each written out as formula, then counts
plugged in, then value, so that a learner sees where precision and recall come from.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from tutor.engine.views import ConfusionView
from tutor.i18n import FALLBACK, N_, _, current_language, ngettext
from tutor.render import palette

GAP = 4
ACCURACY, PRECISION, RECALL = N_("accuracy"), N_("precision"), N_("recall")
CELL_NAMES = N_("TP true positive · FP false positive · TN true negative · FN false negative")
"""The four cells in the learner's words, beside the abbreviations the formulas keep."""


def _value(value: float) -> str:
    return _("n/a") if math.isnan(value) else f"{value:.3f}"


def _ratio(top: int, bottom: int) -> float:
    return top / bottom if bottom else math.nan


def _pick(values: Sequence[float], index: int, fallback: float) -> float:
    """The engine's number when it gave one, the one computed from the counts otherwise."""
    return float(values[index]) if index < len(values) else fallback


class ConfusionTable:
    """A `ConfusionView`: rows are the actual class, columns the predicted one.

    With two classes the cells are named TN, FP / FN, TP (class 1 is the positive one) and
    accuracy, precision, recall and F1 are written out with the counts plugged in, e.g.
    `precision = TP/(TP+FP) = 8/(8+2) = 0.800`. With more classes the diagonal (the correct
    answers) is highlighted and a table gives precision, recall and F1 for every class.
    """

    def __init__(self, view: ConfusionView) -> None:
        self.view = view
        self.matrix = np.asarray(view.matrix).astype(np.int64)
        n = self.matrix.shape[0]
        labels = [str(label) for label in view.labels]
        self.labels = labels if len(labels) == n else [str(k) for k in range(n)]

    def header(self) -> Text:
        """`pred  confusion matrix · 63 samples`."""
        total = int(self.matrix.sum())
        meta = ngettext(
            "confusion matrix · {n} sample", "confusion matrix · {n} samples", total
        ).format(n=total)
        return Text.assemble((self.view.name, palette.NAME), "  ", (meta, palette.META))

    def counts(self) -> RenderableType:
        """The matrix of counts as a table."""
        n = self.matrix.shape[0]
        if n > 2:  # many classes: short headers so ten columns fit in 80 characters
            table = Table(
                box=box.SIMPLE_HEAD,
                header_style="cyan",
                pad_edge=False,
                title=_("actual ↓  predicted →"),
                title_justify="left",
                title_style=palette.META,
            )
            table.add_column("", style="cyan", no_wrap=True)
            for label in self.labels:
                table.add_column(label, justify="right", no_wrap=True)
        else:
            table = Table(box=box.ROUNDED, border_style="dim", header_style="cyan", pad_edge=True)
            table.add_column("", style="cyan", no_wrap=True)
            for label in self.labels:
                table.add_column(
                    _("predicted {label}").format(label=label), justify="right", no_wrap=True
                )
        names = {(0, 0): "TN", (0, 1): "FP", (1, 0): "FN", (1, 1): "TP"} if n == 2 else {}
        for i in range(n):
            cells: list[Text] = []
            for j in range(n):
                count = int(self.matrix[i, j])
                style = palette.OK if i == j else (palette.FAIL if count else palette.META)
                cell = Text()
                if (i, j) in names:
                    cell.append(names[i, j] + " ", palette.META)
                cell.append(str(count), style)
                cells.append(cell)
            actual = _("actual {label}").format(label=self.labels[i])
            table.add_row(self.labels[i] if n > 2 else actual, *cells)
        return table

    def metrics(self, *, aligned: bool = True) -> RenderableType:
        """The metrics, with formulas for two classes, per class for more.

        `aligned=False` writes each formula as one line of text that may wrap, for consoles
        too narrow for the aligned columns.
        """
        if self.matrix.shape[0] == 2:
            return self._binary_metrics(aligned=aligned)
        return self._class_metrics()

    def _binary_rows(self) -> list[tuple[str, str, str, float]]:
        """(name, formula, formula with the counts, value) of each metric of class 1."""
        tn, fp, fn, tp = (int(v) for v in self.matrix.ravel())
        view = self.view
        precision = _pick(view.precision, 1, _ratio(tp, tp + fp))
        recall = _pick(view.recall, 1, _ratio(tp, tp + fn))
        f1 = _pick(view.f1, 1, _ratio(2 * tp, 2 * tp + fp + fn))
        p, r = _value(precision), _value(recall)
        every = _("(TP+TN)/all")
        rows = [
            (_(ACCURACY), every, f"({tp}+{tn})/{tp + tn + fp + fn}", view.accuracy),
            (_(PRECISION), "TP/(TP+FP)", f"{tp}/({tp}+{fp})", precision),
            (_(RECALL), "TP/(TP+FN)", f"{tp}/({tp}+{fn})", recall),
            ("F1", "2·P·R/(P+R)", f"2·{p}·{r}/({p}+{r})", f1),
        ]
        return [(name, formula, counts, float(value)) for name, formula, counts, value in rows]

    def _binary_metrics(self, *, aligned: bool) -> Group:
        rows = self._binary_rows()
        notes = [
            Text(_("positive class: {label}").format(label=self.labels[1]), style=palette.META)
        ]
        if current_language() != FALLBACK:  # in English the abbreviations say it themselves
            notes.append(Text(_(CELL_NAMES), style=palette.META))
        if not aligned:
            lines = [
                Text.assemble(
                    (name, palette.NAME),
                    " = ",
                    (formula, "cyan"),
                    f" = {counts} = ",
                    (_value(value), palette.NAME),
                )
                for name, formula, counts, value in rows
            ]
            return Group(*lines, *notes)
        table = Table.grid(padding=(0, 1))
        for column in ("name", "eq1", "formula", "eq2", "counts", "eq3", "value"):
            table.add_column(column, no_wrap=column in {"name", "value"})
        for name, formula, counts, value in rows:
            table.add_row(
                Text(name, style=palette.NAME),
                "=",
                Text(formula, style="cyan"),
                "=",
                counts,
                "=",
                Text(_value(value), style=palette.NAME),
            )
        return Group(table, Text(), *notes)

    def _class_metrics(self) -> Group:
        matrix, view = self.matrix, self.view
        table = Table(box=box.SIMPLE_HEAD, header_style="cyan", pad_edge=False, show_edge=False)
        table.add_column(_("class"), style="cyan", no_wrap=True)
        for column in (_(PRECISION), _(RECALL), "F1", _("support")):
            table.add_column(column, justify="right", no_wrap=True)
        for k, label in enumerate(self.labels):
            tp = int(matrix[k, k])
            precision = _pick(view.precision, k, _ratio(tp, int(matrix[:, k].sum())))
            recall = _pick(view.recall, k, _ratio(tp, int(matrix[k].sum())))
            f1 = _pick(view.f1, k, _ratio(2 * tp, int(matrix[:, k].sum() + matrix[k].sum())))
            support = str(int(matrix[k].sum()))
            table.add_row(label, _value(precision), _value(recall), _value(f1), support)
        correct, total = int(np.trace(matrix)), int(matrix.sum())
        accuracy = Text.assemble(
            (_(ACCURACY), palette.NAME),
            " = ",
            (_("correct/all"), "cyan"),
            f" = {correct}/{total} = ",
            (_value(float(view.accuracy)), palette.NAME),
        )
        return Group(table, accuracy)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.header()
        counts, metrics = self.counts(), self.metrics()
        unbounded = options.update_width(10_000)  # natural widths, not clamped to the console's
        left = Measurement.get(console, unbounded, counts).maximum
        right = Measurement.get(console, unbounded, metrics).maximum
        if left + GAP + right <= options.max_width:
            grid = Table.grid(padding=(0, GAP))
            grid.add_column(no_wrap=True)
            grid.add_column()
            grid.add_row(counts, metrics)
            yield grid
        else:
            yield counts
            yield metrics if right <= options.max_width else self.metrics(aligned=False)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        unbounded = options.update_width(10_000)
        left = Measurement.get(console, unbounded, self.counts())
        right = Measurement.get(console, unbounded, self.metrics())
        widest = max(left.maximum + GAP + right.maximum, self.header().cell_len)
        return Measurement(max(left.minimum, right.minimum), widest).clamp(
            max_width=options.max_width
        )
