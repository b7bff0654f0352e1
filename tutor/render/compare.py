"""Two values side by side with their largest difference: how a learner checks that the gradient
worked out by hand is the one autograd found.
"""

from __future__ import annotations

import math

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

from tutor.engine.views import CompareView
from tutor.i18n import _
from tutor.render import palette
from tutor.render.layout import crop, side_by_side, width_of
from tutor.render.numbers import format_difference, format_shape
from tutor.render.tensor import TensorTable

GAP = 6
CLOSE = 1e-4
"""A largest difference at or below this is called a match (the default `expect` tolerance)."""


def compare_note(view: CompareView) -> str:
    """Why two values could not be compared, or that they were though their shapes differ: said
    here from the shapes, in the learner's language (the engine's `note` is English)."""
    left, right = format_shape(view.left.shape), format_shape(view.right.shape)
    if view.max_abs_diff is None:
        return _("they differ in shape ({left} and {right})").format(left=left, right=right)
    if view.left.shape != view.right.shape:
        return _("shapes {left} and {right}, same values").format(left=left, right=right)
    return view.note


class CompareTable:
    """A `CompareView`: both tables beside each other (one above the other when narrow), then
    `largest |difference| = 1.2e-07`, or the note saying why they could not be compared.
    """

    def __init__(self, view: CompareView, *, heat: bool = True) -> None:
        self.view = view
        self.left = TensorTable(view.left, heat=heat)
        self.right = TensorTable(view.right, heat=heat)

    def verdict(self) -> Text:
        """The line under the tables."""
        view = self.view
        note = compare_note(view)
        if view.max_abs_diff is None:
            return Text(note, style=palette.WARN)
        diff = float(view.max_abs_diff)
        line = Text.assemble(
            (_("largest |difference| = "), palette.META), (format_difference(diff), palette.NAME)
        )
        if math.isfinite(diff) and diff <= CLOSE:
            line.append("  " + _("✓ the same, up to rounding"), palette.OK)
        if note:
            line.append(f"  {note}", palette.META)
        return line

    def lines(self, width: int) -> list[Text]:
        """Every line, none wider than `width`."""
        natural = side_by_side([self.left.lines(10_000), self.right.lines(10_000)], GAP)
        if width_of(natural) <= width:
            tables = natural
        else:
            tables = [*self.left.lines(width), Text(), *self.right.lines(width)]
        return crop([*tables, self.verdict()], max(width, 1))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.lines(options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = width_of(self.lines(10_000))
        return Measurement(min(widest, 24), widest).clamp(max_width=options.max_width)
