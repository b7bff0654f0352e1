"""`tutor export`: a lesson's whole transcript, every value drawn, for handouts and slides.

HTML is a document to print or hand out: a heading per step, values in tables
(`tutor.render.html`), a light page. SVG is one file per step, from rich's console recording
(the same renderers as the app and `--plain`), for slides. Markdown keeps the prose as Markdown
and puts the drawn values in text blocks. Only the teacher's edition (`answers`) shows the right
answers, so the learner's handout does not give them away.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from rich.console import Console
from rich.text import Text

from tutor.engine.run import Run
from tutor.i18n import _, current_language, ngettext, use_language
from tutor.lesson import LessonFile
from tutor.render import StepPanel, render_view
from tutor.render import html as h
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
    answers: bool = False,
    params: Mapping[str, str] | None = None,
    problems: Sequence[str] = (),
) -> int:
    """Run the lesson to its end and write its transcript (svg: a folder, a file per step);
    returns the steps written. `answers` makes the teacher's edition. The page's own words
    are in `lang`, the lesson's, whatever the process spoke before (and speaks again after)."""
    before = current_language()
    use_language(lang)
    try:
        run = Run(lesson, device=device, lang=lang, params=params)
        run.run_all()
        session = LessonSession(run)  # its questions, as every front-end presents them
        if fmt == "md":
            out.write_text(_markdown(session, width, answers), encoding="utf-8")
        elif fmt == "html":
            out.write_text(_html(session, lang, width, answers), encoding="utf-8")
        else:
            out.mkdir(parents=True, exist_ok=True)
            for name, svg in _slides(session, width, answers):
                (out / name).write_text(svg, encoding="utf-8")
        if problems:
            _mark(out, fmt, problems)
        return run.position
    finally:
        use_language(before)


def _mark(out: Path, fmt: str, problems: Sequence[str]) -> None:
    """`export --force`: the page says, at its top, that the lesson did not pass its check."""
    head = ngettext(
        "NOT CHECKED: this lesson has {n} problem (written with --force)",
        "NOT CHECKED: this lesson has {n} problems (written with --force)",
        len(problems),
    ).format(n=len(problems))
    if fmt == "svg":
        (out / "00-problems.txt").write_text("\n".join([head, *problems]) + "\n", "utf-8")
        return
    text = out.read_text(encoding="utf-8")
    if fmt == "md":
        lines = "\n".join(f"> - {p}" for p in problems)
        title, _, rest = text.partition("\n")
        text = f"{title}\n\n> **{head}**\n>\n{lines}\n{rest}"
    else:
        items = "".join(f"<li>{h.esc(p)}</li>" for p in problems)
        block = (
            f'<div class="not-checked"><p><strong>{h.esc(head)}</strong></p><ul>{items}</ul></div>'
        )
        at = text.find("</h1>")
        text = text[: at + 5] + block + text[at + 5 :] if at >= 0 else block + text
    out.write_text(text, encoding="utf-8")


def _slides(session: LessonSession, width: int, answers: bool) -> list[tuple[str, str]]:
    """One SVG per step (and one for the lesson's title page), named in order for slides."""
    run = session.run
    intro = run.view(0)
    slides = []
    for k in range(run.position + 1):
        console = Console(
            record=True,
            width=width,
            file=io.StringIO(),
            color_system="truecolor",
            force_terminal=True,
        )
        if k == 0:
            console.rule(Text(intro.title, style="bold"))
            if intro.text:
                console.print(Prose(intro.text))
            title = intro.title
        else:
            view = run.view(k)
            console.print(StepPanel(view))
            for line in _question(session, k, answers):
                console.print(line)
            title = f"{intro.title} · {k}/{view.total} {view.title}"
        slug = re.sub(r"[^a-z0-9]+", "-", (run.view(k).title if k else "title").lower())
        name = f"{k:02d}-{slug.strip('-')[:40] or 'step'}.svg"
        slides.append((name, console.export_svg(title=title)))
    return slides


def _question(session: LessonSession, k: int, answers: bool = False) -> list[Text | Prose]:
    """Step k's question as the session puts it; the right answer only in the teacher's
    edition."""
    question = session.question(k)
    if question is None:
        return []
    lines: list[Text | Prose] = [
        Text.assemble(("? ", "bold cyan"), inline_markdown(question.prompt))
    ]
    if question.kind == "choose":
        for n, option in enumerate(question.options, start=1):
            right = answers and n - 1 == question.correct_option
            lines.append(
                Text(f"  {n}. {option}" + ("  ✓" if right else ""), style="green" if right else "")
            )
    if not answers:
        return lines
    for n, hint in enumerate(question.hints, start=1):  # the teacher sees what learners will
        said = _("hint {n}: ").format(n=n)
        lines.append(Text.assemble((said, "bold yellow"), inline_markdown(hint)))
    if question.kind == "ask":
        answer = session.answer_text(k)
        if answer:
            lines.append(Text(_("answer: {answer}").format(answer=answer), style="green"))
    elif question.kind == "write":  # the reference the step ran
        lines += [Text(_("reference:"), style="bold")]
        lines += [Text(f"  {line}", style="green") for line in question.reference.splitlines()]
    if question.explain:
        lines.append(Prose(question.explain))
    return lines


