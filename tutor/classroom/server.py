"""`tutor serve`: an SSH server where every student who connects gets their own tutor; this
module wires the parts together, starts them in order and stops them on a signal.

asyncssh speaks SSH; each session with a PTY gets a real pseudo-terminal whose slave end is
handed to the zygote, which forks the student's app onto it. This process only pumps bytes
between the SSH channel and the PTY's master (keys in turn when a class presses at once:
turns.py), passes on window changes, and keeps order: authentication, the session limits, idle
time-outs and the log. Shells, commands, port and agent forwarding and file transfer are
refused with a message.

One student must not be able to take the class down, so every resource a client can make the
server hold is bounded: connections that have not logged in (a cap and a grace time, as
OpenSSH's `MaxStartups` and `LoginGraceTime`), connections that open no session (closed after
`session_wait`), sessions (a slot taken before any await, so a burst cannot pass the cap, and a
cap per student), window sizes (clamped), and log lines (every client-sent field through
`clean_line`, so no escape code or forged line reaches server.log or the teacher's console).

The parts, each in its module: room.py (the settings, the room and its admission), people.py
(who may log in), ssh.py and ssh_session.py (the SSH door and its sessions), web.py (the
browser door), words.py (each student's language), terminal.py (sizes and modes), control.py
(the teacher's requests), lesson_check.py (the check at start), spawner.py (the warm session
parent's other end), server_log.py (the log).
"""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import socket

from tutor.classroom.auth import host_key
from tutor.classroom.console import Said
from tutor.classroom.control import CONTROL_SOCKET, open_control
from tutor.classroom.lesson_check import check_lessons
from tutor.classroom.people import load_people, reload_people, watch_files
from tutor.classroom.room import Classroom, ServeConfig
from tutor.classroom.served import read_served
from tutor.classroom.server_log import log, private_data, setup_logging
from tutor.classroom.spawner import Spawner
from tutor.classroom.ssh import listen
from tutor.i18n import N_
from tutor.progress import ProgressStore
from tutor.progress.store import STORE_ENV

STOP_WAIT = 8.0  # for every session to take its notice when the server stops


def _has_terminal() -> bool:
    try:
        os.close(os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY))
    except OSError:
        return False
    return True


async def serve(config: ServeConfig, ready: asyncio.Event | None = None) -> None:
    """Run the classroom until a signal (or cancellation) stops it: the log, the store, the
    people, the warm session parent, the doors and the control socket, started in that order
    and closed in reverse, every student told why. `ready` is set once students can connect."""
    room = Classroom(config)
    private_data(config.data)
    setup_logging(config.data)
    if config.store:  # the sessions (forked from the zygote started below) write there too
        os.environ[STORE_ENV] = config.store
    room.store = ProgressStore(config.data, url=config.store, host=config.host_name)
    room.store.sessions_cleared()  # a server that crashed left students "connected"
    load_people(room)
    key = host_key(config.data)
    room.spawner = Spawner()
    loop = asyncio.get_running_loop()
    try:  # while the session parent warms up; a lesson id served twice stops the start
        room.served = await loop.run_in_executor(None, read_served, config.lessons, config.data)
    except BaseException:
        room.spawner.process.kill()
        room.spawner.close()
        raise
    await loop.run_in_executor(None, room.spawner.wait_ready)
    room.record(room.store.set_steps, room.served.steps)
    server = await listen(room, key)
    control = await open_control(room)
    control_path = config.data / CONTROL_SOCKET
    web_room = None
    if config.web_port is not None:
        from tutor.classroom.web import WebClassroom

        web_room = WebClassroom(room)
        await web_room.start()
    log.info(
        N_(
            "tutor serve: listening on %s:%d · lessons %s · data %s · keys in turn, %d at a time"
            " · sessions %d (%d a student) · %d waiting to log in, %g s each · keepalive %g s"
        ),
        config.host,
        config.port,
        " ".join(str(path) for path in config.lessons),
        config.data,
        room.turns.slots,
        config.max_sessions,
        config.max_per_student,
        config.max_startups,
        config.login_grace_time,
        config.keepalive,
    )
    shown_host = config.host if config.host not in ("0.0.0.0", "::", "") else socket.gethostname()
    log.info(
        N_("host key %s: students see it the first time they connect; read it out to compare"),
        key.get_fingerprint("sha256"),
    )
    log.info(N_("students connect with: ssh -p %d NAME@%s"), config.port, shown_host)
    if config.web_port is not None:
        log.info(N_("students in a browser open: http://%s:%d/"), shown_host, config.web_port)
    checking = asyncio.create_task(check_lessons(room)) if config.check else None
    # What the server holds from here on (modules, keys, the listener) is never garbage, but a
    # full collection would scan it all, pausing every student's session at once.
    gc.collect()
    gc.freeze()
    if ready is not None:
        ready.set()
    stop: asyncio.Future[str] = loop.create_future()

    def stop_on(reason: str) -> None:
        if not stop.done():
            stop.set_result(reason)

    had_terminal = _has_terminal()

    def hang_up() -> None:
        """SIGHUP means "your terminal closed" when it did; otherwise (nohup, a service
        manager, `kill -HUP`) it means "read the files again", as for sshd."""
        if had_terminal and not _has_terminal():
            stop_on(Said(N_("SIGHUP (the terminal closed)")))
        else:
            reload_people(room, "SIGHUP")

    loop.add_signal_handler(signal.SIGINT, stop_on, "SIGINT (Ctrl-C)")
    loop.add_signal_handler(signal.SIGTERM, stop_on, "SIGTERM")
    loop.add_signal_handler(signal.SIGHUP, hang_up)
    watcher = asyncio.create_task(watch_files(room, stop))
    reason = Said(N_("the server task was cancelled"))
    try:
        reason = await stop
    finally:
        room.stopping = True
        log.info(
            N_("tutor serve: stopping on %s (sessions open: %d)"), Said(reason), len(room.live)
        )
        server.close()
        control.close()
        watcher.cancel()
        if checking is not None:
            checking.cancel()
        lives = list(room.live.values())
        for live in lives:
            live.end("server")
        if lives:
            await asyncio.wait(
                [asyncio.create_task(live.closed.wait()) for live in lives], timeout=STOP_WAIT
            )
        for conn in list(room.owners):
            conn.close()
        if web_room is not None:
            await web_room.close()
        control_path.unlink(missing_ok=True)
        room.spawner.close()
        room.writer.shutdown(wait=True)
        room.store.sessions_cleared()
        room.store.close()
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.remove_signal_handler(sig)
        log.info(N_("tutor serve: stopped (%s)"), Said(reason))
