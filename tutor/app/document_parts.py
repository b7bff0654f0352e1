"""The lesson so far as the document's parts: the front page, then each step reached with its
question as the learner left it, then the lesson-done line.

Parts are kept by what they show (`PartCache`): a step whose outcome has not changed is the
same part as before, with every line it drew, so going back and forth, or answering a question
under a long step, redraws only what changed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text
from textual.cache import LRUCache

from tutor.app.widgets.document import Part
from tutor.engine.views import LineError, StepView, TensorView
from tutor.lesson.text import pick
from tutor.render import StepPanel, render_view
from tutor.render import question as q
from tutor.render.intro import intro_renderable

if TYPE_CHECKING:
    from tutor.engine.run import Run
    from tutor.session import LessonSession

KEPT_PARTS = 512
"""Parts kept: every part of a long lesson, several times over (knob values, attempts)."""


class PartCache:
    """Parts by key, made on first use."""

    def __init__(self) -> None:
        self._parts: LRUCache[Hashable, Part] = LRUCache(KEPT_PARTS)

    def get(
        self, key: Hashable, make: Callable[[], RenderableType], action: Hashable = None
    ) -> Part:
        part = self._parts.get(key)
        if part is None:
            part = Part(key, make(), action)
            self._parts.set(key, part)
        return part


@dataclass(frozen=True)
class Drawing:
    """How the lesson is drawn now, besides the session: what the screen adds."""

    device: str
    show_code: bool
    done_line: str = ""  # under the last step, once reached
    note: Callable[[int], str] = lambda _k: ""  # a repeat stopped early, per step
    author: bool = False  # `tutor watch`: the author's checks, passing and skipped, shown too
    titles: tuple[tuple[str, str], ...] = ()  # the lessons beside this one: (id, title)


def lesson_parts(
    session: LessonSession, cache: PartCache, drawing: Drawing
) -> tuple[list[Part], int]:
    """Every part of the document, and the index of the first part of the current step."""
    run = session.run
    params = tuple(run.params.items())
    parts = [
        cache.get(
            ("intro", id(run.file), run.lang, drawing.device, params, drawing.titles),
            lambda: intro_renderable(
                run.file,
                run.lang,
                device=drawing.device,
                params=dict(params),
                titles=dict(drawing.titles),
            ),
        )
    ]
    current = 0
    for k in range(1, session.position + 1):
        if k == session.position:
            current = len(parts)
        parts += step_parts(session, cache, drawing, k)
    if drawing.done_line and session.at_end and not run.blocked:
        parts.append(cache.get(("done", drawing.done_line), lambda: done(drawing.done_line)))
    return parts, current


def step_parts(session: LessonSession, cache: PartCache, drawing: Drawing, k: int) -> list[Part]:
    """Step k: the step itself, a note, the predictions it settles, its question."""
    view = session.run.view(k)
    code = drawing.show_code
    author = drawing.author
    key = ("step", k, id(view.views), id(view.expects), view.error, view.title, view.text, code)
    key += (author,)
    parts = [cache.get(key, lambda: Group(Text(), StepPanel(view, show_code=code, author=author)))]
    note = drawing.note(k)
    if note:
        parts.append(cache.get(("note", k, note), lambda: Text(f"  {note}", style="yellow")))
    failed = bool(view.error)
    reveals = tuple(session.reveals(k)) if not failed else ()
    if reveals:
        lines = [q.reveal_line(r) for r in reveals]
        parts.append(cache.get(("reveal", k, reveals), lambda: q.Barred(Group(*lines), "green")))
    question = session.question(k) if not failed else None
    if question is None:
        return parts
    attempt = session.attempt(k)
    answer = session.answer_text(k)
    reveal = session.reveal(k) if question.predicts else None
    parts.append(
        cache.get(("ask", k, repr(question)), lambda: q.Barred(Group(Text(), q.prompt(question))))
    )
    settled = (attempt.finished, attempt.picked, attempt.correct)
    for i in range(len(question.options)):
        parts.append(
            cache.get(
                ("option", k, repr(question), i, settled),
                lambda i=i: q.Barred(q.option(question, attempt, i)),
                action=("choose", k, i),
            )
        )
    fields = repr(attempt)  # every field, lists (a write step's tries) included
    current = k == session.position
    parts.append(
        cache.get(
            ("notes", k, repr(question), fields, answer, reveal, current),
            lambda: q.Barred(q.notes(question, attempt, answer, reveal, current=current)),
        )
    )
    return parts


def live_part(view: StepView, plot: RenderableType) -> Part:
    """The step being computed, its plot growing (never kept: it changes on every frame)."""
    return Part(("live", view.index), Group(Text(), StepPanel(view), Text(), plot))


def done(line: str) -> RenderableType:
    return Group(Text(), q.Barred(Text(line, style="bold"), "green"))


def inspected_part(cache: PartCache, expression: str, result: TensorView | LineError) -> Part:
    """An expression of the inspect line and what it is, drawn as the lesson draws values."""
    shown = result if isinstance(result, LineError) else render_view(result)
    return cache.get(("inspected", expression, id(result)), lambda: q.inspected(expression, shown))


def live_view(run: Run, k: int, *, show_code: bool) -> StepView:
    """Step k while it is still computing: drawn from the lesson (its outcome does not exist
    yet), its plot growing beside it (`live_part`)."""
    step = run.lesson.steps[k - 1]
    statements = "\n".join(s.strip("\n") for s in step.statements) if show_code else ""
    return StepView(
        k,
        run.total,
        pick(step.title, run.lang),
        pick(step.text, run.lang),
        statements,
        step.backward or "",
        step.repeat or 0,
    )
