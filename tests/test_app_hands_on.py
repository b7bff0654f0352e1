"""Hands on in the app: the learner writes a step's statement (highlighted, Tab completes, ↑
recalls), and inspects any value with `:`; neither changes the lesson."""

from __future__ import annotations

import torch

from tutor.app.widgets.answer_line import AnswerLine

from .app_support import goto, lesson_app, press, screen_text, wait_for, wait_started
from .conftest import ROOT

UPDATE = ROOT / "tests" / "write_lessons" / "update.yaml"


async def test_a_wrong_line_says_where_then_a_right_one_passes() -> None:
    app = lesson_app(UPDATE)
    async with app.run_test(size=(100, 34)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 2)
        text = screen_text(app)
        assert "write it" in text and "Move W one step against its gradient" in text
        assert "W -= lr * W.grad" not in text  # the reference is never shown first
        await pilot.press("enter")
        line = app.screen.query_one(AnswerLine)
        assert line.mode == "write" and isinstance(app.focused, AnswerLine)
        await pilot.press(*"W += lr * W.grad", "enter")
        await press(pilot)
        text = screen_text(app)
        assert "it should be" in text  # which name differs and where
        assert "hint 1/2" in text
        assert isinstance(app.focused, AnswerLine)  # the line stays, to be corrected
        await pilot.press("up")  # the earlier try comes back
        assert line.value == "W += lr * W.grad"
        line.value = ""
        await pilot.press(*"W = W - W.grad * lr", "enter")  # another way to say it passes
        await press(pilot)
        attempt = screen.session.attempt(2)  # type: ignore[union-attr]
        assert attempt.solved and attempt.tries == 2
        text = screen_text(app)
        assert "the reference was:" in text and "W -= lr * W.grad" in text
        assert not line.display  # settled: the keys are the lesson's again
        kinds = [r.kind for r in app.reports]
        assert kinds.count("write") == 2


async def test_a_line_that_does_not_parse_gets_a_caret_and_no_try() -> None:
    app = lesson_app(UPDATE)
    async with app.run_test(size=(100, 34)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 2)
        await pilot.press("enter", *"W -= lr *", "enter")
        await press(pilot)
        text = screen_text(app)
        assert "your line:" in text and "^" in text
        assert screen.session.attempt(2).tries == 0  # type: ignore[union-attr]


async def test_tab_completes_a_name_in_scope() -> None:
    app = lesson_app(UPDATE)
    async with app.run_test(size=(100, 34)) as pilot:
        await wait_started(pilot)
        await goto(pilot, 2)
        await pilot.press("enter", "l", "o", "s")
        line = app.screen.query_one(AnswerLine)
        await wait_for(pilot, lambda: True, "the suggestion")
        await pilot.pause(0.1)
        await pilot.press("tab")
        assert line.value == "loss"


async def test_give_up_shows_and_runs_the_reference() -> None:
    app = lesson_app(UPDATE)
    async with app.run_test(size=(100, 34)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 2)
        await press(pilot, "g")
        text = screen_text(app)
        assert "the reference:" in text and "W -= lr * W.grad" in text
        run = screen.session.run  # type: ignore[union-attr]
        assert torch.allclose(
            run.value("W"), torch.tensor([[0.5], [0.5]]) - 0.1 * run.value("W").grad
        )


async def test_colon_inspects_a_value_without_changing_the_lesson() -> None:
    app = lesson_app(UPDATE)
    async with app.run_test(size=(100, 34)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 1)
        run = screen.session.run  # type: ignore[union-attr]
        before = run.value("W").clone()
        await pilot.press("colon")
        line = app.screen.query_one(AnswerLine)
        assert line.mode == "inspect" and isinstance(app.focused, AnswerLine)
        await pilot.press(*"W.grad * 2", "enter")
        await press(pilot)
        text = screen_text(app)
        assert ": W.grad * 2" in text
        grad2 = (run.value("W").grad * 2).flatten().tolist()
        assert f"{grad2[0]:.4f}" in text  # drawn as the lesson draws values
        await pilot.press(*"W.nosuch", "enter")  # an error is a sentence, never a traceback
        await press(pilot)
        assert ": W.nosuch" in screen_text(app)
        await pilot.press("escape")
        assert not line.display
        assert torch.equal(run.value("W"), before)  # nothing in the lesson changed
        await press(pilot, "right")
        assert ": W.grad * 2" not in screen_text(app)  # it belonged to the step it was asked on
