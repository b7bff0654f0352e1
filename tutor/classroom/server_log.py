"""The server's log: server.log (0600, in the data folder kept private) and the teacher's
console, and how a field a client sent is made safe to write there. One logger,
"tutor.classroom", for every part of the server (and "tutor.progress" beside it)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from tutor.classroom.console import ConsoleFormatter
from tutor.lesson.clean import clean_line

log = logging.getLogger("tutor.classroom")

FIELD = 120  # characters of a client-sent field in a log line


def field_text(value: object) -> str:
    """A client-sent value as one short, visible log field: no escape code, no forged line."""
    return clean_line(str(value), FIELD)


def private_data(data: Path) -> None:
    """The data folder 0700 and what the server keeps there 0600: progress and the log name
    every student, and the host key is a secret."""
    data.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(data, 0o700)
    for name in ("server.log", "progress.db", "progress.db-wal", "progress.db-shm"):
        path = data / name
        if name == "server.log":
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        if path.exists():
            os.chmod(path, 0o600)


def setup_logging(data: Path) -> None:
    handler = logging.FileHandler(data / "server.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    console = logging.StreamHandler()  # the teacher's: in their language (console.py)
    console.setFormatter(ConsoleFormatter("%(asctime)s %(message)s", "%H:%M:%S"))
    for logger in (log, logging.getLogger("tutor.progress")):  # and the database's comings
        logger.addHandler(handler)
        logger.addHandler(console)
        logger.setLevel(logging.INFO)
