"""Where a learner left a lesson, from the progress store: known before the Run exists.

A front-end asks `resume_point` as soon as the file is read (the app offers it while torch
loads), then hands the point to `LessonSession.resume`, which goes back to that step and takes
back what was done with the questions. Steps are matched by id, since the lesson may have
changed since it was saved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tutor.i18n import _
from tutor.lesson import LessonFile, pick
from tutor.progress import Event, LessonProgress, Tally, tally
from tutor.session.questions import Attempt


@dataclass(frozen=True)
class ResumePoint:
    """Where to go back to, and what to say about it."""

    step: int  # 1-based, in the lesson as it is now
    total: int
    title: str  # that step's title, in the learner's language
    note: str  # "You finished it before. Questions so far: 2 right, 1 wrong."
    attempts: Mapping[str, Attempt] = field(default_factory=dict)  # by step id
    knobs: Mapping[str, str] = field(default_factory=dict)  # last value turned, as saved


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
    notes = [_("You finished it before.")] if saved.completed else []
    counted = lesson_tally(file, events, passed=ids[: step - 1]).text()
    if counted:
        notes.append(_("Questions so far: {counts}.").format(counts=counted))
    title = pick(model.steps[step - 1].title, lang)
    return ResumePoint(
        step, len(ids), title, " ".join(notes), attempts_from(events), knobs_from(events)
    )


def question_ids(file: LessonFile) -> list[str]:
    """The step ids of a lesson's questions (ask, choose, write)."""
    model = file.lesson
    return [
        model.step_id(i)
        for i, s in enumerate(model.steps)
        if s.ask is not None or s.choose is not None or s.write is not None
    ]


def lesson_tally(file: LessonFile, events: Sequence[Event], passed: Sequence[str] = ()) -> Tally:
    """The one count of a lesson's questions (tutor.progress.tally) for this lesson as it
    is now: what the list, the resume prompt and `tutor progress` say."""
    return tally(events, question_ids(file), passed)


def knobs_from(events: Sequence[Event]) -> dict[str, str]:
    """Each knob's last value turned (a knob event saves `name=value`), oldest first."""
    knobs: dict[str, str] = {}
    for event in events:
        if event.kind == "knob" and event.answer and "=" in event.answer:
            name, value = event.answer.split("=", 1)
            knobs[name] = value
    return knobs


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
