"""`tutor check`: run a lesson headless and report its first problem, located."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from tutor.engine.device import device_label
from tutor.engine.run import Run
from tutor.lesson import LessonError, load_lesson, pick


@dataclass(frozen=True)
class CheckResult:
    path: str
    ok: bool
    problem: str  # the first problem, `FILE:LINE:COL: ...`, or "" when ok
    steps: int
    seconds: float
    device: str = ""
    title: str = ""


def check_lesson(
    path: Path, *, display: str | None = None, device: str | None = None, lang: str = "en"
) -> CheckResult:
    """Load, run every step (questions are not waited for) and verify every `expect`."""
    name = display or str(path)
    started = time.perf_counter()
    try:
        lesson = load_lesson(path, name)
        run = Run(lesson, device=device, lang=lang)
        outcomes = run.run_all()
    except LessonError as e:
        return CheckResult(name, False, str(e.first), 0, time.perf_counter() - started)
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
