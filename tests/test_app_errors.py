"""A lesson that cannot load or run shows an error panel with file:line and the message; the app
never crashes and never shows a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tutor.app.engine import Engine
from tutor.app.widgets.error_panel import ErrorPanel
from tutor.app.widgets.lesson_list import LessonList

from .app_support import (
    LAYER,
    VIEWS,
    goto,
    lesson_app,
    list_app,
    screen_text,
    wait_for,
    wait_list,
    wait_started,
)

BROKEN_YAML = """\
format: 1
id: broken
title: Broken
steps:
  - title: One
    run: y = [1, 2
"""


async def _error_shown(pilot: object, app: object) -> ErrorPanel:
    panel = app.screen.query_one(ErrorPanel)  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: panel.display, "the error panel")  # type: ignore[arg-type]
    await pilot.pause()  # and drawn
    return panel


async def test_a_lesson_that_does_not_load_shows_where_and_why(
    write_lesson: Callable[[str, str], Path],
) -> None:
    path = write_lesson(BROKEN_YAML, "broken.yaml")
    app = lesson_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        panel = await _error_shown(pilot, app)
        assert f"{path}:6:14" in panel.message
        text = screen_text(app)
        assert f"{path}:6:14" in text
        assert "was never closed" in text
        assert "6 │     run: y = [1, 2" in text  # the line it points at, with a caret
        assert "Traceback" not in text
        await pilot.press("right", "left", "h", "e")  # nothing to step through; no crash
        assert app.is_running


async def test_a_step_that_fails_shows_the_statement_file_and_line() -> None:
    app = lesson_app(VIEWS)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 4)
        assert screen.session is not None
        error = screen.session.run.outcome(4).error
        assert error is not None and "02-views.yaml:39:16: in step 4, 'X @ big'" in str(error)
        text = screen_text(app)
        assert "cannot be multiplied" in text and "02-views.yaml:39:16" in text  # in the step
        await pilot.press("right")  # the lesson stops at a failing step
        assert screen.session.position == 4
        await pilot.press("left")
        assert "cannot be multiplied" not in screen_text(app)


async def test_a_bad_knob_is_reported_in_the_panel() -> None:
    app = lesson_app(LAYER, sets=("eta=1",))
    async with app.run_test(size=(100, 30)) as pilot:
        panel = await _error_shown(pilot, app)
        assert "no param 'eta'" in panel.message


async def test_a_device_that_is_missing_is_reported_in_the_panel() -> None:
    app = lesson_app(LAYER)
    app.config = type(app.config)(lesson=LAYER, device="mps")
    async with app.run_test(size=(100, 30)) as pilot:
        panel = await _error_shown(pilot, app)
        assert "--device mps: there is no mps device here" in panel.message


async def test_broken_files_stay_in_the_list_with_their_error(tmp_path: Path) -> None:
    (tmp_path / "01-good.yaml").write_text(LAYER.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "02-broken.yaml").write_text(BROKEN_YAML, encoding="utf-8")
    app = list_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_list(pilot)
        entries = screen.query_one(LessonList).entries
        assert [e.ok for e in entries] == [True, False]
        text = screen_text(app)
        assert "✗ 02-broken.yaml" in text and "1 with errors" in text
        await pilot.press("down")  # the highlighted lesson's details: where its error is
        assert "02-broken.yaml:6:14" in screen_text(app)
        await pilot.press("enter")  # open the broken one: its error, in full
        panel = await _error_shown(pilot, app)
        assert "02-broken.yaml:6:14" in panel.message
        await pilot.press("q")
        await wait_list(pilot)


async def test_torch_that_fails_to_load_is_said_not_raised() -> None:
    def broken_loader(_device: str | None) -> Engine:
        raise ImportError("libtorch_cpu.so: cannot open shared object file")

    app = lesson_app(LAYER, engine_loader=broken_loader)
    async with app.run_test(size=(100, 30)) as pilot:
        panel = await _error_shown(pilot, app)
        assert "libtorch_cpu.so" in panel.message
        assert app.engine_state == "failed"
