"""`tutor watch`: edit the lesson under the running app; the change and the error come and go."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tutor.app.problems import found_problems, step_lines
from tutor.app.screens.watch import WatchScreen
from tutor.app.widgets.error_panel import ErrorPanel
from tutor.app.widgets.problem_list import ProblemList
from tutor.lesson.source import parse_text

from .app_support import LAYER, lesson_app, screen_text, wait_for, wait_started


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


TRAIN = """\
id: watched-training
title: Watched training
tensors:
  x: [[1.0], [2.0]]
  y: [[2.0], [4.0]]
  w: {value: [[0.0]], grad: true}
steps:
  - id: train
    title: Fit w
    repeat: 200
    run: |
      w.grad = None
      loss = mse(x @ w, y)
      loss.backward()
      w -= 0.01 * w.grad
    plot: loss
  - {id: after, title: Where w ended, show: [w]}
"""


async def test_keys_during_training_under_watch_are_not_dropped(tmp_path: Path) -> None:
    """Issue 21: → while the plot grows finishes the training, and the next → moves on, as on
    the lesson screen; a save meanwhile waits for the training to end."""
    lesson = tmp_path / "train.yaml"
    save(lesson, TRAIN)
    app = lesson_app(lesson, watch=True, train_seconds=30.0)  # would take half a minute
    async with app.run_test(size=(100, 34)) as pilot:
        screen = await wait_started(pilot)
        await pilot.press("right")
        await wait_for(pilot, lambda: screen.training == 1, "the live plot")
        await pilot.press("right")
        await wait_for(pilot, lambda: not screen.busy, "the end of the training")
        run = screen.session.run  # type: ignore[union-attr]
        assert run.outcome(1).iterations == 200 and run.position == 1
        await pilot.press("right")
        await wait_for(pilot, lambda: run.position == 2, "step 2")


async def test_a_key_pressed_while_reloading_acts_on_the_authors_step(tmp_path: Path) -> None:
    """A → pressed while the saved file reloads is kept, and done once the author is back on
    their step: it moves on from there, not from the top of the lesson."""
    lesson = tmp_path / "follow.yaml"
    save(lesson, FOLLOW)
    app = lesson_app(lesson, watch=True)
    async with app.run_test(size=(100, 34)) as pilot:
        screen = await wait_started(pilot)
        assert isinstance(screen, WatchScreen)
        await pilot.press("right", "right")
        await wait_for(pilot, lambda: screen.session and screen.session.position == 2, "step 2")
        screen.reload()  # as a save does; the → below comes before the new Run exists
        await pilot.press("right")
        await wait_for(
            pilot,
            lambda: screen.session is not None and not screen.busy and not screen.queued,
            "the reload and the key",
        )
        assert screen.session.run.view().title == "Three"  # type: ignore[union-attr]


ANSWERS = """\
id: answers
title: Answers
tensors:
  x: [1.0, 2.0]
steps:
  - {id: sum, title: Sum, ask: What is x.sum()?, answer: x.sum()}
  - id: pick
    title: Pick
    choose: {question: Which is larger?, options: [the first, the second], answer: 1}
  - {id: double, title: Double, prompt: Double x into y., write: y = x * 2}
  - {id: end, title: End, show: [x]}
