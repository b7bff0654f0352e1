"""One step drawn in full: its title, its Markdown text, the statements it ran (highlighted,
shown or hidden with `e`), every view through `tutor.render`, and the ✓/✗ of its expectations.

The parts are rich renderables, so the numbers reflow with the terminal; the pane is one Line
API widget (`Lines`) that keeps, for each of the steps seen lately, the lines drawn at each
width. Stepping back and forth shows kept lines instead of formatting every number again, and
the screen lays out one widget for the whole step: a key costs a few milliseconds, which is
what lets thirty students share two cores.
"""

from __future__ import annotations

import io
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import ClassVar

from rich.console import Console, Group, RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.syntax import Syntax
from rich.text import Text
from textual.strip import Strip

from tutor.app.theme import TUTOR_THEME
from tutor.app.widgets.lines import Lines, barred, blank, strips
from tutor.app.widgets.step_scroll import StepScroll
from tutor.engine.views import (
    StepView,
    View,
)
from tutor.render import expect_line, render_view
from tutor.render.prose import Prose
from tutor.render.step import shown_tensors

CODE_THEME = "nord"
CODE_BACKGROUND = TUTOR_THEME.surface or "default"


def views_renderable(views: tuple[View, ...]) -> RenderableType:
    """Every view, a blank line between two."""
    parts: list[RenderableType] = []
    for i, view in enumerate(views):
        if i:
            parts.append(Text(""))
        parts.append(render_view(view))
    return Group(*parts)


def code_renderable(step: StepView) -> RenderableType:
    """The statements, highlighted, with the `backward:` and `repeat:` facts under them."""
    parts: list[RenderableType] = []
    if step.code.strip():
        parts.append(
            Syntax(
                step.code.strip("\n"),
                "python",
                theme=CODE_THEME,
                background_color=CODE_BACKGROUND,
                word_wrap=True,
            )
        )
    for key, value in (("backward", step.backward), ("repeat", str(step.repeat or ""))):
        if value:
            parts.append(Text.assemble((f"{key}: ", "dim"), (value, "bold")))
    return Group(*parts)


def warm_up() -> None:
    """Draw a throwaway step off the UI thread: the first Markdown and Python highlighting
    import markdown-it and pygments' lexer (~100 ms), which the first key press should not pay.
    """
    sample = StepView(1, 1, "warm", "**bold** and `code`", "y = x @ W + b", "loss", 2)
    console = Console(file=io.StringIO(), width=80, color_system="truecolor")
    console.print(Prose(sample.text), code_renderable(sample))


def has_code(step: StepView) -> bool:
    return bool(step.code.strip() or step.backward or step.repeat)


KEPT_STEPS = 32
"""Steps whose drawn lines a pane keeps: a whole lesson, for a learner going back and forth."""

SIDE = 1
"""Blank cells each side of the step."""

KEPT_WIDTHS = 4
"""Widths (and code shown or hidden) kept per step: a terminal is resized now and then."""


@dataclass(frozen=True)
class Looks:
    """The styles the pane's CSS gives each part (component classes), resolved to rich."""

    base: Style
    kicker: Style
    note: Style
    title: Style
    code: Style
    bar: Style


@dataclass
class StepParts:
    """The parts of one step as renderables, what they were drawn from, and their lines at
    each width they were shown at."""

    step: StepView
    note: str
    text: RenderableType | None
    code: RenderableType | None
    views: RenderableType | None
    expects: RenderableType | None
    drawn: OrderedDict[tuple[object, ...], list[Strip]] = field(default_factory=OrderedDict)

    def drawn_from(self, step: StepView, note: str) -> bool:
        """True when `step` is the step these parts show: the same outcome of the same step.
        Views hold arrays, so they are compared by identity (a recomputed step has new ones)."""
        old = self.step
        return (
            old.views is step.views
            and old.expects is step.expects
            and self.note == note
            and (old.index, old.total, old.title, old.text, old.code)
            == (step.index, step.total, step.title, step.text, step.code)
            and (old.backward, old.repeat, old.error) == (step.backward, step.repeat, step.error)
        )


def step_parts(step: StepView, note: str) -> StepParts:
    text = step.text.strip()
    shown = shown_tensors(step.views)
    return StepParts(
        step,
        note,
        text=Prose(text) if text else None,
        code=code_renderable(step) if has_code(step) else None,
        views=views_renderable(step.views) if step.views else None,
        expects=Group(*(expect_line(result, shown) for result in step.expects))
        if step.expects
        else None,
    )


