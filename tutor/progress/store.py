"""The progress store: one SQLite file (WAL) shared by every session that writes to it.

Progress is keyed by lesson id and step id, never by position, so editing a lesson does not
scramble what a learner did. Every call writes at once in its own transaction: a process
killed with `kill -9` loses nothing already reported. A `LearnerProgress` is bound to one
learner, which is how a classroom session is kept to its own student's rows.
"""

from __future__ import annotations

import getpass
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

from tutor.progress.grades import (
    THRESHOLDS,
    Grade,
    LessonRow,
    Presence,
    QuestionStats,
    StepInfo,
    StudentRow,
    Thresholds,
    class_overview,
    question_stats,
)
from tutor.progress.schema import MIGRATIONS

DB_NAME = "progress.db"
EVENT_KINDS = ("reach", "answer", "hint", "give-up", "knob", "complete", "reset")
MAX_STORED_TEXT = 500
"""Characters kept of what a learner typed (an answer, a statement): five 1 MB pastes must not
grow the store by 5 MB. The cut is marked with the length dropped."""


def default_data_dir() -> Path:
    """`TUTOR_DATA_DIR` when set (tests, classrooms), else the platform's user data dir."""
    override = os.environ.get("TUTOR_DATA_DIR")
    return Path(override) if override else Path(user_data_dir("tutor", appauthor=False))


def _capped(text: str | None) -> str | None:
    if text is None or len(text) <= MAX_STORED_TEXT:
        return text
    return f"{text[:MAX_STORED_TEXT]}…(+{len(text) - MAX_STORED_TEXT:,} chars)"


def local_learner() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "learner"


@dataclass(frozen=True)
class LessonProgress:
    lesson_id: str
    title: str
    total_steps: int
    furthest_index: int  # 1-based; 0 when nothing reached
    furthest_step: str
    last_index: int  # where the learner was last: resume here
    last_step: str
    right: int
    wrong: int
    knobs: int
    completed: bool
    updated_at: float

    @property
    def fraction(self) -> float:
        return self.furthest_index / self.total_steps if self.total_steps else 0.0


@dataclass(frozen=True)
class Event:
    learner: str
    lesson_id: str
    step_id: str
    kind: str
    attempt: int
    answer: str | None
    correct: bool | None
    hints_used: int
    at: float


@dataclass(frozen=True)
class ClassRow:
    """One student in the teacher's view: the lesson they touched last and how it goes."""

    learner: str
    lesson_id: str
    title: str
    step_index: int
    total_steps: int
    right: int
    wrong: int
    completed_lessons: int
    last_activity: float


class StoreError(Exception):
    """The database cannot be used (newer than this tutor, or not a progress store)."""


