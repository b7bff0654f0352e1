"""The real `tutor` in a real terminal (tmux): open a lesson, step, read the numbers on screen,
and quit with q q."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .conftest import ROOT

LESSONS = ROOT / "tests" / "app_lessons"
TIMEOUT = 30.0

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Tmux:
    """One detached tmux session running a command, 100×30."""

    def __init__(self, command: str) -> None:
        self.name = f"tutor-test-{uuid.uuid4().hex[:8]}"
        env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "NO_COLOR")}
        env["TERM"] = "xterm-256color"
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", self.name, "-x", "100", "-y", "30", command],
            check=True,
            env=env,
            cwd=ROOT,
        )

    def screen(self, *, colours: bool = False) -> str:
        flags = ["-e"] if colours else []
        done = subprocess.run(
            ["tmux", "capture-pane", "-p", *flags, "-t", self.name], capture_output=True, text=True
        )
        return done.stdout

    def settled(self) -> str:
        """The screen with its colours, once two looks 0.2 s apart agree."""
        last = self.screen(colours=True)
        for _ in range(int(TIMEOUT / 0.2)):
            time.sleep(0.2)
            now = self.screen(colours=True)
            if now == last:
                return now
            last = now
        raise AssertionError("the screen kept changing")

    def repainted(self) -> str:
        """The screen after the app draws all of it again (the terminal resized and back)."""
        for width in ("99", "100"):
            subprocess.run(["tmux", "resize-window", "-t", self.name, "-x", width], check=True)
            time.sleep(0.3)
        return self.settled()

    def keys(self, *keys: str) -> None:
        for key in keys:
            subprocess.run(["tmux", "send-keys", "-t", self.name, key], check=True)
            time.sleep(0.05)

    def wait_for(self, condition: Callable[[str], bool], what: str) -> str:
        deadline = time.monotonic() + TIMEOUT
        while True:
            text = self.screen()
            if condition(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; the screen:\n{text}")
            time.sleep(0.1)

    def alive(self) -> bool:
        done = subprocess.run(["tmux", "has-session", "-t", self.name], capture_output=True)
        return done.returncode == 0

    def kill(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def tmux() -> Iterator[Callable[[str], Tmux]]:
    sessions: list[Tmux] = []

    def start(args: str) -> Tmux:
        tutor = shlex.quote(str(Path(sys.executable).parent / "tutor"))
        # a tmux server already running gives new sessions its own environment, not ours:
        # the test's data folder goes on the command line (no saved progress, no resume offer)
        data = shlex.quote(os.environ["TUTOR_DATA_DIR"])
        session = Tmux(f"TUTOR_DATA_DIR={data} {tutor} {args}")  # ends when tutor exits
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        session.kill()


def test_the_real_app_opens_a_lesson_steps_and_quits(tmux: Callable[[str], Tmux]) -> None:
    term = tmux(f"{shlex.quote(str(LESSONS))} --device cpu --lang en")
    text = term.wait_for(lambda s: "3 lessons · 1 with errors" in s, "the lesson list")
    assert "Attention, confusion, heatmaps" in text and "✗ 03-broken.yaml" in text
    term.wait_for(lambda s: "torch ready · cpu" in s, "torch to load")
    term.keys("Enter")
    term.wait_for(lambda s: "step 0/8" in s, "the lesson to open")
    term.keys("Right")
    text = term.wait_for(lambda s: "step 1/8" in s, "step 1")
    assert "y_hat = x @ W + b" in text
    assert "⎡ 1.5000 ⎤" in text and "⎣ 4.5000 ⎦" in text  # ŷ, number by number
    term.keys("Right", "Right", "Right")
    text = term.wait_for(lambda s: "step 4/8" in s, "step 4")
    assert "W.grad" in text and "⎡ -2.5000 ⎤" in text and "⎣ -3.5000 ⎦" in text
    term.keys("Left")
    text = term.wait_for(lambda s: "step 3/8" in s, "step 3")
    assert "MseLossBackward0" in text  # the autograd graph, as it was
    term.keys("q")
    term.wait_for(lambda s: "Attention, confusion, heatmaps" in s, "the list again")
    term.keys("q")
    deadline = time.monotonic() + TIMEOUT
    while term.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not term.alive(), "q q did not end the app"


def test_what_each_key_draws_is_what_a_full_repaint_draws(tmux: Callable[[str], Tmux]) -> None:
    """The app sends only what changed: after steps of every height, and scrolling, the
    terminal must show what drawing the whole screen again shows, cell for cell and colour
    for colour."""
    lesson = ROOT / "tutor" / "lessons" / "13-self-attention.yaml"
    term = tmux(f"{shlex.quote(str(lesson))} --device cpu --lang en")
    term.wait_for(lambda s: "step 0/9" in s, "the lesson to open")
    moves = [["Right"], ["Right"], ["Down", "Down", "Down"], ["Right"], ["Right"], ["Left"]]
    moves += [["Left"], ["Up"], ["Right"] * 4, ["Right"], ["Left"]]
    for keys in moves:
        term.keys(*keys)
        drawn = term.settled()
        assert drawn == term.repainted(), f"after {keys}, the screen was not all redrawn"


def test_a_question_is_answered_under_the_values_it_asks_about(tmux: Callable[[str], Tmux]) -> None:
    """Lesson 13 asks for q_I · k_love on the step after Q and K are computed: both are on
    the screen with the question, and an answer typed there is checked."""
    lesson = ROOT / "tutor" / "lessons" / "13-self-attention.yaml"
    term = tmux(f"{shlex.quote(str(lesson))} --device cpu --lang en")
    term.wait_for(lambda s: "step 0/9" in s, "the lesson to open")
    term.keys("Right", "Right", "Right")
    text = term.wait_for(lambda s: "step 3/9" in s, "the question")
    assert "q_I · k_love" in text or "q_I" in text
    assert "Q  shape" in text and "K  shape" in text  # the values, on the question's screen
    assert text.index("K  shape") < text.index("type a number")
    term.keys("1")
    term.wait_for(lambda s: "your answer" in s, "the answer line")
    term.keys("Enter")
    text = term.wait_for(lambda s: "not 1" in s or "right" in s, "the verdict")


def test_a_statement_typed_in_a_write_step_is_checked(tmux: Callable[[str], Tmux]) -> None:
    lesson = ROOT / "tests" / "write_lessons" / "update.yaml"
    term = tmux(f"{shlex.quote(str(lesson))} --device cpu --lang en")
    term.wait_for(lambda s: "step 0/3" in s, "the lesson to open")
    term.keys("Right", "Right")
    term.wait_for(lambda s: "step 2/3" in s and "write it" in s, "the write step")
    term.keys("Enter")
    term.wait_for(lambda s: "your line" in s, "the line to write in")
    term.keys("W -= lr * W.grad", "Enter")
    text = term.wait_for(lambda s: "the reference was:" in s, "the line checked")
    assert "✓" in text
