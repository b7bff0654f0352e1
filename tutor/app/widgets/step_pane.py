"""One step drawn in full: its title, its Markdown text, the statements it ran (highlighted,
shown or hidden with `e`), every view through `tutor.render`, and the ✓/✗ of its expectations.

Each part is a Static holding a rich renderable, so the numbers reflow with the terminal and a
step change is a handful of `update` calls (no widgets mounted or removed: fast).
"""

from __future__ import annotations

import io

from rich.console import Console, Group, RenderableType
from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from tutor.app.theme import TUTOR_THEME
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


class StepPane(Vertical):
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

    def compose(self) -> ComposeResult:
        yield Static(id="step-kicker", markup=False)
        yield Static(id="step-title", markup=False)
        yield Static(id="step-text")
        yield Static(id="step-code")
        yield Static(id="step-views")
        yield Static(id="step-expects")

    def show(self, step: StepView, *, note: str = "", live: RenderableType | None = None) -> None:
        """Draw `step` (a step from 1; the intro at 0 is another widget). `note` follows the
        step number (a repeat stopped early); `live` stands in for the views while the step
        is still computing (a plot growing)."""
        kicker = Text(f"Step {step.index} of {step.total}")
        if note:
            kicker.append(f" · {note}", style="yellow")
        self._part("#step-kicker", kicker, True)
        self._part("#step-title", Text(step.title), True)
        text = step.text.strip()
        self._part("#step-text", Prose(text) if text else Text(""), bool(text))
        self._has_code = has_code(step)
        self._part("#step-code", code_renderable(step), self._has_code and self.code_visible)
        if live is not None:
            self._part("#step-views", live, True)
        else:
            self._part("#step-views", views_renderable(step.views), bool(step.views))
        shown = shown_tensors(step.views)
        expects = Group(*(expect_line(result, shown) for result in step.expects))
        self._part("#step-expects", expects, bool(step.expects))

    def set_code_visible(self, visible: bool) -> None:
        """`e`: the statements shown or hidden, on this step and the ones after."""
        self.code_visible = visible
        self.query_one("#step-code").display = visible and self._has_code

    def _part(self, selector: str, renderable: RenderableType, present: bool) -> None:
        part = self.query_one(selector, Static)
        part.update(renderable)
        part.display = present  # not a class: no stylesheet pass on every step
