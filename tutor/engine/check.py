"""`tutor check`: run a lesson headless and report every problem of it, each located.

A failed `expect` does not stop the lesson, and a broken step stops only the steps that read
what it would have computed (`Run(keep_going=True)`), so an author fixes a lesson in one round,
not one problem per round. Values that are not finite (NaN, inf) are warnings: an exploding
gradient may be the point of a lesson, but it is never a surprise.
"""

from __future__ import annotations

import math
import time
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from tutor.engine.device import device_label
from tutor.engine.errors import LessonRuntimeError
from tutor.engine.limits import Cancelled
from tutor.engine.run import Run, StepOutcome
from tutor.i18n import _
from tutor.lesson import LessonError, LessonFile, flow, load_lesson, pick
from tutor.lesson.clean import clean_line
from tutor.lesson.errors import Pos, Problem
from tutor.lesson.load import lesson_warnings, unassigned_checks
from tutor.lesson.models import both
from tutor.lesson.tolerance import EXPECT_TOLERANCE

TABLE_ROWS = 12
"""Rows of a mismatch's table at most; the rest are counted."""


@dataclass(frozen=True)
class Finding:
    """One located problem or warning, with the table of a mismatch under it."""

    text: str  # `FILE:LINE:COL: ...`
    table: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckResult:
    path: str
    ok: bool
    problems: tuple[Finding, ...]
    steps: int
    seconds: float
    device: str = ""
    title: str = ""
    skipped: tuple[str, ...] = ()  # `expect`s a turned knob made not apply: "step 10, w (lr)"
    warnings: tuple[Finding, ...] = ()
    not_run: tuple[str, ...] = ()  # "step 5: reads 'y', which step 4 could not compute"
    # (step index from 0, expect name) -> the computed value, for `check --update`
    computed: dict[tuple[int, str], Any] = field(default_factory=dict)

    @property
    def problem(self) -> str:
        """The first problem, `FILE:LINE:COL: ...`, or "" when ok."""
        return self.problems[0].text if self.problems else ""


def _unexpected(name: str, error: BaseException) -> Problem:
    """A sentence for what no check foresaw (a bug of the tutor's, or the machine out of
    memory): the lesson fails with it, the traceback stays out of the author's terminal."""
    if isinstance(error, MemoryError):
        what = _("the machine ran out of memory running this lesson")
    elif isinstance(error, RecursionError):
        what = _("this lesson nests something too deeply to run")
    elif isinstance(error, Cancelled):
        what = str(error)
    else:
        what = _("the tutor could not run this lesson ({detail})").format(
            detail=clean_line(str(error), 200) or _("no detail")
        )
    return Problem(name, Pos(1, 1), what)


def check_lesson(
    path: Path,
    *,
    display: str | None = None,
    device: str | None = None,
    lang: str = "en",
    seconds: float | None = None,
    params: Mapping[str, str] | None = None,
    on_run: Callable[[Run], None] | None = None,
) -> CheckResult:
    """Load, run every step (questions are not waited for; a write step runs its reference)
    and verify every `expect`, reporting every problem found, in the file's order.
    Never raises: a lesson that breaks the tutor fails with a sentence. `seconds` is the time
    budget of one step (default `limits.STEP_SECONDS`). `params` turns the knobs the lesson
    has (`check --set`); the checks that depend on a turned knob are reported skipped.
    `on_run` is handed the Run before it runs, so that another thread may cancel it
    (`tutor watch` checks in the background and stops a check the next save made stale)."""
    name = display or str(path)
    started = time.perf_counter()

    def failed(problems: list[Problem], steps: int = 0) -> CheckResult:
        found = tuple(Finding(str(p)) for p in problems)
        return CheckResult(name, False, found, steps, time.perf_counter() - started)

    try:
        lesson = load_lesson(path, name)
        turned = {k: v for k, v in (params or {}).items() if k in lesson.lesson.params}
        run = Run(
            lesson,
            device=device,
            lang=lang,
            params=turned,
            keep_going=True,
            **({"seconds": seconds} if seconds else {}),
        )
        if on_run is not None:
            on_run(run)
        outcomes = run.run_all()
    except LessonError as e:
        return failed(e.problems)
    except LessonRuntimeError as e:  # a --set value the knob refuses
        return failed([Problem(name, Pos(1, 1), e.message)])
    except Exception as e:
        return failed([_unexpected(name, e)])
    elapsed = time.perf_counter() - started
    problems: list[tuple[Pos, Finding]] = [
        (p.pos, Finding(str(p))) for p in unassigned_checks(lesson)
    ]
    warnings: list[tuple[Pos, Finding]] = [
        (p.pos, Finding(str(p))) for p in lesson_warnings(lesson)
    ]
    not_run: list[str] = []
    computed: dict[tuple[int, str], Any] = {}
    for k, outcome in enumerate(outcomes, 1):
        if outcome.not_run:
            not_run.append(_("step {k}: {why}").format(k=k, why=outcome.not_run))
            continue
        if outcome.error is not None:
            problems += [(p.pos, Finding(str(p))) for p in outcome.error.problems]
            continue
        expected = dict((c.text, v) for c, v in lesson.code[k - 1].expect)
        for result, error in zip(
            [e for e in outcome.expects if not e.ok], outcome.expect_errors, strict=False
        ):
            computed[(k - 1, result.name)] = result.got
            table = mismatch_table(result.got, expected.get(result.name), _tolerance(lesson, k))
            problems += [(p.pos, Finding(str(p), table)) for p in error.problems]
        warnings += [(p.pos, Finding(str(p))) for p in non_finite(run, k, outcome)]
    skipped = tuple(
        _("step {k}, {name} ({knob} turned)").format(k=k, name=e.name, knob=e.skipped)
        for k, outcome in enumerate(outcomes, 1)
        for e in outcome.expects
        if e.skipped
    )
    return CheckResult(
        name,
        not problems,
        tuple(f for _at, f in sorted(problems, key=lambda p: p[0])),
        len(outcomes),
        elapsed,
        device_label(run.device),
        pick(lesson.lesson.title, lang),
        skipped,
        tuple(f for _at, f in sorted(warnings, key=lambda p: p[0])),
        tuple(not_run),
        computed,
    )


