"""What the command line asked the app for: where the lessons are, and how to run them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class AppConfig:
    """Options passed through from `tutor` to every Run the app starts.

    `folder` is listed; `lesson` opens directly (and `q` then quits instead of going back to a
    list). `lang` is `--lang` as given (None: from LANG, see `TutorApp.lang`). `device` and
    `sets` stay text until torch has loaded: checking them needs the engine.
    """

    folder: Path | None = None
    lesson: Path | None = None
    lang: str | None = None
    device: str | None = None
    sets: tuple[str, ...] = field(default_factory=tuple)
    learner: str | None = None  # whose progress is saved; default: the local user
    data: Path | None = None  # where the progress store lives; default: the user data dir
    watch: bool = False  # `tutor watch`: reload the lesson whenever its file changes
    classroom: bool = False  # a student's SSH session: no suspend, `q` on the list ends it
    train_seconds: float = 1.5
    """A `repeat` with a plot, run for the first time (or re-run by a knob) on screen, takes at
    least this long, so the learner sees the curve grow (its steps take milliseconds); 0: as
    fast as it computes."""