class ProgressStore:
    """Opens (and creates, and migrates) the store in `data_dir`."""

    def __init__(self, data_dir: Path | None = None) -> None:
        self.data_dir = Path(data_dir) if data_dir else default_data_dir()
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = self.data_dir / DB_NAME
        # every learner's answers: only the owner reads them. SQLite gives the WAL and the
        # shared-memory file the database's own mode, so 0600 here covers all three.
        with suppress(FileExistsError):
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            self.path, timeout=30, isolation_level=None, check_same_thread=False
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # durable across a killed process
        self._db.execute("PRAGMA busy_timeout=30000")
        self._migrate()

    def close(self) -> None:
        self._db.close()

    def _migrate(self) -> None:
        with self._transaction() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise StoreError(
                    f"{self.path} was written by a newer tutor (schema {version}; "
                    f"this one knows {len(MIGRATIONS)})"
                )
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _query(self, sql: str, args: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def learner(self, name: str) -> LearnerProgress:
        return LearnerProgress(self, name)

    # -- the teacher's view: every learner

    def learners(self) -> list[str]:
        return [
            str(r[0]) for r in self._query("SELECT DISTINCT learner FROM lessons ORDER BY learner")
        ]

    def class_rows(self) -> list[ClassRow]:
        rows = self._query(
            """
            SELECT l.learner, l.lesson_id, l.title, l.last_index, l.total_steps, l.right,
                   l.wrong, l.updated_at,
                   (SELECT COUNT(*) FROM lessons c
                     WHERE c.learner = l.learner AND c.completed_at IS NOT NULL)
            FROM lessons l
            WHERE l.updated_at = (SELECT MAX(updated_at) FROM lessons m
                                   WHERE m.learner = l.learner)
            ORDER BY l.learner
            """
        )
        return [
            ClassRow(
                str(r[0]),
                str(r[1]),
                str(r[2]),
                int(r[3]),
                int(r[4]),  # type: ignore[arg-type]
                int(r[5]),
                int(r[6]),
                int(r[8]),
                float(r[7]),
            )  # type: ignore[arg-type]
            for r in rows
        ]

    # -- the classroom: roster, presence, the served lessons' steps

    def set_roster(self, roster: dict[str, str]) -> None:
        """The class (name → group) as the keys and password files say now, replacing the last."""
        with self._transaction() as db:
            db.execute("DELETE FROM roster")
            db.executemany("INSERT INTO roster VALUES (?, ?)", sorted(roster.items()))

    def roster(self) -> dict[str, str]:
        return {str(r[0]): str(r[1]) for r in self._query("SELECT learner, grp FROM roster")}

    def set_steps(self, steps: list[StepInfo]) -> None:
        """The steps of the lessons served, recorded by the server at start: which are
        questions is what makes a lesson done, and step titles what the teacher reads."""
        with self._transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO lesson_steps VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (s.lesson_id, s.step_id, s.position, s.title, int(s.question), s.lesson_title)
                    for s in steps
                ],
            )

    def steps(self) -> list[StepInfo]:
        return [
            StepInfo(str(r[0]), str(r[1]), int(r[2]), str(r[3]), bool(r[4]), str(r[5]))  # type: ignore[arg-type]
            for r in self._query("SELECT * FROM lesson_steps ORDER BY lesson_id, position")
        ]

    def session_opened(self, learner: str) -> None:
        now = time.time()
        with self._transaction() as db:
            db.execute(
                "INSERT INTO presence VALUES (?, 1, ?, ?) ON CONFLICT (learner) DO UPDATE SET "
                "sessions = sessions + 1, since = CASE WHEN sessions = 0 THEN excluded.since "
                "ELSE since END, last_input = excluded.last_input",
                (learner, now, now),
            )

    def session_input(self, learner: str, at: float | None = None) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE presence SET last_input = ? WHERE learner = ?",
                (at or time.time(), learner),
            )

    def session_closed(self, learner: str) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE presence SET sessions = MAX(sessions - 1, 0), since = ? WHERE learner = ?",
                (time.time(), learner),
            )

    def sessions_cleared(self) -> None:
        """Nobody is connected: the server starts, or stops (even after a crash, at next start)."""
        with self._transaction() as db:
            db.execute("UPDATE presence SET sessions = 0 WHERE sessions > 0")

    def presence(self) -> dict[str, Presence]:
        return {
            str(r[0]): Presence(str(r[0]), int(r[1]), float(r[2]), float(r[3]))  # type: ignore[arg-type]
            for r in self._query("SELECT learner, sessions, since, last_input FROM presence")
        }

    def lesson_rows(self) -> list[LessonRow]:
        return [
            LessonRow(
                str(r[0]),
                str(r[1]),
                str(r[2]),
                int(r[3]),  # type: ignore[arg-type]
                str(r[4]),
                int(r[5]),  # type: ignore[arg-type]
                r[6] is not None,
                float(r[7]),  # type: ignore[arg-type]
                float(r[8]),  # type: ignore[arg-type]
            )
            for r in self._query(
                "SELECT learner, lesson_id, title, last_index, last_step, total_steps, "
                "completed_at, updated_at, step_since FROM lessons ORDER BY learner, lesson_id"
            )
        ]

    def overview(
        self, now: float | None = None, thresholds: Thresholds = THRESHOLDS
    ) -> list[StudentRow]:
        """Every student of the class with presence, place, tries and grades."""
        return class_overview(
            self.roster(),
            self.presence(),
            self.lesson_rows(),
            self.events(),
            self.steps(),
            time.time() if now is None else now,
            thresholds,
        )

    def grades(self) -> list[Grade]:
        """One grade per student and lesson touched, by student then lesson."""
        return [g for row in self.overview() for g in row.grades]

    def question_stats(self) -> list[QuestionStats]:
        return question_stats(self.events(), self.steps())

    def events(self, learner: str | None = None, lesson_id: str | None = None) -> list[Event]:
        sql = (
            "SELECT learner, lesson_id, step_id, kind, attempt, answer, correct, hints_used,"
            " at FROM events WHERE 1=1"
        )
        args: list[object] = []
        if learner is not None:
            sql += " AND learner = ?"
            args.append(learner)
        if lesson_id is not None:
            sql += " AND lesson_id = ?"
            args.append(lesson_id)
        rows = self._query(sql + " ORDER BY id", tuple(args))
        return [
            Event(
                str(r[0]),
                str(r[1]),
                str(r[2]),
                str(r[3]),
                int(r[4]),  # type: ignore[arg-type]
                None if r[5] is None else str(r[5]),
                None if r[6] is None else bool(r[6]),
                int(r[7]),
                float(r[8]),
            )  # type: ignore[arg-type]
            for r in rows
        ]


