"""`tutor serve`: an SSH server where every student who connects gets their own tutor.

asyncssh speaks SSH; each session with a PTY gets a real pseudo-terminal whose slave end is
handed to the zygote, which forks the student's app onto it. This process only pumps bytes
between the SSH channel and the PTY's master (keys in turn when a class presses at once:
turns.py), passes on window changes, and keeps order: authentication, the session limits, idle
time-outs and the log. Shells, commands, port and
agent forwarding and file transfer are refused with a message.

One student must not be able to take the class down, so every resource a client can make the
server hold is bounded: connections that have not logged in (a cap and a grace time, as
OpenSSH's `MaxStartups` and `LoginGraceTime`), connections that open no session (closed after
`session_wait`), sessions (a slot taken before any await, so a burst cannot pass the cap, and a
cap per student), window sizes (clamped), and log lines (every client-sent field through
`clean_line`, so no escape code or forged line reaches server.log or the teacher's console).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import gc
import json
import logging
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

from tutor.classroom.auth import (
    AuthorizedKey,
    LoginLimiter,
    check_password,
    host_key,
    keys_by_name,
    read_authorized_keys,
    read_password_file,
    valid_name,
)
from tutor.classroom.turns import Turn, Turns
from tutor.classroom.zygote import MAX_MESSAGE, Spawn
from tutor.lesson.clean import clean_line

log = logging.getLogger("tutor.classroom")

MIN_SIDE, MAX_SIDE = 10, 1000
"""Window sizes are clamped to this range (columns and rows): a pty holds 16 bits, a client
may send 32, and a screen of a million cells is work for the app, not a terminal."""
DEFAULT_SIZE = (80, 24)  # for a client that says 0 (size unknown)
TERM_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")
FALLBACK_TERM = "xterm-256color"
FIELD = 120  # characters of a client-sent field in a log line


def field_text(value: object) -> str:
    """A client-sent value as one short, visible log field: no escape code, no forged line."""
    return clean_line(str(value), FIELD)


@dataclass
class ServeConfig:
    host: str = "127.0.0.1"
    port: int = 2222
    lessons: Path = Path("lessons")
    data: Path = Path("classroom")
    authorized_keys: Path | None = None
    password_file: Path | None = None
    max_sessions: int = 40
    max_per_student: int = 2
    max_startups: int = 30  # connections not yet logged in
    login_grace_time: float = 30.0
    session_wait: float = 10.0  # a logged-in connection with no session is closed after this
    idle_timeout: float = 1800.0
    cpu_seconds: int = 3600
    memory_bytes: int = 2 * 1024**3
    lang: str | None = None
    device: str | None = "cpu"


@dataclass
class Classroom:
    """What the server knows while it runs: who may log in, and who is connected."""

    config: ServeConfig
    keys: list[AuthorizedKey] = field(default_factory=list)
    passwords: dict[str, str] = field(default_factory=dict)
    named_keys: dict[str, asyncssh.SSHAuthorizedKeys | None] = field(default_factory=dict)
    guest_keys: asyncssh.SSHAuthorizedKeys | None = None
    limiter: LoginLimiter = field(default_factory=LoginLimiter)
    sessions: dict[int, str] = field(default_factory=dict)  # child pid → learner
    admitted: dict[str, int] = field(default_factory=dict)  # learner → slots held
    waiting: int = 0  # connections not yet logged in
    turned_away: int = 0  # connections refused for `waiting`, not yet logged
    owners: dict[asyncssh.SSHServerConnection, _Server] = field(default_factory=dict)
    spawner: Spawner | None = None
    turns: Turns = field(default_factory=Turns)  # keys handed to the apps in turn

    def admit(self, user: str) -> str | None:
        """Take a session slot now, before anything awaits, so that a burst of sessions cannot
        all pass the check before any is counted; returns why not, or None once taken."""
        cfg = self.config
        if sum(self.admitted.values()) >= cfg.max_sessions:
            return f"the classroom is full ({cfg.max_sessions} sessions)"
        if self.admitted.get(user, 0) >= cfg.max_per_student:
            return f"you already have {cfg.max_per_student} sessions open"
        self.admitted[user] = self.admitted.get(user, 0) + 1
        return None

    def release(self, user: str) -> None:
        held = self.admitted.get(user, 0) - 1
        if held > 0:
            self.admitted[user] = held
        else:
            self.admitted.pop(user, None)

    def keys_for(self, user: str) -> asyncssh.SSHAuthorizedKeys | None:
        """A named student's own keys; guest keys only for a name nobody owns."""
        if user in self.named_keys:
            return self.named_keys[user]
        return self.guest_keys


