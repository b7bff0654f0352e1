"""The progress store: migrations, what is kept, isolation, and surviving kill -9 — the same
tests on SQLite (the default) and on PostgreSQL (`--store postgresql://…`)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from tutor.progress import ProgressStore
from tutor.progress.schema import MIGRATIONS
from tutor.progress.store import STORE_ENV, StoreError

from .conftest import ROOT
from .pg_support import shared_cluster, why_not


@dataclass
class Backend:
    """A store to test: the SQLite file in `data`, or a fresh PostgreSQL database at `url`."""

    name: str
    data: Path
    url: str | None = None

    def open(self, host: str | None = None) -> ProgressStore:
        return ProgressStore(self.data, url=self.url, host=host)

    def env(self) -> dict[str, str]:
        """The environment a process that writes to this store runs in."""
        env = {k: v for k, v in os.environ.items() if k != STORE_ENV}
        return {**env, STORE_ENV: self.url} if self.url else env

    def set_version(self, version: int) -> None:
        if self.url is None:
            db = sqlite3.connect(self.data / "progress.db")
            db.execute(f"PRAGMA user_version = {version}")
            db.close()
            return
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute("UPDATE tutor_schema SET version = %s", (version,))


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "sqlite":
        return Backend("sqlite", tmp_path)
    reason = why_not()
    if reason is not None:
        pytest.skip(f"PostgreSQL store not tested: {reason}")
    return Backend("postgresql", tmp_path, shared_cluster().new_database())


def test_a_new_store_is_migrated_to_the_latest_schema(backend: Backend) -> None:
    store = backend.open()
    assert store.schema_version == len(MIGRATIONS)
    if backend.url is None:
        journal = sqlite3.connect(store.path).execute("PRAGMA journal_mode").fetchone()[0]
        assert journal == "wal"
    store.close()
    assert backend.open().schema_version == len(MIGRATIONS)  # reopening is a no-op


def test_a_store_from_a_newer_tutor_is_refused(backend: Backend) -> None:
    backend.open().close()
    backend.set_version(len(MIGRATIONS) + 1)
    with pytest.raises(StoreError, match="newer tutor"):
        backend.open()


def test_times_keep_sub_second_precision(backend: Backend) -> None:
    """PostgreSQL's REAL is 4 bytes (a 2-minute step at today's epoch): the migrations
    are respelled with 8-byte floats there."""
    me = backend.open().learner("ada")
    me.reached("a", "s1", 1, 2)
    me.reached("a", "s2", 2, 2)
    first, second = (e.at for e in me.events("a"))
    assert 0 <= second - first < 5


def test_steps_answers_knobs_and_completion(backend: Backend) -> None:
    me = backend.open().learner("ada")
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


def test_learners_are_kept_apart(backend: Backend) -> None:
    store = backend.open()
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


def test_reset_one_lesson(backend: Backend) -> None:
    me = backend.open().learner("ada")
    me.reached("a", "s", 1, 2)
    me.reached("b", "s", 1, 2)
    assert me.reset("a") == 1
    assert [lesson.lesson_id for lesson in me.lessons()] == ["b"]


WRITER = """
import os, signal, sys
from tutor.progress import ProgressStore
me = ProgressStore(sys.argv[1]).learner(sys.argv[2])  # $TUTOR_STORE, when set, wins
for k in range(1, int(sys.argv[3]) + 1):
    me.reached("lesson", f"step-{k}", k, 100)
    me.answered("lesson", f"step-{k}", str(k), k % 2 == 0, attempt=1)
if sys.argv[4] == "kill":
    os.kill(os.getpid(), signal.SIGKILL)
"""


def writer(backend: Backend, learner: str, steps: int, end: str) -> subprocess.Popen[bytes]:
    script = textwrap.dedent(WRITER)
    return subprocess.Popen(
        [sys.executable, "-c", script, str(backend.data), learner, str(steps), end],
        cwd=ROOT,
        env=backend.env(),
    )


def test_a_killed_process_loses_nothing_it_reported(backend: Backend) -> None:
    process = writer(backend, "ada", 25, "kill")
    assert process.wait(timeout=60) == -9
    lesson = backend.open().learner("ada").lesson("lesson")
    assert lesson is not None and lesson.furthest_index == 25
    assert (lesson.right, lesson.wrong) == (12, 13)


def test_many_processes_write_at_once(backend: Backend) -> None:
    backend.open().close()
    processes = [writer(backend, f"student{n}", 30, "exit") for n in range(8)]
    assert [p.wait(timeout=120) for p in processes] == [0] * 8
    store = backend.open()
    assert len(store.learners()) == 8
    for name in store.learners():
        assert store.learner(name).lesson("lesson").furthest_index == 30  # type: ignore[union-attr]
    assert len(store.events()) == 8 * 60


def test_a_class_is_a_group_of_the_roster(backend: Backend) -> None:
    """`tutor class --class NAME`: the table and the questions count that class only."""
    store = backend.open()
    store.set_roster({"ada": "mon", "bob": "tue", "cy": ""})
    for name, answer in (("ada", "1"), ("bob", "2"), ("cy", "2")):
        store.learner(name).answered("neuron", "q", answer, answer == "1", attempt=1)
    assert store.groups() == ["mon", "tue"]
    assert [r.learner for r in store.overview(group="tue")] == ["bob"]
    assert [(q.students, q.wrong) for q in store.question_stats()] == [(3, 2)]
    assert [(q.students, q.wrong) for q in store.question_stats("mon")] == [(1, 0)]
