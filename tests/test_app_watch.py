"""`tutor watch`: edit the lesson under the running app; the change and the error come and go."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tutor.app.screens.watch import WatchScreen
from tutor.app.widgets.error_panel import ErrorPanel

from .app_support import LAYER, lesson_app, wait_for, wait_started


def save(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    stat = path.stat()  # a new stamp even when the clock's resolution is coarse
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


async def test_watch_reloads_on_save_and_keeps_the_step(tmp_path: Path) -> None:
    lesson = tmp_path / "layer.yaml"
    shutil.copy(LAYER, lesson)
    original = lesson.read_text(encoding="utf-8")
    app = lesson_app(lesson, watch=True)
    async with app.run_test(size=(100, 34)) as pilot:
        screen = await wait_started(pilot)
        assert isinstance(screen, WatchScreen)
        await pilot.press("right", "right")
        await wait_for(pilot, lambda: screen.session and screen.session.position == 2, "step 2")
        first_title = screen.session.run.view().title  # type: ignore[union-attr]

        # 1. an edit to the title of step 2 shows, on the same step
        edited = original.replace(first_title, "Renamed while watching", 1)
        assert edited != original
        save(lesson, edited)
        await wait_for(
            pilot,
            lambda: (
                screen.reloads == 1 and screen.session is not None and screen.session.position == 2
            ),
            "the reload",
        )
        assert screen.session.run.view().title == "Renamed while watching"  # type: ignore[union-attr]

        # 2. a mistake appears in place, with its location
        save(lesson, edited.replace("steps:", "stepz:", 1))
        panel = screen.query_one(ErrorPanel)
        await wait_for(pilot, lambda: panel.display, "the error panel")
        assert screen.session is None

        # 3. fixing it clears the error and returns to the step
        save(lesson, edited)
        await wait_for(
            pilot,
            lambda: (
                not panel.display and screen.session is not None and screen.session.position == 2
            ),
            "the fixed lesson",
        )


FOLLOW = """\
id: follow
title: Follow
params:
  k: {value: 1.0, min: 0.0, max: 5.0}
tensors:
  x: [1.0, 2.0]
steps:
  - {id: one, title: One, run: a = x * k}
  - {id: two, title: Two, run: b = a + 1}
  - {id: three, title: Three, run: c = b * 2}
"""


async def test_watch_follows_the_step_id_and_keeps_the_knobs(tmp_path: Path) -> None:
    """Issue 21: a step inserted above the author's keeps them on their step, not their
    position, and a knob they turned stays turned across the save."""
    lesson = tmp_path / "follow.yaml"
    save(lesson, FOLLOW)
    app = lesson_app(lesson, watch=True)
    async with app.run_test(size=(100, 34)) as pilot:
        screen = await wait_started(pilot)
        assert isinstance(screen, WatchScreen)
        await pilot.press("right", "right")
        await wait_for(pilot, lambda: screen.session and screen.session.position == 2, "step 2")
        screen.session.run.set_param("k", 3.0)  # type: ignore[union-attr]
        inserted = FOLLOW.replace(
            "  - {id: two", "  - {id: new, title: New, run: n = x + 0}\n  - {id: two", 1
        )
        save(lesson, inserted)
        await wait_for(
            pilot,
            lambda: screen.reloads == 1 and screen.session is not None and not screen.busy,
            "the reload",
        )
        await wait_for(pilot, lambda: screen.session.position == 3, "step 'two' again")  # type: ignore[union-attr]
        run = screen.session.run  # type: ignore[union-attr]
        assert run.view().title == "Two"
        assert run.params["k"] == 3.0
        assert run.value("a").tolist() == [3.0, 6.0]
