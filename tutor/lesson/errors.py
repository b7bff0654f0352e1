"""Problems in a lesson file, each pinned to a file, line and column."""

from __future__ import annotations

from dataclasses import dataclass

from tutor.lesson.clean import clean_line


@dataclass(frozen=True, order=True)
class Pos:
    """A 1-based line and column in a lesson file."""

    line: int
    col: int


@dataclass(frozen=True)
class Problem:
    file: str
    pos: Pos
    message: str

    def __str__(self) -> str:
        """One line whatever the message quotes: a stray escape or newline from the lesson
        is shown, not sent to the terminal."""
        return (
            f"{clean_line(self.file, 500)}:{self.pos.line}:{self.pos.col}: "
            f"{clean_line(self.message, 2000)}"
        )


class LessonError(Exception):
    """A lesson that cannot be loaded or run; `str()` gives one `FILE:LINE:COL: ...` per line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.pos, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(cls, file: str, pos: Pos, message: str) -> LessonError:
        return cls([Problem(file, pos, message)])

    @property
    def first(self) -> Problem:
        return self.problems[0]
