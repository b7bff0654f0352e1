"""Questions and saved progress in the app: every kind of answer (right, wrong then a hint,
given up, skipped) is recorded in the store as it happens, a prediction shows how far off it
was once the lesson computes the value, the score shows, the list shows progress per lesson,
and reopening a lesson (in a new app) offers to resume it."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Button

from tutor.app.screens.lessons import LessonListScreen
from tutor.app.screens.resume import ResumeScreen
from tutor.progress import ProgressStore, local_learner

from .app_support import (
    LAYER,
    goto,
    lesson_app,
    list_app,
    screen_text,
    wait_for,
    wait_list,
    wait_started,
)


def saved(lesson_id: str = "app-layer", learner: str | None = None, data: Path | None = None):
    """What the store holds for the learner now (opened afresh, as another process would)."""
    return ProgressStore(data).learner(learner or local_learner())


async def wait_prompt(pilot: Pilot) -> ResumeScreen:
    """Wait until the resume prompt is up and has the keys (its button focused)."""
    app = pilot.app
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, ResumeScreen) and isinstance(app.focused, Button),
        "the resume prompt",
    )
    await pilot.pause()
    return app.screen  # type: ignore[return-value]


def kinds(lesson_id: str = "app-layer") -> list[tuple[str, str]]:
    return [(e.kind, e.step_id) for e in saved().events(lesson_id)]


async def test_each_step_is_saved_as_soon_as_it_is_reached() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_started(pilot)
        await goto(pilot, 3)
        progress = saved().lesson("app-layer")
        assert progress is not None
        assert (progress.last_index, progress.last_step, progress.total_steps) == (3, "loss", 8)
        assert progress.title == "One linear layer"
        assert saved().steps_reached("app-layer") == {"forward", "predict-loss", "loss"}
        await pilot.press("left")
        assert saved().lesson("app-layer").furthest_index == 3  # type: ignore[union-attr]


async def test_a_right_answer_is_recorded_and_scored() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_started(pilot)
        await goto(pilot, 2)
        await pilot.press("0", ".", "2", "5", "enter")
        assert "score 1/1" in screen_text(app)
        answer = [e for e in saved().events("app-layer") if e.kind == "answer"][-1]
        assert (answer.step_id, answer.answer, answer.correct, answer.attempt) == (
            "predict-loss",
            "0.25",
            True,
            1,
        )
        assert saved().lesson("app-layer").right == 1  # type: ignore[union-attr]


async def test_a_wrong_answer_then_a_hint_then_a_retry_are_all_recorded() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 2)
        await pilot.press("1", "enter")
        text = screen_text(app)
        assert "✗ not 1: too high" in text and "hint 1/2" in text
        await pilot.press("h")  # the second hint, asked for
        assert "hint 2/2" in screen_text(app)
        await pilot.press("0", ".", "2", "5", "enter")
        assert screen.session.attempt(2).solved  # type: ignore[union-attr]
        events = [e for e in saved().events("app-layer") if e.step_id == "predict-loss"]
        assert [
            (e.kind, e.correct, e.attempt, e.hints_used) for e in events if e.kind != "reach"
        ] == [
            ("answer", False, 1, 0),
            ("hint", None, 0, 2),
            ("answer", True, 2, 2),
        ]
        progress = saved().lesson("app-layer")
        assert progress is not None and (progress.right, progress.wrong) == (1, 1)


async def test_g_gives_up_and_shows_the_answer() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 2)
        await pilot.press("g")
        text = screen_text(app)
        assert "the answer: 0.25" in text and "the mean of their squares" in text
        assert screen.session.attempt(2).gave_up  # type: ignore[union-attr]
        assert ("give-up", "predict-loss") in kinds()
        await pilot.press("1", "enter")  # too late to answer: nothing happens
        assert screen.session.attempt(2).tries == 0  # type: ignore[union-attr]
        assert "score 0/1" in screen_text(app)


async def test_a_choice_given_up_shows_the_right_option() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_started(pilot)
        await goto(pilot, 7)
        await pilot.press("g")
        assert "✓ 1  TP / (TP + FP)" in screen_text(app)
        assert ("give-up", "which") in kinds()


async def test_a_question_skipped_is_asked_but_not_answered() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 3)  # past the question without a word
        assert screen.session is not None and screen.session.score() == (0, 1)
        assert not [k for k, _ in kinds() if k in ("answer", "give-up")]
        assert "your prediction" not in screen_text(app)  # no prediction, no reveal


async def test_a_prediction_is_revealed_when_the_lesson_computes_it() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_started(pilot)
        await goto(pilot, 2)
        text = screen_text(app)
        assert "predict" in text and "step 3 computes it" in text
        await pilot.press("0", ".", "3", "enter")  # wrong: a hint and a retry, no spoiler
        text = screen_text(app)
        assert "hint 1/2" in text and "real value" not in text
        await pilot.press("right")  # step 3 computes loss = mse(y_hat, y)
        text = screen_text(app)
        assert "loss = 0.25" in text
        assert (
            "your prediction at step 2: you said 0.3; the real value is 0.25 (off by 0.05)" in text
        )
        await pilot.press("right")  # step 3 stays on the page, its reveal with it, once
        text = screen_text(app)
        assert text.count("your prediction") <= 1
        assert "your prediction" not in text.split("Step 4/8")[-1]  # not under step 4
        await pilot.press("left", "left")
        await pilot.press("0", ".", "2", "5", "enter")  # now right: the first guess is shown
        text = screen_text(app)
        assert "✓ right: 0.25" in text
        assert "your prediction: you said 0.3; the real value is 0.25 (off by 0.05)" in text


async def test_the_score_is_shown_in_the_nav_bar_and_at_the_end() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_started(pilot)
        assert "score" not in screen_text(app)  # nothing asked yet
        await goto(pilot, 2)
        await pilot.press("0", ".", "2", "5", "enter")
        await goto(pilot, 7)
        await pilot.press("2")  # wrong, then right: right on a retry still counts
        await pilot.press("1")
        await goto(pilot, 8)
        assert "score 2/2" in screen_text(app)
        await pilot.press("ctrl+end")  # under the last step: the lesson is done
        await pilot.pause()
        assert "✓ Lesson done. 2 of 2 questions right. q to quit." in screen_text(app)
        assert saved().lesson("app-layer").completed  # type: ignore[union-attr]
        await pilot.press("right")  # past the end: said again
        assert screen.done_line() == "✓ Lesson done. 2 of 2 questions right. q to quit."


async def test_progress_survives_a_restart_and_resuming_is_offered() -> None:
    first = lesson_app(LAYER)
    async with first.run_test(size=(100, 30)) as pilot:
        await wait_started(pilot)
        await goto(pilot, 4)
        await pilot.press("q")
    second = lesson_app(LAYER)
    async with second.run_test(size=(100, 30)) as pilot:
        await wait_prompt(pilot)
        text = screen_text(second)
        assert "welcome back" in text and "You were at step 4 of 8: Backprop." in text
        assert "resume at step 4" in text and "start over" in text
        await pilot.press("r")
        screen = await wait_started(pilot)
        await wait_for(
            pilot,
            lambda: screen.session.position == 4 and not screen.busy,
            "step 4",  # type: ignore[union-attr]
        )
        await pilot.pause()
        assert "step 4/8" in screen_text(second) and "W.grad" in screen_text(second)


async def test_start_over_begins_at_the_intro() -> None:
    first = lesson_app(LAYER)
    async with first.run_test(size=(100, 30)) as pilot:
        await wait_started(pilot)
        await goto(pilot, 2)
    second = lesson_app(LAYER)
    async with second.run_test(size=(100, 30)) as pilot:
        await wait_prompt(pilot)
        await pilot.press("s")
        screen = await wait_started(pilot)
        await pilot.pause(0.1)
        assert screen.session is not None and screen.session.position == 0
        assert "step 0/8" in screen_text(second)


async def test_the_list_shows_progress_per_lesson() -> None:
    learner = saved()
    for k, step in enumerate(["forward", "predict-loss", "loss"], start=1):
        learner.reached("app-layer", step, k, 8, "One linear layer")
    learner.answered("app-layer", "predict-loss", "0.25", True, attempt=1)
    app = list_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot, engine=False)
        text = screen_text(app)
        assert "3/8" in text and "at step 3 · 1 right" in text  # questions, not tries
        assert "4 steps" in text  # the lesson not started yet
        await pilot.press("enter")  # back into it, one step further, then back to the list
        await wait_prompt(pilot)
        await pilot.press("s")
        await wait_started(pilot)
        await goto(pilot, 8)
        await pilot.press("q")
        assert isinstance(app.screen, LessonListScreen)
        await pilot.pause()
        assert "8/8 ✓" in screen_text(app)


async def test_the_learner_and_the_data_folder_come_from_the_config(tmp_path: Path) -> None:
    app = lesson_app(LAYER, learner="ada", data=tmp_path, classroom=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_started(pilot)
        await goto(pilot, 1)
    store = ProgressStore(tmp_path)
    assert store.learners() == ["ada"]
    assert store.learner("ada").lesson("app-layer").last_index == 1  # type: ignore[union-attr]
    other = lesson_app(LAYER, learner="bob", data=tmp_path, classroom=True)
    async with other.run_test(size=(100, 30)) as pilot:
        await wait_started(pilot)  # bob has no progress: no prompt, nothing of ada's shown
        assert not isinstance(other.screen, ResumeScreen)
        assert "ada" not in screen_text(other)


async def test_a_store_that_cannot_be_used_is_said_and_the_lesson_goes_on(
    tmp_path: Path,
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    app = lesson_app(LAYER, data=not_a_folder)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 2)
        assert screen.session is not None and screen.session.position == 2
        assert "progress is not saved" in app.progress.problem
        assert len(app.reports) == 2


def test_which_questions_are_predictions() -> None:
    from tutor.engine.run import Run
    from tutor.lesson import load_lesson
    from tutor.session.predictions import reveal_step

    from .conftest import LESSONS

    layer = load_lesson(LAYER)
    assert layer.code[1].predicts == 3  # mse(y_hat, y), then loss = mse(y_hat, y)
    lstm = load_lesson(LESSONS / "12-lstm.yaml")
    assert lstm.code[3].predicts == 5  # (f * c + i * g)[0], then c = f * c + i * g
    neuron = Run(load_lesson(LESSONS / "02-neuron.yaml"), device="cpu")
    assert neuron.file.code[1].predicts is None  # the code does not say ...
    neuron.goto(3)
    assert reveal_step(neuron, 2) == 3  # ... the numbers do: z = products.sum() + b


async def test_start_over_clears_the_lists_line_for_that_lesson() -> None:
    """Open, answer, back, reopen, start over, back: the list no longer says 'at step 2 ·
    1 right' (nor a bar) for a lesson the learner chose to begin again."""
    app = list_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot)
        await pilot.press("enter")
        await wait_started(pilot)
        await goto(pilot, 2)
        await pilot.press("0", ".", "2", "5", "enter")
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(app.screen, LessonListScreen), "the list")
        await pilot.pause()
        assert "at step 2 · 1 right" in screen_text(app)
        await pilot.press("enter")
        await wait_prompt(pilot)
        await pilot.press("s")
        await wait_started(pilot)
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(app.screen, LessonListScreen), "the list")
        await pilot.pause()
        text = screen_text(app)
        assert "at step" not in text and "1 right" not in text, text
        assert "8 steps" in text and "2/8" not in text, text
    assert saved().lesson("app-layer") is None


async def test_a_click_in_either_column_of_the_list_opens_that_lesson() -> None:
    """At 80×24 the course is two columns (down the left, then the right): a click on a title
    in the left half opens the left lesson of that row, one in the right half the right one."""
    from tutor.app.screens.lesson import LessonScreen
    from tutor.app.widgets.lesson_list import LessonList
    from tutor.lesson.bundled import BUNDLED

    app = list_app(BUNDLED)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_list(pilot, engine=False)
        lessons = screen.query_one(LessonList)
        assert lessons.pairs, "the course should need two columns at 80×24"
        left, right = lessons.pairs["pair-2"]  # the third row: lessons 3 and rows + 3
        opened = []
        for x in (10, lessons.size.width - 20):  # a title in the left half, then the right
            await pilot.click(LessonList, offset=(x, 2))
            await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen), "a lesson")
            opened.append(app.screen.path)  # type: ignore[attr-defined]
            await pilot.press("q")
            await wait_for(pilot, lambda: isinstance(app.screen, LessonListScreen), "the list")
            await pilot.pause()
        assert opened == [lessons.entries[n - 1].path for n in (left, right)], opened
