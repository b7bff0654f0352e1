"""What every classroom session does from its app's start to its end, whichever door the
student came in by (SSH: ssh_session.py; a browser: web_session.py): the slot it holds, its app
registered so the teacher and the server's stop can end it, its start and end in the log and
the store, the keys passed on in turn with a note to the store now and then, and the idle
time-out. One piece of code, so that both doors keep the same rules.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tutor.classroom.turns import Turn
from tutor.classroom.zygote import Spawn

if TYPE_CHECKING:
    from tutor.classroom.room import Classroom

log = logging.getLogger("tutor.classroom")

PRESENCE_EVERY = 20.0  # seconds between "still typing" notes to the store, per session
IDLE_LOOK = 5.0  # seconds between looks at a session's last key, at most


@dataclass
class Live:
    """A running session, as the rest of the server may end it: the teacher, the server's own
    stop, or the idle watch resolve `done` with the reason."""

    user: str
    pid: int
    done: asyncio.Future[str]
    closed: asyncio.Event = field(default_factory=asyncio.Event)

    def end(self, reason: str) -> None:
        if not self.done.done():
            self.done.set_result(reason)

    @property
    def reason(self) -> str:
        """Why it ended; a session cancelled under us (the connection dropped) was left."""
        if self.done.done() and not self.done.cancelled():
            return self.done.result()
        return "disconnected"


async def spawn(room: Classroom, fd: int, spec: Spawn) -> Live:
    """The student's app forked from the warm parent onto `fd`, and registered as running.
    Raises OSError or RuntimeError when it could not start."""
    assert room.spawner is not None
    pid = await room.spawner.spawn(fd, spec)
    live = Live(spec.learner, pid, asyncio.get_running_loop().create_future())
    room.live[pid] = live
    return live


@contextlib.contextmanager
def running(
    room: Classroom, live: Live, how: str, size: tuple[int, int], language: str
) -> Iterator[None]:
    """The session's life around its pump: presence in the store, the log's start and end
    lines, and the app stopped (SIGHUP; its progress is saved) unless it ended itself.
    `how`: the terminal, or `web from ADDRESS`. The caller sets `live.closed` once the
    student has their notice (the server's stop waits for it before dropping connections)."""
    user, pid = live.user, live.pid
    session = uuid.uuid4().hex  # the store counts it open, and closed, once
    room.record(room.store.session_opened, user, session)
    started = time.monotonic()
    log.info(
        "session start: %s pid %d (%s, %dx%d) · language %s",
        user,
        pid,
        how,
        *size,
        language,
    )
    try:
        yield
    finally:  # also when the session is cancelled because the connection dropped
        reason = live.reason
        if reason != "ended":
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGHUP)
        room.live.pop(pid, None)
        room.record(room.store.session_closed, user, session)
        door = ", web" if how.startswith("web") else ""
        log.info(
            "session end: %s pid %d after %.0f s (%s%s)",
            user,
            pid,
            time.monotonic() - started,
            reason,
            door,
        )


class Keys:
    """The student's side of a running session: each key waits for a turn (turns.py), which
    the app's next output ends; every `PRESENCE_EVERY` seconds of typing is noted in the store
    (the teacher's "idle" needs no more); and no key for the idle time-out ends the session."""

    def __init__(self, room: Classroom, live: Live) -> None:
        self.room = room
        self.live = live
        self.last_input = time.monotonic()
        self.last_noted = 0.0
        self.turn: Turn | None = None
        self.idle = asyncio.create_task(self._watch_idle())

    async def pressed(self) -> None:
        """A key from the student: noted, then a turn to hand it to the app."""
        self.last_input = time.monotonic()
        if self.last_input - self.last_noted > PRESENCE_EVERY:
            self.last_noted = self.last_input
            self.room.record(self.room.store.session_input, self.live.user, time.time())
        if self.turn is None or self.turn.ended:
            self.turn = await self.room.turns.take()

    def shown(self) -> None:
        """The app drew: its turn is over."""
        if self.turn is not None:
            self.turn.end()

    async def _watch_idle(self) -> None:
        timeout = self.room.config.idle_timeout
        while not self.live.done.done():
            await asyncio.sleep(min(IDLE_LOOK, timeout / 4))
            if time.monotonic() - self.last_input > timeout:
                self.live.end("idle")

    def close(self) -> None:
        self.idle.cancel()
        self.shown()
