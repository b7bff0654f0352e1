"""The lessons a classroom serves: `--lessons` names files and folders, in the order given.

Progress and grades are kept by lesson id, so two lessons served with one id would share a
student's answers: two paths that serve one id stop the start, naming both files (inside one
folder, the first file keeps the id and `tutor check` at start reports the other, as it always
has: a stray copy in the course folder does not keep a class out). Every session lists what is
served; the app lists one folder, so several paths are gathered in a folder of links in the
data folder (a link keeps the lesson's own folder for its data files: the loader resolves it).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tutor.i18n import _
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


def lesson_files(paths: Sequence[Path]) -> list[tuple[Path, Path]]:
    """Every lesson file under `paths`, in the order given, each with the path that gave it;
    a file named twice (or inside a folder also given) counts once."""
    files: list[tuple[Path, Path]] = []
    seen: set[Path] = set()
    for path in paths:
        if not path.exists():
            raise ValueError(
                _("no lessons at {path} (give lesson files or folders)").format(path=path)
            )
        if path.is_file() and path.suffix not in LESSON_SUFFIXES:
            said = _("not a lesson file (a lesson file ends in .yaml)")
            raise ValueError(f"{path}: {said}")
        for file in [path] if path.is_file() else find_lessons(path):
            if file.resolve() not in seen:
                seen.add(file.resolve())
                files.append((path, file))
    return files


def read_served(paths: Sequence[Path], data: Path) -> Served:
    """Load what `paths` serve; a lesson id that two of them serve is refused with both files
    named (`FILE:LINE:COL: sentence`). A lesson that does not load is left to the check at
    start, which says what is wrong with it; the sessions list it with its error."""
    files = lesson_files(paths)
    owners: dict[str, tuple[Path, Path]] = {}  # lesson id → (the path given, its file)
    steps: list[StepInfo] = []
    for given, path in files:
        try:
            loaded = load_lesson(path)
        except LessonError:
            continue
        lesson = loaded.lesson
        if lesson.id in owners:
            if owners[lesson.id][0] == given:
                continue  # one folder's own twin: the check at start names it
            pos = loaded.where("id")
            said = _(
                "the id '{id}' is also the id of {other}, both served by --lessons; progress "
                "is kept by id, so every lesson served needs its own (change one id, or serve "
                "one of them)"
            ).format(id=lesson.id, other=owners[lesson.id][1])
            raise ValueError(f"{loaded.name}:{pos.line}:{pos.col}: {said}")
        owners[lesson.id] = (given, path)
        title = pick(lesson.title, "en")
        for i, step in enumerate(lesson.steps):
            question = any(getattr(step, k, None) is not None for k in ("ask", "choose", "write"))
            steps.append(
                StepInfo(
                    lesson.id, lesson.step_id(i), i + 1, pick(step.title, "en"), question, title
                )
            )
    by_id = {lesson_id: path for lesson_id, (_, path) in owners.items()}
    unique = list(dict.fromkeys(p.resolve() for p in paths))
    if len(unique) == 1 and unique[0].is_dir():
        return Served(unique[0], None, by_id, steps)
    if len(unique) == 1:
        return Served(unique[0].parent, unique[0], by_id, steps)
    return Served(link_folder(paths, files, data / LINKS), None, by_id, steps)


def link_folder(paths: Sequence[Path], files: Sequence[tuple[Path, Path]], target: Path) -> Path:
    """A folder that lists `files` (each with the path that gave it) in the order `paths`
    were given: `01-NAME` for each path (a folder's own layout kept inside), each lesson a
    link to its file."""
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.exists():
        shutil.rmtree(target)  # ours: links and folders from the last start
    target.mkdir(mode=0o700)
    width = len(str(len(paths))) + 1
    for given, file in files:
        prefix = f"{paths.index(given) + 1:0{width}d}-{given.name}"
        link = target / prefix / file.relative_to(given) if given.is_dir() else target / prefix
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(file.resolve())
    return target
