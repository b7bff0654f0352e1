"""The lessons that ship with the tutor, and finding one by file, name or id."""

from __future__ import annotations

from pathlib import Path

from tutor.lesson.load import find_lessons
from tutor.resources import BUNDLED_LESSONS as BUNDLED


def find_lesson(text: str, folder: Path = BUNDLED) -> Path | None:
    """A lesson file, or the bundled lesson called `text` (`neuron`, `02-neuron`, or its id)."""
    path = Path(text)
    if path.is_file():
        return path
    if folder.is_dir() and not path.suffix:
        for candidate in find_lessons(folder):
            if (
                text in (candidate.stem, candidate.stem.split("-", 1)[-1])
                or lesson_id(candidate) == text
            ):
                return candidate
    return None


def lesson_id(path: Path) -> str | None:
    """The `id:` line of a lesson file, read without parsing the whole file."""
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines()[:40]:
        if line.startswith("id:"):
            return line.split(":", 1)[1].split("#")[0].strip().strip("'\"")
    return None
