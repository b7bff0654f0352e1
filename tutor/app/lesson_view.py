"""What the lesson screen draws, decided from the session alone: the line under the last step,
where the document should scroll, a stopped repeat's note, the live plot's frame while a step
trains, and whether the next step is worth computing ahead.

Functions, not screen methods, so that a reader finds the rules of the drawing in one place
and the screen keeps only the calls that put them on the widgets.
"""

from __future__ import annotations

from tutor.app.document_parts import Drawing, PartCache, lesson_parts, live_part, live_view
from tutor.app.widgets.document import Part
from tutor.i18n import _
from tutor.render.live_plot import LivePlot
from tutor.session import LessonSession


def done_line(session: LessonSession | None, *, direct: bool) -> str:
    """Under the last step: the lesson is done, the score, and where q goes."""
    then = _("q to quit") if direct else _("q for the list of lessons")
    score = score_line(session)
    if score:
        return _("✓ Lesson done. {score}. {then}.").format(score=score, then=then)
    return _("✓ Lesson done. {then}.").format(then=then)


def score_line(session: LessonSession | None) -> str:
    """`2 of 3 questions right`, or "" for a lesson without questions."""
    if session is None or not session.questions:
        return ""
    return session.tally().sentence()


def ends_in_focus(session: LessonSession | None) -> bool:
    """Whether the current step's end matters most: a question (read under its values) or a
    plot."""
    if session is None or session.position == 0:
        return session is not None and session.at_end
    step = session.run.file.code[session.position - 1]
    return session.question() is not None or bool(step.plot) or session.at_end


def worth_looking_ahead(session: LessonSession) -> bool:
    """Whether the next step may be computed while this one is read: one step of torch work.
    Not a step that trains (it is watched as it happens) nor one that would replay earlier
    steps."""
    run, k = session.run, session.position + 1
    if k > run.total or run.blocked or run.to_compute(k) != range(k, k + 1):
        return False
    step = run.lesson.steps[k - 1]
    return not (step.repeat or step.sweep)


def stopped_note(session: LessonSession, k: int) -> str:
    """`stopped after 12 of 30 iterations`, for a repeat the learner stopped early."""
    if k == 0:
        return ""
    repeat = session.run.lesson.steps[k - 1].repeat or 0
    outcome = session.run.outcome(k)
    if repeat and outcome.error is None and outcome.iterations < repeat:
        return _("stopped after {i} of {n} iterations").format(i=outcome.iterations, n=repeat)
    return ""


def plot_height(room: int) -> int:
    """A live plot's height in `room` lines: 12, less where the document is short, so that
    the plot, its header and its legend fit in view while it grows."""
    return max(3, min(12, room - 4))


def training_frame(
    session: LessonSession,
    cache: PartCache,
    drawing: Drawing,
    k: int,
    series: dict[str, list[float]],
    done: int,
    total: int,
    room: int,
) -> list[Part]:
    """The lesson so far with step k computing under it, its plot grown to `done` of
    `total` iterations, sized for `room` lines of document."""
    view = live_view(session.run, k, show_code=drawing.show_code)
    plot = LivePlot(view.title, series, done, total, height=plot_height(room))
    parts, _current = lesson_parts(session, cache, drawing)
    return [*parts, live_part(view, plot)]
