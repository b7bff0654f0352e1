"""Live training in the app: a `repeat` with a plot grows its curves while it runs (updates
from the worker, at most 20 a second), several series share the plot, and `s` or Escape stops
it midway; the step keeps what it did and the lesson goes on from there."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console
from textual.message import Message

from tutor.app.screens.lesson import LessonScreen
from tutor.app.widgets.runner import FRAME, Runner
from tutor.render.live_plot import LivePlot

from .app_support import goto, lesson_app, screen_text, wait_for, wait_started

TRAINING = """
    id: live-training
    title: Live training
    params:
      lr: {value: 0.01, min: 0.001, max: 0.05, step: 0.005}
    tensors:
      x: [[1.0], [2.0], [3.0], [4.0]]
      y: [[2.0], [4.0], [6.0], [8.0]]
      w: {value: [[0.0]], grad: true}
    steps:
      - id: train
        title: Fit w
        repeat: 200
        run: |
          w.grad = None
          loss = mse(x @ w, y)
          loss.backward()
          w -= lr * w.grad
          gap = l1(x @ w, y)
        plot: [loss, gap]
      - id: after
        title: Where w ended
        show: [w]
"""


@pytest.fixture
def training(write_lesson: Callable[[str], Path]) -> Path:
    return write_lesson(TRAINING)


def collect(frames: list[Runner.Progress]) -> Callable[[Message], None]:
    """A message hook keeping each live update once (it bubbles from the screen to the app)."""

    def hook(message: Message) -> None:
        if isinstance(message, Runner.Progress) and all(f is not message for f in frames):
            frames.append(message)

    return hook


def iteration(text: str) -> int:
    found = re.search(r"iteration (\d+) of 200", text)
    return int(found.group(1)) if found else 0


async def start_training(pilot: object, screen: LessonScreen, at_least: int) -> int:
    """Press → on the intro and wait until the live plot shows `at_least` iterations."""
    await pilot.press("right")  # type: ignore[attr-defined]
    app = screen.app
    await wait_for(
        pilot,  # type: ignore[arg-type]
        lambda: iteration(screen_text(app)) >= at_least,  # type: ignore[arg-type]
        f"{at_least} iterations on screen",
    )
    return iteration(screen_text(app))  # type: ignore[arg-type]


async def test_the_curves_grow_while_the_repeat_runs(training: Path) -> None:
    frames: list[Runner.Progress] = []
    app = lesson_app(training, train_seconds=3.0)
    async with app.run_test(size=(100, 40), message_hook=collect(frames)) as pilot:
        screen = await wait_started(pilot)
        await start_training(pilot, screen, 10)
        text = screen_text(app)
        assert screen.busy.startswith("training")
        assert "Fit w" in text and "→ finishes now · s stops" in text
        assert "● loss" in text and "● gap" in text  # two series, one plot
        assert "step 1: iteration" in text  # the nav bar says it too
        await wait_for(pilot, lambda: not screen.busy, "the end of the repeat")
        grown = [len(f.series["loss"]) for f in frames]  # type: ignore[index]
        assert len(grown) >= 5 and grown == sorted(grown)  # drawn growing, frame by frame
        await pilot.pause()
        outcome = screen.session.run.outcome(1)  # type: ignore[union-attr]
        assert outcome.iterations == 200 and len(outcome.series["gap"]) == 200
        text = screen_text(app)
        assert "200 iterations" in text and "stopped" not in text


async def test_s_stops_the_repeat_midway_and_the_lesson_goes_on(training: Path) -> None:
    app = lesson_app(training, train_seconds=5.0)  # stopped long before
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await wait_started(pilot)
        await start_training(pilot, screen, 20)
        await pilot.press("s")
        await wait_for(pilot, lambda: not screen.busy, "the stop")
        await pilot.pause()
        run = screen.session.run  # type: ignore[union-attr]
        done = run.outcome(1).iterations
        assert 20 <= done < 200
        assert len(run.outcome(1).series["loss"]) == done
        assert f"stopped after {done} of 200 iterations" in screen_text(app)
        w_stopped = run.value("w", 1)
        await pilot.press("right")  # the next step starts from where training stopped
        assert run.value("w", 2).item() == w_stopped.item()
        assert 0.0 < w_stopped.item() < 2.0


async def test_escape_stops_it_too(training: Path) -> None:
    app = lesson_app(training, train_seconds=5.0)  # stopped long before
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await wait_started(pilot)
        await start_training(pilot, screen, 5)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not screen.busy, "the stop")
        assert screen.session.run.outcome(1).iterations < 200  # type: ignore[union-attr]


async def test_updates_come_at_most_twenty_times_a_second(training: Path) -> None:
    frames: list[Runner.Progress] = []
    app = lesson_app(training, train_seconds=0.5)
    async with app.run_test(size=(100, 40), message_hook=collect(frames)) as pilot:
        screen = await wait_started(pilot)
        started = time.monotonic()
        await goto(pilot, 1)
        took = time.monotonic() - started  # 0.5 s, or more on a busy machine
        assert frames and frames[-1].done == 200  # the last iteration is always posted
        assert len(frames) <= took / FRAME + 2  # ~10 frames for 200 iterations in 0.5 s
        assert all(f.series is not None and set(f.series) == {"loss", "gap"} for f in frames)
        grown = [len(f.series["loss"]) for f in frames]  # type: ignore[index]
        assert grown == sorted(grown) and grown[-1] == 200
        assert not screen.busy


async def test_without_pacing_a_fast_repeat_just_draws_its_plot(training: Path) -> None:
    app = lesson_app(training)  # train_seconds=0: as fast as it computes
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await wait_started(pilot)
        await goto(pilot, 1)
        assert screen.session.run.outcome(1).iterations == 200  # type: ignore[union-attr]
        assert "200 iterations" in screen_text(app)


def test_the_live_plot_keeps_the_x_axis_of_the_whole_run() -> None:
    console = Console(width=60, file=io.StringIO(), record=True, color_system=None)
    console.print(LivePlot("Fit w", {"loss": [4.0, 3.0, 2.0, 1.5, 1.2]}, 5, 100, height=6))
    text = console.export_text()
    assert "iteration 5 of 100" in text
    assert "0" in text.splitlines()[-2] and "99" in text.splitlines()[-2]  # the x axis: 0 … 99
    chart = [line for line in text.splitlines() if "┤" in line or "│" in line]
    drawn = [line.split("┤")[-1].split("│")[-1] for line in chart]
    assert max(len(part.rstrip()) for part in drawn) <= 6  # 5 of 100 iterations: the left edge


async def test_right_during_training_finishes_it_now(training: Path) -> None:
    app = lesson_app(training, train_seconds=30.0)  # would take half a minute
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await wait_started(pilot)
        await start_training(pilot, screen, 3)
        assert "→ finish now" in screen_text(app)  # the nav bar says what → does now
        await pilot.press("right")
        await wait_for(pilot, lambda: not screen.busy, "the end of the training")
        run = screen.session.run  # type: ignore[union-attr]
        assert run.outcome(1).iterations == 200  # finished, not stopped
        assert run.position == 1  # → finished the training; it did not also move on
        await pilot.press("right")
        assert run.position == 2


@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
async def test_the_growing_plot_is_on_screen_with_the_knobs_open(
    training: Path, size: tuple[int, int]
) -> None:
    app = lesson_app(training, train_seconds=30.0)
    async with app.run_test(size=size) as pilot:
        screen = await wait_started(pilot)
        await pilot.press("k")  # the knobs panel takes the right of the screen; → still steps
        await start_training(pilot, screen, 3)
        text = screen_text(app)
        assert "● loss" in text and "● gap" in text  # the legend, under the plot
        assert "iteration" in text and "lr = 0.01" in text  # the plot beside the knobs
        await pilot.press("s")
        await wait_for(pilot, lambda: not screen.busy, "the stop")
