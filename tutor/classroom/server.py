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
import concurrent.futures
import contextlib
import fcntl
import gc
import gettext
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
from collections.abc import Callable, Mapping
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
    read_password_groups,
    read_password_languages,
    valid_language,
    valid_name,
)
from tutor.classroom.console import ConsoleFormatter, Said
from tutor.classroom.running import Keys, Live, running, spawn
from tutor.classroom.served import Served, read_served
from tutor.classroom.turns import Turns
from tutor.classroom.zygote import MAX_MESSAGE, Spawn
from tutor.i18n import FALLBACK, LOCALE_DIR, N_, _, learner_language, normalise, translator
from tutor.lesson.clean import clean_line
from tutor.progress import ProgressStore
from tutor.progress.store import STORE_ENV

log = logging.getLogger("tutor.classroom")

MIN_SIDE = 10
MAX_COLUMNS, MAX_ROWS = 500, 200
"""Window sizes are clamped to MIN_SIDE..these: a pty holds 16 bits, a client may send 32, and
a screen of a million cells is minutes of work for the app, not a terminal (a 4K display in a
small font is about 480×135)."""
DEFAULT_SIZE = (80, 24)  # for a client that says 0 (size unknown)
TERM_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")
FALLBACK_TERM = "xterm-256color"
FIELD = 120  # characters of a client-sent field in a log line
KEEPALIVE_COUNT = 3
"""Unanswered keepalives before a connection is dropped: with `keepalive` at 15 s, a student
whose Wi-Fi went is seen gone within a minute, not at the idle time-out."""
FILE_CHECK = 2.0  # seconds between looks at the keys and password files
CONTROL_SOCKET = "control.sock"  # the teacher's requests (`tutor class`), 0600
CONTROL_WAIT = 10.0
MAX_MESSAGE_TEXT = 500
CHECK_TIME = 600.0  # the lesson check at start gives up after this
MAX_CHECK_LINES = 40
CLOSE_WAIT = 3.0  # for the client to take the notice before the channel is dropped
STOP_WAIT = 8.0  # for every session to take its notice when the server stops
RESTORE_TERMINAL = (
    b"\x18"  # cancel an escape sequence the app was cut off in the middle of
    b"\x1b[?2026l\x1b[0m"  # end a synchronized frame; plain colours
    b"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[?1016l"  # mouse reporting off
    b"\x1b[?1004l\x1b[?2004l\x1b[?2048l"  # focus events, bracketed paste, in-band resize off
    b"\x1b[?1049l\x1b[?25h"  # back from the alternate screen, cursor shown
)
"""What a session's end sends the student's terminal, whoever ended it: the modes Textual
switches on, switched off, so the terminal is usable without `reset`."""
NOTICES = {
    "idle": N_("the session closed after being idle; your progress is saved."),
    "teacher": N_("your teacher ended this session; your progress is saved."),
    "server": N_("the classroom server is stopping; your progress is saved."),
}
"""In English; each student reads them in their own language (`student_words`)."""


class Words:
    """What the server says to one student, in their catalog: `say(message)` for a
    sentence, `say.ngettext(...)` for one with a count."""

    def __init__(self, catalog: gettext.NullTranslations) -> None:
        self.catalog = catalog

    def __call__(self, message: str) -> str:
        return self.catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalog.ngettext(singular, plural, n)


def field_text(value: object) -> str:
    """A client-sent value as one short, visible log field: no escape code, no forged line."""
    return clean_line(str(value), FIELD)


@dataclass
class ServeConfig:
    host: str = "127.0.0.1"
    port: int = 2222
    lessons: tuple[Path, ...] = (Path("lessons"),)  # lesson files and folders, in order
    data: Path = Path("classroom")
    authorized_keys: Path | None = None
    password_file: Path | None = None
    max_sessions: int = 40
    max_per_student: int = 2
    max_startups: int = 30  # connections not yet logged in
    login_grace_time: float = 30.0
    session_wait: float = 10.0  # a logged-in connection with no session is closed after this
    idle_timeout: float = 1800.0
    keepalive: float = 15.0  # seconds between SSH keepalives (0: none)
    check: bool = True  # run `tutor check` on the lessons at start
    cpu_seconds: int = 3600
    memory_bytes: int = 2 * 1024**3
    lang: str | None = None
    device: str | None = "cpu"
    web_port: int | None = None  # `--web PORT`: the browser classroom beside SSH (web.py)
    insecure_http: bool = False  # plain HTTP from other machines too (a lab's closed network)
    behind_proxy: bool = False  # believe X-Forwarded-Proto/-For (a TLS proxy in front)
    web_login_time: float = 8 * 3600.0  # seconds a browser login (its cookie) lasts
    store: str | None = None  # `--store postgresql://…`: progress there, not in data/progress.db
    host_name: str | None = None  # this server in the teacher's view (default: the host name)


