"""The store's tables, as numbered migrations: `PRAGMA user_version` (SQLite) or the
`tutor_schema` table (PostgreSQL) says which have run.

Never edit a migration that has shipped; add the next one, in SQL that both engines accept
(`tutor.progress.postgres.postgres_ddl` respells REAL, AUTOINCREMENT and `right` for
PostgreSQL). A database newer than this tutor is refused rather than guessed at.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: lessons, the steps reached, and the event log
    """
    CREATE TABLE lessons (
        learner TEXT NOT NULL,
        lesson_id TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        total_steps INTEGER NOT NULL DEFAULT 0,
        furthest_index INTEGER NOT NULL DEFAULT 0,
        furthest_step TEXT NOT NULL DEFAULT '',
        last_index INTEGER NOT NULL DEFAULT 0,
        last_step TEXT NOT NULL DEFAULT '',
        right INTEGER NOT NULL DEFAULT 0,
        wrong INTEGER NOT NULL DEFAULT 0,
        knobs INTEGER NOT NULL DEFAULT 0,
        completed_at REAL,
        started_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        PRIMARY KEY (learner, lesson_id)
    );
    CREATE TABLE steps (
        learner TEXT NOT NULL,
        lesson_id TEXT NOT NULL,
        step_id TEXT NOT NULL,
        step_index INTEGER NOT NULL,
        reached_at REAL NOT NULL,
        PRIMARY KEY (learner, lesson_id, step_id)
    );
    CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        learner TEXT NOT NULL,
        lesson_id TEXT NOT NULL,
        step_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        attempt INTEGER NOT NULL DEFAULT 0,
        answer TEXT,
        correct INTEGER,
        hints_used INTEGER NOT NULL DEFAULT 0,
        at REAL NOT NULL
    );
    CREATE INDEX events_by_learner ON events (learner, lesson_id, at);
    """,
    # 2: the classroom: who is in the class, who is connected, the served lessons' steps (which
    # are questions, for grades),
    # and when the learner came to the step they are on
    """
    CREATE TABLE roster (
        learner TEXT PRIMARY KEY,
        grp TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE presence (
        learner TEXT PRIMARY KEY,
        sessions INTEGER NOT NULL DEFAULT 0,
        since REAL NOT NULL,
        last_input REAL NOT NULL
    );
    CREATE TABLE lesson_steps (
        lesson_id TEXT NOT NULL,
        step_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        question INTEGER NOT NULL DEFAULT 0,
        lesson_title TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (lesson_id, step_id)
    );
    ALTER TABLE lessons ADD COLUMN step_since REAL NOT NULL DEFAULT 0;
    """,
    # 3: several servers on one database: presence is kept per learner and host (a server
    # clears only its own at start), and the roster remembers which host listed each student
    """
    ALTER TABLE roster ADD COLUMN host TEXT NOT NULL DEFAULT '';
    CREATE TABLE presence_by_host (
        learner TEXT NOT NULL,
        host TEXT NOT NULL DEFAULT '',
        sessions INTEGER NOT NULL DEFAULT 0,
        since REAL NOT NULL,
        last_input REAL NOT NULL,
        PRIMARY KEY (learner, host)
    );
    INSERT INTO presence_by_host (learner, host, sessions, since, last_input)
        SELECT learner, '', sessions, since, last_input FROM presence;
    DROP TABLE presence;
    ALTER TABLE presence_by_host RENAME TO presence;
    """,
    # 4: each student's language as the keys or password file gives it (`lang=zh`), for the
    # teacher's view
    """
    ALTER TABLE roster ADD COLUMN lang TEXT NOT NULL DEFAULT '';
    """,
    # 5: each event carries the id its writer gave it (a uuid), so that a write retried after
    # the database committed it but before it said so is not written twice; and a lesson
    # started over keeps its history: `reset_at` is when, and the learner's own reads begin there
    """
    ALTER TABLE events ADD COLUMN uid TEXT;
    CREATE UNIQUE INDEX events_by_uid ON events (uid);
    ALTER TABLE lessons ADD COLUMN reset_at REAL NOT NULL DEFAULT 0;
    """,
    # 6: each open session by the id its server gave it, so that opening or closing one, run
    # again after the database committed it but before it said so, counts once
    """
    CREATE TABLE open_sessions (
        uid TEXT PRIMARY KEY,
        learner TEXT NOT NULL,
        host TEXT NOT NULL DEFAULT '',
        since REAL NOT NULL
    );
    """,
)
