"""Knobs in the app: `k` opens the panel, + and − or a typed value turn a knob, the lesson
re-runs (in a worker) from the first step that reads it, later values change and earlier ones
do not, and every turn is recorded."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from tutor.app.knob import Knob
from tutor.app.widgets.answer_line import AnswerLine
from tutor.app.widgets.document import Follow, LessonDocument, Part
from tutor.app.widgets.knobs import KnobList, KnobPanel
from tutor.progress import ProgressStore, local_learner

from .app_support import LAYER, goto, lesson_app, screen_text, wait_for, wait_started


def tensor(screen: object, name: str) -> np.ndarray:
    """A tensor shown on the current step, as the learner sees it (the view the pane drew)."""
    views = screen.session.view().views  # type: ignore[attr-defined]
    return next(v.data for v in views if getattr(v, "name", None) == name)


async def turned(pilot: object, screen: object) -> None:
    await wait_for(pilot, lambda: not screen.busy and not screen.pending, "the re-run")  # type: ignore[arg-type, attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


async def test_k_opens_the_panel_with_each_knob_its_value_range_and_help() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(110, 34)) as pilot:
        await wait_started(pilot)
        panel = app.screen.query_one(KnobPanel)
        assert not panel.display
        await pilot.press("k")
        assert panel.display and panel.has_focus_within
        text = screen_text(app)
        assert "lr = 0.02" in text and "learning rate" in text and "0.001 … 0.1 · ±0.005" in text
        await pilot.press("right")  # → still steps with the panel open
        assert app.screen.session.position == 1  # type: ignore[attr-defined]
        await pilot.press("k")
        assert not panel.display
        assert isinstance(app.focused, LessonDocument)


async def test_plus_re_runs_from_the_first_step_that_reads_the_knob() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(110, 34)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 6)  # W -= lr * W.grad
        run = screen.session.run  # type: ignore[union-attr]
        before = {k: run.outcome(k) for k in range(1, 6)}
        w_before = tensor(screen, "W").copy()
        assert run.readers("lr") == [6, 8]
        await pilot.press("k", "plus")
        await turned(pilot, screen)
        assert run.params["lr"] == 0.025 and run.position == 6
        w_after = tensor(screen, "W")
        # W = 0.5 - lr * grad, with grad [-2.5, -3.5]: a larger lr moves it further
        assert np.allclose(w_after.ravel(), [0.5 + 0.025 * 2.5, 0.5 + 0.025 * 3.5])
        assert not np.allclose(w_after, w_before)
        assert f"{0.5 + 0.025 * 3.5:.4f}" in screen_text(app)  # redrawn on screen
        for k in range(1, 6):  # the steps before the reader: the very same frames
            assert run.outcome(k) is before[k]
            assert run.outcome(k).ok  # their expectations still hold
        events = ProgressStore().learner(local_learner()).events("app-layer")
        assert [(e.kind, e.step_id, e.answer) for e in events if e.kind == "knob"] == [
            ("knob", "update", "lr=0.025")
        ]


async def test_minus_and_typed_values_stay_within_min_and_max() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(110, 34)) as pilot:
        screen = await wait_started(pilot)
        run = screen.session.run  # type: ignore[union-attr]
        await pilot.press("k")
        await pilot.press("0", ".", "5", "enter")  # a digit starts typing; 0.5 > max 0.1
        assert "lr lies in [0.001, 0.1]" in screen_text(app)
        assert run.params["lr"] == 0.02
        await pilot.press("escape", *"0.003", "enter")  # esc leaves the box; type again
        await turned(pilot, screen)
        assert run.params["lr"] == 0.003
        await pilot.press("minus")  # 0.003 − 0.005 stops at the min
        await turned(pilot, screen)
        assert run.params["lr"] == 0.001
        await pilot.press("minus")
        assert "lr is at its min" in screen_text(app)
        assert "lr = 0.001" in screen_text(app)  # the intro shows the knob too


async def test_a_re_run_happens_in_a_worker_and_the_screen_ends_on_the_last_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = lesson_app(LAYER, train_seconds=1.0)
    async with app.run_test(size=(110, 34)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 8)  # the training: a re-run grows its curve again
        run = screen.session.run  # type: ignore[union-attr]
        first_curve = list(run.outcome(8).series["loss"])
        frames: list[int] = []  # the curve growing on screen, drawn while the worker trains
        document = screen.query_one(LessonDocument)
        show = document.show

        def counted(parts: Sequence[Part], current: int, follow: Follow = "current") -> None:
            if parts and parts[-1].key == ("live", 8):
                frames.append(len(frames))
            show(parts, current, follow)

        monkeypatch.setattr(document, "show", counted)
        await pilot.press("k", "plus")
        await pilot.press("plus", "plus")  # turned again meanwhile: the newest value wins
        await turned(pilot, screen)
        assert run.params["lr"] == 0.035
        outcome = run.outcome(8)
        assert outcome.iterations == 30  # not left stopped by the interruption
        assert outcome.series["loss"][-1] < first_curve[-1]  # a larger lr: a lower loss
        assert "stopped" not in screen_text(app)
        assert len(frames) > 1  # the UI thread was free to draw while the worker trained


async def test_options_cycle_and_integers_stay_integers(
    write_lesson: Callable[[str], Path],
) -> None:
    path = write_lesson(
        """
        id: knob-options
        title: Options
        params:
          width: {value: 2, options: [1, 2, 4]}
          steps_n: {value: 3, min: 1, max: 5}
        tensors:
          x: [1.0, 2.0]
        steps:
          - title: Scale
            run: y = x * width * steps_n
            show: [y]
        """
    )
    app = lesson_app(path)
    async with app.run_test(size=(110, 34)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 1)
        run = screen.session.run  # type: ignore[union-attr]
        await pilot.press("k", "plus")
        await turned(pilot, screen)
        assert run.params["width"] == 4
        await pilot.press("plus")
        await turned(pilot, screen)
        assert run.params["width"] == 1  # around again
        assert tensor(screen, "y").tolist() == [3.0, 6.0]
        await pilot.press("down", "plus")
        await turned(pilot, screen)
        assert run.params["steps_n"] == 4 and isinstance(run.params["steps_n"], int)


def test_a_knob_without_a_step_moves_by_a_round_number() -> None:
    knob = Knob("lr", 0.001, 0.1)
    assert knob.stride == 0.005
    assert knob.nudge(0.02, 1) == 0.025 and knob.nudge(0.003, -1) == 0.001
    assert Knob("n", 1, 100, integer=True).nudge(3, 1) == 8
    assert Knob("t", 0.1, 0.9, 0.05).nudge(0.15, 1) == 0.2  # not 0.20000000000000001


async def test_on_a_question_step_plus_and_minus_go_to_the_open_panel() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(110, 34)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 2)  # an `ask`: − would start an answer, but the knobs have the keys
        await pilot.press("k", "minus")
        await turned(pilot, screen)
        assert screen.session.run.params["lr"] == 0.015  # type: ignore[union-attr]
        assert isinstance(app.focused, KnobList)
        await pilot.press("escape")  # closes the panel; keys are the lesson's again
        assert not app.screen.query_one(KnobPanel).display
        await pilot.press("minus")
        assert isinstance(app.focused, AnswerLine)
