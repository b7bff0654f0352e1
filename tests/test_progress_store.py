"""The progress store: migrations, what is kept, isolation, and surviving kill -9 — the same
tests on SQLite (the default) and on PostgreSQL (`--store postgresql://…`)."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from tutor.progress import ProgressStore, StepInfo
from tutor.progress.schema import MIGRATIONS
from tutor.progress.store import STORE_ENV, StoreError
from tutor.session import Recorder
from tutor.session.questions import Report

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
from tutor.progress import ProgressStore, StepInfo
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


def test_starting_over_keeps_the_history_for_the_teacher(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Start over" (Recorder.forget): the learner's list, resume and `tutor progress` begin
    again, while the teacher's history lists every try with the restart marked, and the
    grade the first run earned stays."""
    from rich.console import Console

    from tutor.classroom.class_report import history_rows
    from tutor.plain import print_progress

    store = backend.open()
    store.set_steps([StepInfo("restarted", "q", 2, "Predict z", True, "Neuron")])
    if backend.url:
        monkeypatch.setenv(STORE_ENV, backend.url)  # where a session's Recorder writes
    recorder = Recorder("ada", backend.data)
    for report in (
        Report(kind="step", lesson_id="restarted", step_id="s1", index=1, total=3, title="Neuron"),
        Report(
            kind="answer", lesson_id="restarted", step_id="q", index=2, given="1", correct=False
        ),
        Report(kind="answer", lesson_id="restarted", step_id="q", index=2, given="2", correct=True),
        Report(kind="step", lesson_id="restarted", step_id="s3", index=3, total=3),
    ):
        assert recorder.save(report), recorder.problem
    assert recorder.forget("restarted")
    assert recorder.lesson("restarted") is None and recorder.lessons() == {}  # not begun
    assert recorder.events("restarted") == []  # a resume restores nothing
    assert recorder.save(Report(kind="step", lesson_id="restarted", step_id="q", index=2, total=3))
    assert recorder.save(
        Report(kind="answer", lesson_id="restarted", step_id="q", index=2, given="5", correct=False)
    )
    mine = recorder.lesson("restarted")
    assert mine is not None
    assert (mine.last_index, mine.furthest_index, mine.right, mine.wrong) == (2, 2, 0, 1)
    assert not mine.completed
    assert [e.kind for e in recorder.events("restarted")] == ["reach", "answer"]
    console = Console(file=io.StringIO(), width=120, record=True)
    print_progress(store.learner("ada"), console)
    printed = console.export_text()
    assert "2/3" in printed and "1 wrong" in printed, printed
    assert "right" not in printed and "✓" not in printed, printed

    kinds = [e.kind for e in store.events("ada")]  # the teacher's: everything, in order
    assert kinds == ["reach", "answer", "answer", "reach", "complete", "reset", "reach", "answer"]
    did = [row[2] for row in history_rows(store, "ada")]
    assert did == ["wrong", "right", "started over", "wrong"], did
    (grade,) = store.grades()
    assert (grade.after_help, grade.open, grade.done) == (1, 0, True)  # the first run's
    row = store.overview()[0]
    assert (row.step, row.tries) == ("2/3", 1)  # where they are now, counted since the restart


def test_a_session_opened_or_closed_twice_counts_once(backend: Backend) -> None:
    """Opening or closing a session is written under the server's id for it: the same write
    run again (a retry after the database committed it but before it said so) changes
    nothing, so a student is never shown connected twice, or for ever."""
    store = backend.open(host="alpha")
    store.session_opened("ada", "s1")
    store.session_opened("ada", "s1")  # the retry
    assert store.presence()["ada"].sessions == 1
    store.session_opened("ada", "s2")  # a second window
    assert store.presence()["ada"].sessions == 2
    store.session_closed("ada", "s1")
    store.session_closed("ada", "s1")  # the retry
    assert store.presence()["ada"].sessions == 1
    store.session_closed("ada")  # one of theirs, by name (the id unknown)
    assert store.presence()["ada"].sessions == 0
    store.session_opened("ada", "s3")
    store.sessions_cleared()  # the server starts again: nobody is connected to it
    store.session_closed("ada", "s3")
    assert store.presence()["ada"].sessions == 0
