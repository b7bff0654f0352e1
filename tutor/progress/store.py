"""The progress store: one SQLite file (WAL) shared by every session that writes to it, or
one PostgreSQL database shared by several servers (`--store postgresql://…`).

Progress is keyed by lesson id and step id, never by position, so editing a lesson does not
scramble what a learner did. Every call writes at once in its own transaction: a process
killed with `kill -9` loses nothing already reported. A `LearnerProgress` is bound to one
learner, which is how a classroom session is kept to its own student's rows. The SQL here is
the one both engines accept; what differs is in `tutor.progress.database`.
"""

from __future__ import annotations

import getpass
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from platformdirs import user_data_dir

from tutor.progress.database import Statements, open_database
from tutor.progress.database import StoreError as StoreError  # callers catch them from here
from tutor.progress.database import StoreUnavailable as StoreUnavailable
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
    since_restart,
)
from tutor.progress.schema import MIGRATIONS

T = TypeVar("T")
DB_NAME = "progress.db"
EVENT_KINDS = ("reach", "answer", "hint", "give-up", "knob", "complete", "reset")
MAX_STORED_TEXT = 500
"""Characters kept of what a learner typed (an answer, a statement): five 1 MB pastes must not
grow the store by 5 MB. The cut is marked with the length dropped."""


STORE_ENV = "TUTOR_STORE"
"""A `postgresql://` URL: where every store opened in this process and its children lives
(`tutor serve --store` sets it, so that the students' sessions write where the server does)."""


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


