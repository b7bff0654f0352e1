"""`tutor check` of the lessons served, run when the server starts: a broken lesson is found
then, in the log, not by the first student who opens it."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys

from tutor.classroom.room import Classroom
from tutor.classroom.server_log import log
from tutor.i18n import N_
from tutor.lesson.clean import clean_line

CHECK_TIME = 600.0  # the lesson check at start gives up after this
MAX_CHECK_LINES = 40


async def check_lessons(room: Classroom) -> None:
    """`tutor check` of the lessons served, in its own process, logged: a broken lesson is
    found at start, not by the first student who opens it."""
    cfg = room.config
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tutor.cli",
            "check",
            *(str(path) for path in cfg.lessons),
            "--device",
            "cpu",
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        out, _ = await asyncio.wait_for(proc.communicate(), CHECK_TIME)
    except (OSError, asyncio.TimeoutError) as e:
        log.warning(N_("tutor check: did not finish (%s)"), e)
        return
    lines = [clean_line(line, 200) for line in out.decode(errors="replace").splitlines() if line]
    level = logging.INFO if proc.returncode == 0 else logging.WARNING
    for line in lines[-MAX_CHECK_LINES:]:
        log.log(level, N_("tutor check: %s"), line)
