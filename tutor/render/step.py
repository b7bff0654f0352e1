"""A whole step as the plain transcript prints it: title, text, code, what it showed, and
whether its expectations held. The TUI draws the same views with the same renderers.
"""

from __future__ import annotations

import numpy as np
from rich.console import Console, ConsoleOptions, NewLine, RenderableType, RenderResult
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.syntax import Syntax
from rich.text import Text

from tutor.engine.views import (
    AttentionView,
    CompareView,
    ConfusionView,
    ExpectResult,
    GraphView,
    HeatmapView,
    PlotView,
    StepView,
    SweepView,
    TensorView,
    View,
)
from tutor.i18n import _
from tutor.render import palette
from tutor.render.compare import CompareTable
from tutor.render.confusion import ConfusionTable
from tutor.render.graph import GraphTree
from tutor.render.heatmap import Heatmap
from tutor.render.numbers import format_scalar, format_small
from tutor.render.plot import LinePlot
from tutor.render.prose import Prose
from tutor.render.sweep import SweepRow
from tutor.render.tensor import TensorTable

INLINE_EXPECT = 8
"""A checked value with at most this many numbers is repeated on its ✓ line."""


def render_view(view: View) -> RenderableType:
    """The renderable for any view the engine makes."""
    if isinstance(view, TensorView):
        return TensorTable(view)
    if isinstance(view, CompareView):
        return CompareTable(view)
    if isinstance(view, (HeatmapView, AttentionView)):
        return Heatmap(view)
    if isinstance(view, ConfusionView):
        return ConfusionTable(view)
    if isinstance(view, PlotView):
        return LinePlot(view)
    if isinstance(view, GraphView):
        return GraphTree(view)
    if isinstance(view, SweepView):
        return SweepRow(view, render_view)
    raise TypeError(f"no renderer for {type(view).__name__}")


def visible_expects(step: StepView, *, author: bool) -> tuple[ExpectResult, ...]:
    """The checks a reader sees: every one for the author (`check`, `watch`), only failures
    for a learner, whose screen says what the lesson computes, not that its author was right."""
    if author:
        return step.expects
    return tuple(e for e in step.expects if not e.ok)


def shown_tensors(views: tuple[View, ...]) -> dict[str, TensorView]:
    """Every tensor a step shows, by name (also those inside comparisons and heatmaps)."""
    found: dict[str, TensorView] = {}
    for view in views:
        if isinstance(view, TensorView):
            tensors = [view]
        elif isinstance(view, CompareView):
            tensors = [view.left, view.right]
        elif isinstance(view, (HeatmapView, AttentionView)):
            tensors = [view.value]
        else:
            tensors = []
        for tensor in tensors:
            found.setdefault(tensor.name, tensor)
            if tensor.grad is not None:
                grad = TensorView(f"{tensor.name}.grad", tensor.grad, tensor.dtype, tensor.device)
                found.setdefault(grad.name, grad)
    return found


def expect_line(result: ExpectResult, shown: dict[str, TensorView] | None = None) -> Text:
    """`✓ loss = 0.25` when it held, `✗ W.grad: expected …, got …` when it did not,
    `– loss: skipped (lr is turned)` when a turned knob makes it not apply.

    A held value is repeated when it is small and among `shown` (the step's tensors by name).
    """
    if result.skipped:
        return Text.assemble(
            ("– ", palette.META),
            (result.name, palette.NAME),
            (
                _(": skipped ({names} turned from the lesson's value)").format(
                    names=result.skipped
                ),
                palette.META,
            ),
        )
    if not result.ok:
        message = f": {result.message}"
        return Text.assemble(("✗ ", palette.FAIL), (result.name, palette.NAME), message)
    line = Text.assemble(("✓ ", palette.OK), (result.name, palette.NAME))
    if result.message:
        line.append(f" {result.message}" if result.message[0] in "=≈" else f": {result.message}")
        return line
    view = (shown or {}).get(result.name)
    if view is not None and view.data.size <= INLINE_EXPECT:
        data = np.asarray(view.data)
        value = format_scalar(data.item(), view.dtype) if data.ndim == 0 else format_small(data)
        line.append(f" = {value}")
    else:
        line.append(" " + _("matches"), palette.META)
    return line


class StepPanel:
    """One `StepView`: a rule `Step 2/7 · Loss`, the text as Markdown, the code highlighted,
    `backward:` and `repeat:` lines, every view, the ✓/✗ of each expectation, and the error
    in a red panel when the step could not run. Passing and skipped checks are the author's
    (`author=True`: `tutor watch`); a learner sees a check only when it fails.
    """

    def __init__(self, step: StepView, *, show_code: bool = True, author: bool = False) -> None:
        self.step = step
        self.show_code = show_code
        self.author = author

    def title(self) -> Text:
        """`Step 2/7 · Loss`."""
        step = self.step
        return Text.assemble(
            (_("Step {k}/{n}").format(k=step.index, n=step.total), palette.META),
            " · ",
            (step.title, palette.NAME),
        )

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        step = self.step
        yield Rule(self.title(), align="left", style="dim")
        if step.text.strip():
            yield Prose(step.text)
        if self.show_code and step.code.strip():
            yield NewLine()
            yield Padding(
                Syntax(
                    step.code.strip("\n"),
                    "python",
                    theme="ansi_dark",
                    background_color="default",
                    word_wrap=True,
                ),
                (0, 0, 0, 2),
            )
        facts: list[tuple[str, str]] = []
        if step.backward:
            facts.append((_("backward: "), step.backward))
        if step.repeat:
            facts.append((_("repeat: "), str(step.repeat)))
        if facts:
            yield NewLine()
        for key, value in facts:
            yield Text.assemble((key, palette.META), (value, palette.NAME))
        for view in step.views:
            yield NewLine()
            yield render_view(view)
        expects = visible_expects(step, author=self.author)
        if expects:
            yield NewLine()
            shown = shown_tensors(step.views)
            for result in expects:
                yield expect_line(result, shown)
        if step.error:
            yield NewLine()
            yield Panel(
                Text(step.error),
                title=_("error"),
                title_align="left",
                border_style="red",
                padding=(0, 1),
            )