class Spawner:
    """The server's end of the zygote: send a terminal, get a process id back."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock = ours
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tutor.classroom.zygote", str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self.lock = asyncio.Lock()

    def wait_ready(self, timeout: float = 120.0) -> None:
        self.sock.settimeout(timeout)
        reply = self.sock.recv(MAX_MESSAGE)
        self.sock.settimeout(None)
        if json.loads(reply or b"{}").get("ready") is not True:
            raise RuntimeError("the session parent did not start")

    async def spawn(self, slave_fd: int, spec: Spawn) -> int:
        async with self.lock:
            loop = asyncio.get_running_loop()
            reply = await loop.run_in_executor(None, self._request, slave_fd, spec)
        if "pid" not in reply:
            raise RuntimeError(reply.get("error", "the session could not start"))
        return int(reply["pid"])

    def _request(self, slave_fd: int, spec: Spawn) -> dict[str, object]:
        socket.send_fds(self.sock, [spec.encode()], [slave_fd])
        return dict(json.loads(self.sock.recv(MAX_MESSAGE)))

    def close(self) -> None:
        self.sock.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        if self.process.poll() is None:
            self.process.kill()


class _Server(asyncssh.SSHServer):
    """One per connection: the pre-login cap, authentication, what may be asked for, and the
    time a logged-in connection may stay without a session."""

    def __init__(self, room: Classroom) -> None:
        self.room = room
        self.conn: asyncssh.SSHServerConnection | None = None
        self.address = "?"
        self.user = ""
        self.waiting = False  # counted in room.waiting
        self.authenticated = False
        self.key_refused = False
        self.password_failed = False
        self.sessions = 0
        self.no_session: asyncio.TimerHandle | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername")
        self.address = field_text(peer[0]) if peer else "?"
        room = self.room
        if room.waiting >= room.config.max_startups:
            room.turned_away += 1
            if room.turned_away == 1:  # one line per burst, not one per connection
                log.warning(
                    "refused %s: too many connections waiting to log in (%d)",
                    self.address,
                    room.config.max_startups,
                )
            conn.close()
            return
        if room.turned_away > 1:
            log.warning("refused %d more connections waiting to log in", room.turned_away - 1)
        room.turned_away = 0
        room.waiting += 1
        self.waiting = True
        room.owners[conn] = self

    def _stop_waiting(self) -> None:
        if self.waiting:
            self.waiting = False
            self.room.waiting -= 1

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        if self.conn is not None:
            self.room.owners.pop(self.conn, None)
        if self.no_session is not None:
            self.no_session.cancel()
        if self.key_refused and not self.authenticated and not self.password_failed:
            log.warning("login failed: %s from %s (key not accepted)", self.user, self.address)

    def begin_auth(self, username: str) -> bool:
        self.user = field_text(username)
        if self.conn is not None and valid_name(username):
            self.conn.set_authorized_keys(self.room.keys_for(username))
        return True

    def auth_completed(self) -> None:
        self.authenticated = True
        self._stop_waiting()
        log.info("login: %s from %s", self.user, self.address)
        self.expect_session()

    def expect_session(self) -> None:
        """Close this connection unless a session opens soon: `ssh -N` holds nothing here."""
        if self.no_session is not None:
            self.no_session.cancel()
        wait = self.room.config.session_wait
        self.no_session = asyncio.get_running_loop().call_later(wait, self._close_idle)

    def session_opened(self) -> None:
        self.sessions += 1
        if self.no_session is not None:
            self.no_session.cancel()
            self.no_session = None

    def session_closed(self) -> None:
        self.sessions -= 1
        if self.sessions == 0:
            self.expect_session()

    def _close_idle(self) -> None:
        if self.sessions == 0 and self.conn is not None:
            wait = self.room.config.session_wait
            log.warning(
                "closed %s from %s: no session opened within %g s", self.user, self.address, wait
            )
            self.conn.disconnect(
                asyncssh.DISC_BY_APPLICATION, f"no session opened within {wait:g} s"
            )

    def public_key_auth_supported(self) -> bool:
        return bool(self.room.keys)

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        """Reached only when asyncssh found no matching key (and options) for this name."""
        self.key_refused = True
        return False

    def password_auth_supported(self) -> bool:
        return bool(self.room.passwords)

    async def validate_password(self, username: str, password: str) -> bool:
        limiter = self.room.limiter
        if limiter.blocked(self.address, username):
            log.warning(
                "refused password for %s from %s: too many failed logins", self.user, self.address
            )
            await asyncio.sleep(limiter.most)
            return False
        stored = self.room.passwords.get(username)
        if stored is not None and valid_name(username) and check_password(password, stored):
            return True
        self.password_failed = True
        wait = limiter.failed(self.address, username)  # once per attempt
        log.warning("wrong password for %s from %s", self.user, self.address)
        await asyncio.sleep(wait)
        return False

    def connection_requested(
        self, dest_host: str, dest_port: int, orig_host: str, orig_port: int
    ) -> bool:
        log.warning(
            "refused port forwarding for %s to %s:%s",
            self.user,
            field_text(dest_host),
            field_text(dest_port),
        )
        return False

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        log.warning("refused remote forwarding for %s", self.user)
        return False

    def unix_connection_requested(self, dest_path: str) -> bool:
        log.warning("refused unix forwarding for %s", self.user)
        return False

    def unix_server_requested(self, listen_path: str) -> bool:
        return False


def _refuse(process: asyncssh.SSHServerProcess[bytes], message: str, why: str) -> None:
    user = field_text(process.get_extra_info("username"))
    log.warning("refused %s: %s", user, why)
    process.stderr.write(f"tutor: {message}\r\n".encode())
    process.exit(1)


async def _session(room: Classroom, process: asyncssh.SSHServerProcess[bytes]) -> None:
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
    if process.subsystem:
        _refuse(
            process,
            "there is no file transfer here; this server runs the tutor only.",
            f"subsystem {field_text(process.subsystem)}",
        )
        return
    if process.command is not None:
        _refuse(
            process,
            "this server runs the tutor only and does not run commands; "
            f"connect with: ssh -p {cfg.port} {user}@HOST",
            f"command {field_text(repr(process.command))}",
        )
        return
    if not process.term_type:
        _refuse(
            process, "the tutor needs a terminal; connect without -T (or with -t).", "no terminal"
        )
        return
    refusal = room.admit(user)  # no await between this check and the slot it takes
    if refusal is not None:
        _refuse(process, f"{refusal}; please try again in a few minutes.", refusal)
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
    cfg = room.config
    assert room.spawner is not None
    master, slave = os.openpty()
    spec = Spawn(
        learner=user,
        term=term,
        lessons=str(cfg.lessons),
        data=str(cfg.data),
        lang=cfg.lang,
        device=cfg.device,
        cpu_seconds=cfg.cpu_seconds,
        memory_bytes=cfg.memory_bytes,
    )
    try:
        _set_size(master, size)
        pid = await room.spawner.spawn(slave, spec)
    except (OSError, RuntimeError) as e:
        os.close(master)
        _refuse(process, "the session could not start; tell your teacher.", f"spawn: {e}")
        return
    except BaseException:  # cancelled: the client left while the session started
        os.close(master)
        raise
    finally:
        os.close(slave)
    room.sessions[pid] = user
    started = time.monotonic()
    log.info(
        "session start: %s pid %d (%s, %dx%d)",
        user,
        pid,
        field_text(process.term_type),
        *size[:2],
    )
    reason = "disconnected"
    try:
        reason = await _pump(process, master, cfg.idle_timeout, room.turns)
    finally:  # also when asyncssh cancels the session because the connection dropped
        if reason != "ended":  # the student left or idled out: end the app (progress is saved)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGHUP)
        os.close(master)
        room.sessions.pop(pid, None)
        log.info(
            "session end: %s pid %d after %.0f s (%s)",
            user,
            pid,
            time.monotonic() - started,
            reason,
        )
    with contextlib.suppress(OSError, asyncssh.Error):
        if reason == "idle":
            process.stdout.write(
                b"\r\ntutor: session closed after being idle; your progress is saved.\r\n"
            )
        process.exit(0)


async def _pump(
    process: asyncssh.SSHServerProcess[bytes], master: int, idle_timeout: float, turns: Turns
) -> str:
    """Bytes both ways until the app exits, the student leaves, or the session idles out.
    Keys wait for a turn (turns.py); the app's next output ends it."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[str] = loop.create_future()
    last_input = time.monotonic()
    turn: Turn | None = None

    def finish(reason: str) -> None:
        if not done.done():
            done.set_result(reason)

    def readable() -> None:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the app has exited and closed the terminal
            data = b""
        if turn is not None:
            turn.end()
        if not data:
            finish("ended")
            return
        try:
            process.stdout.write(data)
        except (asyncssh.Error, OSError):  # the student's side is gone
            finish("disconnected")

    loop.add_reader(master, readable)

    async def from_client() -> None:
        nonlocal last_input, turn
        while True:
            try:
                data = await process.stdin.read(65536)
            except asyncssh.TerminalSizeChanged as change:
                size = (change.width, change.height, change.pixwidth, change.pixheight)
                with contextlib.suppress(OSError):
                    _set_size(master, clamp_size(size))
                continue
            except (asyncssh.BreakReceived, asyncssh.SignalReceived):
                continue
            except (asyncssh.Error, OSError):  # the connection dropped
                finish("disconnected")
                return
            if not data:
                finish("disconnected")
                return
            last_input = time.monotonic()
            if turn is None or turn.ended:
                turn = await turns.take()
            with contextlib.suppress(OSError):
                os.write(master, data)

    async def watch_idle() -> None:
        while not done.done():
            await asyncio.sleep(min(5.0, idle_timeout / 4))
            if time.monotonic() - last_input > idle_timeout:
                finish("idle")

    tasks = [asyncio.create_task(from_client()), asyncio.create_task(watch_idle())]
    try:
        return await done
    finally:
        loop.remove_reader(master)
        for task in tasks:
            task.cancel()
        if turn is not None:
            turn.end()