@dataclass
class Classroom:
    """What the server knows while it runs: who may log in, and who is connected."""

    config: ServeConfig
    keys: list[AuthorizedKey] = field(default_factory=list)
    passwords: dict[str, str] = field(default_factory=dict)
    named_keys: dict[str, asyncssh.SSHAuthorizedKeys | None] = field(default_factory=dict)
    guest_keys: asyncssh.SSHAuthorizedKeys | None = None
    limiter: LoginLimiter = field(default_factory=LoginLimiter)
    live: dict[int, Live] = field(default_factory=dict)  # child pid → running session
    admitted: dict[str, int] = field(default_factory=dict)  # learner → slots held
    waiting: int = 0  # connections not yet logged in
    turned_away: int = 0  # connections refused for `waiting`, not yet logged
    owners: dict[asyncssh.SSHServerConnection, _Server] = field(default_factory=dict)
    spawner: Spawner | None = None
    turns: Turns = field(default_factory=Turns)  # keys handed to the apps in turn
    store: ProgressStore = field(init=False)
    writer: concurrent.futures.ThreadPoolExecutor = field(
        default_factory=lambda: concurrent.futures.ThreadPoolExecutor(1, "presence")
    )
    stamps: tuple[float, ...] = ()  # the keys and password files as last read
    served: Served = field(init=False)  # the lessons, and where each lesson id's file is
    languages: dict[str, str] = field(default_factory=dict)  # the roster's, by student
    delivered: int = 0  # messages handed to sessions
    stopping: bool = False

    def record(self, write: Callable[..., None], *args: object) -> None:
        """A write to the store off the event loop, in order (one thread): a busy database
        must not pause every student's keys."""

        def run() -> None:
            try:
                write(*args)
            except Exception as e:  # the store is the teacher's view, not the class: go on
                log.warning("progress store: %s", e)

        with contextlib.suppress(RuntimeError):  # the server has stopped writing
            self.writer.submit(run)

    def enter(self, user: str, say: Words) -> tuple[str, str] | None:
        """A session slot for a student at either door (SSH, web), taken before anything
        awaits; or what they read and the log's reason when there is none: the server is
        stopping, the room or their own share of it is full. The caller releases it."""
        if self.stopping:
            return say(N_("the classroom server is stopping.")), "server stopping"
        refusal = self.admit(user, say)
        if refusal is None:
            return None
        later = say(N_("{refusal}; please try again in a few minutes.")).format(refusal=refusal)
        return later, refusal

    def admit(self, user: str, say: Words | None = None) -> str | None:
        """Take a session slot now, before anything awaits, so that a burst of sessions cannot
        all pass the check before any is counted; returns why not (in `say`'s language, the
        student's; English without), or None once taken."""
        cfg = self.config
        say = say or Words(translator(FALLBACK))
        if sum(self.admitted.values()) >= cfg.max_sessions:
            n = cfg.max_sessions
            full = say.ngettext(
                "the classroom is full ({n} session)", "the classroom is full ({n} sessions)", n
            )
            return full.format(n=n)
        if self.admitted.get(user, 0) >= cfg.max_per_student:
            n = cfg.max_per_student
            mine = say.ngettext(
                "you already have {n} session open", "you already have {n} sessions open", n
            )
            return mine.format(n=n)
        self.admitted[user] = self.admitted.get(user, 0) + 1
        return None

    def release(self, user: str) -> None:
        held = self.admitted.get(user, 0) - 1
        if held > 0:
            self.admitted[user] = held
        else:
            self.admitted.pop(user, None)

    def spec(self, user: str, lang: str | None, **how: object) -> Spawn:
        """What the warm parent needs to start this student's app: the lessons served, the
        data, the language and the limits; `how` the terminal or the web driver's size."""
        cfg, served = self.config, self.served
        return Spawn(
            learner=user,
            lessons=str(served.folder),
            data=str(cfg.data),
            lang=lang,
            device=cfg.device,
            cpu_seconds=cfg.cpu_seconds,
            memory_bytes=cfg.memory_bytes,
            lesson=None if served.lesson is None else str(served.lesson),
            **how,  # type: ignore[arg-type]
        )

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
                    N_("refused %s: too many connections waiting to log in (%d)"),
                    self.address,
                    room.config.max_startups,
                )
            conn.close()
            return
        if room.turned_away > 1:
            log.warning(N_("refused more connections waiting to log in: %d"), room.turned_away - 1)
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
            log.warning(N_("login failed: %s from %s (key not accepted)"), self.user, self.address)

    def begin_auth(self, username: str) -> bool:
        self.user = field_text(username)
        if self.conn is not None and valid_name(username):
            self.conn.set_authorized_keys(self.room.keys_for(username))
        return True

    def auth_completed(self) -> None:
        self.authenticated = True
        self._stop_waiting()
        log.info(N_("login: %s from %s"), self.user, self.address)
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
                N_("closed %s from %s: no session opened within %g s"),
                self.user,
                self.address,
                wait,
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
                N_("refused password for %s from %s: too many failed logins"),
                self.user,
                self.address,
            )
            await asyncio.sleep(limiter.most)
            return False
        stored = self.room.passwords.get(username)
        if stored is not None and valid_name(username) and check_password(password, stored):
            return True
        self.password_failed = True
        wait = limiter.failed(self.address, username)  # once per attempt
        log.warning(N_("wrong password for %s from %s"), self.user, self.address)
        await asyncio.sleep(wait)
        return False

    def connection_requested(
        self, dest_host: str, dest_port: int, orig_host: str, orig_port: int
    ) -> bool:
        log.warning(
            N_("refused port forwarding for %s to %s:%s"),
            self.user,
            field_text(dest_host),
            field_text(dest_port),
        )
        return False

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        log.warning(N_("refused remote forwarding for %s"), self.user)
        return False

    def unix_connection_requested(self, dest_path: str) -> bool:
        log.warning(N_("refused unix forwarding for %s"), self.user)
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


