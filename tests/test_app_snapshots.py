"""Snapshots of every kind of view the app draws, at a fixed terminal size, on the CPU, taken
once torch has loaded and the step is drawn (so nothing in them depends on timing).

Update after an intended change with `pytest tests/test_app_snapshots.py --snapshot-update`,
and look at the report before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tutor.app.screens.resume import ResumeScreen
from tutor.app.widgets.error_panel import ErrorPanel
from tutor.progress import ProgressStore, local_learner

from .app_support import (
    APP_LESSONS,
    LAYER,
    goto,
    lesson_app,
    list_app,
    wait_for,
    wait_list,
    wait_started,
)
from .conftest import ROOT

Snap = Callable[..., bool]
SIZE = (100, 34)
VIEWS = Path("tests/app_lessons/02-views.yaml")  # relative: error messages quote the path


@pytest.fixture(autouse=True)
def _same_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths relative to the repository, and colours whatever the CI's environment says."""
    monkeypatch.chdir(ROOT)
    for name in ("NO_COLOR", "TEXTUAL_COLOR_SYSTEM", "TEXTUAL_THEME"):
        monkeypatch.delenv(name, raising=False)


def at_step(k: int, *keys: str) -> Callable[[Pilot], Awaitable[None]]:
    async def run_before(pilot: Pilot) -> None:
        await wait_started(pilot)
        await goto(pilot, k)
        if keys:
            await pilot.press(*keys)
        await pilot.pause()

    return run_before


def test_snapshot_lesson_list(snap_compare: Snap) -> None:
    async def run_before(pilot: Pilot) -> None:
        await wait_list(pilot)

    assert snap_compare(list_app(APP_LESSONS), terminal_size=SIZE, run_before=run_before)


def test_snapshot_intro(snap_compare: Snap) -> None:
    assert snap_compare(lesson_app(LAYER), terminal_size=SIZE, run_before=at_step(0))


def test_snapshot_tensors_with_their_gradients(snap_compare: Snap) -> None:
    assert snap_compare(lesson_app(LAYER), terminal_size=SIZE, run_before=at_step(4))


def test_snapshot_graph(snap_compare: Snap) -> None:
    assert snap_compare(lesson_app(LAYER), terminal_size=SIZE, run_before=at_step(3))


def test_snapshot_compare(snap_compare: Snap) -> None:
    assert snap_compare(lesson_app(LAYER), terminal_size=SIZE, run_before=at_step(5))


def test_snapshot_plot(snap_compare: Snap) -> None:
    assert snap_compare(lesson_app(LAYER), terminal_size=SIZE, run_before=at_step(8))


def test_snapshot_question_after_a_wrong_answer(snap_compare: Snap) -> None:
    run_before = at_step(2, "1", "enter", "escape")
    assert snap_compare(lesson_app(LAYER), terminal_size=SIZE, run_before=run_before)


def test_snapshot_choice_answered(snap_compare: Snap) -> None:
    run_before = at_step(7, "2", "1")
    assert snap_compare(lesson_app(LAYER), terminal_size=SIZE, run_before=run_before)


def test_snapshot_attention(snap_compare: Snap) -> None:
    assert snap_compare(lesson_app(VIEWS), terminal_size=SIZE, run_before=at_step(1))


def test_snapshot_confusion(snap_compare: Snap) -> None:
    assert snap_compare(lesson_app(VIEWS), terminal_size=SIZE, run_before=at_step(2))


def test_snapshot_big_tensor_summarised_and_heatmap(snap_compare: Snap) -> None:
    assert snap_compare(lesson_app(VIEWS), terminal_size=SIZE, run_before=at_step(3))


def test_snapshot_error_in_a_step(snap_compare: Snap) -> None:
    assert snap_compare(lesson_app(VIEWS), terminal_size=SIZE, run_before=at_step(4))


def test_snapshot_error_loading(snap_compare: Snap) -> None:
    broken = Path("tests/app_lessons/03-broken.yaml")

    async def run_before(pilot: Pilot) -> None:
        panel = pilot.app.screen.query_one(ErrorPanel)
        await wait_for(pilot, lambda: panel.display, "the error panel")
        await pilot.pause()

    assert snap_compare(lesson_app(broken), terminal_size=SIZE, run_before=run_before)


def test_snapshot_help(snap_compare: Snap) -> None:
    assert snap_compare(lesson_app(LAYER), terminal_size=SIZE, run_before=at_step(1, "?"))


def test_snapshot_at_80_by_24(snap_compare: Snap) -> None:
    assert snap_compare(lesson_app(LAYER), terminal_size=(80, 24), run_before=at_step(4))


def test_snapshot_knobs_panel(snap_compare: Snap) -> None:
    assert snap_compare(lesson_app(LAYER), terminal_size=SIZE, run_before=at_step(6, "k"))


def test_snapshot_prediction_revealed(snap_compare: Snap) -> None:
    async def run_before(pilot: Pilot) -> None:
        await wait_started(pilot)
        await goto(pilot, 2)
        await pilot.press("0", ".", "3", "enter")
        await goto(pilot, 3)
        await pilot.pause()

    assert snap_compare(lesson_app(LAYER), terminal_size=SIZE, run_before=run_before)


def saved_progress() -> None:
    """Progress as a learner left it: at step 4 of the layer lesson, one answer right."""
    learner = ProgressStore().learner(local_learner())
    for k, step in enumerate(["forward", "predict-loss", "loss", "backward"], start=1):
        learner.reached("app-layer", step, k, 8, "One linear layer")
    learner.answered("app-layer", "predict-loss", "0.25", True, attempt=1)


def test_snapshot_resume_prompt(snap_compare: Snap) -> None:
    saved_progress()

    async def run_before(pilot: Pilot) -> None:
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ResumeScreen), "the prompt")
        await wait_for(pilot, lambda: pilot.app.engine_state != "loading", "torch")
        await pilot.pause()

    assert snap_compare(lesson_app(LAYER), terminal_size=SIZE, run_before=run_before)


def test_snapshot_lesson_list_with_progress(snap_compare: Snap) -> None:
    saved_progress()

    async def run_before(pilot: Pilot) -> None:
        await wait_list(pilot)

    assert snap_compare(list_app(APP_LESSONS), terminal_size=SIZE, run_before=run_before)
