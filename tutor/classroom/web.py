"""`tutor serve --web`: the classroom in a browser, beside the SSH server, in its process.

The page is textual-serve's front-end (xterm.js, its static files shipped in the
`textual-serve` package) and each session is the same app on Textual's web driver, forked from
the same warm parent as the SSH sessions (web_session.py): the roster, the progress store, the
limits, the idle time-out and the teacher's view are the SSH classroom's own (`Classroom`).
What textual-serve does not do, this module does: a login page checked against the password
file (scrypt, the same failed-login limits), a session cookie that expires (HttpOnly,
SameSite=Strict, Secure behind TLS), and refusing plain HTTP from other machines unless the
teacher says `--insecure-http`. X-Forwarded-Proto and X-Forwarded-For are believed only with
`--behind-proxy`: without it, any client could claim to be behind TLS.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from aiohttp import web

from tutor.classroom.auth import check_password, valid_name
from tutor.classroom.room import Classroom
from tutor.classroom.server_log import field_text, log
from tutor.classroom.web_pages import (
    BLOCKED,
    KEYS_ONLY,
    PLAIN_HTTP,
    WRONG,
    Translate,
    login_page,
    terminal_page,
)
from tutor.classroom.web_session import run_web_session
from tutor.i18n import translator

COOKIE = "tutor_session"
MAX_LOGINS = 10_000  # cookies remembered at most; the oldest go first
MAX_FORM = 16 * 1024  # bytes of a login form
READER_PATCH = (
    "allowProposedApi:!0,",
    'allowProposedApi:!0,screenReaderMode:"1"===document.body.dataset.reader,',
)
"""textual.js builds its xterm.js terminal with fixed options; this one switches xterm's
screen-reader mode on when the page asks (`?reader=1`): the rows are mirrored as text in the
page, for assistive technology (and for the browser test, which reads them)."""
HEADERS = {
    "X-Frame-Options": "DENY",  # no page of another site may frame a student's session
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def static_folder() -> Path:
    """textual-serve's front-end: xterm.js and its CSS and fonts, as the package ships them."""
    return Path(str(files("textual_serve") / "static"))


@dataclass
class Login:
    user: str
    expires: float  # time.time()
    ended: str = ""  # why this login's last session ended, for the page to say