class ProgressStore:
    """Opens (and creates, and migrates) the store: `url` (or `$TUTOR_STORE`) when it is a
    `postgresql://` URL, else the SQLite file in `data_dir`. `host` names this machine in the
    presence rows (default: its host name), so one database can hold several servers.
    `patient`: a database out of reach at the start is not an error (a student's session keeps
    its writes until it comes back) rather than one (a command says so and stops)."""

    def __init__(
        self,
        data_dir: Path | None = None,
        *,
        url: str | None = None,
        host: str | None = None,
        patient: bool = False,
    ) -> None:
        self.data_dir = Path(data_dir) if data_dir else default_data_dir()
        self.path = self.data_dir / DB_NAME
        self.url = url or os.environ.get(STORE_ENV) or None
        self.host = host or socket.gethostname()
        if self.url is None:
            self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._db = open_database(self.path, self.url, patient=patient)
        try:
            self._db.migrate(MIGRATIONS)
        except BaseException:
            self._db.close()
            raise

    @property
    def where(self) -> str:
        """The file or the database (without its password), for messages."""
        return self._db.where

    @property
    def pending(self) -> int:
        """Writes kept in memory while the database is out of reach."""
        return self._db.pending

    def close(self) -> None:
        self._db.close()

    @property
    def schema_version(self) -> int:
        return self._db.version()

    def _write(self, work: Callable[[Statements], T], *, wait: bool = True) -> T | None:
        return self._db.write(work, wait=wait)

    def _query(self, sql: str, args: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        return self._db.query(sql, args)

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
            SELECT l.learner, l.lesson_id, l.title, l.last_index, l.total_steps, l."right",
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

    def set_roster(self, roster: dict[str, str], languages: dict[str, str] | None = None) -> None:
        """The class (name → group, and the languages the files give) as this host's keys and
        password files say now, replacing what this host said last (another server's students
        stay)."""
        said = languages or {}
        rows = [
            (name, group, self.host, said.get(name, "")) for name, group in sorted(roster.items())
        ]

        def run(db: Statements) -> None:
            db.execute("DELETE FROM roster WHERE host = ?", (self.host,))
            db.executemany(
                "INSERT INTO roster (learner, grp, host, lang) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (learner) "
                "DO UPDATE SET grp = excluded.grp, host = excluded.host, lang = excluded.lang",
                rows,
            )

        self._write(run)

    def roster(self) -> dict[str, str]:
        return {str(r[0]): str(r[1]) for r in self._query("SELECT learner, grp FROM roster")}

    def set_steps(self, steps: list[StepInfo]) -> None:
        """The steps of the lessons served, recorded by the server at start: which are
        questions is what makes a lesson done, and step titles what the teacher reads."""
        rows = [
            (s.lesson_id, s.step_id, s.position, s.title, int(s.question), s.lesson_title)
            for s in steps
        ]
        self._write(
            lambda db: db.executemany(
                "INSERT INTO lesson_steps (lesson_id, step_id, position, title, question, "
                "lesson_title) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (lesson_id, step_id) "
                "DO UPDATE SET position = excluded.position, title = excluded.title, "
                "question = excluded.question, lesson_title = excluded.lesson_title",
                rows,
            )
        )

    def steps(self) -> list[StepInfo]:
        return [
            StepInfo(str(r[0]), str(r[1]), int(r[2]), str(r[3]), bool(r[4]), str(r[5]))  # type: ignore[arg-type]
            for r in self._query(
                "SELECT lesson_id, step_id, position, title, question, lesson_title "
                "FROM lesson_steps ORDER BY lesson_id, position"
            )
        ]

    def session_opened(self, learner: str, session: str | None = None) -> None:
        """`session` (the server's id for it, else a new one) counted as open once: a write
        run again after a lost confirmation finds it there and changes nothing."""
        now, uid = time.time(), session or uuid.uuid4().hex

        def run(db: Statements) -> None:
            if not db.execute(
                "INSERT INTO open_sessions (uid, learner, host, since) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (uid) DO NOTHING",
                (uid, learner, self.host, now),
            ):
                return
            db.execute(
                "INSERT INTO presence (learner, host, sessions, since, last_input) "
                "VALUES (?, ?, 1, ?, ?) ON CONFLICT (learner, host) DO UPDATE SET "
                "sessions = presence.sessions + 1, since = CASE WHEN presence.sessions = 0 "
                "THEN excluded.since ELSE presence.since END, last_input = excluded.last_input",
                (learner, self.host, now, now),
            )

        self._write(run)

    def session_input(self, learner: str, at: float | None = None) -> None:
        when = at or time.time()
        self._write(
            lambda db: db.execute(
                "UPDATE presence SET last_input = ? WHERE learner = ? AND host = ?",
                (when, learner, self.host),
            )
        )

    def session_closed(self, learner: str, session: str | None = None) -> None:
        """`session` (else one of this learner's here) counted as closed once."""
        now = time.time()
        if session is None:
            one = "SELECT uid FROM open_sessions WHERE learner = ? AND host = ? LIMIT 1"
            which, args = f"uid = ({one})", (learner, self.host)
        else:
            which, args = "uid = ?", (session,)

        def run(db: Statements) -> None:
            if not db.execute(f"DELETE FROM open_sessions WHERE {which}", args):
                return
            db.execute(
                "UPDATE presence SET sessions = CASE WHEN sessions > 0 THEN sessions - 1 "
                "ELSE 0 END, since = ? WHERE learner = ? AND host = ?",
                (now, learner, self.host),
            )

        self._write(run)

    def sessions_cleared(self) -> None:
        """Nobody is connected to this host: its server starts, or stops (even after a crash,
        at next start). Other hosts' sessions are theirs to clear."""

        def run(db: Statements) -> None:
            db.execute("DELETE FROM open_sessions WHERE host = ?", (self.host,))
            db.execute(
                "UPDATE presence SET sessions = 0 WHERE host = ? AND sessions > 0", (self.host,)
            )

        self._write(run)

    def presence(self) -> dict[str, Presence]:
        """Each learner over every host: sessions added up; the host is the one they are
        connected to (the latest key pressed), else the one they were last on."""
        found: dict[str, Presence] = {}
        for r in self._query("SELECT learner, sessions, since, last_input, host FROM presence"):
            here = Presence(str(r[0]), int(r[1]), float(r[2]), float(r[3]), str(r[4]))  # type: ignore[arg-type]
            seen = found.get(here.learner)
            if seen is None:
                found[here.learner] = here
                continue
            live = [p for p in (seen, here) if p.sessions > 0] or [seen, here]
            latest = max(live, key=lambda p: p.last_input)
            found[here.learner] = Presence(
                here.learner,
                seen.sessions + here.sessions,
                latest.since,
                max(seen.last_input, here.last_input),
                latest.host,
            )
        return found

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
        self,
        now: float | None = None,
        thresholds: Thresholds = THRESHOLDS,
        group: str | None = None,
    ) -> list[StudentRow]:
        """Every student of the class with presence, place, tries and grades; with `group`,
        only that class's students (a group of the keys or password file)."""
        rows = class_overview(
            self.roster(),
            self.presence(),
            self.lesson_rows(),
            self.events(),
            self.steps(),
            time.time() if now is None else now,
            thresholds,
        )
        listed = {  # who never came is shown on the server whose files list them
            str(r[0]): (str(r[1]), str(r[2]))
            for r in self._query("SELECT learner, host, lang FROM roster")
        }
        rows = [
            replace(
                r,
                host=r.host or listed.get(r.learner, ("", ""))[0],
                lang=listed.get(r.learner, ("", ""))[1],
            )
            for r in rows
        ]
        return rows if group is None else [r for r in rows if r.group == group]

    def groups(self) -> list[str]:
        """The classes the roster names (its groups), sorted."""
        return sorted({g for g in self.roster().values() if g})

    def grades(self) -> list[Grade]:
        """One grade per student and lesson touched, by student then lesson."""
        return [g for row in self.overview() for g in row.grades]

    def question_stats(self, group: str | None = None) -> list[QuestionStats]:
        """Per lesson, its questions by share of students wrong; with `group`, counting only
        that class's students."""
        events = self.events()
        if group is not None:
            members = {name for name, g in self.roster().items() if g == group}
            events = [e for e in events if e.learner in members]
        return question_stats(events, self.steps())

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
        self, db: Statements, now: float, lesson_id: str, title: str = "", total: int = 0
    ) -> None:
        db.execute(
            "INSERT INTO lessons (learner, lesson_id, title, total_steps, started_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (learner, lesson_id) DO NOTHING",
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
        db: Statements,
        now: float,
        uid: str,
        lesson_id: str,
        step_id: str,
        kind: str,
        *,
        attempt: int = 0,
        answer: str | None = None,
        correct: bool | None = None,
        hints_used: int = 0,
    ) -> bool:
        """Record one event under the id its writer made; False when that id is already
        there: this write was committed before (its confirmation was lost) and is not done
        again, so the caller stops."""
        added = db.execute(
            "INSERT INTO events (learner, lesson_id, step_id, kind, attempt, answer, "
            "correct, hints_used, at, uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (uid) DO NOTHING",
            (
                self.name,
                lesson_id,
                step_id,
                kind,
                attempt,
                _capped(answer),
                None if correct is None else int(correct),
                hints_used,
                now,
                uid,
            ),
        )
        if added:
            db.execute(
                "UPDATE lessons SET updated_at = ? WHERE learner = ? AND lesson_id = ?",
                (now, self.name, lesson_id),
            )
        return bool(added)

    # Each write takes its time and its event's id when it is called, not when it runs: a write
    # kept while the database was away (PostgreSQL) is stored with the moment it happened, and
    # a write run again after the database committed it but before it said so (a connection
    # lost at COMMIT) finds its id there and changes nothing: each write adds its event first
    # and stops when the event was there.

    def reached(
        self, lesson_id: str, step_id: str, index: int, total: int, title: str = ""
    ) -> None:
        """The learner is at step `index` (1-based) of `total`; stored the moment it happens."""
        now, uid = time.time(), _new_id()

        def run(db: Statements) -> None:
            self._ensure(db, now, lesson_id, title, total)
            first = db.execute(
                "INSERT INTO steps (learner, lesson_id, step_id, step_index, reached_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (learner, lesson_id, step_id) DO NOTHING",
                (self.name, lesson_id, step_id, index, now),
            )
            db.execute(
                "UPDATE lessons SET step_since = ? WHERE learner = ? AND lesson_id = ? "
                "AND (last_step != ? OR step_since = 0)",
                (now, self.name, lesson_id, step_id),
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
                self._event(db, now, uid, lesson_id, step_id, "reach", attempt=index)
            else:
                db.execute(
                    "UPDATE lessons SET updated_at = ? WHERE learner = ? AND lesson_id = ?",
                    (now, self.name, lesson_id),
                )

        self.store._write(run)

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
        now, uid = time.time(), _new_id()
        column = '"right"' if correct else "wrong"  # quoted: a keyword in PostgreSQL

        def run(db: Statements) -> None:
            self._ensure(db, now, lesson_id)
            if self._event(
                db,
                now,
                uid,
                lesson_id,
                step_id,
                "answer",
                attempt=attempt,
                answer=answer,
                correct=correct,
                hints_used=hints_used,
            ):
                db.execute(
                    f"UPDATE lessons SET {column} = {column} + 1 WHERE learner = ? "
                    "AND lesson_id = ?",
                    (self.name, lesson_id),
                )

        self.store._write(run)

    def hint(self, lesson_id: str, step_id: str, hints_used: int) -> None:
        now, uid = time.time(), _new_id()

        def run(db: Statements) -> None:
            self._ensure(db, now, lesson_id)
            self._event(db, now, uid, lesson_id, step_id, "hint", hints_used=hints_used)

        self.store._write(run)

    def gave_up(self, lesson_id: str, step_id: str, *, attempt: int, hints_used: int) -> None:
        now, uid = time.time(), _new_id()

        def run(db: Statements) -> None:
            self._ensure(db, now, lesson_id)
            self._event(
                db,
                now,
                uid,
                lesson_id,
                step_id,
                "give-up",
                attempt=attempt,
                hints_used=hints_used,
                correct=False,
            )

        self.store._write(run)

    def knob(self, lesson_id: str, step_id: str, name: str, value: object) -> None:
        now, uid = time.time(), _new_id()

        def run(db: Statements) -> None:
            self._ensure(db, now, lesson_id)
            if self._event(db, now, uid, lesson_id, step_id, "knob", answer=f"{name}={value}"):
                db.execute(
                    "UPDATE lessons SET knobs = knobs + 1 WHERE learner = ? AND lesson_id = ?",
                    (self.name, lesson_id),
                )

        self.store._write(run)

    def completed(self, lesson_id: str, step_id: str) -> None:
        now, uid = time.time(), _new_id()

        def run(db: Statements) -> None:
            self._ensure(db, now, lesson_id)
            if self._event(db, now, uid, lesson_id, step_id, "complete"):
                db.execute(
                    "UPDATE lessons SET completed_at = COALESCE(completed_at, ?) WHERE "
                    "learner = ? AND lesson_id = ?",
                    (now, self.name, lesson_id),
                )

        self.store._write(run)

    def restart(self, lesson_id: str) -> None:
        """Start a lesson over and keep its history: a `reset` event, the lesson's place,
        counts and steps reached cleared, and `reset_at` set, so this learner's own reads (the
        list, a resume, `tutor progress`) begin after it while the teacher's history and
        grades keep every try. Kept for later, in order, like any write."""
        now, uid = time.time(), _new_id()

        def run(db: Statements) -> None:
            self._ensure(db, now, lesson_id)
            if not self._event(db, now, uid, lesson_id, "", "reset"):
                return
            db.execute(
                "UPDATE lessons SET furthest_index = 0, furthest_step = '', last_index = 0, "
                "last_step = '', \"right\" = 0, wrong = 0, knobs = 0, completed_at = NULL, "
                "step_since = 0, reset_at = ? WHERE learner = ? AND lesson_id = ?",
                (now, self.name, lesson_id),
            )
            db.execute(
                "DELETE FROM steps WHERE learner = ? AND lesson_id = ?", (self.name, lesson_id)
            )

        self.store._write(run)

    def reset(self, lesson_id: str | None = None) -> int:
        """Forget this learner's progress (in one lesson, or all), history and all: `tutor
        progress --reset`, which asks first; returns lessons cleared. Never kept for later:
        with the database away it fails (`StoreUnavailable`)."""
        where, args = "learner = ?", [self.name]
        if lesson_id is not None:
            where += " AND lesson_id = ?"
            args.append(lesson_id)

        def run(db: Statements) -> int:
            cleared = db.execute(f"DELETE FROM lessons WHERE {where}", args)
            db.execute(f"DELETE FROM steps WHERE {where}", args)
            db.execute(f"DELETE FROM events WHERE {where}", args)
            return cleared

        return int(self.store._write(run, wait=False) or 0)

    def lesson(self, lesson_id: str) -> LessonProgress | None:
        rows = self._lessons("AND lesson_id = ?", (lesson_id,))
        return rows[0] if rows else None

    def lessons(self) -> list[LessonProgress]:
        return self._lessons("", ())

    def recorded(self) -> dict[str, str]:
        """Every lesson this learner has rows for, started over or not: id → title. What
        `reset` would forget (`lessons` leaves out one started over and not touched since)."""
        return {
            str(r[0]): str(r[1])
            for r in self.store._query(
                "SELECT lesson_id, title FROM lessons WHERE learner = ? ORDER BY updated_at DESC",
                (self.name,),
            )
        }

    def steps_reached(self, lesson_id: str) -> set[str]:
        return {
            str(r[0])
            for r in self.store._query(
                "SELECT step_id FROM steps WHERE learner = ? AND lesson_id = ?",
                (self.name, lesson_id),
            )
        }

    def events(self, lesson_id: str | None = None) -> list[Event]:
        """What this learner did, oldest first, each lesson from its last start-over on (the
        teacher reads every event: `ProgressStore.events`)."""
        return since_restart(self.store.events(self.name, lesson_id))

    def _lessons(self, extra: str, args: tuple[object, ...]) -> list[LessonProgress]:
        """The lessons as this learner sees them: one started over and not touched since is
        not begun."""
        rows = self.store._query(
            "SELECT lesson_id, title, total_steps, furthest_index, furthest_step, last_index, "
            'last_step, "right", wrong, knobs, completed_at, updated_at FROM lessons '
            f"WHERE learner = ? AND updated_at > reset_at {extra} ORDER BY updated_at DESC",
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


def _new_id() -> str:
    """An event's id, made by its writer: the same on every retry of that write."""
    return uuid.uuid4().hex