def client_lang(env: Mapping[str | bytes, str | bytes]) -> str | None:
    """The language the student's ssh sent (`SendEnv LANG`, or LC_ALL/LC_MESSAGES), when it
    reads as a locale name; anything else is ignored, never passed on."""
    values = {
        (k.decode(errors="replace") if isinstance(k, bytes) else k): (
            v.decode(errors="replace") if isinstance(v, bytes) else v
        )
        for k, v in env.items()
    }
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = values.get(name, "")
        if valid_language(value):
            return value
    return None


def session_language(
    env: Mapping[str | bytes, str | bytes], roster: str | None, default: str | None
) -> tuple[str | None, str]:
    """The student's language and where it came from: what their ssh sent first (they chose
    it), then the roster's, then the server's (`--lang`, or its own LANG: None)."""
    sent = client_lang(env)
    if sent:
        return sent, "sent by ssh"
    if roster:
        return roster, "roster"
    return default, "server default"


def student_words(room: Classroom, process: asyncssh.SSHServerProcess[bytes], user: str) -> Words:
    """What the server says to this student, in their language (`session_language`): the
    server speaks to many, so a catalog per student (tutor.i18n.translator), never the
    process's own language."""
    lang, _source = session_language(process.env, room.languages.get(user), room.config.lang)
    return Words(translator(learner_language(lang)))


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
        _set_size(master, size)
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


