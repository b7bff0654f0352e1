"""`kill -9` loses nothing already done: the real `tutor` in tmux opens a lesson, steps to
step 3, and is killed with SIGKILL; the store (opened afresh) has step 3."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tutor.progress import ProgressStore, default_data_dir, local_learner

from .test_tmux import LESSONS, TIMEOUT, Tmux, pytestmark  # noqa: F401  (skipped without tmux)


def tutor_pid(pane_pid: int) -> int:
    """The tutor process: the pane's own, or its child when a shell sits in between."""
    for pid in (pane_pid, *children(pane_pid)):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"tutor" in cmdline and b"tmux" not in cmdline:
            return pid
    raise AssertionError(f"no tutor process under pane {pane_pid}")


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


@pytest.fixture
def term() -> Iterator[Tmux]:
    tutor = shlex.quote(str(Path(sys.executable).parent / "tutor"))
    lesson = shlex.quote(str(LESSONS / "01-layer.yaml"))
    # a tmux server already running keeps its own environment: name the data folder here
    data = shlex.quote(str(default_data_dir()))  # this test's own (conftest)
    session = Tmux(f"TUTOR_DATA_DIR={data} {tutor} open {lesson} --device cpu --lang en")
    yield session
    session.kill()


def test_kill_9_keeps_every_step_already_reached(term: Tmux) -> None:
    term.wait_for(lambda s: "step 0/8" in s, "the lesson to open")
    term.keys("Right", "Right", "Right")
    term.wait_for(lambda s: "step 3/8" in s and "MseLossBackward0" in s, "step 3")
    pane = subprocess.run(
        ["tmux", "display-message", "-p", "-t", term.name, "#{pane_pid}"],
        capture_output=True,
        text=True,
        check=True,
    )
    pid = tutor_pid(int(pane.stdout.strip()))
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + TIMEOUT
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    learner = ProgressStore().learner(local_learner())  # TUTOR_DATA_DIR, as the process had
    progress = learner.lesson("app-layer")
    assert progress is not None, "nothing was saved"
    assert (progress.last_index, progress.last_step, progress.furthest_index) == (3, "loss", 3)
    assert learner.steps_reached("app-layer") == {"forward", "predict-loss", "loss"}
