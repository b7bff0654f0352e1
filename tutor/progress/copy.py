"""Copying one store into another: what a school does when its classroom grows past one
machine (`tutor progress --copy-to postgresql://…`: the SQLite file into PostgreSQL).

Idempotent, so it can be run again (after a class that still used the file, or after a copy
that was cut off): events are matched by their id (an event written before ids existed gets
one made from what it says, the same on every copy), steps reached and the served lessons'
steps by their keys, the roster by name, and a lesson's row is taken from the copy only when
it is newer than the one already there. Presence is not copied: it is who is connected now,
and each server keeps its own.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from tutor.progress.database import Statements
from tutor.progress.store import ProgressStore

LESSON_COLUMNS = (
    "learner",
    "lesson_id",
    "title",
    "total_steps",
    "furthest_index",
    "furthest_step",
    "last_index",
    "last_step",
    '"right"',
    "wrong",
    "knobs",
    "completed_at",
    "started_at",
    "updated_at",
    "step_since",
    "reset_at",
)
EVENT_COLUMNS = (
    "learner",
    "lesson_id",
    "step_id",
    "kind",
    "attempt",
    "answer",
    "correct",
    "hints_used",
    "at",
)


@dataclass(frozen=True)
class Copied:
    """What a copy found in the source and what it added to the target."""

    learners: int
    lessons: int
    events: int
    new_events: int


def copy_store(source: ProgressStore, target: ProgressStore) -> Copied:
    """Everything `source` knows of its learners into `target`, in one transaction there."""
    lessons = source._query(f"SELECT {', '.join(LESSON_COLUMNS)} FROM lessons")
    steps = source._query("SELECT learner, lesson_id, step_id, step_index, reached_at FROM steps")
    events = [
        (*row[:-1], row[-1] or _made_uid(row[:-1]))
        for row in source._query(f"SELECT {', '.join(EVENT_COLUMNS)}, uid FROM events ORDER BY id")
    ]
    roster = source._query("SELECT learner, grp, host FROM roster")
    served = source._query(
        "SELECT lesson_id, step_id, position, title, question, lesson_title FROM lesson_steps"
    )
    updates = ", ".join(f"{c} = excluded.{c}" for c in LESSON_COLUMNS[2:])

    def run(db: Statements) -> int:
        before = int(db.query("SELECT COUNT(*) FROM events")[0][0])  # type: ignore[call-overload]
        db.executemany(
            f"INSERT INTO lessons ({', '.join(LESSON_COLUMNS)}) VALUES "
            f"({', '.join('?' * len(LESSON_COLUMNS))}) ON CONFLICT (learner, lesson_id) "
            f"DO UPDATE SET {updates} WHERE lessons.updated_at < excluded.updated_at",
            lessons,
        )
        db.executemany(
            "INSERT INTO steps (learner, lesson_id, step_id, step_index, reached_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (learner, lesson_id, step_id) DO NOTHING",
            steps,
        )
        db.executemany(
            f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}, uid) VALUES "
            f"({', '.join('?' * (len(EVENT_COLUMNS) + 1))}) ON CONFLICT (uid) DO NOTHING",
            events,
        )
        db.executemany(
            "INSERT INTO roster (learner, grp, host) VALUES (?, ?, ?) "
            "ON CONFLICT (learner) DO NOTHING",
            roster,
        )
        db.executemany(
            "INSERT INTO lesson_steps (lesson_id, step_id, position, title, question, "
            "lesson_title) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (lesson_id, step_id) "
            "DO NOTHING",
            served,
        )
        return int(db.query("SELECT COUNT(*) FROM events")[0][0]) - before  # type: ignore[call-overload]

    added = target._write(run, wait=False)
    return Copied(len({r[0] for r in lessons}), len(lessons), len(events), int(added or 0))


def _made_uid(row: tuple[object, ...]) -> str:
    """An id for an event written before events had one: made from everything it says, so
    every copy of it gets the same one."""
    return "copied-" + hashlib.sha256(repr(tuple(row)).encode()).hexdigest()[:32]
