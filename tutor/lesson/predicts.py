"""Which later step computes an `ask`'s value: known from the code alone, so decided once, when
the lesson is loaded, rather than on every redraw.

An `ask` placed before the step that computes its value is a prediction: the learner's first
number is shown against the real one when that step runs. A later step "computes" it when one of
its statements contains the answer's expression (`loss = mse(y_hat, y)` holds `mse(y_hat, y)`).
What the code cannot tell (the step after writes the value under another expression) is decided
from the numbers, by the session (tutor.session.predictions).
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tutor.lesson.load import StepCode


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


def computing_step(code: Sequence[StepCode], k: int) -> int | None:
    """The first step after step k (1-based, an `ask`) whose statements contain its answer's
    expression; None when no later step does, as far as the code tells."""
    answer = code[k - 1].answer
    if answer is None:
        return None
    shapes = _shapes(answer.tree)
    if not shapes:
        return None
    for j in range(k + 1, len(code) + 1):
        for statement in (*code[j - 1].run, *code[j - 1].write):  # a write step computes too
            if any(ast.dump(node) in shapes for node in ast.walk(statement.tree)):
                return j
    return None


def with_predictions(code: Sequence[StepCode]) -> list[StepCode]:
    """Every step's compiled code with `predicts` filled in (see `computing_step`)."""
    return [dataclasses.replace(c, predicts=computing_step(code, k)) for k, c in enumerate(code, 1)]
