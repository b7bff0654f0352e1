"""`tutor export`: a lesson's whole transcript, every value drawn, for handouts and slides.

HTML and SVG come from rich's console recording (the same renderers as the app and `--plain`);
Markdown keeps the prose as Markdown and puts the drawn values in text blocks.
"""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from rich.text import Text

from tutor.engine.run import Run
from tutor.lesson import LessonFile, pick
from tutor.render import StepPanel, render_view
from tutor.render.prose import Prose, inline_markdown
from tutor.render.step import visible_expects
from tutor.session import LessonSession

FORMATS = ("md", "html", "svg")


def export_lesson(
    lesson: LessonFile,
    fmt: str,
    out: Path,
    *,
    device: str | None = None,
    lang: str = "en",
    width: int = 100,
) -> int:
    """Run the lesson to its end and write its transcript; returns the steps written."""
    run = Run(lesson, device=device, lang=lang)
    run.run_all()
    session = LessonSession(run)  # its questions, as every front-end presents them
    if fmt == "md":
        out.write_text(_markdown(session, width), encoding="utf-8")
    else:
        console = Console(
            record=True,
            width=width,
            file=io.StringIO(),
            color_system="truecolor",
            force_terminal=True,
        )
        _transcript(console, session)
        title = pick(lesson.lesson.title, lang)
        if fmt == "html":
            out.write_text(console.export_html(inline_styles=True), encoding="utf-8")
        else:
            out.write_text(console.export_svg(title=title), encoding="utf-8")
    return run.position


def _transcript(console: Console, session: LessonSession) -> None:
    run = session.run
    intro = run.view(0)
    console.rule(Text(intro.title, style="bold"))
    if intro.text:
        console.print(Prose(intro.text))
    for k in range(1, run.position + 1):
        console.print()
        console.print(StepPanel(run.view(k)))
        for line in _question(session, k):
            console.print(line)


def _question(session: LessonSession, k: int) -> list[Text | Prose]:
    """Step k's question as the session puts it, with its right answer shown."""
    question = session.question(k)
    if question is None:
        return []
    lines: list[Text | Prose] = [
        Text.assemble(("? ", "bold cyan"), inline_markdown(question.prompt))
    ]
    if question.kind == "ask":
        answer = session.answer_text(k)
        if answer:
            lines.append(Text(f"answer: {answer}", style="green"))
    elif question.kind == "write":  # a handout shows the reference the step ran
        lines += [Text("reference:", style="bold")]
        lines += [Text(f"  {line}", style="green") for line in question.reference.splitlines()]
    else:
        lines += [
            Text(f"  {n}. {o}", style="green" if n - 1 == question.correct_option else "")
            for n, o in enumerate(question.options, start=1)
        ]
    if question.explain:
        lines.append(Prose(question.explain))
    return lines


def _plain(renderable: object, width: int) -> str:
    console = Console(record=True, width=width, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.export_text().rstrip()


def _markdown(session: LessonSession, width: int) -> str:
    run = session.run
    intro = run.view(0)
    parts = [f"# {intro.title}", ""]
    if intro.text:
        parts += [intro.text.strip(), ""]
    for k in range(1, run.position + 1):
        view = run.view(k)
        parts += [f"## Step {k}/{view.total} · {view.title}", ""]
        if view.text:
            parts += [view.text.strip(), ""]
        if view.code:
            parts += ["```python", view.code, "```", ""]
        if view.backward:
            parts += [f"`backward: {view.backward}`", ""]
        for shown in view.views:
            parts += ["```text", _plain(render_view(shown), width), "```", ""]
        expects = visible_expects(view, author=False)  # a handout is the learner's page
        for result in expects:
            parts.append(f"- ✗ `{result.name}`: {result.message}")
        if expects:
            parts.append("")
        if view.error:
            parts += [f"> **Error:** {view.error}", ""]
        explain = question.explain if (question := session.question(k)) else ""
        for line in _question(session, k):
            text = _plain(line, width) if isinstance(line, Text) else explain.strip()
            parts += [text, ""]
    return "\n".join(parts).rstrip() + "\n"
