"""A lesson that cannot load or start, said plainly in a red panel (tutor.render.error draws
it: `file:line:col`, the message, the line with a caret), each problem under the step it is in
(all of them at once: a mistake in step 9 shows before step 9 is reached). Never a
traceback."""

from __future__ import annotations

from pathlib import Path

from rich.console import Group, RenderableType
from rich.text import Text
from textual.widgets import Static

from tutor.app.problems import StepLines, read_steps
from tutor.i18n import _
from tutor.lesson import LessonError
from tutor.render.error import MAX_PROBLEMS, error_renderable, problem_renderable


class ErrorPanel(Static):
    """A red-bordered panel; hidden until `show_error` is called."""

    DEFAULT_CSS = """
    ErrorPanel {
        height: auto;
        margin: 1 0 0 0;
        padding: 0 1;
        border: round $error;
        border-title-color: $error;
        border-title-style: bold;
        background: $error 8%;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.message = ""
        self.display = False

    def show_error(
        self, error: LessonError | str, path: Path | None = None, *, title: str = "error"
    ) -> None:
        self.message = str(error)
        self.border_title = title
        steps = read_steps(path) if isinstance(error, LessonError) and path else None
        if isinstance(error, LessonError) and steps is not None and steps.starts:
            self.update(by_step(error, path, steps))
        else:
            self.update(error_renderable(error, path))
        self.display = True

    def clear(self) -> None:
        if self.message:
            self.message = ""
            self.update("")
        self.display = False


def by_step(error: LessonError, path: Path | None, steps: StepLines) -> RenderableType:
    """Each problem (at most MAX_PROBLEMS) with the step it is in: `step 3 · file:7:14`, or
    `top · …` for the lesson's head (its tensors, knobs, title)."""
    parts: list[RenderableType] = []
    shown = error.problems[:MAX_PROBLEMS]
    for i, problem in enumerate(shown):
        k = steps.step_at(problem.pos.line)
        label = _("step {k}").format(k=k) if k else _("top")
        if i:
            parts.append(Text(""))
        drawn = problem_renderable(problem, path)  # `file:line:col`, message, source, caret
        lines = list(drawn.renderables) if isinstance(drawn, Group) else [drawn]
        if isinstance(lines[0], Text):
            lines[0] = Text.assemble((f"{label} · ", "bold cyan"), lines[0])
        parts += lines
    rest = len(error.problems) - len(shown)
    if rest:
        parts.append(Text("\n" + _("and {n} more").format(n=rest), style="dim"))
    return Group(*parts)
