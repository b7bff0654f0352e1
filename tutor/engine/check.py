"""`tutor check`: run a lesson headless and report its first problem, located."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from tutor.engine.device import device_label
from tutor.engine.limits import Cancelled
from tutor.engine.run import Run
from tutor.lesson import LessonError, load_lesson, pick
from tutor.lesson.clean import clean_line
from tutor.lesson.errors import Pos, Problem


@dataclass(frozen=True)
class CheckResult:
    path: str
    ok: bool
    problem: str  # the first problem, `FILE:LINE:COL: ...`, or "" when ok
    steps: int
    seconds: float
    device: str = ""
    title: str = ""


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
) -> CheckResult:
    """Load, run every step (questions are not waited for) and verify every `expect`.
    Never raises: a lesson that breaks the tutor fails with a sentence. `seconds` is the time
    budget of one step (default `limits.STEP_SECONDS`)."""
    name = display or str(path)
    started = time.perf_counter()
    try:
        lesson = load_lesson(path, name)
        run = Run(lesson, device=device, lang=lang, **({"seconds": seconds} if seconds else {}))
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
    return CheckResult(
        name, True, "", len(outcomes), elapsed, label, pick(lesson.lesson.title, lang)
    )
