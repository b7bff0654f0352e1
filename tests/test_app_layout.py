"""What a key costs: a step change lays the screen out once, coming back to a step redraws
nothing it drew before, and the next step is computed and drawn while the learner reads.
(The figures themselves are in benchmarks/; these check the mechanisms behind them.)"""

from __future__ import annotations

import operator
from collections.abc import Iterator

import pytest
from textual.screen import Screen
from textual.scrollbar import ScrollBar
from textual.widget import Widget

from tutor.app.screens.lesson_ahead import AHEAD_DELAY
from tutor.app.widgets.lines import Blocks, Lines
from tutor.app.widgets.question import QuestionPanel
from tutor.app.widgets.scroll_bar import KeptScrollBar
from tutor.app.widgets.step_pane import StepPane
from tutor.app.widgets.step_scroll import StepScroll

from .app_support import LAYER, goto, lesson_app, screen_text, wait_for, wait_started


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every layout pass ("layout") and every frame drawn ("frame") of any screen, in order."""
    passes: list[str] = []
    layout, frame = Screen._refresh_layout, Screen._compositor_refresh

    def counted_layout(self: Screen, *args: object, **kwargs: object) -> None:
        passes.append("layout")
        layout(self, *args, **kwargs)  # type: ignore[arg-type]

    def counted_frame(self: Screen) -> None:
        passes.append("frame")
        frame(self)

    monkeypatch.setattr(Screen, "_refresh_layout", counted_layout)
    monkeypatch.setattr(Screen, "_compositor_refresh", counted_frame)
    yield passes


async def test_each_step_change_lays_out_and_draws_the_screen_once(layouts: list[str]) -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_started(pilot)
        assert screen.session is not None
        moves = [("right", k) for k in range(1, 8)] + [("left", k) for k in (6, 5, 4)]
        moves += [("right", k) for k in (5, 6, 7)]  # step 7 again, its options as they were
        for key, k in moves:
            layouts.clear()
            await pilot.press(key)
            await wait_for(pilot, lambda k=k: screen.session.position == k, f"step {k}")  # type: ignore[union-attr]
            await pilot.pause(0.05)
            # the parts change height from step to step; one pass settles them all and one
            # frame draws them, a `choose` with its options included
            assert layouts == ["layout", "frame"], f"step {k}: {layouts}"


async def test_coming_back_to_a_step_draws_nothing_again() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_started(pilot)
        screen = await goto(pilot, 2)  # a question: predict the loss
        pane = screen.query_one(StepPane)
        width = pane.content_region.width
        prompt = screen.query_one("#q-prompt", Blocks)
        drawn = pane.lines(width), prompt.lines(prompt.content_region.width)
        await pilot.press("left")
        await pilot.press("right")
        await pilot.pause()
        assert pane.lines(width) is drawn[0]
        again = prompt.lines(prompt.content_region.width)
        assert len(again) == len(drawn[1]) and all(map(operator.is_, again, drawn[1]))


async def test_the_next_step_is_ready_before_the_learner_presses_next() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_started(pilot)
        run = screen.session.run  # type: ignore[union-attr]
        assert not run.done(1)
        await pilot.pause(AHEAD_DELAY / 2)
        assert not run.done(1)  # not while the learner may still be pressing keys
        await wait_for(pilot, lambda: run.done(1), "step 1 prepared")
        assert run.position == 0  # computed, not shown, not saved
        assert "Forward pass" in screen_text(app) and "⎡ 1.5000 ⎤" not in screen_text(app)
        await pilot.press("right")
        await pilot.pause()
        assert "⎡ 1.5000 ⎤" in screen_text(app)


async def test_a_step_that_repeats_is_left_for_next_to_animate() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_started(pilot)
        screen = await goto(pilot, 7)
        await pilot.pause(AHEAD_DELAY * 1.5)
        run = screen.session.run  # type: ignore[union-attr]
        assert run.position == 7 and not run.done(8)  # step 8 repeats: it runs in a worker


async def test_a_prepared_step_is_shown_without_drawing_it_again() -> None:
    """At 80×24, where some steps need the scroll bar and some do not: every part of each step,
    and of each question (prompt, answer box or options, notes), was drawn ahead at the width
    it is shown at."""
    app = lesson_app(LAYER)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_started(pilot)
        pane, panel = screen.query_one(StepPane), screen.query_one(QuestionPanel)

        def drawn(k: int) -> dict[str, set[object]]:
            drawn = {"step": set(pane._kept[k].drawn)}
            for blocks in panel.query(Blocks):  # the prompt, the box, the options, the notes
                drawn[str(blocks.id)] = set(blocks._kept)  # type: ignore[attr-defined]
            return drawn

        for k in range(1, 8):
            await wait_for(pilot, lambda k=k: k in pane._kept, f"step {k} prepared")
            ahead = drawn(k)
            await pilot.press("right")
            await pilot.pause(0.1)
            assert drawn(k) == ahead, f"step {k} was drawn again on screen"
        assert len(panel._prompts) == 2  # type: ignore[attr-defined]  # steps 2 and 7 ask something


async def test_lines_widgets_draw_what_textual_would_with_their_strips_filtered_once() -> None:
    """The unframed Lines widgets skip Textual's framing of each line: on a question step and
    at a width where the pane scrolls, every line they hand the screen equals, segment for
    segment, what Textual's own path gives; and a line shown again is the same strip object,
    filtered when it was drawn (ahead, for the step pane)."""
    app = lesson_app(LAYER)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_started(pilot)
        screen = await goto(pilot, 2)  # a question: its prompt, box and notes are Blocks
        await pilot.pause(0.1)
        checked = 0
        for widget in screen.query(Lines):
            if not widget.display or not widget.size.area:
                continue
            crop = widget.size.region
            fast, textual = widget.render_lines(crop), Widget.render_lines(widget, crop)
            assert [list(s) for s in fast] == [list(s) for s in textual], widget
            assert all(map(operator.is_, widget.render_lines(crop), fast)), widget
            checked += 1
        assert checked >= 6  # top bar, step pane, prompt, answer row's notes, nav bar, key bar
        part = screen.query_one(StepPane)
        kept = part.lines(part.size.width)
        filters = app.get_line_filters()
        ready = kept[0]._filter_cache.get((filters[0], part.background_colors[1]))
        assert ready is not None and part.render_lines(part.size.region)[0] is ready


async def test_kept_styles_follow_a_change_of_theme() -> None:
    """The bars and the question's frame keep the styles they read; a new theme reads them
    again (what Textual's own path would draw)."""
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_started(pilot)
        screen = await goto(pilot, 2)
        panel, bars = screen.query_one(QuestionPanel), list(screen.query(Lines))
        before = panel._frame(False)  # type: ignore[attr-defined]
        app.theme = "textual-light"
        await pilot.pause(0.1)
        after = panel._frame(False)  # type: ignore[attr-defined]
        assert after != before
        assert after.edge == panel.get_component_rich_style("question-panel--edge")
        checked = 0
        for widget in bars:
            for _, name in widget._kept_styles[1] if widget._kept_styles else ():
                if name:
                    assert widget.kept_style(name) == widget.get_component_rich_style(name)
                    checked += 1
        assert checked >= 5  # the top bar's, the nav bar's, the key bar's, the step pane's


async def test_the_question_measures_itself_as_textual_would() -> None:
    """The panel adds its parts' heights instead of having Textual lay them out: the same
    height, for an `ask` as drawn, while answering, answered, and for a `choose`."""
    app = lesson_app(LAYER)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_started(pilot)
        screen = await goto(pilot, 2)
        panel = screen.query_one(QuestionPanel)

        def same() -> None:
            width = panel.content_region.width
            size = screen.size
            ours = panel.get_content_height(size, size, width)
            assert ours == Widget.get_content_height(panel, size, size, width)
            assert ours == panel.size.height

        same()
        await pilot.press("0", ".", "5")  # the answer box comes up
        await pilot.pause()
        same()
        await pilot.press("enter", "g")  # wrong, then the answer: the notes grow
        await pilot.pause()
        same()
        await goto(pilot, 7)  # choose one
        await pilot.pause()
        same()


async def test_the_scroll_bar_draws_what_textual_would_each_thumb_once() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(80, 16)) as pilot:  # short: the steps scroll
        await wait_started(pilot)
        screen = await goto(pilot, 3)  # taller than the screen
        bar = screen.query_one(StepScroll).vertical_scrollbar
        assert isinstance(bar, KeptScrollBar)
        crop = bar.size.region
        seen = set()
        for keys in ((), ("down",), ("down", "down"), ("ctrl+end",), ("left",), ("right",)):
            await pilot.press(*keys)
            await pilot.pause()
            bar.refresh()
            seen.add((bar.position, bar.window_virtual_size))
            ours = bar.render_lines(crop)
            assert [list(s) for s in ours] == [list(s) for s in ScrollBar.render_lines(bar, crop)]
            assert bar.render_lines(crop) is ours  # kept
        assert len(seen) >= 4  # thumbs of two lengths, at three places
