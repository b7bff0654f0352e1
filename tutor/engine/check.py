"""`tutor check`: run a lesson headless and report its first problem, located."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tutor.engine.device import device_label
from tutor.engine.limits import Cancelled
from tutor.engine.run import Run
from tutor.lesson import LessonError, load_lesson, pick
from tutor.lesson.clean import clean_line
from tutor.lesson.errors import Pos, Problem
from tutor.lesson.load import unassigned_checks


@dataclass(frozen=True)
class CheckResult:
    path: str
    ok: bool
    problem: str  # the first problem, `FILE:LINE:COL: ...`, or "" when ok
    steps: int
    seconds: float
    device: str = ""
    title: str = ""
    skipped: tuple[str, ...] = ()  # `expect`s a turned knob made not apply: "step 10, w (lr)"


def _unexpected(name: str, error: BaseException) -> Problem:
    """A sentence for what no check foresaw (a bug of the tutor's, or the machine out of
    memory): the lesson fails with it, the traceback stays out of the author's terminal."""
    if isinstance(error, MemoryError):
        what = "the machine ran out of memory running this lesson"
    elif isinstance(error, RecursionError):
        what = "this lesson nests something too deeply to run"
    elif isinstance(error, Cancelled):
        what = str(error)
    else:
        what = f"the tutor could not run this lesson ({clean_line(str(error), 200) or 'no detail'})"
    return Problem(name, Pos(1, 1), what)


def check_lesson(
    path: Path,
    *,
    display: str | None = None,
    device: str | None = None,
    lang: str = "en",
    seconds: float | None = None,
    params: Mapping[str, str] | None = None,
) -> CheckResult:
    """Load, run every step (questions are not waited for; a write step runs its reference)
    and verify every `expect`, after refusing a write step whose `check` names a value its
    reference never assigns.
    Never raises: a lesson that breaks the tutor fails with a sentence. `seconds` is the time
    budget of one step (default `limits.STEP_SECONDS`). `params` turns the knobs the lesson
    has (`check --set`); the checks that depend on a turned knob are reported skipped."""
    name = display or str(path)
    started = time.perf_counter()
    try:
        lesson = load_lesson(path, name)
        unchecked = unassigned_checks(lesson)  # a write step that would pass anything
        if unchecked:
            return CheckResult(name, False, str(unchecked[0]), 0, time.perf_counter() - started)
        turned = {k: v for k, v in (params or {}).items() if k in lesson.lesson.params}
        run = Run(
            lesson,
            device=device,
            lang=lang,
            params=turned,
            **({"seconds": seconds} if seconds else {}),
        )
        outcomes = run.run_all()
    except LessonError as e:
        return CheckResult(name, False, str(e.first), 0, time.perf_counter() - started)
    except Exception as e:
        return CheckResult(name, False, str(_unexpected(name, e)), 0, time.perf_counter() - started)
    elapsed = time.perf_counter() - started
    label = device_label(run.device)
    for outcome in outcomes:
        if outcome.error is not None:
            return CheckResult(name, False, str(outcome.error.first), len(outcomes), elapsed, label)
        if outcome.expect_errors:
            return CheckResult(
                name, False, str(outcome.expect_errors[0].first), len(outcomes), elapsed, label
            )
    skipped = tuple(
        f"step {k}, {e.name} ({e.skipped} turned)"
        for k, outcome in enumerate(outcomes, 1)
        for e in outcome.expects
        if e.skipped
    )
    return CheckResult(
        name, True, "", len(outcomes), elapsed, label, pick(lesson.lesson.title, lang), skipped
    )
