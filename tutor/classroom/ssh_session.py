"""One SSH session, from the request to its end: anything but a terminal refused with a
sentence in the student's language, the admission slot, the student's app forked onto a fresh
pty, and the bytes pumped both ways (keys in turn: running.Keys) until the app exits, the
student leaves, the session idles out or the teacher or the server's stop ends it; then the
notice and a restored terminal."""

from __future__ import annotations

import asyncio
import contextlib
import os

import asyncssh

from tutor.classroom.room import Classroom
from tutor.classroom.running import Keys, Live, running, spawn
from tutor.classroom.server_log import field_text, log
from tutor.classroom.terminal import (
    FALLBACK_TERM,
    RESTORE_TERMINAL,
    TERM_NAME,
    clamp_size,
    set_size,
)
from tutor.classroom.words import NOTICES, session_language, student_words
from tutor.i18n import N_

CLOSE_WAIT = 3.0  # for the client to take the notice before the channel is dropped


def _refuse(process: asyncssh.SSHServerProcess[bytes], message: str, why: str) -> None:
    user = field_text(process.get_extra_info("username"))
    log.warning("refused %s: %s", user, why)
    process.stderr.write(f"tutor: {message}\r\n".encode())
    process.exit(1)


async def session(room: Classroom, process: asyncssh.SSHServerProcess[bytes]) -> None:
    owner = room.owners.get(process.get_extra_info("connection"))
    if owner is not None:
        owner.session_opened()
    try:
        await _admitted_session(room, process)
    finally:
        if owner is not None:
            owner.session_closed()


async def _admitted_session(room: Classroom, process: asyncssh.SSHServerProcess[bytes]) -> None:
    user = str(process.get_extra_info("username"))
    cfg = room.config
    say = student_words(room, process, user)
    if process.subsystem:
        _refuse(
            process,
            say(N_("there is no file transfer here; this server runs the tutor only.")),
            f"subsystem {field_text(process.subsystem)}",
        )
        return
    if process.command is not None:
        _refuse(
            process,
            say(
                N_(
                    "this server runs the tutor only and does not run commands; "
                    "connect with: ssh -p {port} {user}@HOST"
                )
            ).format(port=cfg.port, user=user),
            f"command {field_text(repr(process.command))}",
        )
        return
    if not process.term_type:
        needs = say(N_("the tutor needs a terminal; connect without -T (or with -t)."))
        _refuse(process, needs, "no terminal")
        return
    refused = room.enter(user, say)  # no await between this check and the slot it takes
    if refused is not None:
        _refuse(process, *refused)
        return
    term = process.term_type if TERM_NAME.match(process.term_type) else FALLBACK_TERM
    size = clamp_size(process.term_size)
    try:
        await _run_session(room, process, user, term, size)
    finally:
        room.release(user)


async def _run_session(
    room: Classroom,
    process: asyncssh.SSHServerProcess[bytes],
    user: str,
    term: str,
    size: tuple[int, int, int, int],
) -> None:
    """The student's app on a fresh pty, until one side leaves; the pty is closed on every
    path, so a session that fails to start leaks nothing."""
    lang, source = session_language(process.env, room.languages.get(user), room.config.lang)
    master, slave = os.openpty()
    spec = room.spec(user, lang, term=term)
    try:
        set_size(master, size)
        live = await spawn(room, slave, spec)
    except (OSError, RuntimeError) as e:
        os.close(master)
        say = student_words(room, process, user)
        _refuse(process, say(N_("the session could not start; tell your teacher.")), f"spawn: {e}")
        return
    except BaseException:  # cancelled: the client left while the session started
        os.close(master)
        raise
    finally:
        os.close(slave)
    language = f"{lang} ({source})" if lang else "the server's own (LANG)"
    await _live_session(room, process, master, live, language, size)


async def _live_session(
    room: Classroom,
    process: asyncssh.SSHServerProcess[bytes],
    master: int,
    live: Live,
    language: str,
    size: tuple[int, int, int, int],
) -> None:
    """From a started app to the session's end: the notice and a restored terminal for every
    ending but a dropped connection (nobody is there to read them)."""
    how = field_text(process.term_type)
    try:
        try:
            with running(room, live, how, size[:2], field_text(language)):
                await _pump(process, master, room, live)
        finally:
            os.close(master)
        reason = live.reason
        if reason != "disconnected":
            with contextlib.suppress(OSError, asyncssh.Error):
                # The app was stopped mid-frame (or exited): whatever it left switched on in
                # the student's terminal is switched off here, so nobody types `reset` blind.
                process.stdout.write(RESTORE_TERMINAL)
                notice = NOTICES.get(reason)
                if notice:
                    said = student_words(room, process, live.user)(notice)
                    process.stdout.write(f"\r\ntutor: {said}\r\n".encode())
                process.exit(0)
            with contextlib.suppress(asyncio.TimeoutError, asyncssh.Error, OSError):
                await asyncio.wait_for(process.wait_closed(), CLOSE_WAIT)
    finally:
        live.closed.set()  # the notice is out: a stopping server may drop the connection


async def _pump(
    process: asyncssh.SSHServerProcess[bytes], master: int, room: Classroom, live: Live
) -> str:
    """Bytes both ways until the app exits, the student leaves, the session idles out, or
    something else ends it (`live.end`). Keys wait for a turn; the app's next output ends it
    (running.Keys, as for a browser's)."""
    loop = asyncio.get_running_loop()
    finish = live.end
    keys = Keys(room, live)

    def readable() -> None:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the app has exited and closed the terminal
            data = b""
        keys.shown()
        if not data:
            finish("ended")
            return
        try:
            process.stdout.write(data)
        except (asyncssh.Error, OSError):  # the student's side is gone
            finish("disconnected")

    loop.add_reader(master, readable)

    async def from_client() -> None:
        while True:
            try:
                data = await process.stdin.read(65536)
            except asyncssh.TerminalSizeChanged as change:
                size = (change.width, change.height, change.pixwidth, change.pixheight)
                with contextlib.suppress(OSError):
                    set_size(master, clamp_size(size))
                continue
            except (asyncssh.BreakReceived, asyncssh.SignalReceived):
                continue
            except (asyncssh.Error, OSError):  # the connection dropped
                finish("disconnected")
                return
            if not data:
                finish("disconnected")
                return
            await keys.pressed()
            with contextlib.suppress(OSError):
                os.write(master, data)

    reading = asyncio.create_task(from_client())
    try:
        return await live.done
    finally:
        loop.remove_reader(master)
        reading.cancel()
        keys.close()