def draw(
    pane: Lines,
    parts: StepParts,
    width: int,
    looks: Looks,
    *,
    code: bool,
    live: RenderableType | None = None,
) -> list[Strip]:
    """All the lines of a step at `width`: each part with a blank line after it (the last
    but one), one cell in from each side (drawn here once, rather than by a CSS padding on
    every frame)."""
    outer, width = width, width - 2 * SIDE
    if width <= 0:
        return []
    step = parts.step
    kicker = Text(f"Step {step.index} of {step.total}", style=looks.kicker)
    if parts.note:
        kicker.append(f" · {parts.note}", style=looks.note)
    base = looks.base
    blocks = [strips(pane, Text(step.title, style=looks.title), width, base)]
    if parts.text is not None:
        blocks.append(strips(pane, parts.text, width, base))
    if code and parts.code is not None and width > 3:
        code_lines = strips(pane, parts.code, width - 3, looks.code)
        blocks.append(barred(code_lines, looks.bar, looks.code, width))
    views = live if live is not None else parts.views
    if views is not None:
        blocks.append(strips(pane, views, width, base))
    lines = strips(pane, kicker, width, base)[:1]
    for block in blocks:
        lines.extend(block)
        lines.append(blank(width, base))
    if parts.expects is not None:
        lines.extend(strips(pane, parts.expects, width, base))
    side = Segment(" " * SIDE, base)
    return [Strip([side, *line, side], outer) for line in lines]


class StepPane(Lines):
    """One step; `show(step)` draws it, `set_code_visible` shows or hides its statements."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "step-pane--kicker",
        "step-pane--note",
        "step-pane--title",
        "step-pane--code",
        "step-pane--bar",
    }

    DEFAULT_CSS = """
    StepPane { height: auto; }
    StepPane > .step-pane--kicker { color: $text-muted; }
    StepPane > .step-pane--note { color: $warning; }
    StepPane > .step-pane--title { text-style: bold; color: $accent; }
    StepPane > .step-pane--code { background: $surface; }
    StepPane > .step-pane--bar { color: $primary 60%; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.code_visible = True
        self._kept: OrderedDict[int, StepParts] = OrderedDict()
        self._shown: StepParts | None = None
        self._live: RenderableType | None = None

    def show(self, step: StepView, *, note: str = "", live: RenderableType | None = None) -> None:
        """Draw `step` (a step from 1; the intro at 0 is another widget). `note` follows the
        step number (a repeat stopped early); `live` stands in for the views while the step
        is still computing (a plot growing)."""
        parts = self._parts(step, note)
        if parts is self._shown and live is None and self._live is None:
            return
        self._shown, self._live = parts, live
        self.shown()

    def prepare(self, step: StepView) -> None:
        """Draw `step` off screen, at the width it will have, so that showing it later shows
        kept lines."""
        if isinstance(self.parent, StepScroll):
            width = self.parent.width_for(self)
            if width > 0:
                self._drawn(self._parts(step, ""), width)

    def set_code_visible(self, visible: bool) -> None:
        """`e`: the statements shown or hidden, on this step and the ones after."""
        if visible != self.code_visible:
            self.code_visible = visible
            self.shown()

    def lines(self, width: int) -> list[Strip]:
        parts = self._shown
        if parts is None or width <= 0:
            return []
        if self._live is not None:
            return draw(self, parts, width, self._looks(), code=self.code_visible, live=self._live)
        return self._drawn(parts, width)

    def _drawn(self, parts: StepParts, width: int) -> list[Strip]:
        """The lines of `parts` at `width`, drawn once and kept."""
        looks = self._looks()
        key = (width, self.code_visible, looks)
        lines = parts.drawn.get(key)
        if lines is None:
            lines = draw(self, parts, width, looks, code=self.code_visible)
            self.finish_ahead(lines, width)
            parts.drawn[key] = lines
            if len(parts.drawn) > KEPT_WIDTHS:
                parts.drawn.popitem(last=False)
        return lines

    def _looks(self) -> Looks:
        style = self.kept_style
        code = style("step-pane--code")
        return Looks(
            base=self.base_style,
            kicker=style("step-pane--kicker"),
            note=style("step-pane--note"),
            title=style("step-pane--title"),
            code=code,
            # the bar's colour blends over the pane, as a border would; its cell is the code's
            bar=style("step-pane--bar") + Style(bgcolor=code.bgcolor),
        )

    def _parts(self, step: StepView, note: str) -> StepParts:
        """The kept parts of `step`, made anew when the step changed (a knob, a re-run)."""
        parts = self._kept.get(step.index)
        if parts is None or not parts.drawn_from(step, note):
            parts = step_parts(step, note)
            self._kept[step.index] = parts
            if len(self._kept) > KEPT_STEPS:
                self._kept.popitem(last=False)
        self._kept.move_to_end(step.index)
        return parts
