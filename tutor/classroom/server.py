"""`tutor serve`: an SSH server where every student who connects gets their own tutor.

asyncssh speaks SSH; each session with a PTY gets a real pseudo-terminal whose slave end is
handed to the zygote, which forks the student's app onto it. This process only pumps bytes
between the SSH channel and the PTY's master (keys in turn when a class presses at once:
turns.py), passes on window changes, and keeps order: authentication, the session limit, idle
time-outs and the log. Shells, commands, port and
agent forwarding and file transfer are refused with a message.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import gc
import json
import logging
import os
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
    read_authorized_keys,
    read_password_file,
    valid_name,
)
from tutor.classroom.turns import Turn, Turns
from tutor.classroom.zygote import MAX_MESSAGE, Spawn

log = logging.getLogger("tutor.classroom")


@dataclass
class ServeConfig:
    host: str = "127.0.0.1"
    port: int = 2222
    lessons: Path = Path("lessons")
    data: Path = Path("classroom")
    authorized_keys: Path | None = None
    password_file: Path | None = None
    max_sessions: int = 40
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
    limiter: LoginLimiter = field(default_factory=LoginLimiter)
    sessions: dict[int, str] = field(default_factory=dict)  # child pid → learner
    spawner: Spawner | None = None
    turns: Turns = field(default_factory=Turns)  # keys handed to the apps in turn


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
    """One per connection: authentication and what may be asked for."""

    def __init__(self, room: Classroom) -> None:
        self.room = room
        self.address = "?"
        self.user = ""
        self.authenticated = False
        self.tried = False

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        peer = conn.get_extra_info("peername")
        self.address = str(peer[0]) if peer else "?"
        if self.room.limiter.blocked(self.address):
            log.warning("refused %s: too many failed logins", self.address)
            conn.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.tried and not self.authenticated:
            self.room.limiter.failed(self.address)
            log.warning("login failed: %r from %s", self.user, self.address)

    def begin_auth(self, username: str) -> bool:
        self.user = username
        return True

    def auth_completed(self) -> None:
        self.authenticated = True
        log.info("login: %s from %s", self.user, self.address)

    def public_key_auth_supported(self) -> bool:
        return bool(self.room.keys)

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        self.tried = True
        if not valid_name(username) or self.room.limiter.blocked(self.address):
            return False
        data = key.public_data
        return any(k.key.public_data == data and k.admits(username) for k in self.room.keys)

    def password_auth_supported(self) -> bool:
        return bool(self.room.passwords)

    async def validate_password(self, username: str, password: str) -> bool:
        self.tried = True
        stored = self.room.passwords.get(username)
        ok = (
            stored is not None
            and valid_name(username)
            and not self.room.limiter.blocked(self.address)
            and check_password(password, stored)
        )
        if not ok:
            await asyncio.sleep(self.room.limiter.failed(self.address))
            log.warning("wrong password for %r from %s", username, self.address)
        return ok

    def connection_requested(
        self, dest_host: str, dest_port: int, orig_host: str, orig_port: int
    ) -> bool:
        log.warning("refused port forwarding for %s to %s:%s", self.user, dest_host, dest_port)
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
    user = process.get_extra_info("username")
    log.warning("refused %s: %s", user, why)
    process.stderr.write(f"tutor: {message}\r\n".encode())
    process.exit(1)


async def _session(room: Classroom, process: asyncssh.SSHServerProcess[bytes]) -> None:
    user = str(process.get_extra_info("username"))
    cfg = room.config
    if process.subsystem:
        _refuse(
            process,
            "there is no file transfer here; this server runs the tutor only.",
            f"subsystem {process.subsystem}",
        )
        return
    if process.command is not None:
        _refuse(
            process,
            "this server runs the tutor only and does not run commands; "
            f"connect with: ssh -p {cfg.port} {user}@HOST",
            f"command {process.command!r}",
        )
        return
    if not process.term_type:
        _refuse(
            process, "the tutor needs a terminal; connect without -T (or with -t).", "no terminal"
        )
        return
    if len(room.sessions) >= cfg.max_sessions:
        _refuse(
            process,
            f"the classroom is full ({cfg.max_sessions} sessions); please try "
            "again in a few minutes.",
            "full",
        )
        return
    assert room.spawner is not None
    master, slave = os.openpty()
    _set_size(master, process.term_size)
    spec = Spawn(
        learner=user,
        term=process.term_type,
        lessons=str(cfg.lessons),
        data=str(cfg.data),
        lang=cfg.lang,
        device=cfg.device,
        cpu_seconds=cfg.cpu_seconds,
        memory_bytes=cfg.memory_bytes,
    )
    try:
        pid = await room.spawner.spawn(slave, spec)
    except (OSError, RuntimeError) as e:
        os.close(master)
        _refuse(process, "the session could not start; tell your teacher.", f"spawn: {e}")
        return
    finally:
        os.close(slave)
    room.sessions[pid] = user
    started = time.monotonic()
    log.info(
        "session start: %s pid %d (%s, %dx%d)", user, pid, process.term_type, *process.term_size[:2]
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
                _set_size(master, (change.width, change.height, change.pixwidth, change.pixheight))
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


def _set_size(fd: int, size: tuple[int, int, int, int]) -> None:
    width, height, pixwidth, pixheight = size
    if width and height:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, pixwidth, pixheight))


def _setup_logging(data: Path) -> None:
    handler = logging.FileHandler(data / "server.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    console = logging.StreamHandler()
    console.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    log.addHandler(handler)
    log.addHandler(console)
    log.setLevel(logging.INFO)


async def serve(config: ServeConfig, ready: asyncio.Event | None = None) -> None:
    config.data.mkdir(parents=True, exist_ok=True)
    _setup_logging(config.data)
    room = Classroom(config)
    if config.authorized_keys:
        room.keys = read_authorized_keys(config.authorized_keys)
    if config.password_file:
        room.passwords = read_password_file(config.password_file)
    if not room.keys and not room.passwords:
        raise ValueError("nobody could log in: give --authorized-keys FILE or --password-file FILE")
    if any(k.name is None for k in room.keys):
        log.warning("some keys have no student name as their comment: they admit any name")
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
        login_timeout=60,
    )
    log.info(
        "tutor serve: listening on %s:%d · lessons %s · data %s · keys in turn, %d at a time",
        config.host,
        config.port,
        config.lessons,
        config.data,
        room.turns.slots,
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
