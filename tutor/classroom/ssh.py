"""The SSH door: asyncssh's server, one `StudentServer` per connection with the hooks that
keep order before a session opens: the cap on connections not yet logged in (as OpenSSH's
`MaxStartups`), authentication by key or password (with the failed-login limit), the time a
logged-in connection may stay without a session, and port and agent forwarding, file
transfer and X11 refused. The sessions themselves are ssh_session.py's."""

from __future__ import annotations

import asyncio

import asyncssh

from tutor.classroom.auth import check_password, valid_name
from tutor.classroom.room import Classroom
from tutor.classroom.server_log import field_text, log
from tutor.classroom.ssh_session import session
from tutor.i18n import N_

KEEPALIVE_COUNT = 3
"""Unanswered keepalives before a connection is dropped: with `keepalive` at 15 s, a student
whose Wi-Fi went is seen gone within a minute, not at the idle time-out."""


class StudentServer(asyncssh.SSHServer):
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


async def listen(room: Classroom, key: asyncssh.SSHKey) -> asyncssh.SSHAcceptor:
    """The SSH server on the room's host and port: a session with a terminal runs the tutor,
    and nothing else a client may ask for is offered."""
    config = room.config
    return await asyncssh.create_server(
        lambda: StudentServer(room),
        config.host,
        config.port,
        server_host_keys=[key],
        process_factory=lambda p: session(room, p),
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