def _tolerance(lesson: LessonFile, k: int) -> float:
    return lesson.lesson.steps[k - 1].tolerance or EXPECT_TOLERANCE


def mismatch_table(got: Any, expected: Any, tolerance: float) -> tuple[str, ...]:
    """The whole differing region of a mismatch as rows `index  expected  got` (at most
    TABLE_ROWS, then how many more); none for single numbers or different shapes."""
    if got is None or expected is None:
        return ()
    try:
        g = torch.tensor(got, dtype=torch.float64)
        w = torch.tensor(expected, dtype=torch.float64)
    except (TypeError, ValueError, RuntimeError):
        return ()
    if g.shape != w.shape or w.numel() <= 1:
        return ()
    bad = ~torch.isclose(g, w, rtol=tolerance, atol=tolerance, equal_nan=True)
    where = [tuple(int(i) for i in idx) for idx in torch.nonzero(bad).tolist()]
    rows = [(_("index"), _("expected"), _("got"))]
    rows += [
        (f"[{', '.join(map(str, idx))}]", f"{w[idx].item():.6g}", f"{g[idx].item():.6g}")
        for idx in where[:TABLE_ROWS]
    ]
    widths = [max(_cells(r[c]) for r in rows) for c in range(3)]
    lines = tuple(
        "  ".join(" " * (widths[c] - _cells(r[c])) + r[c] for c in range(3)) for r in rows
    )
    if len(where) > TABLE_ROWS:
        lines += (_("… and {n} more").format(n=len(where) - TABLE_ROWS),)
    return lines


def _cells(text: str) -> int:
    """Columns `text` takes in a terminal: a Chinese heading is two per character."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def non_finite(run: Run, k: int, outcome: StepOutcome) -> list[Problem]:
    """Warnings for step k: every value it assigned, gradient it made or series it plotted
    that holds NaN or inf, located at the code that made it."""
    code = run.file.code[k - 1]
    out: list[Problem] = []
    names = sorted(n for n in flow.writes(code) if n != flow.GRAD)
    for name in names:
        try:
            value = run.value(name, k)
        except KeyError:
            continue
        what = _bad(value)
        if what:
            message = _("in step {k}, '{name}' holds {what}").format(k=k, name=name, what=what)
            out.append(run.file.problem(_assigned_at(run, k, name), message).first)
    if code.backward is not None:
        for name in run.state_names(k):
            value = run.value(name, k)
            grad = value.grad if isinstance(value, torch.Tensor) and value.is_leaf else None
            what = _bad(grad) if grad is not None else ""
            if what:
                message = _("in step {k}, the gradient {name}.grad holds {what}").format(
                    k=k, name=name, what=what
                )
                out.append(run.file.problem(code.backward.origin, message).first)
    for c in code.plot:
        series = outcome.series.get(c.text, [])
        first = next((i for i, v in enumerate(series) if not math.isfinite(v)), None)
        if first is not None:
            bad = sum(1 for v in series if not math.isfinite(v))
            message = _(
                "in step {k}, the plot of '{name}' is not finite from iteration {first} "
                "({bad} of {n} points)"
            ).format(k=k, name=c.text, first=first, bad=bad, n=len(series))
            out.append(run.file.problem(c.origin, message).first)
    return out


def _assigned_at(run: Run, k: int, name: str) -> Pos:
    """Where step k assigns `name` (its last statement that does)."""
    code = run.file.code[k - 1]
    where = run.file.where("steps", k - 1)
    for c in (*code.run, *code.write):
        for statement in c.statements:
            if name in flow.written(statement):
                where = c.pos(statement)
    return where


def _bad(value: Any) -> str:
    """'nan', 'inf' or 'nan and inf' (with how many of how many values), or ''."""
    if isinstance(value, float):
        return "" if math.isfinite(value) else str(value)
    if not isinstance(value, torch.Tensor) or not value.is_floating_point():
        return ""
    nan = int(torch.isnan(value).sum())
    inf = int(torch.isinf(value).sum())
    if not nan and not inf:
        return ""
    kinds = both([w for w, n in (("nan", nan), ("inf", inf)) if n])
    if value.numel() == 1:
        return kinds
    return _("{kinds} ({bad} of {n} values)").format(kinds=kinds, bad=nan + inf, n=value.numel())
