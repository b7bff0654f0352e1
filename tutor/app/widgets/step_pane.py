"""One step drawn in full: its title, its Markdown text, the statements it ran (highlighted,
shown or hidden with `e`), every view through `tutor.render`, and the ✓/✗ of its expectations.

Each part is a Static holding a rich renderable, so the numbers reflow with the terminal and a
step change is a handful of `update` calls (no widgets mounted or removed). The parts of the
steps seen lately are kept, each drawn once per width (`Memo`), so stepping back and forth
replays lines instead of formatting every number again: a key costs a few milliseconds, which
is what lets thirty students share two cores.
"""

from __future__ import annotations

import io
from collections import OrderedDict
from dataclasses import dataclass

from rich.console import Console, Group, RenderableType
from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from tutor.app.theme import TUTOR_THEME
from tutor.app.widgets.fitted import Fitted, Part
from tutor.app.widgets.step_scroll import StepScroll
from tutor.engine.views import (
    StepView,
    View,
)
from tutor.render import expect_line, render_view
from tutor.render.memo import Memo
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
"""Steps whose drawn parts a pane keeps: a whole lesson, for a learner going back and forth."""


@dataclass(frozen=True)
class StepParts:
    """The drawn parts of one step (each a `Memo`), and what they were drawn from."""

    step: StepView
    note: str
    kicker: Memo
    title: Memo
    text: Memo
    code: Memo
    views: Memo
    expects: Memo

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

    def named(self) -> dict[str, Memo]:
        """Each part by the id of the Static that shows it."""
        return {
            "#step-kicker": self.kicker,
            "#step-title": self.title,
            "#step-text": self.text,
            "#step-code": self.code,
            "#step-views": self.views,
            "#step-expects": self.expects,
        }


def step_parts(step: StepView, note: str) -> StepParts:
    kicker = Text(f"Step {step.index} of {step.total}")
    if note:
        kicker.append(f" · {note}", style="yellow")
    text = step.text.strip()
    shown = shown_tensors(step.views)
    return StepParts(
        step,
        note,
        kicker=Memo(kicker),
        title=Memo(Text(step.title)),
        text=Memo(Prose(text) if text else Text("")),
        code=Memo(code_renderable(step)),
        views=Memo(views_renderable(step.views)),
        expects=Memo(Group(*(expect_line(result, shown) for result in step.expects))),
    )


class StepPane(Fitted, Vertical):
    """The parts of one step; `show(step, show_code=...)` redraws them all."""

    DEFAULT_CSS = """
    StepPane {
        height: auto;
        padding: 0 1;
    }
    StepPane > #step-kicker {
        color: $text-muted;
        height: 1;
    }
    StepPane > #step-title {
        text-style: bold;
        color: $accent;
        margin: 0 0 1 0;
    }
    StepPane > #step-text {
        margin: 0 0 1 0;
    }
    StepPane > #step-code {
        border-left: outer $primary 60%;
        background: $surface;
        padding: 0 1;
        margin: 0 0 1 0;
    }
    StepPane > #step-views {
        margin: 0 0 1 0;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.code_visible = True
        self._has_code = False
        self._kept: OrderedDict[int, StepParts] = OrderedDict()

    def compose(self) -> ComposeResult:
        yield Part(id="step-kicker", markup=False)
        yield Part(id="step-title", markup=False)
        yield Part(id="step-text")
        yield Part(id="step-code")
        yield Part(id="step-views")
        yield Part(id="step-expects")

    def show(self, step: StepView, *, note: str = "", live: RenderableType | None = None) -> None:
        """Draw `step` (a step from 1; the intro at 0 is another widget). `note` follows the
        step number (a repeat stopped early); `live` stands in for the views while the step
        is still computing (a plot growing)."""
        parts = self._parts(step, note)
        self._part("#step-kicker", parts.kicker, True)
        self._part("#step-title", parts.title, True)
        self._part("#step-text", parts.text, bool(step.text.strip()))
        self._has_code = has_code(step)
        self._part("#step-code", parts.code, self._has_code and self.code_visible)
        if live is not None:
            self._part("#step-views", live, True)
        else:
            self._part("#step-views", parts.views, bool(step.views))
        self._part("#step-expects", parts.expects, bool(step.expects))

    def prepare(self, step: StepView) -> None:
        """Draw `step` off screen, at the widths its parts will have, so that showing it
        later replays lines."""
        parts = self._parts(step, "")
        if isinstance(self.parent, StepScroll):
            for selector, memo in parts.named().items():
                self.parent.draw_ahead(self.query_one(selector, Static), memo)

    def _parts(self, step: StepView, note: str) -> StepParts:
        """The kept parts of `step`, drawn anew when the step changed (a knob, a re-run)."""
        parts = self._kept.get(step.index)
        if parts is None or not parts.drawn_from(step, note):
            parts = step_parts(step, note)
            self._kept[step.index] = parts
            if len(self._kept) > KEPT_STEPS:
                self._kept.popitem(last=False)
        self._kept.move_to_end(step.index)
        return parts

    def set_code_visible(self, visible: bool) -> None:
        """`e`: the statements shown or hidden, on this step and the ones after."""
        self.code_visible = visible
        self.query_one("#step-code", Static).display = visible and self._has_code

    def _part(self, selector: str, renderable: RenderableType, present: bool) -> None:
        part = self.query_one(selector, Static)
        if part.content is not renderable:  # an update lays the screen out again
            part.update(renderable)
        part.display = present  # not a class: no stylesheet pass on every step