"""


async def reloaded(pilot: object, screen: WatchScreen, n: int) -> None:
    """Wait until save number `n` is read, the author is back on their step, and idle."""
    await wait_for(
        pilot,  # type: ignore[arg-type]
        lambda: (
            screen.reloads == n
            and screen.session is not None
            and not screen.busy
            and screen.resume_to is None
        ),
        f"reload {n}",
    )


async def test_answers_stay_where_the_question_is_unchanged(tmp_path: Path) -> None:
    """Issue 21: a save keeps the answers (and a write step's solution) of every question
    whose step is still there asking the same thing; a changed question starts afresh."""
    lesson = tmp_path / "answers.yaml"
    save(lesson, ANSWERS)
    app = lesson_app(lesson, watch=True)
    async with app.run_test(size=(100, 34)) as pilot:
        screen = await wait_started(pilot)
        assert isinstance(screen, WatchScreen)
        await pilot.press("right", "3", "enter")  # the ask, answered by typing
        await wait_for(pilot, lambda: screen.session.attempt(1).solved, "the answer")  # type: ignore[union-attr]
        await pilot.press("right", "2")  # the choose, picked
        await wait_for(pilot, lambda: screen.session.attempt(2).solved, "the choice")  # type: ignore[union-attr]
        await pilot.press("right")
        await wait_for(pilot, lambda: screen.session.position == 3, "the write step")  # type: ignore[union-attr]
        assert screen.session.write("y = x * 2").solved  # type: ignore[union-attr]
        edited = ANSWERS.replace("title: Sum", "title: The sum").replace(
            "Which is larger?", "Which entry is larger?"
        )
        save(lesson, edited)
        await reloaded(pilot, screen, 1)
        session = screen.session
        assert session is not None and session.position == 3
        assert session.attempts[1].solved and session.attempts[1].tries == 1
        kept = session.attempts[3]
        assert kept.solved and kept.reference == "y = x * 2" and kept.lines == ["y = x * 2"]
        assert not session.attempt(2).tries  # its question changed: asked afresh
        await wait_for(pilot, lambda: "the reference was:" in screen_text(app), "the solution")
        assert "score 2/3" in screen_text(app)


BREAKS = """\
id: breaks
title: Breaks
tensors:
  x: [1.0, 2.0]
  W: [[1.0, 2.0, 3.0]]
steps:
  - {id: a, title: A, run: y = x * 2}
  - id: b
    title: B
    run: z = y + 1
    expect: {z: [3.0, 6.0]}
  - {id: c, title: C, run: q = x @ W}
  - {id: d, title: D, show: [x]}
"""


async def test_problems_anywhere_are_listed_and_each_goes_to_its_step(tmp_path: Path) -> None:
    """Issue 21: what breaks or fails in any step is listed at the top as soon as the lesson
    starts, with its step and line:col; `j` and a click go to the step; a save that fixes
    them empties the list."""
    lesson = tmp_path / "breaks.yaml"
    save(lesson, BREAKS)
    app = lesson_app(lesson, watch=True)
    async with app.run_test(size=(100, 34)) as pilot:
        screen = await wait_started(pilot)
        assert isinstance(screen, WatchScreen)
        listed = screen.query_one(ProblemList)
        await wait_for(pilot, lambda: screen.checks == 1, "the check of the whole lesson")
        assert listed.display and [p.step for p in listed.problems] == [2, 3]
        assert [p.line for p in listed.problems] == [11, 12]
        text = screen_text(app)
        assert "step 2 · 11:" in text and "step 3 · 12:" in text
        assert screen.session.position == 0  # type: ignore[union-attr]

        await pilot.press("j")
        await wait_for(pilot, lambda: screen.session.position == 2 and not screen.busy, "step 2")  # type: ignore[union-attr]
        await pilot.press("j")
        await wait_for(pilot, lambda: screen.session.position == 3 and not screen.busy, "step 3")  # type: ignore[union-attr]
        await pilot.press("j")  # round to the first, back
        await wait_for(pilot, lambda: screen.session.position == 2, "step 2 again")  # type: ignore[union-attr]

        await pilot.click(ProblemList, offset=(10, 2))  # the second entry, under the border
        await wait_for(pilot, lambda: screen.session.position == 3 and not screen.busy, "a click")  # type: ignore[union-attr]
        assert screen.focused is screen.document  # the lesson's keys work again

        save(lesson, BREAKS.replace("[3.0, 6.0]", "[3.0, 5.0]").replace("x @ W", "x * 3"))
        await reloaded(pilot, screen, 1)
        await wait_for(pilot, lambda: screen.checks == 2, "the second check")
        assert not listed.display and screen.session.position == 3  # type: ignore[union-attr]
        await pilot.press("j")  # nothing to go to: the key does nothing
        assert screen.session.position == 3  # type: ignore[union-attr]


@pytest.mark.parametrize("watch", [True, False])
async def test_a_lesson_that_cannot_load_names_the_step_of_each_mistake(
    tmp_path: Path, watch: bool
) -> None:
    """Under watch and when the app opens it: every mistake at once, each with its step."""
    lesson = tmp_path / "broken.yaml"
    save(
        lesson,
        BREAKS.replace("run: z = y + 1", "run: z = y +").replace(
            "  - {id: c, title: C, run: q = x @ W}",
            "  - id: c\n    title: C\n    run: q = torch.softmax(x, dim=-1)",
        ),
    )
    app = lesson_app(lesson, watch=watch)
    async with app.run_test(size=(200, 40)) as pilot:  # wide: the temporary path fits
        screen = app.screen
        panel = screen.query_one(ErrorPanel)
        await wait_for(pilot, lambda: panel.display, "the error panel")
        await pilot.pause()
        shown = screen_text(app)
        assert f"step 2 · {lesson}:10:" in shown and f"step 3 · {lesson}:14:" in shown
        assert "softmax(x, dim=-1)" in shown  # the tutor's spelling, from the loader
        assert not screen.query(ProblemList) or not screen.query_one(ProblemList).display


def test_each_problem_is_placed_in_its_step() -> None:
    """Lines above the steps and fields written after them are the lesson's top (step 0)."""
    text = "id: a\ntitle: A\nsteps:\n  - title: one\n    run: y = 1\n  - title: two\nseed: 1\n"
    steps = step_lines(parse_text(text, "f.yaml"))
    assert [steps.step_at(n) for n in (1, 4, 5, 6, 7)] == [0, 1, 1, 2, 0]
    found = found_problems("f.yaml", ["f.yaml:6:5: broke\ntable"], ["f.yaml:1:1: nan"], steps)
    assert [(p.step, p.line, p.col, p.warning) for p in found] == [
        (0, 1, 1, True),
        (2, 6, 5, False),
    ]
    assert found[1].message == "broke\ntable"
    assert step_lines(parse_text("- just a list\n", "f.yaml")).step_at(1) is None