def clamp_size(size: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """Columns and rows within MIN_SIDE..MAX_COLUMNS/MAX_ROWS (0, unknown, becomes 80x24);
    pixel sizes within 16 bits. A client sends 32-bit sizes; a pty holds 16."""
    width, height, pixwidth, pixheight = size
    width = min(max(width or DEFAULT_SIZE[0], MIN_SIDE), MAX_COLUMNS)
    height = min(max(height or DEFAULT_SIZE[1], MIN_SIDE), MAX_ROWS)
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
    console = logging.StreamHandler()  # the teacher's: in their language (console.py)
    console.setFormatter(ConsoleFormatter("%(asctime)s %(message)s", "%H:%M:%S"))
    for logger in (log, logging.getLogger("tutor.progress")):  # and the database's comings
        logger.addHandler(handler)
        logger.addHandler(console)
        logger.setLevel(logging.INFO)


def _load_people(room: Classroom) -> None:
    """Read the keys and password files (at start, on SIGHUP, when they change): who may log
    in, and the roster the teacher sees. A file that fails to read raises, and at a reload the
    people already loaded stay."""
    cfg = room.config
    keys = read_authorized_keys(cfg.authorized_keys) if cfg.authorized_keys else []
    passwords = read_password_file(cfg.password_file) if cfg.password_file else {}
    groups = read_password_groups(cfg.password_file) if cfg.password_file else {}
    languages = read_password_languages(cfg.password_file) if cfg.password_file else {}
    if not keys and not passwords:
        raise ValueError(
            _("nobody could log in: give --authorized-keys FILE or --password-file FILE")
        )
    room.named_keys, room.guest_keys = keys_by_name(keys, passwords)
    room.keys, room.passwords = keys, passwords
    roster = dict(groups)
    for key in keys:
        if key.name is None:
            log.warning(
                N_(
                    "%s:%d: a key without a student name as its comment is a guest key: it "
                    "admits any name that has no key or password of its own"
                ),
                cfg.authorized_keys,
                key.number,
            )
        elif not valid_name(key.name):
            log.warning(
                N_(
                    "%s:%d: the comment %s names no student (a name is letters, digits, '.', "
                    "'_', '-'), so this key lets nobody in: write the student's name as its "
                    "comment"
                ),
                cfg.authorized_keys,
                key.number,
                field_text(repr(key.name)),
            )
        else:
            roster.setdefault(key.name, key.group)
            if key.lang:
                languages.setdefault(key.name, key.lang)
    roster = {name: group for name, group in roster.items() if valid_name(name)}
    room.languages = languages
    _warn_untranslated(languages)
    room.record(room.store.set_roster, roster, {n: languages[n] for n in roster if n in languages})
    room.stamps = _stamps(cfg)
    log.info(
        N_("the class: students %d · keys %d · passwords %d"),
        len(roster),
        len(keys),
        len(passwords),
    )


def _warn_untranslated(languages: dict[str, str]) -> None:
    """A roster language the tutor has no words for shows English: say so at start."""
    known = {FALLBACK, *(p.name for p in LOCALE_DIR.iterdir() if p.is_dir())}
    missing: dict[str, list[str]] = {}
    for name, lang in sorted(languages.items()):
        if normalise(lang) not in known:
            missing.setdefault(normalise(lang), []).append(name)
    for lang, names in missing.items():
        log.warning(
            N_(
                "the roster gives %s the language %s, which the tutor has no translation for "
                "(it has %s): they see English"
            ),
            ", ".join(names[:5]) + (f" (+{len(names) - 5})" if len(names) > 5 else ""),
            field_text(lang),
            ", ".join(sorted(known)),
        )


def _stamps(cfg: ServeConfig) -> tuple[float, ...]:
    """The files' modification times (and sizes): a change is a reason to read them again."""
    stamps: list[float] = []
    for path in (cfg.authorized_keys, cfg.password_file):
        if path is not None:
            try:
                info = path.stat()
                stamps += [info.st_mtime, info.st_size]
            except OSError:
                stamps += [-1.0, -1.0]
    return tuple(stamps)


def _reload(room: Classroom, why: str) -> dict[str, object]:
    try:
        _load_people(room)
    except (ValueError, OSError) as e:
        room.stamps = _stamps(room.config)  # not again until the file changes again
        log.warning(
            N_("re-reading the keys and passwords (%s) failed, keeping the last: %s"), Said(why), e
        )
        return {"error": str(e)}
    log.info(N_("re-read the keys and passwords (%s)"), Said(why))
    return {"keys": len(room.keys), "passwords": len(room.passwords)}


async def _watch_files(room: Classroom, stop: asyncio.Future[str]) -> None:
    while not stop.done():
        await asyncio.sleep(FILE_CHECK)
        if _stamps(room.config) != room.stamps:
            _reload(room, N_("a file changed"))


async def _check_lessons(room: Classroom) -> None:
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


def _deliver(room: Classroom, live: Live, item: dict[str, str]) -> None:
    """Hand one message to a running app: a file in the inbox, then SIGUSR1; the child shows
    it over whatever screen the student is on (child.py)."""
    folder = room.config.data / "inbox"
    folder.mkdir(mode=0o700, exist_ok=True)
    room.delivered += 1
    path = folder / f"{live.pid}-{room.delivered:08d}.json"
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(item, handle)
    os.replace(temporary, path)
    with contextlib.suppress(ProcessLookupError):
        os.kill(live.pid, signal.SIGUSR1)


def command(room: Classroom, request: dict[str, object]) -> dict[str, object]:
    """One request from the teacher (`tutor class`), over the control socket: the reply is
    counts and names, which the teacher's view puts in words, or an error worded in the
    language the request names (the teacher's), else in the server's."""
    what = request.get("do")
    to = request.get("to")
    lang = request.get("lang")
    say = translator(lang).gettext if isinstance(lang, str) and valid_language(lang) else _
    names = {str(n) for n in to} if isinstance(to, list) else None
    targets = [live for live in room.live.values() if names is None or live.user in names]
    reached = sorted({live.user for live in targets})
    whom = field_text(", ".join(reached)) or Said(N_("nobody"))
    if what == "message":
        text = clean_line(str(request.get("text", "")), MAX_MESSAGE_TEXT)
        if not text:
            return {"error": say(N_("an empty message"))}
        for live in targets:
            _deliver(room, live, {"kind": "message", "text": text})
        log.info(N_("teacher: message to %s (sessions: %d): %s"), whom, len(targets), text)
        return {"sessions": len(targets), "students": reached}
    if what == "send":
        lesson = str(request.get("lesson", ""))
        path = room.served.paths.get(lesson)
        if path is None:
            known = ", ".join(sorted(room.served.paths)) or say(N_("none"))
            said = say(N_("no lesson {lesson!r} is served (served: {known})"))
            return {"error": said.format(lesson=lesson, known=known)}
        for live in targets:
            _deliver(room, live, {"kind": "open", "lesson": str(path)})
        log.info(
            N_("teacher: sent %s to %s (sessions: %d)"), whom, field_text(lesson), len(targets)
        )
        return {"sessions": len(targets), "students": reached}
    if what == "end":
        if names is None:
            return {"error": say(N_("say whose session to end"))}
        for live in targets:
            live.end("teacher")
        log.info(
            N_("teacher: ended the sessions of %s (sessions: %d)"),
            field_text(", ".join(sorted(names))),
            len(targets),
        )
        return {"sessions": len(targets), "students": reached}
    if what == "unblock":
        address = str(request.get("address", ""))
        cleared = room.limiter.unblock(address)
        log.info(N_("teacher: unblocked %s (names forgotten: %d)"), field_text(address), cleared)
        return {"names": cleared}
    if what == "reload":
        return _reload(room, N_("asked by the teacher"))
    if what == "who":
        return {"sessions": [[live.user, live.pid] for live in room.live.values()]}
    return {"error": say(N_("unknown request {what}")).format(what=field_text(what))}


async def _control(
    room: Classroom, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    try:
        line = await asyncio.wait_for(reader.readline(), CONTROL_WAIT)
        request = json.loads(line)
        if isinstance(request, dict):
            reply = command(room, request)
        else:
            reply = {"error": _("not a request")}
    except (ValueError, OSError, asyncio.TimeoutError) as e:
        reply = {"error": _("unreadable request: {why}").format(why=e)}
    with contextlib.suppress(OSError):
        writer.write(json.dumps(reply).encode() + b"\n")
        await writer.drain()
    writer.close()


def _has_terminal() -> bool:
    try:
        os.close(os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY))
    except OSError:
        return False
    return True


async def serve(config: ServeConfig, ready: asyncio.Event | None = None) -> None:
    room = Classroom(config)
    _private(config.data)
    _setup_logging(config.data)
    if config.store:  # the sessions (forked from the zygote started below) write there too
        os.environ[STORE_ENV] = config.store
    room.store = ProgressStore(config.data, url=config.store, host=config.host_name)
    room.store.sessions_cleared()  # a server that crashed left students "connected"
    _load_people(room)
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
    server = await asyncssh.create_server(
        lambda: _Server(room),
        config.host,
        config.port,
        server_host_keys=[key],
        process_factory=lambda p: _session(room, p),
        encoding=None,
        line_editor=False,
        sftp_factory=None,
        allow_scp=False,
        agent_forwarding=False,
        x11_forwarding=False,
        login_timeout=config.login_grace_time,
        keepalive_interval=config.keepalive,
        keepalive_count_max=KEEPALIVE_COUNT,
    )
    control_path = config.data / CONTROL_SOCKET
    control_path.unlink(missing_ok=True)
    control = await asyncio.start_unix_server(lambda r, w: _control(room, r, w), str(control_path))
    os.chmod(control_path, 0o600)
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
    checking = asyncio.create_task(_check_lessons(room)) if config.check else None
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
            _reload(room, "SIGHUP")

    loop.add_signal_handler(signal.SIGINT, stop_on, "SIGINT (Ctrl-C)")
    loop.add_signal_handler(signal.SIGTERM, stop_on, "SIGTERM")
    loop.add_signal_handler(signal.SIGHUP, hang_up)
    watcher = asyncio.create_task(_watch_files(room, stop))
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
