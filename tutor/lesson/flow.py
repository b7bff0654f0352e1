"""Which values depend on which knob, from the lesson's own code: decided once, at load.

A knob taints the names of every statement that reads it (or reads a tainted name), step after
step; `backward` on a tainted value taints the gradients. A knob re-runs from the first step
that reads it (`readers`), and an `expect` on a tainted value is the author's check of the
knob's default only, so it is skipped while the knob is turned (`expect_knobs`).
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tutor.lesson.load import StepCode

GRAD = ".grad"
"""The pseudo-name under which the gradients' knobs are kept (autograd fills every .grad)."""


def readers(code: Sequence[StepCode], knob: str) -> list[int]:
    """The steps (from 1) that read `knob`: turning it re-runs from the first of them."""
    return [k for k, step in enumerate(code, 1) if knob in step.reads]


def writes(step: StepCode) -> set[str]:
    """Every name a step may change (its `run`, a write step's reference; `backward`: the
    gradients): what a later step cannot trust when this one broke."""
    names = {n for c in (*step.run, *step.write) for s in c.statements for n in written(s)}
    if step.backward is not None:
        names.add(GRAD)
    return names


def step_reads(step: StepCode) -> set[str]:
    """Every name a step reads, with GRAD when it reads a gradient."""
    names = set(step.reads)
    if any(GRAD in _reads(c.tree) for c in step.codes):
        names.add(GRAD)
    return names


def _reads(tree: ast.AST) -> set[str]:
    names = {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }
    if any(isinstance(n, ast.Attribute) and n.attr == "grad" for n in ast.walk(tree)):
        names.add(GRAD)
    return names


def written(statement: ast.stmt) -> set[str]:
    """Names a statement changes: assigned, augmented, or assigned into (`x[0] = …`)."""
    targets: list[ast.AST] = []
    if isinstance(statement, ast.Assign):
        targets = list(statement.targets)
    elif isinstance(statement, ast.AugAssign):
        targets = [statement.target]
    names: set[str] = set()
    while targets:
        t = targets.pop()
        if isinstance(t, ast.Name):
            names.add(t.id)
        elif isinstance(t, ast.Tuple):
            targets.extend(t.elts)
        elif isinstance(t, ast.Subscript | ast.Attribute):
            targets.append(t.value)
    return names


def expect_knobs(
    code: Sequence[StepCode], knobs: Iterable[str], repeats: Sequence[bool]
) -> list[StepCode]:
    """Every step's code with `expect_knobs` filled in: per `expect`, the knobs it depends on.
    `repeats` says which steps repeat (their later statements feed the earlier ones)."""
    taint: dict[str, frozenset[str]] = {k: frozenset([k]) for k in knobs}
    out = []
    for step, repeat in zip(code, repeats, strict=True):
        extra = frozenset([step.sweep]) if step.sweep else frozenset()
        statements = [s for c in (*step.run, *step.write) for s in c.statements]
        for _ in range(len(statements) if repeat else 1):
            for statement in statements:
                source = extra.union(*(taint.get(n, frozenset()) for n in _reads(statement)))
                for name in written(statement):
                    taint[name] = taint.get(name, frozenset()) | source
        if step.backward is not None:
            source = extra.union(*(taint.get(n, frozenset()) for n in _reads(step.backward.tree)))
            taint[GRAD] = taint.get(GRAD, frozenset()) | source
        per_expect = tuple(
            frozenset().union(*(taint.get(n, frozenset()) for n in _reads(c.tree)))
            for c, _ in step.expect
        )
        out.append(dataclasses.replace(step, expect_knobs=per_expect))
    return out
