"""Predictions: an `ask` placed before the step that computes its value.

The learner's first number is their prediction; once the lesson computes the value for real,
they see how far off they were. "Computes" is decided from the code where it can be (a later
step's statement contains the answer's expression, as `loss = mse(y_hat, y)` holds
`mse(y_hat, y)`), and from the numbers for the step right after the question (it writes a
single number equal to the answer: `z = products.sum() + b` for `(x * w).sum() + b`).

No torch here: values from the Run are read through `.numel()` and `.item()`.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tutor.engine.run import Run
    from tutor.lesson import LessonFile


@dataclass(frozen=True)
class Reveal:
    """A prediction and the value the lesson went on to compute."""

    step: int  # the question's step
    given: float
    real: float
    correct: bool

    @property
    def off(self) -> float:
        return abs(self.given - self.real)

    def text(self) -> str:
        """`you said 0.3; the real value is 0.25 (off by 0.05)`."""
        return (
            f"you said {self.given:.6g}; the real value is {self.real:.6g} (off by {self.off:.4g})"
        )


def _shapes(tree: ast.AST) -> set[str]:
    """The answer's expression, and its core without a final `[i]` or `.item()`: what a
    step that computes it would contain. A bare name or number says nothing."""
    node = tree.body if isinstance(tree, ast.Expression) else tree
    found: set[str] = set()
    while isinstance(node, ast.expr):
        if not isinstance(node, (ast.Name, ast.Constant)):
            found.add(ast.dump(node))
        if isinstance(node, ast.Subscript):
            node = node.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "item"
        ):
            node = node.func.value
        else:
            break
    return found


_COMPUTING: dict[tuple[int, int], tuple[LessonFile, int | None]] = {}


def computing_step(file: LessonFile, k: int) -> int | None:
    """The first step after step k (an `ask`) whose statements contain its answer's
    expression; None when no later step does (the question is then not a prediction, as
    far as the code tells). Kept per file and step: every redraw asks, and the answer
    (a walk over every later statement) never changes for a file once loaded."""
    kept = _COMPUTING.get((id(file), k))
    if kept is not None and kept[0] is file:
        return kept[1]
    if len(_COMPUTING) > 4096:
        _COMPUTING.clear()
    found = _computing_step(file, k)
    _COMPUTING[(id(file), k)] = (file, found)
    return found


def _computing_step(file: LessonFile, k: int) -> int | None:
    answer = file.code[k - 1].answer
    if answer is None:
        return None
    shapes = _shapes(answer.tree)
    if not shapes:
        return None
    for j in range(k + 1, len(file.code) + 1):
        for code in file.code[j - 1].run:
            if any(ast.dump(node) in shapes for node in ast.walk(code.tree)):
                return j
    return None


def _number(value: Any) -> float | None:
    try:
        if hasattr(value, "numel"):
            return float(value.item()) if value.numel() == 1 else None
        if isinstance(value, bool):
            return None
        return float(value) if isinstance(value, (int, float)) else None
    except (TypeError, ValueError, RuntimeError):
        return None


def writes_answer(run: Run, k: int, j: int) -> bool:
    """Whether step j (already computed) wrote a single number equal to step k's answer."""
    expected = run.outcome(k).answer
    if expected is None or not run.done(j):
        return False
    tolerance = run.lesson.steps[k - 1].tolerance or 0.01
    for code in run.file.code[j - 1].run:
        for name in code.writes:
            try:
                value = _number(run.value(name, j))
            except KeyError:
                continue
            if value is not None and math.isclose(
                value, expected, rel_tol=tolerance, abs_tol=tolerance
            ):
                return True
    return False


def reveal_step(run: Run, k: int) -> int | None:
    """Where the prediction asked at step k meets the real value: the step that computes it
    (from the code), else the next step when its numbers show it."""
    static = computing_step(run.file, k)
    if static is not None:
        return static
    if k < run.total and writes_answer(run, k, k + 1):
        return k + 1
    return None
