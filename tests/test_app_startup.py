"""The list is drawn before torch has loaded: torch is imported in a worker whose progress the
status line shows; opening a lesson meanwhile waits for it, saying so, without blocking."""

from __future__ import annotations

import threading

from tutor.app.engine import Engine, load_engine
from tutor.app.screens.lesson import LessonScreen
from tutor.app.widgets.lesson_list import LessonList
from tutor.app.widgets.status import EngineStatus

from .app_support import APP_LESSONS, list_app, screen_text, wait_for, wait_list
from .conftest import LESSONS


class GatedLoader:
    """Loads the engine only once the test opens the gate: "torch" takes as long as we like."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.called = threading.Event()

    def __call__(self, device: str | None) -> Engine:
        self.called.set()
        assert self.gate.wait(30), "the test never opened the gate"
        return load_engine(device)


async def test_the_list_is_usable_while_torch_is_loading() -> None:
    loader = GatedLoader()
    app = list_app(APP_LESSONS, engine_loader=loader)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_list(pilot, engine=False)
        await wait_for(pilot, loader.called.is_set, "the torch worker to start")
        assert app.engine_state == "loading" and app.engine is None
        assert len(screen.query_one(LessonList).entries) == 3
        text = screen_text(app)
        assert "One linear layer" in text and "8 steps" in text and "after neuron" in text
        assert "loading torch…" in text
        await pilot.press("down", "up")  # the UI answers while the worker waits
        assert screen.query_one(LessonList).highlighted == 0
        loader.gate.set()
        await wait_for(pilot, lambda: app.engine_state == "ready", "torch")
        await pilot.pause()
        assert "torch ready · cpu" in str(screen.query_one(EngineStatus).describe())


async def test_opening_a_lesson_before_torch_is_ready_waits_and_says_so() -> None:
    loader = GatedLoader()
    app = list_app(APP_LESSONS, engine_loader=loader)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot, engine=False)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen), "the lesson")
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        await wait_for(pilot, lambda: "waiting for torch" in screen_text(app), "the wait")
        assert screen.session is None
        await pilot.press("right", "right")  # kept, not dropped: done once the lesson starts
        assert "2 keys waiting" in screen_text(app)
        loader.gate.set()
        await wait_for(pilot, lambda: screen.session is not None, "the lesson to start")
        await wait_for(pilot, lambda: screen.session.position == 2, "the keys kept")  # type: ignore[union-attr]
        await pilot.pause()
        assert "waiting for torch" not in screen_text(app)
        assert "step 2/8 · cpu" in screen_text(app)


async def test_the_first_frame_does_not_wait_for_the_lesson_format_or_torch() -> None:
    # the list screen and the app import neither pydantic (the lesson format) nor torch
    import subprocess
    import sys

    code = (
        "import sys; import tutor.app, tutor.app.screens.lessons, tutor.app.screens.help; "
        "print(sorted(m for m in ('torch', 'pydantic', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


async def test_keys_pressed_before_the_list_is_whole_open_the_lesson_asked_for() -> None:
    """↓ ↓ ↓ ⏎ typed at the first frame, while the files are still being read: the fourth
    lesson opens, not the one read last (the keys are kept until the list is whole)."""
    app = list_app(LESSONS)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down", "down", "down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen), "a lesson to open")
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        assert screen.path.name == sorted(p.name for p in LESSONS.glob("*.yaml"))[3]


async def test_q_quits_while_the_list_is_still_being_read() -> None:
    """Nothing has the keys until the list is whole: q pressed at the first frame quits (it
    went into the hidden filter line, which Textual had given the focus)."""
    app = list_app(LESSONS)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, "the app to quit")
