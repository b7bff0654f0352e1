"""The progress store: migrations, what is kept, isolation, and surviving kill -9."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tutor.progress import ProgressStore
from tutor.progress.schema import MIGRATIONS
from tutor.progress.store import StoreError

from .conftest import ROOT


def test_a_new_store_is_migrated_to_the_latest_schema(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path)
    assert store.schema_version == len(MIGRATIONS)
    journal = sqlite3.connect(store.path).execute("PRAGMA journal_mode").fetchone()[0]
    assert journal == "wal"
    store.close()
    assert ProgressStore(tmp_path).schema_version == len(MIGRATIONS)  # reopening is a no-op


def test_a_store_from_a_newer_tutor_is_refused(tmp_path: Path) -> None:
    ProgressStore(tmp_path).close()
    db = sqlite3.connect(tmp_path / "progress.db")
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer tutor"):
        ProgressStore(tmp_path)


def test_steps_answers_knobs_and_completion(tmp_path: Path) -> None:
    me = ProgressStore(tmp_path).learner("ada")
    me.reached("backprop", "forward", 1, 8, title="Backprop")
    me.reached("backprop", "predict-loss", 2, 8)
    me.answered("backprop", "predict-loss", "0.3", False, attempt=1)
    me.hint("backprop", "predict-loss", hints_used=1)
    me.answered("backprop", "predict-loss", "0.25", True, attempt=2, hints_used=1)
    me.reached("backprop", "loss", 3, 8)
    me.reached("backprop", "forward", 1, 8)  # stepping back
    me.knob("backprop", "forward", "lr", 0.05)
    lesson = me.lesson("backprop")
    assert lesson is not None
    assert (lesson.furthest_index, lesson.furthest_step) == (3, "loss")
    assert (lesson.last_index, lesson.last_step) == (1, "forward")  # resume here
    assert (lesson.right, lesson.wrong, lesson.knobs) == (1, 1, 1)
    assert not lesson.completed and lesson.title == "Backprop"
    me.reached("backprop", "train", 8, 8)
    me.completed("backprop", "train")
    assert me.lesson("backprop").completed  # type: ignore[union-attr]
    kinds = [e.kind for e in me.events("backprop")]
    assert kinds == [
        "reach",
        "reach",
        "answer",
        "hint",
        "answer",
        "reach",
        "knob",
        "reach",
        "complete",
    ]
    answers = [
        (e.answer, e.correct, e.attempt, e.hints_used) for e in me.events() if e.kind == "answer"
    ]
    assert answers == [("0.3", False, 1, 0), ("0.25", True, 2, 1)]
    assert me.steps_reached("backprop") == {"forward", "predict-loss", "loss", "train"}


def test_learners_are_kept_apart(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path)
    ada, bob = store.learner("ada"), store.learner("bob")
    ada.reached("neuron", "inputs", 1, 6)
    bob.reached("neuron", "inputs", 1, 6)
    bob.reached("neuron", "weighted-sum", 3, 6)
    assert ada.lesson("neuron").furthest_index == 1  # type: ignore[union-attr]
    assert {e.learner for e in ada.events()} == {"ada"}
    assert ada.reset() == 1
    assert ada.lessons() == [] and bob.lesson("neuron") is not None
    rows = store.class_rows()
    assert [(r.learner, r.step_index) for r in rows] == [("bob", 3)]


def test_reset_one_lesson(tmp_path: Path) -> None:
    me = ProgressStore(tmp_path).learner("ada")
    me.reached("a", "s", 1, 2)
    me.reached("b", "s", 1, 2)
    assert me.reset("a") == 1
    assert [lesson.lesson_id for lesson in me.lessons()] == ["b"]


WRITER = """
import os, signal, sys
from tutor.progress import ProgressStore
me = ProgressStore(sys.argv[1]).learner(sys.argv[2])
for k in range(1, int(sys.argv[3]) + 1):
    me.reached("lesson", f"step-{k}", k, 100)
    me.answered("lesson", f"step-{k}", str(k), k % 2 == 0, attempt=1)
if sys.argv[4] == "kill":
    os.kill(os.getpid(), signal.SIGKILL)
"""


def writer(data: Path, learner: str, steps: int, end: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(WRITER), str(data), learner, str(steps), end],
        cwd=ROOT,
    )


def test_a_killed_process_loses_nothing_it_reported(tmp_path: Path) -> None:
    process = writer(tmp_path, "ada", 25, "kill")
    assert process.wait(timeout=60) == -9
    lesson = ProgressStore(tmp_path).learner("ada").lesson("lesson")
    assert lesson is not None and lesson.furthest_index == 25
    assert (lesson.right, lesson.wrong) == (12, 13)


def test_many_processes_write_at_once(tmp_path: Path) -> None:
    ProgressStore(tmp_path).close()
    processes = [writer(tmp_path, f"student{n}", 30, "exit") for n in range(8)]
    assert [p.wait(timeout=120) for p in processes] == [0] * 8
    store = ProgressStore(tmp_path)
    assert len(store.learners()) == 8
    for name in store.learners():
        assert store.learner(name).lesson("lesson").furthest_index == 30  # type: ignore[union-attr]
    assert len(store.events()) == 8 * 60
