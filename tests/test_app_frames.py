"""What a key costs the screen (issue 23): thirty students share two cores, so a step must
not lay out the whole screen, draw widgets that only place others, or compute while the
learner waits when it could have been computed while they read."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import torch
from textual.widget import Widget

from tutor.app.document_parts import step_parts
from tutor.app.widgets.document import LessonDocument

from .app_support import LAYER, goto, lesson_app, press, settle, wait_for, wait_started


@contextmanager
def counting() -> Iterator[tuple[Counter[str], Counter[str]]]:
    """Count, by widget class, the refreshes that ask for a layout and the lines drawn."""
    layouts: Counter[str] = Counter()
    drawn: Counter[str] = Counter()
    refresh, render_lines = Widget.refresh, Widget.render_lines

    def counted_refresh(self: Widget, *regions, **options):  # type: ignore[no-untyped-def]
        if options.get("layout"):
            layouts[type(self).__name__] += 1
        return refresh(self, *regions, **options)

    def counted_render(self: Widget, crop):  # type: ignore[no-untyped-def]
        drawn[type(self).__name__] += crop.height
        return render_lines(self, crop)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Widget, "refresh", counted_refresh)
        patch.setattr(Widget, "render_lines", counted_render)
        yield layouts, drawn


async def test_a_step_lays_out_nothing_and_draws_no_container() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_started(pilot)
        await goto(pilot, 2)
        await settle(pilot)
        with counting() as (layouts, drawn):
            for key in ("right", "right", "left", "left", "right"):
                await press(pilot, key)
        assert not layouts, f"a step laid out the screen: {dict(layouts)}"
        assert drawn["LessonDocument"] > 0
        assert not {"Horizontal", "Vertical"} & set(drawn), dict(drawn)
        assert "ScrollBar" not in drawn, "a scroll bar was redrawn on every step"


async def test_the_next_step_is_computed_while_the_learner_reads() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_started(pilot)
        session = screen.session
        assert session is not None
        run = session.run
        await wait_for(pilot, lambda: run.done(1), "step 1 computed ahead")
        assert session.position == 0
        document = screen.query_one(LessonDocument)
        await press(pilot, "right")
        assert session.position == 1
        await wait_for(pilot, lambda: run.done(2), "step 2 computed ahead")
        await pilot.pause(0.1)
        assert not run.done(3)  # one step ahead, no further
        # the step the learner moves to was drawn ahead too, before the key: its parts keep
        # their lines at the document's width
        await settle(pilot)
        coming = step_parts(session, screen.parts, screen.drawing(), 2)
        width = document.scrollable_content_region.width
        assert all((width, False) in part.lines.keys() for part in coming[:1])
        await press(pilot, "right")
        assert document.parts[document.current] is coming[0]


async def test_a_step_that_trains_is_not_computed_ahead() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_started(pilot)
        session = screen.session
        assert session is not None
        run = session.run
        training = next(k for k, s in enumerate(run.lesson.steps, 1) if s.repeat)
        await goto(pilot, training - 1)
        await settle(pilot)
        assert not run.done(training), "a training step ran before the learner asked for it"


def test_torch_runs_on_one_thread_once_a_lesson_runs() -> None:
    from tutor.engine.run import Run
    from tutor.lesson import load_lesson

    torch.set_num_threads(2)
    Run(load_lesson(LAYER), device="cpu")
    assert torch.get_num_threads() == 1


async def test_bars_showing_what_they_showed_before_draw_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Back and forth over steps seen before, the top, nav and key bars look their lines up:
    each step's `step k/n` and dots were drawn once."""
    from tutor.app.widgets.keybar import KeyBar
    from tutor.app.widgets.navbar import NavBar
    from tutor.app.widgets.topbar import TopBar

    drawn: Counter[str] = Counter()
    app = lesson_app(LAYER)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_started(pilot)
        await goto(pilot, 3)
        for key in ("left", "left", "right", "right"):
            await press(pilot, key)
        await settle(pilot)
        for bar in (TopBar, NavBar, KeyBar):

            def counted(self, width: int, line=bar.line):  # type: ignore[no-untyped-def]
                drawn[type(self).__name__] += 1
                return line(self, width)

            monkeypatch.setattr(bar, "line", counted)
        for key in ("left", "left", "right", "right"):
            await press(pilot, key)
        assert not drawn, f"bars drew lines they had drawn before: {dict(drawn)}"