@dataclass
class WebClassroom:
    """The web listener of one classroom: logins by cookie, and the aiohttp runner."""

    room: Classroom
    logins: dict[str, Login] = field(default_factory=dict)
    runner: web.AppRunner | None = None
    script: bytes = b""  # textual.js, with the screen-reader switch

    # ------------------------------------------------------------ requests

    def client(self, request: web.Request) -> tuple[str, bool]:
        """The client's address and whether it reached us over TLS; the proxy's headers are
        believed only when the teacher said there is one."""
        address = request.remote or "?"
        secure = request.secure
        if self.room.config.behind_proxy:
            proto = request.headers.get("X-Forwarded-Proto", "")
            secure = secure or proto.split(",")[0].strip().lower() == "https"
            forwarded = request.headers.get("X-Forwarded-For", "")
            if forwarded.strip():
                address = forwarded.split(",")[-1].strip()
        return field_text(address), secure

    def translate(self, request: web.Request) -> Translate:
        return translator(self.language(request) or self.room.config.lang or "en").gettext

    @staticmethod
    def language(request: web.Request) -> str | None:
        """The browser's first language (Accept-Language), as a student's ssh sends LANG."""
        first = request.headers.get("Accept-Language", "").split(",")[0].split(";")[0].strip()
        return first if first and len(first) <= 16 and first.replace("-", "").isalnum() else None

    def who(self, request: web.Request) -> tuple[str, Login] | None:
        """The logged-in student of this request, while the cookie is valid and the password
        file still names them."""
        token = request.cookies.get(COOKIE, "")
        login = self.logins.get(token)
        if login is None:
            return None
        if login.expires < time.time() or login.user not in self.room.passwords:
            del self.logins[token]
            return None
        return token, login

    @web.middleware
    async def guard(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        """Plain HTTP from another machine is refused before anything else: a password or a
        cookie sent in the clear on a school network is everyone's."""
        address, secure = self.client(request)
        if not secure and not _loopback(address) and not self.room.config.insecure_http:
            log.warning("web: refused plain HTTP from %s", address)
            text = self.translate(request)(PLAIN_HTTP)
            return web.Response(status=403, text=text + "\n", headers=HEADERS)
        response = await handler(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    async def index(self, request: web.Request) -> web.StreamResponse:
        found = self.who(request)
        if found is None:
            raise web.HTTPSeeOther("login" + _reader(request))
        font = request.query.get("fontsize", "16")
        size = int(font) if font.isdigit() and 8 <= int(font) <= 40 else 16
        reader = request.query.get("reader") == "1"
        page = terminal_page(self.translate(request), found[1].user, size, reader)
        return web.Response(text=page, content_type="text/html")

    async def login_form(self, request: web.Request) -> web.StreamResponse:
        t = self.translate(request)
        error = t(KEYS_ONLY) if not self.room.passwords else ""
        page = login_page(t, error, action="login" + _reader(request))
        return web.Response(text=page, content_type="text/html")

    async def login(self, request: web.Request) -> web.StreamResponse:
        """The same check as the SSH server's passwords: scrypt, and the same limit on failed
        logins per (address, name); the hash runs off the event loop."""
        t = self.translate(request)
        address, secure = self.client(request)
        form = await request.post()
        name = str(form.get("name", ""))[:64]
        password = str(form.get("password", ""))[:1024]
        room = self.room
        limiter = room.limiter
        if limiter.blocked(address, name):
            log.warning(
                "web: refused password for %s from %s: too many failed logins",
                field_text(name),
                address,
            )
            await asyncio.sleep(limiter.most)
            return _form(t, t(BLOCKED), name, request)
        stored = room.passwords.get(name)
        loop = asyncio.get_running_loop()
        if stored is not None and valid_name(name):
            good = await loop.run_in_executor(None, check_password, password, stored)
        else:
            good = False
        if not good:
            wait = limiter.failed(address, name)
            log.warning("web: wrong password for %s from %s", field_text(name), address)
            await asyncio.sleep(wait)
            return _form(t, t(KEYS_ONLY) if not room.passwords else t(WRONG), name, request)
        token = secrets.token_urlsafe(32)
        lifetime = room.config.web_login_time
        self._forget_old()
        self.logins[token] = Login(name, time.time() + lifetime)
        log.info("web: login: %s from %s", name, address)
        response = web.HTTPSeeOther("." + _reader(request))
        response.set_cookie(
            COOKIE,
            token,
            max_age=int(lifetime),
            path="/",
            httponly=True,
            samesite="Strict",
            secure=secure,
        )
        raise response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        found = self.who(request)
        if found is not None:
            del self.logins[found[0]]
        response = web.HTTPSeeOther("login")
        response.del_cookie(COOKIE, path="/")
        raise response

    async def ended(self, request: web.Request) -> web.StreamResponse:
        found = self.who(request)
        return web.Response(text=found[1].ended if found else "")

    async def textual_js(self, request: web.Request) -> web.StreamResponse:
        return web.Response(body=self.script, content_type="application/javascript")

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        """One student's session: the cookie says who, the Origin must be this page's (a
        page of another site cannot drive a student's session), then the app."""
        found = self.who(request)
        if found is None:
            raise web.HTTPForbidden(text="log in first\n")
        origin = request.headers.get("Origin", "")
        if origin and origin.partition("://")[2].rstrip("/") != request.host:
            log.warning("web: refused a session from the page %s", field_text(origin))
            raise web.HTTPForbidden(text="a session opens from this classroom's page only\n")
        login = found[1]
        width = _number(request.query.get("width"), 80)
        height = _number(request.query.get("height"), 24)
        cfg = self.room.config
        socket = web.WebSocketResponse(
            heartbeat=cfg.keepalive or None, max_msg_size=64 * 1024, autoping=True
        )
        await socket.prepare(request)
        address, _secure = self.client(request)
        login.ended = ""
        login.ended = await run_web_session(
            self.room, socket, login.user, (width, height), self.language(request), address
        )
        return socket

    def _forget_old(self) -> None:
        now = time.time()
        for token in [k for k, v in self.logins.items() if v.expires < now]:
            del self.logins[token]
        while len(self.logins) >= MAX_LOGINS:
            del self.logins[next(iter(self.logins))]

    # ------------------------------------------------------------ the listener

    def make_app(self) -> web.Application:
        """The routes: the login pages, the terminal page, its websocket, textual-serve's
        static files (textual.js with the screen-reader switch)."""
        folder = static_folder()
        script = (folder / "js" / "textual.js").read_bytes()
        old, new = (part.encode() for part in READER_PATCH)
        if script.count(old) == 1:
            script = script.replace(old, new)
        else:
            log.warning(
                "web: this textual-serve's textual.js has no reader switch; ?reader=1 does nothing"
            )
        self.script = script
        app = web.Application(middlewares=[self.guard], client_max_size=MAX_FORM)
        app.add_routes(
            [
                web.get("/", self.index),
                web.get("/login", self.login_form),
                web.post("/login", self.login),
                web.post("/logout", self.logout),
                web.get("/ended", self.ended),
                web.get("/ws", self.websocket),
                web.get("/static/js/textual.js", self.textual_js),
                web.static("/static", folder),
            ]
        )
        return app

    async def start(self) -> None:
        cfg = self.room.config
        self.runner = web.AppRunner(self.make_app(), handle_signals=False, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, cfg.host, cfg.web_port, shutdown_timeout=1.0)
        await site.start()

    async def close(self) -> None:
        if self.runner is not None:
            with contextlib.suppress(Exception):
                await self.runner.cleanup()
            self.runner = None


def _form(t: Translate, error: str, name: str, request: web.Request) -> web.Response:
    shown = name if valid_name(name) else ""
    page = login_page(t, error, shown, action="login" + _reader(request))
    return web.Response(status=403, text=page, content_type="text/html")


def _reader(request: web.Request) -> str:
    """`?reader=1` kept from page to page, so a screen-reader user logs in to a page that
    reads."""
    return "?reader=1" if request.query.get("reader") == "1" else ""


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


def _number(text: str | None, default: int) -> int:
    """A size the page asked for (clamped later, as an SSH client's); noise is the default."""
    return int(text) if text and text.isascii() and text.isdigit() and len(text) < 10 else default
