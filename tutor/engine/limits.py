"""Caps that keep a teacher's lesson or a learner's answer from exhausting the machine."""

from __future__ import annotations

from collections.abc import Iterable
from math import prod

from tutor.engine.errors import LessonRuntimeError

MAX_ELEMENTS = 10_000_000  # per tensor; ~40 MB of float32
MAX_REPEAT = 100_000
MAX_INT_BITS = 4_096  # Python integers built by ** in expressions


def check_numel(shape: Iterable[int], what: str = "tensor") -> None:
    """Refuse a shape before anything of that size is allocated."""
    dims = [int(d) for d in shape]
    if any(d < 0 for d in dims):
        raise LessonRuntimeError(f"a {what} cannot have a negative size ({_fmt(dims)})")
    n = prod(dims)
    if n > MAX_ELEMENTS:
        raise LessonRuntimeError(
            f"a {what} of shape {_fmt(dims)} would hold {n:,} elements; "
            f"the limit is {MAX_ELEMENTS:,}"
        )


def _fmt(dims: list[int]) -> str:
    return "×".join(str(d) for d in dims) or "scalar"
