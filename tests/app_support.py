"""Helpers for the app's pilot and snapshot tests: fixed lessons, and waiting without sleeping
for a fixed time (poll a condition, bounded)."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from pathlib import Path

from rich.cells import cell_len
from textual.pilot import Pilot

from tutor.app import AppConfig, TutorApp
from tutor.app.app import EngineLoader
from tutor.app.screens.lesson import LessonScreen
from tutor.app.screens.lessons import LessonListScreen

from .conftest import ROOT

APP_LESSONS = ROOT / "tests" / "app_lessons"
LAYER = APP_LESSONS / "01-layer.yaml"
VIEWS = APP_LESSONS / "02-views.yaml"
BROKEN = APP_LESSONS / "03-broken.yaml"
TIMEOUT = 30.0


def lesson_app(
    path: Path, *, engine_loader: EngineLoader | None = None, **options: object
) -> TutorApp:
    """The app with one lesson open, in English on the CPU (the same on every machine);
    repeats run at full speed unless a test asks for `train_seconds` (live training)."""
    options = {"device": "cpu", "lang": "en", "train_seconds": 0.0, **options}
    config = AppConfig(lesson=path, **options)  # type: ignore[arg-type]
    return TutorApp(config, engine_loader=engine_loader)


def list_app(
    folder: Path = APP_LESSONS, *, engine_loader: EngineLoader | None = None, **options: object
) -> TutorApp:
    options = {"device": "cpu", "lang": "en", "train_seconds": 0.0, **options}
    config = AppConfig(folder=folder, **options)  # type: ignore[arg-type]
    return TutorApp(config, engine_loader=engine_loader)


async def wait_for(pilot: Pilot, condition: Callable[[], object], what: str) -> None:
    """Let the app run until `condition()` holds; fail after TIMEOUT seconds."""
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


def lesson_screen(app: TutorApp) -> LessonScreen:
    screen = app.screen
    assert isinstance(screen, LessonScreen), type(screen).__name__
    return screen


async def wait_started(pilot: Pilot) -> LessonScreen:
    """Wait until torch has loaded and the lesson's Run exists."""
    app: TutorApp = pilot.app  # type: ignore[assignment]
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, LessonScreen) and app.screen.session is not None,
        "the lesson to start",
    )
    await pilot.pause()
    return lesson_screen(app)


async def wait_list(pilot: Pilot, *, engine: bool = True) -> LessonListScreen:
    """Wait until every lesson file is read (and torch is loaded, unless `engine` is False)."""
    app: TutorApp = pilot.app  # type: ignore[assignment]
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, LessonListScreen) and app.screen.loaded,
        "the lesson list",
    )
    if engine:
        await wait_for(pilot, lambda: app.engine_state != "loading", "torch")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, LessonListScreen)
    return screen


async def settle(pilot: Pilot) -> LessonScreen:
    """Wait until the lesson has done every key pressed so far (a step's first visit runs in
    a worker; keys pressed meanwhile are kept and done after it)."""
    screen = lesson_screen(pilot.app)  # type: ignore[arg-type]
    await wait_for(pilot, lambda: not screen.busy and not screen.queued, "the keys to be done")
    await pilot.pause()
    return screen


async def press(pilot: Pilot, *keys: str) -> LessonScreen:
    """Press keys on the lesson, then wait until they are done."""
    await pilot.press(*keys)
    return await settle(pilot)


async def goto(pilot: Pilot, k: int) -> LessonScreen:
    """Press → until step k is shown (waiting out steps that run in a worker)."""
    screen = lesson_screen(pilot.app)  # type: ignore[arg-type]
    while screen.session is not None and screen.session.position < k:
        before = screen.session.position
        await pilot.press("right")
        await wait_for(
            pilot,
            lambda before=before: not screen.busy and screen.session.position > before,  # type: ignore[union-attr]
            f"step {before + 1}",
        )
    await pilot.pause()
    return screen


def screen_text(app: TutorApp) -> str:
    """Everything on the screen as plain text, as a learner would read it: the app's own
    screenshot (`export_screenshot`, public), each piece of text put back at its column."""
    svg = app.export_screenshot()
    rows: dict[int, dict[int, str]] = {}
    for match in _SVG_TEXT.finditer(svg):
        x, line, content = float(match["x"]), int(match["line"]), html.unescape(match["text"])
        row = rows.setdefault(line, {})
        column = round(x / CELL_WIDTH)
        for char in content.replace("\xa0", " "):
            row[column] = char
            for _ in range(1, cell_len(char)):  # the second cell of a wide character
                column += 1
                row[column] = ""
            column += 1
    width = app.size.width
    lines = []
    for line in range(max(rows, default=-1) + 1):
        row = rows.get(line, {})
        lines.append("".join(row.get(c, " ") for c in range(width)).rstrip())
    return "\n".join(lines)


CELL_WIDTH = 12.2
"""Pixels per cell in rich's SVG export (its character width at font size 20)."""
_SVG_TEXT = re.compile(
    r'<text [^>]*x="(?P<x>[0-9.]+)"[^>]*clip-path="url\(#[^)]*-line-(?P<line>\d+)\)"[^>]*>'
    r"(?P<text>[^<]*)</text>"
)
