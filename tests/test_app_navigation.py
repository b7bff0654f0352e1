"""Stepping through a lesson in the app: forward, back (exactly the numbers seen before),
restart, the statements toggle, and a terminal of 80×24."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import torch

from tutor.app.screens.help import HelpScreen
from tutor.app.screens.lessons import LessonListScreen
from tutor.app.widgets.document import LessonDocument
from tutor.app.widgets.keybar import KeyBar
from tutor.app.widgets.navbar import NavBar
from tutor.app.widgets.topbar import TopBar

from .app_support import (
    APP_LESSONS,
    LAYER,
    goto,
    lesson_app,
    list_app,
    screen_text,
    wait_for,
    wait_list,
    wait_started,
)


async def test_forward_draws_each_step_with_its_numbers() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_started(pilot)
        assert screen.session is not None and screen.session.position == 0
        assert "Forward pass" in screen_text(app)  # the table of contents
        await goto(pilot, 1)
        text = screen_text(app)
        assert "Step 1/8" in text and "y_hat = x @ W + b" in text
        assert "⎡ 1.5000 ⎤" in text
        assert "step 1/8 · cpu" in app.screen.query_one(TopBar).info
        await goto(pilot, 4)
        text = screen_text(app)
        assert "W.grad" in text and "⎡ -2.5000 ⎤" in text  # the gradient beside W
        assert "✓ W.grad" not in text  # a passing author check is never shown to a learner


async def test_back_restores_exactly_the_values_seen_before() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 6)  # W after one update
        run = screen.run
        assert run is not None
        drawn = screen_text(app)
        w_after = run.value("W")
        assert "0.5500" in drawn
        for _ in range(3):
            await pilot.press("left")
        assert run.position == 3
        assert "Loss and its graph" in screen_text(app)
        assert torch.equal(run.value("W"), torch.tensor([[0.5], [0.5]]))
        await pilot.press("p")  # p is back too
        assert run.position == 2
        await goto(pilot, 6)
        assert screen_text(app) == drawn
        assert torch.equal(run.value("W"), w_after)


async def test_home_restarts_and_n_and_space_go_forward() -> None:
    app = lesson_app(LAYER)
    async with app.run_test() as pilot:
        screen = await wait_started(pilot)
        await pilot.press("n", "space")
        assert screen.session is not None and screen.session.position == 2
        await pilot.press("home")
        assert screen.session.position == 0
        assert "Lesson" in screen_text(app)


async def test_e_hides_and_shows_the_statements() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_started(pilot)
        await goto(pilot, 1)
        assert "y_hat = x @ W + b" in screen_text(app)
        await pilot.press("e")
        assert not app.screen.show_code  # type: ignore[attr-defined]
        assert "y_hat = x @ W + b" not in screen_text(app)
        await pilot.press("right")
        assert "y_hat = x @ W + b" not in screen_text(app)  # stays hidden
        await pilot.press("left", "e")
        assert "y_hat = x @ W + b" in screen_text(app)


async def test_a_repeat_runs_in_a_worker_and_draws_its_plot() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 7)
        assert screen.needs_computing()
        await goto(pilot, 8)
        text = screen_text(app)
        assert "Train for a while" in text and "30 iterations" in text
        assert screen.run is not None and screen.run.outcome(8).iterations == 30


async def test_at_80_by_24_nothing_is_clipped_and_it_reflows() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 5)  # the comparison: side by side when wide
        wide = screen_text(app)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        narrow = screen_text(app)
        assert narrow != wide
        lines = narrow.splitlines()
        assert len(lines) == 24 and all(len(line) <= 80 for line in lines)
        assert "step 5/8 · cpu" in lines[0]
        assert "next ›" in lines[-2] and "→ next" in lines[-1]
        body = app.screen.query_one(LessonDocument)
        assert body.max_scroll_x == 0  # no sideways scrolling: the step fits the width
        assert screen.session is not None and screen.session.position == 5


async def test_moving_past_the_end_is_harmless() -> None:
    app = lesson_app(LAYER)
    async with app.run_test() as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 8)
        await pilot.press("right", "right")
        assert screen.session is not None and screen.session.position == 8
        await pilot.press("left")
        assert screen.session.position == 7


async def test_the_mouse_steps_with_the_buttons() -> None:
    app = lesson_app(LAYER)
    async with app.run_test() as pilot:
        screen = await wait_started(pilot)
        width = screen.query_one(NavBar).size.width
        await pilot.click(NavBar, offset=(3, 0))  # back, on the front page: nothing
        assert screen.session is not None and screen.session.position == 0
        await pilot.click(NavBar, offset=(width - 4, 0))  # next ›
        await pilot.click(NavBar, offset=(width - 4, 0))
        assert screen.session.position == 2
        await pilot.click(NavBar, offset=(3, 0))  # ‹ back
        assert screen.session.position == 1
        await pilot.click(NavBar, offset=(width // 2, 0))  # the dots are not a button
        assert screen.session.position == 1


async def test_q_goes_back_to_the_list_then_quits() -> None:
    app = list_app(APP_LESSONS)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot)
        await pilot.press("enter")
        await wait_started(pilot)
        await pilot.press("q")
        assert isinstance(app.screen, LessonListScreen)
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, "the app to quit")


async def test_q_quits_a_lesson_opened_directly() -> None:
    app = lesson_app(LAYER)
    async with app.run_test() as pilot:
        await wait_started(pilot)
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, "the app to quit")


async def test_question_mark_shows_the_keys_and_escape_closes_them() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_started(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "step back: the earlier numbers," in screen_text(app)
        await pilot.press("right")  # keys go to the help, not to the lesson underneath
        assert screen.session is not None and screen.session.position == 0
        await pilot.press("escape")
        assert app.screen is screen


async def test_the_key_bar_lists_the_keys_and_a_click_presses_one() -> None:
    app = lesson_app(LAYER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_started(pilot)
        bar = screen.query_one(KeyBar)
        line = bar.line(bar.size.width).text
        keys = " → next  ← back  h hint  e code  k knobs  : inspect  q lessons  ? help"
        assert line.startswith(keys)
        await pilot.click(KeyBar, offset=(2, 0))  # → next
        assert screen.session is not None and screen.session.position == 1
        await goto(pilot, 2)  # a question: typing a digit focuses the answer box
        await pilot.press("1")
        await pilot.pause()
        line = bar.line(bar.size.width).text
        assert "esc leave" in line


async def test_the_front_page_names_prerequisites_by_title(tmp_path: Path) -> None:
    """Opened from the list, a lesson's front page says what comes before it by title (the
    ids are for authors): 'after  A neuron', not 'after  neuron'."""
    (tmp_path / "01-neuron.yaml").write_text(
        (APP_LESSONS / "02-views.yaml").read_text().replace("id: app-views", "id: neuron")
    )
    shutil.copy(LAYER, tmp_path / "02-layer.yaml")
    app = list_app(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_list(pilot)
        await pilot.press("down", "enter")
        await wait_started(pilot)
        text = screen_text(app)
        assert re.search(r"after\s+Attention, confusion, heatmaps", text), text


def out_of_view(app: object) -> tuple[int, int]:
    """The nav bar's `↑12 ↓27`, read off the screen as a learner reads it ((0, 0) if none)."""
    bar = screen_text(app).splitlines()[-2]  # type: ignore[arg-type]
    above, below = re.search(r"↑(\d+)", bar), re.search(r"↓(\d+)", bar)
    return (int(above.group(1)) if above else 0, int(below.group(1)) if below else 0)


