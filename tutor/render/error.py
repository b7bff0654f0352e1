"""A lesson that cannot load or run, said plainly: `file:line:col`, the message, and the line of
the file it points at with a caret under the column. Never a traceback."""

from __future__ import annotations

from pathlib import Path

from rich.console import Group, RenderableType
from rich.text import Text

from tutor.i18n import _
from tutor.lesson import LessonError, Problem

MAX_PROBLEMS = 8


def _source_line(path: Path | None, line: int) -> str | None:
    if path is None:
        return None
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return lines[line - 1] if 0 < line <= len(lines) else None


def problem_renderable(problem: Problem, path: Path | None) -> RenderableType:
    """One located problem: where, what, and the line it names."""
    where = Text(f"{problem.file}:{problem.pos.line}:{problem.pos.col}", style="bold")
    parts: list[RenderableType] = [where, Text(problem.message)]
    source = _source_line(path, problem.pos.line)
    if source is not None and source.strip():
        number = f"{problem.pos.line} │ "
        expanded = source.expandtabs(1)
        parts.append(Text.assemble((number, "dim"), (expanded, "#c9ccd6")))
        caret = " " * (len(number) - 2) + "│ " + " " * max(problem.pos.col - 1, 0) + "^"
        parts.append(Text(caret, style="bold red"))
    return Group(*parts)


def error_renderable(error: LessonError | str, path: Path | None = None) -> RenderableType:
    """Every problem of `error` (at most MAX_PROBLEMS), or a plain message."""
    if isinstance(error, str):
        return Text(error)
    shown = error.problems[:MAX_PROBLEMS]
    parts: list[RenderableType] = []
    for i, problem in enumerate(shown):
        if i:
            parts.append(Text(""))
        parts.append(problem_renderable(problem, path))
    rest = len(error.problems) - len(shown)
    if rest:
        parts.append(Text("\n" + _("and {n} more").format(n=rest), style="dim"))
    return Group(*parts)
