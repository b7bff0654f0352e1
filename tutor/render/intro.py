"""The lesson's front page: what it is about, its knobs, and the steps ahead."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tutor.i18n import _
from tutor.lesson import LessonFile, pick
from tutor.render.prose import Prose


def intro_renderable(
    lesson: LessonFile,
    lang: str,
    *,
    device: str,
    params: dict[str, object],
    titles: Mapping[str, str] | None = None,
) -> RenderableType:
    """Summary, the facts (steps, device, knobs, prerequisites) and the table of contents.
    `titles` names the prerequisites by title (the lessons beside this one, by id); an id
    with no title known is shown as it is."""
    model = lesson.lesson
    parts: list[RenderableType] = [
        Text(_("Lesson"), style="dim"),
        Text(pick(model.title, lang), style="bold #e0af68"),
        Text(""),
    ]
    summary = pick(model.summary, lang).strip()
    if summary:
        parts += [Prose(summary), Text("")]
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column()
    facts.add_row(_("steps"), str(len(model.steps)))
    facts.add_row(_("device"), device)
    if model.requires:
        names = [(titles or {}).get(r, r) for r in model.requires]
        facts.add_row(_("after"), _(", ").join(names))
    for name, value in params.items():
        spec = model.params.get(name)
        helptext = pick(spec.help, lang) if spec is not None and spec.help else ""
        facts.add_row(
            _("knob"), Text.assemble((f"{name} = {value}", "bold"), (f"  {helptext}", "dim"))
        )
    parts += [facts, Text("")]
    contents = Table.grid(padding=(0, 1))
    contents.add_column(justify="right", style="dim", no_wrap=True)
    contents.add_column(no_wrap=True)
    contents.add_column(style="dim", no_wrap=True)
    for k, step in enumerate(model.steps, start=1):
        mark = "?" if step.ask is not None or step.choose is not None else ""
        contents.add_row(str(k), Text(pick(step.title, lang), overflow="ellipsis"), mark)
    parts += [
        contents,
        Text(""),
        _begin(),
    ]
    return Group(*parts)


def _begin() -> Text:
    """`press → to begin`, the arrow in bold wherever the language puts it."""
    before, _key, after = _("press {key} to begin").partition("{key}")
    return Text.assemble((before, "dim"), ("→", "bold"), (after, "dim"))