async def test_the_nav_bar_counts_the_lines_out_of_view_and_pages() -> None:
    """The document has no scroll bar (one redrawn per step cost a third of a frame, issue 23):
    the nav bar says how many lines are above and below the window, the reader's scrolling
    follows, and a click on either count pages."""
    app = lesson_app(LAYER)
    async with app.run_test(size=(80, 14)) as pilot:
        screen = await wait_started(pilot)
        document = screen.query_one(LessonDocument)
        await goto(pilot, 4)  # four steps on the page, the fourth taller than the window
        height = document.scrollable_content_region.height
        above, below = out_of_view(app)
        assert above > 0 and below > 0, screen_text(app)
        assert above + height + below == document.virtual_size.height
        assert (above, below) == document.out_of_view
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: out_of_view(app)[1] < below, "the count below to fall")
        assert out_of_view(app) == document.out_of_view
        await pilot.press("end")
        await wait_for(pilot, lambda: out_of_view(app)[1] == 0, "nothing left below")
        width = screen.query_one(NavBar).size.width
        bar = screen_text(app).splitlines()[-2]
        x = bar.index("↑")
        scrolled = document.scroll_y
        await pilot.click(NavBar, offset=(x, 0))  # ↑ pages up
        await wait_for(pilot, lambda: document.scroll_y < scrolled, "a page up")
        assert 0 < x < width
        await goto(pilot, 5)  # a step follows the new step, and the count with it
        assert out_of_view(app) == document.out_of_view
