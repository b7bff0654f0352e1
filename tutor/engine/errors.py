"""Errors the engine raises: each carries a sentence for the lesson's author or learner.

The evaluator and the lesson functions raise `LessonRuntimeError` with a plain message and
no location; the Run adds the file, line, column and step before anyone sees it.
"""

from __future__ import annotations


class LessonRuntimeError(Exception):
    """A statement could not run: a shape mismatch, an unknown name, a bad argument."""

    def __init__(self, message: str, *, col: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.col = col  # column within the statement, when the evaluator knows it


class UnsafeExpression(LessonRuntimeError):
    """A statement reaches for something the tutor does not allow (imports, `_names`...)."""
