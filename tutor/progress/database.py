"""The seam between the store and its engine: SQLite (the default, a file) or PostgreSQL.

The store writes one SQL that both engines accept (`?` placeholders, `ON CONFLICT`, no
SQLite-only functions); what differs lives here and in `tutor.progress.postgres`: how a
transaction starts, where the schema version is kept, and how a migration's DDL is spelled.
A write is a function of a `Statements`, so an engine that lost its connection can keep it
and run it again later (PostgreSQL does; SQLite never loses one).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Protocol, TypeVar

from tutor.i18n import _

T = TypeVar("T")
Row = tuple[object, ...]


class StoreError(Exception):
    """The database cannot be used (newer than this tutor, not a progress store, unreachable)."""


class StoreUnavailable(StoreError):
    """The database is not reachable just now: a read cannot be answered, or a write that must
    not wait (forgetting progress) was refused. Writes that may wait are kept instead."""


class Statements(Protocol):
    """What a write runs its statements on, inside one transaction."""

    def execute(self, sql: str, args: Sequence[object] = ()) -> int:
        """Run one statement; the rows it changed."""
        ...

    def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> None: ...

    def query(self, sql: str, args: Sequence[object] = ()) -> list[Row]: ...


class Database(Protocol):
    where: str  # for messages: a path, or a URL without its password

    def write(self, work: Callable[[Statements], T], *, wait: bool = True) -> T | None:
        """Run `work` in one transaction. `wait`: when the database is out of reach, keep it to
        run later (and return None); otherwise raise `StoreUnavailable`."""
        ...

    def query(self, sql: str, args: Sequence[object] = ()) -> list[Row]: ...

    def migrate(self, migrations: Sequence[str]) -> None: ...

    def version(self) -> int: ...

    @property
    def pending(self) -> int:
        """Writes kept until the database is back."""
        ...

    def close(self) -> None: ...


def is_url(location: str | None) -> bool:
    return bool(location) and str(location).startswith(("postgresql://", "postgres://"))


def open_database(path: Path, url: str | None, *, patient: bool = False) -> Database:
    """PostgreSQL for a `postgresql://` URL, else the SQLite file at `path`. `patient`: a
    database out of reach now is waited for (its writes kept) instead of refused."""
    if url:
        if not is_url(url):
            raise StoreError(
                _("--store takes a postgresql://USER@HOST:PORT/DATABASE URL, not {url}").format(
                    url=repr(url)
                )
            )
        from tutor.progress.postgres import PostgresDatabase

        return PostgresDatabase(url, patient=patient)
    return SqliteDatabase(path)


class _SqliteStatements:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def execute(self, sql: str, args: Sequence[object] = ()) -> int:
        return int(self.db.execute(sql, tuple(args)).rowcount)

    def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        self.db.executemany(sql, [tuple(r) for r in rows])

    def query(self, sql: str, args: Sequence[object] = ()) -> list[Row]:
        return self.db.execute(sql, tuple(args)).fetchall()


class SqliteDatabase:
    """One SQLite file in WAL mode, shared by every process that opens it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = str(path)
        # every learner's answers: only the owner reads them. SQLite gives the WAL and the
        # shared-memory file the database's own mode, so 0600 here covers all three.
        with suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # durable across a killed process
            self._db.execute("PRAGMA busy_timeout=30000")
        except sqlite3.DatabaseError as e:
            self._db.close()
            raise StoreError(
                _("{path} is not a progress store ({error})").format(path=path, error=e)
            ) from e

    pending = 0  # a local file never goes away: nothing is ever kept for later

    def write(self, work: Callable[[Statements], T], *, wait: bool = True) -> T:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                result = work(_SqliteStatements(self._db))
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            return result

    def query(self, sql: str, args: Sequence[object] = ()) -> list[Row]:
        with self._lock:
            return self._db.execute(sql, tuple(args)).fetchall()

    def version(self) -> int:
        return int(self.query("PRAGMA user_version")[0][0])  # type: ignore[call-overload]

    def migrate(self, migrations: Sequence[str]) -> None:
        def run(db: Statements) -> None:
            version = int(db.query("PRAGMA user_version")[0][0])  # type: ignore[call-overload]
            check_version(version, len(migrations), self.where)
            for number, script in enumerate(migrations[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")

        self.write(run)

    def close(self) -> None:
        self._db.close()


def check_version(version: int, known: int, where: str) -> None:
    if version > known:
        raise StoreError(
            _(
                "{where} was written by a newer tutor (schema {version}; this one knows {known})"
            ).format(where=where, version=version, known=known)
        )
