"""Questions in the app: type an answer (right, or wrong and a hint), pick an option, ask for
hints until the answer shows, or move on without answering; each is reported to the app."""

from __future__ import annotations

from tutor.app.widgets.answer_line import AnswerLine
from tutor.app.widgets.document import LessonDocument

from .app_support import LAYER, goto, lesson_app, screen_text, wait_started


async def test_a_right_answer_is_confirmed_and_explained() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 2)
        assert "What will the mean squared error be?" in screen_text(app)
        await pilot.press("0")  # typing a digit starts the answer
        assert isinstance(app.focused, AnswerLine)
        await pilot.press(".", "2", "5", "enter")
        text = screen_text(app)
        assert "✓ right: 0.25" in text
        assert "the mean of their squares is 0.25" in text  # explain
        assert not isinstance(app.focused, AnswerLine)  # keys move on again
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
        assert not isinstance(app.focused, AnswerLine)  # h, → work again; a digit retries
        await pilot.press("2", "enter")
        assert "hint 2/2  Every error is 0.5; square it, then average." in screen_text(app)
        await pilot.press("1", "/", "4", "enter")  # a formula is a fine answer
        assert "✓ right: 1/4 = 0.25" in screen_text(app)  # as typed, and its value
        attempt = screen.session.attempt(2)  # type: ignore[union-attr]
        assert attempt.tries == 3 and attempt.solved


async def test_h_reveals_hints_then_the_answer() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_started(pilot)
        await goto(pilot, 2)
        await pilot.press("h")
        assert "hint 1/2" in screen_text(app)
        await pilot.press("h", "h")  # the last one has none left: it says so, gives nothing up
        assert "no hint left: g shows the answer" in screen_text(app)
        assert [r.kind for r in app.reports][-1] == "hint"
        await pilot.press("g")
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
        # the line stays open with what was typed, to be corrected (it closed: the question's
        # kind, "ask", was compared with the line's mode, "answer")
        line = screen.query_one(AnswerLine)
        assert line.has_class("-open") and line.value == "("
        await pilot.press("backspace", "1", "enter")
        assert screen.session.attempt(2).tries == 1  # type: ignore[union-attr]


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
        assert "✓ right: 1. TP / (TP + FP)" in text and "is recall" in text
        assert screen.session.attempt(7).solved  # type: ignore[union-attr]


async def test_choose_with_the_mouse() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 7)
        document = app.screen.query_one(LessonDocument)
        first = next(i for i, p in enumerate(document.parts) if p.action == ("choose", 7, 0))
        y = document.start_of(first) - round(document.scroll_offset.y)
        assert 0 <= y < document.size.height  # the options are on screen, under the step
        await pilot.click(LessonDocument, offset=(60, y))  # the first option, right of its words
        assert screen.session.attempt(7).solved  # type: ignore[union-attr]


async def test_a_learner_may_move_on_without_answering() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 2)
        await pilot.press("right")
        assert screen.session is not None and screen.session.position == 3
        assert not app.screen.query_one(AnswerLine).display
        await pilot.press("0", "escape")  # leave an answer half typed: keys work again
        await pilot.press("left")
        assert screen.session.position == 2
        await pilot.press("3", "escape", "right")
        assert screen.session.position == 3


async def test_enter_opens_the_answer_line_and_escape_leaves_it() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 2)
        line = app.screen.query_one(AnswerLine)
        assert not line.display
        await pilot.press("enter")
        assert line.display and isinstance(app.focused, AnswerLine)
        await pilot.press("0", ".", "2", "escape")
        assert not line.display and not isinstance(app.focused, AnswerLine)
        await pilot.press("enter", "0", ".", "2", "5", "enter")
        assert screen.session.attempt(2).solved  # type: ignore[union-attr]
        assert not line.display


async def test_a_question_shows_the_values_it_asks_about() -> None:
    """The lesson is one document: the tensors of the step before a question are on the
    same screen as the question, above it."""
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_started(pilot)
        await goto(pilot, 2)
        text = screen_text(app)
        assert "What will the mean squared error be?" in text
        assert "y_hat" in text and "1.5000" in text  # step 1's prediction, still in view
        assert text.index("1.5000") < text.index("What will the mean squared error be?")


async def test_a_burst_arrives_whole() -> None:
    """`1/4` typed in one burst is checked as 1/4 (not 14)."""
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 2)
        await pilot.press("1", "/", "4", "enter")  # one burst, no pause between keys
        attempt = screen.session.attempt(2)  # type: ignore[union-attr]
        assert attempt.solved and "1/4" in attempt.feedback


async def test_a_paste_with_the_line_closed_opens_it_with_the_text() -> None:
    """A bracketed paste on the lesson was ignored while the answer line was closed."""
    from textual import events

    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_started(pilot)
        await goto(pilot, 2)
        line = app.screen.query_one(AnswerLine)
        assert not line.display
        app.screen.post_message(events.Paste("0.25\n"))
        await pilot.pause()
        assert line.display and line.value == "0.25"
        await pilot.press("enter")
        assert app.screen.session.attempt(2).solved  # type: ignore[attr-defined]