def _html(session: LessonSession, lang: str, width: int, answers: bool) -> str:
    """The lesson as an HTML document: a title, a heading per step, values as tables."""
    run = session.run
    intro = run.view(0)
    edition = " " + _("(teacher's edition)") if answers else ""
    body = [f"<h1>{h.esc(intro.title)}{h.esc(edition)}</h1>"]
    if intro.text:
        body.append(h.prose_html(intro.text))
    for k in range(1, run.position + 1):
        view = run.view(k)
        heading = _("Step {k}/{n}").format(k=k, n=view.total)
        body.append(f'<section id="step-{k}"><h2>{h.esc(heading)} · {h.esc(view.title)}</h2>')
        if view.text:
            body.append(h.prose_html(view.text))
        if view.code:
            body.append(f"<pre><code>{h.esc(view.code)}</code></pre>")
        if view.backward:
            said = _("backward: ") + view.backward
            body.append(f"<pre><code>{h.esc(said)}</code></pre>")
        for shown in view.views:
            body.append(h.view_html(shown, _plain(render_view(shown), width)))
        for result in visible_expects(view, author=False):
            body.append(
                f'<p class="error">✗ <code>{h.esc(result.name)}</code>: {h.esc(result.message)}</p>'
            )
        if view.error:
            said = h.esc(_("Error:"))
            body.append(f'<p class="error"><strong>{said}</strong> {h.esc(view.error)}</p>')
        body.append(_html_question(session, k, answers))
        body.append("</section>")
    return (
        f'<!DOCTYPE html>\n<html lang="{h.esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{h.esc(intro.title)}{h.esc(edition)}</title>\n<style>{h.CSS}</style>\n"
        "</head>\n<body>\n" + "\n".join(b for b in body if b) + "\n</body>\n</html>\n"
    )


def _html_question(session: LessonSession, k: int, answers: bool) -> str:
    question = session.question(k)
    if question is None:
        return ""
    parts = [f'<div class="question"><p>? {h.inline_html(question.prompt)}</p>']
    if question.kind == "choose":
        items = []
        for n, option in enumerate(question.options):
            right = answers and n == question.correct_option
            text = h.inline_html(option)
            items.append(f'<li class="answer">{text} ✓</li>' if right else f"<li>{text}</li>")
        parts.append(f"<ol>{''.join(items)}</ol>")
    if answers:
        for n, hint in enumerate(question.hints, start=1):  # what learners may be shown
            said = h.esc(_("hint {n}: ").format(n=n))
            parts.append(f'<p class="hint">{said}{h.inline_html(hint)}</p>')
        if question.kind == "ask" and (answer := session.answer_text(k)):
            said = h.esc(_("answer: {answer}").format(answer=answer))
            parts.append(f'<p class="answer">{said}</p>')
        elif question.kind == "write":
            said = h.esc(_("reference:"))
            parts.append(f'<p>{said}</p><pre class="answer">{h.esc(question.reference)}</pre>')
        if question.explain:
            parts.append(h.prose_html(question.explain))
    parts.append("</div>")
    return "".join(parts)


def _plain(renderable: object, width: int) -> str:
    console = Console(record=True, width=width, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return "\n".join(line.rstrip() for line in console.export_text().rstrip().splitlines())


def _markdown(session: LessonSession, width: int, answers: bool = False) -> str:
    run = session.run
    intro = run.view(0)
    parts = [f"# {intro.title}" + (" " + _("(teacher's edition)") if answers else ""), ""]
    if intro.text:
        parts += [intro.text.strip(), ""]
    for k in range(1, run.position + 1):
        view = run.view(k)
        heading = _("Step {k}/{n}").format(k=k, n=view.total)
        parts += [f"## {heading} · {view.title}", ""]
        if view.text:
            parts += [view.text.strip(), ""]
        if view.code:
            parts += ["```python", view.code, "```", ""]
        if view.backward:
            parts += ["`" + _("backward: ") + view.backward + "`", ""]
        for shown in view.views:
            parts += ["```text", _plain(render_view(shown), width), "```", ""]
        expects = visible_expects(view, author=False)  # a handout is the learner's page
        for result in expects:
            parts.append(f"- ✗ `{result.name}`: {result.message}")
        if expects:
            parts.append("")
        if view.error:
            parts += ["> **" + _("Error:") + f"** {view.error}", ""]
        parts += _markdown_question(session, k, answers)
    return "\n".join(parts).rstrip() + "\n"


def _markdown_question(session: LessonSession, k: int, answers: bool) -> list[str]:
    """The question as Markdown: its options a numbered list, the right one in bold with a ✓
    in the teacher's edition, and there the hints, the answer, the reference and the
    explanation."""
    question = session.question(k)
    if question is None:
        return []
    parts = [f"**?** {question.prompt.strip()}", ""]
    if question.kind == "choose":
        for n, option in enumerate(question.options, start=1):
            right = answers and n - 1 == question.correct_option
            parts.append(f"{n}. **{option}** ✓" if right else f"{n}. {option}")
        parts.append("")
    if not answers:
        return parts
    for n, hint in enumerate(question.hints, start=1):  # what learners may be shown
        said = _("Hint {n}:").format(n=n)
        parts += [f"*{said}* {hint.strip()}", ""]
    if question.kind == "ask" and (answer := session.answer_text(k)):
        parts += ["**" + _("Answer:") + f"** {answer}", ""]
    elif question.kind == "write":
        said = _("Reference:")
        parts += [f"**{said}**", "", "```python", question.reference.strip(), "```", ""]
    if question.explain:
        parts += [question.explain.strip(), ""]
    return parts
