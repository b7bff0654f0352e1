"""The lessons of a folder, read without torch so that the list can be drawn at once.

A file that fails to load stays in the catalog with its error: a teacher sees what is wrong
instead of wondering where a lesson went.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tutor.lesson import LessonError, LessonFile, Pos, find_lessons, load_lesson, pick


@dataclass(frozen=True)
class CatalogEntry:
    """One lesson file: loaded (`lesson`) or not (`error`, located `FILE:LINE:COL: ...`)."""

    path: Path
    lesson: LessonFile | None = None
    error: LessonError | None = None

    @property
    def ok(self) -> bool:
        return self.lesson is not None

    def title(self, lang: str) -> str:
        if self.lesson is None:
            return self.path.name
        return pick(self.lesson.lesson.title, lang)

    def summary(self, lang: str) -> str:
        if self.lesson is None:
            return ""
        return " ".join(pick(self.lesson.lesson.summary, lang).split())

    @property
    def steps(self) -> int:
        return len(self.lesson.lesson.steps) if self.lesson else 0

    @property
    def requires(self) -> tuple[str, ...]:
        return tuple(self.lesson.lesson.requires) if self.lesson else ()

    @property
    def lesson_id(self) -> str:
        return self.lesson.lesson.id if self.lesson else self.path.stem


def read_entry(path: Path, display: str | None = None) -> CatalogEntry:
    """Load one file; a `LessonError` becomes part of the entry, never an exception."""
    try:
        return CatalogEntry(path, lesson=load_lesson(path, display))
    except LessonError as error:
        return CatalogEntry(path, error=error)
    except Exception as error:  # a bug in the loader must not take the whole list down
        problem = LessonError.at(display or str(path), Pos(1, 1), f"cannot load: {error}")
        return CatalogEntry(path, error=problem)


def read_catalog(folder: Path) -> Iterator[CatalogEntry]:
    """Every lesson under `folder`, in file-name order, one at a time (each takes ~15 ms)."""
    for path in find_lessons(folder):
        yield read_entry(path, _display(path, folder))


def _display(path: Path, folder: Path) -> str:
    try:
        return str(path.relative_to(folder))
    except ValueError:
        return str(path)
