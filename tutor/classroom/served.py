"""The lessons a classroom serves: `--lessons` names files and folders, in the order given.

Progress and grades are kept by lesson id, so two lessons served with one id would share a
student's answers: the server refuses to start, naming both files. Every session lists what is
served; the app lists one folder, so several paths are gathered in a folder of links in the
data folder (a link keeps the lesson's own folder for its data files: the loader resolves it).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tutor.lesson import LessonError, find_lessons, load_lesson, pick
from tutor.lesson.load import LESSON_SUFFIXES
from tutor.progress.grades import StepInfo

LINKS = "served-lessons"  # in the data folder, rebuilt at every start


@dataclass(frozen=True)
class Served:
    """What the sessions are given, and what grades and `send` count on."""

    folder: Path  # listed by every session
    lesson: Path | None  # one lesson file served: every session opens it directly
    paths: dict[str, Path]  # lesson id → its file (where `send` sends students)
    steps: list[StepInfo]  # every step served: questions, titles


def lesson_files(paths: Sequence[Path]) -> list[Path]:
    """Every lesson file under `paths`, in the order given; a file named twice (or inside a
    folder also given) counts once."""
    files: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        if not path.exists():
            raise ValueError(f"no lessons at {path} (give lesson files or folders)")
        if path.is_file() and path.suffix not in LESSON_SUFFIXES:
            raise ValueError(f"{path}: not a lesson file (a lesson file ends in .yaml)")
        for file in [path] if path.is_file() else find_lessons(path):
            if file.resolve() not in seen:
                seen.add(file.resolve())
                files.append(file)
    return files


def read_served(paths: Sequence[Path], data: Path) -> Served:
    """Load what `paths` serve; a lesson id served twice is refused with both files named
    (`FILE:LINE:COL: sentence`). A lesson that does not load is left to the check at start,
    which says what is wrong with it; the sessions list it with its error."""
    files = lesson_files(paths)
    owners: dict[str, Path] = {}
    steps: list[StepInfo] = []
    for path in files:
        try:
            loaded = load_lesson(path)
        except LessonError:
            continue
        lesson = loaded.lesson
        if lesson.id in owners:
            pos = loaded.where("id")
            raise ValueError(
                f"{loaded.name}:{pos.line}:{pos.col}: the id '{lesson.id}' is also the id of "
                f"{owners[lesson.id]}, both served by --lessons; progress is kept by id, so "
                "every lesson served needs its own (change one id, or serve one of them)"
            )
        owners[lesson.id] = path
        title = pick(lesson.title, "en")
        for i, step in enumerate(lesson.steps):
            question = any(getattr(step, k, None) is not None for k in ("ask", "choose", "write"))
            steps.append(
                StepInfo(
                    lesson.id, lesson.step_id(i), i + 1, pick(step.title, "en"), question, title
                )
            )
    unique = list(dict.fromkeys(p.resolve() for p in paths))
    if len(unique) == 1 and unique[0].is_dir():
        return Served(unique[0], None, owners, steps)
    if len(unique) == 1:
        return Served(unique[0].parent, unique[0], owners, steps)
    return Served(link_folder(paths, files, data / LINKS), None, owners, steps)


def link_folder(paths: Sequence[Path], files: Sequence[Path], target: Path) -> Path:
    """A folder that lists `files` in the order their `paths` were given: `01-NAME` for each
    path (a folder's own layout kept inside), each lesson a link to its file."""
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.exists():
        shutil.rmtree(target)  # ours: links and folders from the last start
    target.mkdir(mode=0o700)
    width = len(str(len(paths)))
    for file in files:
        index, given = next(
            (i, p) for i, p in enumerate(paths, start=1) if file == p or p in file.parents
        )
        prefix = f"{index:0{width + 1}d}-{given.name}"
        link = target / prefix / file.relative_to(given) if given.is_dir() else target / prefix
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(file.resolve())
    return target