def clamp_size(size: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """Columns and rows within MIN_SIDE..MAX_SIDE (0, unknown, becomes 80x24); pixel sizes
    within 16 bits. A client sends 32-bit sizes; a pty holds 16."""
    width, height, pixwidth, pixheight = size
    width = min(max(width or DEFAULT_SIZE[0], MIN_SIDE), MAX_SIDE)
    height = min(max(height or DEFAULT_SIZE[1], MIN_SIDE), MAX_SIDE)
    return width, height, min(max(pixwidth, 0), 0xFFFF), min(max(pixheight, 0), 0xFFFF)


def _set_size(fd: int, size: tuple[int, int, int, int]) -> None:
    width, height, pixwidth, pixheight = size
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, pixwidth, pixheight))


def _private(data: Path) -> None:
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


def _setup_logging(data: Path) -> None:
    handler = logging.FileHandler(data / "server.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    console = logging.StreamHandler()
    console.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    log.addHandler(handler)
    log.addHandler(console)
    log.setLevel(logging.INFO)


async def serve(config: ServeConfig, ready: asyncio.Event | None = None) -> None:
    room = Classroom(config)
    if config.authorized_keys:
        room.keys = read_authorized_keys(config.authorized_keys)
    if config.password_file:
        room.passwords = read_password_file(config.password_file)
    if not room.keys and not room.passwords:
        raise ValueError("nobody could log in: give --authorized-keys FILE or --password-file FILE")
    room.named_keys, room.guest_keys = keys_by_name(room.keys, room.passwords)
    _private(config.data)
    _setup_logging(config.data)
    for key in room.keys:
        if key.name is None:
            log.warning(
                "%s:%d: a key without a student name as its comment is a guest key: it admits "
                "any name that has no key or password of its own",
                config.authorized_keys,
                key.number,
            )
    room.spawner = Spawner()
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, room.spawner.wait_ready)
    server = await asyncssh.create_server(
        lambda: _Server(room),
        config.host,
        config.port,
        server_host_keys=[host_key(config.data)],
        process_factory=lambda p: _session(room, p),
        encoding=None,
        line_editor=False,
        sftp_factory=None,
        allow_scp=False,
        agent_forwarding=False,
        x11_forwarding=False,
        login_timeout=config.login_grace_time,
    )
    log.info(
        "tutor serve: listening on %s:%d · lessons %s · data %s · keys in turn, %d at a time"
        " · sessions %d (%d a student) · %d waiting to log in, %g s each",
        config.host,
        config.port,
        config.lessons,
        config.data,
        room.turns.slots,
        config.max_sessions,
        config.max_per_student,
        config.max_startups,
        config.login_grace_time,
    )
    # What the server holds from here on (modules, keys, the listener) is never garbage, but a
    # full collection would scan it all, pausing every student's session at once.
    gc.collect()
    gc.freeze()
    if ready is not None:
        ready.set()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        log.info("tutor serve: stopping (%d sessions open)", len(room.sessions))
        server.close()
        for pid in list(room.sessions):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGHUP)
        room.spawner.close()
