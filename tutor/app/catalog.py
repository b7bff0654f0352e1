"""The lessons of a folder, read without torch so that the list can be drawn at once.

A file that fails to load stays in the catalog with its error: a teacher sees what is wrong
instead of wondering where a lesson went.

The classroom's zygote reads its folder once (`share`) before it forks a session: every
session then finds the entries already read, shared copy-on-write, instead of parsing each
file again (that parse left ~15 MB of each session's own memory, issue 23). A file changed
since is read again, so the list always shows the file as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tutor.lesson import LessonError, LessonFile, Pos, find_lessons, load_lesson, pick

Stamp = tuple[int, int, str | None]
"""A file as it was read: its modification time (ns), its size, the name it was shown by."""

_shared: dict[Path, tuple[Stamp, CatalogEntry]] = {}
"""Entries read before this process forked (`share`), by path as `read_catalog` names it."""


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
    """Load one file; a `LessonError` becomes part of the entry, never an exception. An
    entry shared by the process this one was forked from is used while the file is unchanged."""
    kept = _shared.get(path)
    if kept is not None and kept[0] == _stamp(path, display):
        return kept[1]
    return _load(path, display)


def share(folder: Path) -> bool:
    """Read every lesson under `folder` and keep it for the processes forked from this one
    (the classroom's zygote); True when something was read (new or changed since)."""
    read: dict[Path, tuple[Stamp, CatalogEntry]] = {}
    changed = False
    for path in find_lessons(folder):
        display = _display(path, folder)
        stamp = _stamp(path, display)  # before the read: a file changed meanwhile is read again
        kept = _shared.get(path)
        if kept is None or kept[0] != stamp:
            kept, changed = (stamp, _load(path, display)), True
        read[path] = kept
    changed = changed or read.keys() != _shared.keys()
    _shared.clear()
    _shared.update(read)
    return changed


def _stamp(path: Path, display: str | None) -> Stamp:
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1, display)
    return (stat.st_mtime_ns, stat.st_size, display)


def _load(path: Path, display: str | None) -> CatalogEntry:
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