class LearnerProgress:
    """One learner's progress. Every method writes at once."""

    def __init__(self, store: ProgressStore, learner: str) -> None:
        if not learner:
            raise ValueError("a learner needs a name")
        self.store = store
        self.name = learner

    def _ensure(
        self, db: sqlite3.Connection, lesson_id: str, title: str = "", total: int = 0
    ) -> None:
        now = time.time()
        db.execute(
            "INSERT OR IGNORE INTO lessons (learner, lesson_id, title, total_steps, "
            "started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            (self.name, lesson_id, title, total, now, now),
        )
        if title:
            db.execute(
                "UPDATE lessons SET title = ? WHERE learner = ? AND lesson_id = ?",
                (title, self.name, lesson_id),
            )
        if total:
            db.execute(
                "UPDATE lessons SET total_steps = ? WHERE learner = ? AND lesson_id = ?",
                (total, self.name, lesson_id),
            )

    def _event(
        self,
        db: sqlite3.Connection,
        lesson_id: str,
        step_id: str,
        kind: str,
        *,
        attempt: int = 0,
        answer: str | None = None,
        correct: bool | None = None,
        hints_used: int = 0,
    ) -> None:
        db.execute(
            "INSERT INTO events (learner, lesson_id, step_id, kind, attempt, answer, "
            "correct, hints_used, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.name,
                lesson_id,
                step_id,
                kind,
                attempt,
                _capped(answer),
                None if correct is None else int(correct),
                hints_used,
                time.time(),
            ),
        )
        db.execute(
            "UPDATE lessons SET updated_at = ? WHERE learner = ? AND lesson_id = ?",
            (time.time(), self.name, lesson_id),
        )

    def reached(
        self, lesson_id: str, step_id: str, index: int, total: int, title: str = ""
    ) -> None:
        """The learner is at step `index` (1-based) of `total`; stored the moment it happens."""
        with self.store._transaction() as db:
            self._ensure(db, lesson_id, title, total)
            first = db.execute(
                "INSERT OR IGNORE INTO steps VALUES (?, ?, ?, ?, ?)",
                (self.name, lesson_id, step_id, index, time.time()),
            ).rowcount
            db.execute(
                "UPDATE lessons SET step_since = ? WHERE learner = ? AND lesson_id = ? "
                "AND (last_step != ? OR step_since = 0)",
                (time.time(), self.name, lesson_id, step_id),
            )
            db.execute(
                "UPDATE lessons SET last_index = ?, last_step = ? WHERE learner = ? "
                "AND lesson_id = ?",
                (index, step_id, self.name, lesson_id),
            )
            db.execute(
                "UPDATE lessons SET furthest_index = ?, furthest_step = ? WHERE "
                "learner = ? AND lesson_id = ? AND furthest_index < ?",
                (index, step_id, self.name, lesson_id, index),
            )
            if first:
                self._event(db, lesson_id, step_id, "reach", attempt=index)
            else:
                db.execute(
                    "UPDATE lessons SET updated_at = ? WHERE learner = ? AND lesson_id = ?",
                    (time.time(), self.name, lesson_id),
                )

    def answered(
        self,
        lesson_id: str,
        step_id: str,
        answer: str,
        correct: bool,
        *,
        attempt: int,
        hints_used: int = 0,
    ) -> None:
        with self.store._transaction() as db:
            self._ensure(db, lesson_id)
            column = "right" if correct else "wrong"
            db.execute(
                f"UPDATE lessons SET {column} = {column} + 1 WHERE learner = ? AND lesson_id = ?",
                (self.name, lesson_id),
            )
            self._event(
                db,
                lesson_id,
                step_id,
                "answer",
                attempt=attempt,
                answer=answer,
                correct=correct,
                hints_used=hints_used,
            )

    def hint(self, lesson_id: str, step_id: str, hints_used: int) -> None:
        with self.store._transaction() as db:
            self._ensure(db, lesson_id)
            self._event(db, lesson_id, step_id, "hint", hints_used=hints_used)

    def gave_up(self, lesson_id: str, step_id: str, *, attempt: int, hints_used: int) -> None:
        with self.store._transaction() as db:
            self._ensure(db, lesson_id)
            self._event(
                db,
                lesson_id,
                step_id,
                "give-up",
                attempt=attempt,
                hints_used=hints_used,
                correct=False,
            )

    def knob(self, lesson_id: str, step_id: str, name: str, value: object) -> None:
        with self.store._transaction() as db:
            self._ensure(db, lesson_id)
            db.execute(
                "UPDATE lessons SET knobs = knobs + 1 WHERE learner = ? AND lesson_id = ?",
                (self.name, lesson_id),
            )
            self._event(db, lesson_id, step_id, "knob", answer=f"{name}={value}")

    def completed(self, lesson_id: str, step_id: str) -> None:
        with self.store._transaction() as db:
            self._ensure(db, lesson_id)
            db.execute(
                "UPDATE lessons SET completed_at = COALESCE(completed_at, ?) WHERE "
                "learner = ? AND lesson_id = ?",
                (time.time(), self.name, lesson_id),
            )
            self._event(db, lesson_id, step_id, "complete")

    def reset(self, lesson_id: str | None = None) -> int:
        """Forget this learner's progress (in one lesson, or all); returns lessons cleared."""
        where, args = "learner = ?", [self.name]
        if lesson_id is not None:
            where += " AND lesson_id = ?"
            args.append(lesson_id)
        with self.store._transaction() as db:
            cleared = db.execute(f"DELETE FROM lessons WHERE {where}", args).rowcount
            db.execute(f"DELETE FROM steps WHERE {where}", args)
            db.execute(f"DELETE FROM events WHERE {where}", args)
        return int(cleared)

    def lesson(self, lesson_id: str) -> LessonProgress | None:
        rows = self._lessons("AND lesson_id = ?", (lesson_id,))
        return rows[0] if rows else None

    def lessons(self) -> list[LessonProgress]:
        return self._lessons("", ())

    def steps_reached(self, lesson_id: str) -> set[str]:
        return {
            str(r[0])
            for r in self.store._query(
                "SELECT step_id FROM steps WHERE learner = ? AND lesson_id = ?",
                (self.name, lesson_id),
            )
        }

    def events(self, lesson_id: str | None = None) -> list[Event]:
        return self.store.events(self.name, lesson_id)

    def _lessons(self, extra: str, args: tuple[object, ...]) -> list[LessonProgress]:
        rows = self.store._query(
            "SELECT lesson_id, title, total_steps, furthest_index, furthest_step, last_index, "
            "last_step, right, wrong, knobs, completed_at, updated_at FROM lessons "
            f"WHERE learner = ? {extra} ORDER BY updated_at DESC",
            (self.name, *args),
        )
        return [
            LessonProgress(
                str(r[0]),
                str(r[1]),
                int(r[2]),
                int(r[3]),
                str(r[4]),  # type: ignore[arg-type]
                int(r[5]),
                str(r[6]),
                int(r[7]),
                int(r[8]),
                int(r[9]),  # type: ignore[arg-type]
                r[10] is not None,
                float(r[11]),
            )  # type: ignore[arg-type]
            for r in rows
        ]
