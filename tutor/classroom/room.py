"""The classroom while the server runs: its settings (`ServeConfig`), who may log in, who is
connected, and admission: a session slot is taken before anything awaits, within the room's
cap and each student's share of it, for both doors (SSH and the browser)."""

from __future__ import annotations

import concurrent.futures
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import asyncssh

from tutor.classroom.auth import AuthorizedKey, LoginLimiter
from tutor.classroom.running import Live
from tutor.classroom.served import Served
from tutor.classroom.server_log import log
from tutor.classroom.turns import Turns
from tutor.classroom.words import Words
from tutor.classroom.zygote import Spawn
from tutor.i18n import FALLBACK, N_, translator
from tutor.progress import ProgressStore

if TYPE_CHECKING:
    from tutor.classroom.spawner import Spawner
    from tutor.classroom.ssh import StudentServer


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
    owners: dict[asyncssh.SSHServerConnection, StudentServer] = field(default_factory=dict)
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
