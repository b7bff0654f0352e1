"""What is wrong between the lessons of a folder, not inside one: two lessons with one id
(progress is kept by id, so they would share it), and `requires:` naming no lesson there."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path

from tutor.i18n import _
from tutor.lesson.errors import LessonError, Problem
from tutor.lesson.load import LESSON_SUFFIXES
from tutor.lesson.source import Source, read_source

SHARED_ID_NAMED = 3
"""Files named in a shared-id message; the rest are counted."""


def folder_problems(
    files: Sequence[Path],
) -> tuple[dict[Path, list[Problem]], dict[Path, list[Problem]]]:
    """Problems (an id shared among `files`) and warnings (`requires:` naming no lesson
    among the files and the lessons beside them) of each of `files`. A `requires:` is a warning: a
    lesson being written may sit alone in a folder, away from the ones it builds on."""
    scope: dict[Path, Path] = {}  # resolved -> as given
    for path in files:
        scope.setdefault(path.resolve(), path)
    for folder in {path.resolve().parent for path in files}:
        for sibling in sorted(folder.iterdir()):
            if sibling.suffix in LESSON_SUFFIXES and sibling.is_file():
                scope.setdefault(sibling, sibling)
    sources: dict[Path, Source] = {}
    for resolved, path in scope.items():
        try:
            source = read_source(path)
        except LessonError:
            continue  # its own check says why
        if isinstance(source.data, dict) and isinstance(source.data.get("id"), str):
            sources[resolved] = source
    owners: dict[str, list[Path]] = {}  # among the lessons checked: a folder checked whole
    checked = {path.resolve() for path in files}  # finds its twins, one file is not blamed
    for resolved, source in sources.items():  # for a sibling it was not asked about
        if resolved in checked:
            owners.setdefault(source.data["id"], []).append(resolved)
    out: dict[Path, list[Problem]] = {}
    warnings: dict[Path, list[Problem]] = {}
    for path in files:
        resolved = path.resolve()
        source = sources.get(resolved)
        if source is None:
            continue
        problems = out.setdefault(path, [])
        lesson_id = source.data["id"]
        others = [p for p in owners[lesson_id] if p != resolved]
        if others:
            names = ", ".join(scope[p].name for p in others[:SHARED_ID_NAMED])
            more = len(others) - SHARED_ID_NAMED
            said = (
                _(
                    "the id '{id}' is also the id of {names} and {more} more in this folder; "
                    "progress is kept by id, so every lesson needs its own"
                )
                if more > 0  # a folder of copies: a sentence, not a page
                else _(
                    "the id '{id}' is also the id of {names} in this folder; "
                    "progress is kept by id, so every lesson needs its own"
                )
            )
            problems.append(
                Problem(
                    source.file,
                    source.value_pos(("id",)),
                    said.format(id=lesson_id, names=names, more=more),
                )
            )
        requires = source.data.get("requires")
        for j, wanted in enumerate(requires if isinstance(requires, list) else []):
            if not isinstance(wanted, str) or wanted in owners:
                continue
            guess = difflib.get_close_matches(wanted, list(owners), n=1, cutoff=0.6)
            hint = _("; did you mean '{guess}'?").format(guess=guess[0]) if guess else ""
            warnings.setdefault(path, []).append(
                Problem(
                    source.file,
                    source.value_pos(("requires", j)),
                    _("requires '{id}', and no lesson in this folder has that id{hint}").format(
                        id=wanted, hint=hint
                    ),
                )
            )
    return {p: v for p, v in out.items() if v}, warnings
