"""Predictions: an `ask` placed before the step that computes its value.

The learner's first number is their prediction; once the lesson computes the value for real,
they see how far off they were. Which step computes it is decided from the code when the lesson
loads (`StepCode.predicts`, tutor.lesson.predicts); failing that, from the numbers of the step
right after the question (it writes a single number equal to the answer: `z = products.sum() + b`
for `(x * w).sum() + b`). Both compare with the one rule, `tutor.lesson.tolerance`.

No torch here: values from the Run are read through `.numel()` and `.item()`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tutor.lesson.tolerance import ASK_TOLERANCE, close_enough

if TYPE_CHECKING:
    from tutor.engine.run import Run


def _number(value: Any) -> float | None:
    try:
        if hasattr(value, "numel"):
            return float(value.item()) if value.numel() == 1 else None
        if isinstance(value, bool):
            return None
        return float(value) if isinstance(value, (int, float)) else None
    except (TypeError, ValueError, RuntimeError):
        return None


def ask_tolerance(run: Run, k: int) -> float:
    """Step k's own tolerance, else the format's default for an `ask`."""
    return run.lesson.steps[k - 1].tolerance or ASK_TOLERANCE


def writes_answer(run: Run, k: int, j: int) -> bool:
    """Whether step j (already computed) wrote a single number equal to step k's answer."""
    expected = run.outcome(k).answer
    if expected is None or not run.done(j):
        return False
    tolerance = ask_tolerance(run, k)
    for code in run.file.code[j - 1].run:
        for name in code.writes:
            try:
                value = _number(run.value(name, j))
            except KeyError:
                continue
            if value is not None and close_enough(value, expected, tolerance):
                return True
    return False


def reveal_step(run: Run, k: int) -> int | None:
    """Where the prediction asked at step k meets the real value: the step that computes it
    (from the code, decided at load), else the next step when its numbers show it."""
    static = run.file.code[k - 1].predicts
    if static is not None:
        return static
    if k < run.total and writes_answer(run, k, k + 1):
        return k + 1
    return None
