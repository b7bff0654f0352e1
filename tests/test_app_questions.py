"""Questions in the app: type an answer (right, or wrong and a hint), pick an option, ask for
hints until the answer shows, or move on without answering; each is reported to the app."""

from __future__ import annotations

from tutor.app.widgets.question import QuestionPanel
from tutor.app.widgets.question_parts import AnswerInput, Choices, Prompt

from .app_support import LAYER, goto, lesson_app, screen_text, wait_started


async def test_a_right_answer_is_confirmed_and_explained() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 2)
        assert "What will the mean squared error be?" in screen_text(app)
        await pilot.press("0")  # typing a digit starts the answer
        assert isinstance(app.focused, AnswerInput)
        await pilot.press(".", "2", "5", "enter")
        text = screen_text(app)
        assert "✓ right: 0.25" in text
        assert "the mean of their squares is 0.25" in text  # explain
        assert not isinstance(app.focused, AnswerInput)  # keys move on again
        assert screen.session is not None and screen.session.attempt(2).solved
        await pilot.press("right")
        assert screen.session.position == 3
        report = [r for r in app.reports if r.kind == "answer"][-1]
        assert (report.lesson_id, report.step_id, report.correct) == (
            "app-layer",
            "predict-loss",
            True,
        )


async def test_a_wrong_answer_shows_the_next_hint_and_allows_a_retry() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 2)
        await pilot.press("1", "enter")
        text = screen_text(app)
        assert "✗ not 1" in text
        assert "hint 1/2  How far is each prediction from its target?" in text
        assert "square it" not in text  # one hint at a time
        assert not isinstance(app.focused, AnswerInput)  # h, → work again; a digit retries
        await pilot.press("2", "enter")
        assert "hint 2/2  Every error is 0.5; square it, then average." in screen_text(app)
        await pilot.press("1", "/", "4", "enter")  # a formula is a fine answer
        assert "✓ right: 0.25" in screen_text(app)
        attempt = screen.session.attempt(2)  # type: ignore[union-attr]
        assert attempt.tries == 3 and attempt.solved


async def test_h_reveals_hints_then_the_answer() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_started(pilot)
        await goto(pilot, 2)
        await pilot.press("h")
        assert "hint 1/2" in screen_text(app)
        await pilot.press("h", "h")
        text = screen_text(app)
        assert "the answer: 0.25" in text and "the mean of their squares" in text
        assert [r.kind for r in app.reports][-1] == "gave-up"


async def test_text_that_is_not_a_number_is_explained_not_counted() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 2)
        await pilot.press("(", "enter")
        assert "answer with a number" in screen_text(app)
        assert screen.session.attempt(2).tries == 0  # type: ignore[union-attr]


async def test_choose_by_number_wrong_then_right() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 7)
        assert "1  TP / (TP + FP)" in screen_text(app)
        await pilot.press("2")
        text = screen_text(app)
        assert "✗ not 2. TP / (TP + FN)" in text
        assert "Of everything predicted positive" in text  # the hint
        await pilot.press("1")
        text = screen_text(app)
        assert "✓ right: TP / (TP + FP)" in text and "is recall" in text
        assert screen.session.attempt(7).solved  # type: ignore[union-attr]


async def test_choose_with_the_mouse() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 7)
        panel = app.screen.query_one(QuestionPanel)
        assert panel.display
        choices = panel.query_one(Choices)

        def background(line: int, x: int = 4) -> object:
            strip = choices.render_lines(choices.region.reset_offset)[line].crop(x, x + 1)
            return next(iter(strip)).style.bgcolor  # type: ignore[union-attr]

        # line 0 is the space above the options, inside the question's frame
        await pilot.hover(Choices, offset=(8, 2))
        await pilot.pause()
        assert background(2) != background(1)  # the option under the mouse stands out
        assert background(2, x=2) == background(1, x=2)  # not the frame beside it
        await pilot.click(Choices, offset=(60, 1))  # the first option, right of its words
        assert screen.session.attempt(7).solved  # type: ignore[union-attr]


async def test_a_learner_may_move_on_without_answering() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 2)
        await pilot.press("right")
        assert screen.session is not None and screen.session.position == 3
        assert not app.screen.query_one(QuestionPanel).display
        await pilot.press("0", "escape")  # leave an answer half typed: keys work again
        await pilot.press("left")
        assert screen.session.position == 2
        await pilot.press("3", "escape", "right")
        assert screen.session.position == 3


async def test_the_answer_box_is_drawn_until_the_learner_answers() -> None:
    """An `ask` shows its answer box as a line (no input field laid out on the step change);
    a click on it, or a digit, brings the real one; `check` on the drawn line checks it."""
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 2)
        panel = app.screen.query_one(QuestionPanel)
        row = panel.query_one("#q-answer-row")
        assert not row.display and "a number, or a formula like 1/3" in screen_text(app)
        await pilot.click(Prompt, offset=(8, 3))  # the box: under the top edge, prompt, gap
        await pilot.pause()
        assert row.display and isinstance(app.focused, AnswerInput)
        await pilot.press("0", ".", "2", "5", "escape")
        await pilot.pause()
        assert not row.display and not isinstance(app.focused, AnswerInput)
        assert "0.25" in screen_text(app)  # the box as it was left
        await pilot.click(Prompt, offset=(47, 3))  # its `check`
        await pilot.pause()
        assert screen.session.attempt(2).solved  # type: ignore[union-attr]
