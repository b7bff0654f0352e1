"""Where a learner left a lesson, from the progress store: known before the Run exists.

A front-end asks `resume_point` as soon as the file is read (the app offers it while torch
loads), then hands the point to `LessonSession.resume`, which goes back to that step and takes
back what was done with the questions. Steps are matched by id, since the lesson may have
changed since it was saved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tutor.lesson import LessonFile, pick
from tutor.progress import Event, LessonProgress
from tutor.session.questions import Attempt


@dataclass(frozen=True)
class ResumePoint:
    """Where to go back to, and what to say about it."""

    step: int  # 1-based, in the lesson as it is now
    total: int
    title: str  # that step's title, in the learner's language
    note: str  # "You finished it before. Answers so far: 2 right, 1 wrong."
    attempts: Mapping[str, Attempt] = field(default_factory=dict)  # by step id


def resume_point(
    file: LessonFile, saved: LessonProgress | None, lang: str, events: Sequence[Event] = ()
) -> ResumePoint | None:
    """The step to offer, or None when this learner has not been past step 0 of this lesson."""
    model = file.lesson
    if saved is None or saved.last_index < 1 or not model.steps:
        return None
    ids = [model.step_id(i) for i in range(len(model.steps))]
    if saved.last_step in ids:
        step = ids.index(saved.last_step) + 1
    else:
        step = min(saved.last_index, len(ids))
    note = "You finished it before." if saved.completed else ""
    if saved.right or saved.wrong:
        note += f" Answers so far: {saved.right} right, {saved.wrong} wrong."
    title = pick(model.steps[step - 1].title, lang)
    return ResumePoint(step, len(ids), title, note.strip(), attempts_from(events))


def attempts_from(events: Sequence[Event]) -> dict[str, Attempt]:
    """What each question's events say was done with it, by step id (oldest event first)."""
    attempts: dict[str, Attempt] = {}
    for event in events:
        if event.kind not in ("answer", "hint", "give-up"):
            continue
        attempt = attempts.setdefault(event.step_id, Attempt())
        attempt.hints_shown = max(attempt.hints_shown, event.hints_used)
        if event.kind == "give-up":
            attempt.gave_up = not attempt.solved
        elif event.kind == "answer":
            attempt.tries = max(attempt.tries, event.attempt)
            attempt.correct = event.correct
            if event.correct:
                attempt.solved, attempt.gave_up = True, False
            if attempt.first_given is None and event.answer is not None:
                attempt.first_given = _float(event.answer)
    return attempts


def _float(text: str) -> float | None:
    """A saved answer as the number it was, when it was typed as one (`1/3` is not)."""
    try:
        return float(text)
    except ValueError:
        return None
