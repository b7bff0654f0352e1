"""`tutor serve --web`: the classroom in a real headless Chromium (Debian's package, driven by
Playwright's Python API), and the web listener's rules on HTTP requests without a browser.

The browser test logs in (a wrong password first), sees the lesson list, opens a lesson,
steps through it and reads the numbers torch computed off the page: xterm.js's screen-reader
mirror of the rows (`?reader=1`), the text a screen reader would read.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest

from tutor.classroom.auth import hash_password, set_passwords
from tutor.classroom.room import Classroom, ServeConfig

from .classroom_harness import Server, free_port, start_server, wait_for
from .conftest import ROOT

aiohttp = pytest.importorskip("aiohttp", reason="the web extra: pip install -e '.[test]'")
from aiohttp.test_utils import TestClient, TestServer  # noqa: E402

from tutor.classroom.web import COOKIE, WebClassroom  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = ROOT / "docs" / "images" / "web-classroom.png"
WAIT_MS = 30_000


def _screen(page: object) -> str:
    """The terminal's rows as text, as xterm.js mirrors them for screen readers."""
    return str(page.locator(".xterm-accessibility-tree").inner_text())  # type: ignore[attr-defined]


def _wait_screen(page: object, text: str, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    shown = ""
    while time.monotonic() < deadline:
        shown = _screen(page)
        if text in shown:
            return shown
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared on the page; it shows:\n{shown}")


@pytest.fixture(scope="module")
def classroom(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    """One real `tutor serve --web` for this module (its warm parent takes seconds to start):
    ada and eve log in with passwords, bob has an SSH key."""
    folder = tmp_path_factory.mktemp("web")
    passwords = folder / "passwords"
    set_passwords(passwords, {"ada": "correct horse", "eve": "eve's"})
    port = free_port()
    server = start_server(
        folder, ("bob",), "--web", str(port), "--max-per-student", "1", password_file=passwords
    )
    try:
        yield server, f"http://127.0.0.1:{port}/"
    finally:
        server.stop()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium: apt-get install chromium")
def test_a_student_logs_in_and_steps_through_a_lesson_in_chromium(
    classroom: tuple[Server, str], tmp_path: Path
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    server, base = classroom
    with sync_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1100, "height": 700})
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.goto(base + "?reader=1")  # xterm.js will mirror the rows as text
        assert page.url.endswith("/login?reader=1"), page.url  # no cookie: log in first

        page.fill("#name", "ada")
        page.fill("#password", "wrong horse")
        page.click("button[type=submit]")
        page.wait_for_selector("p.error")
        assert "Wrong name or password" in page.inner_text("p.error")
        assert not any(c["name"] == COOKIE for c in page.context.cookies())

        page.fill("#password", "correct horse")
        page.click("button[type=submit]")
        page.wait_for_url(base + "?reader=1")
        cookie = next(c for c in page.context.cookies() if c["name"] == COOKIE)
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert not cookie["secure"]  # plain HTTP on this machine: no TLS to require
        assert 0 < cookie["expires"] - time.time() <= 8 * 3600 + 60

        listing = _wait_screen(page, "One neuron")  # the list fills as its files are read
        assert "lessons" in listing and "Least squares and linear regression" in listing
        page.focus(".xterm-helper-textarea")
        page.keyboard.press("Enter")  # the first lesson
        _wait_screen(page, "press → to begin")
        page.keyboard.press("ArrowRight")
        _wait_screen(page, "Four points")
        page.keyboard.press("ArrowRight")
        shown = _wait_screen(page, "A first guess")
        shown = _wait_screen(page, "-1.5")  # ŷ − y at x = 3, computed by torch in the session
        assert re.search(r"2\.0+\s+4\.0+\s+6\.0+\s+8\.0+", shown), shown  # ŷ = 2x
        page.screenshot(path=str(tmp_path / "web-classroom.png"))
        if os.environ.get("TUTOR_UPDATE_SCREENSHOTS"):
            shutil.copy(tmp_path / "web-classroom.png", SCREENSHOT)

        # forked from the warm parent, like the SSH sessions, and on the teacher's roster
        pid = int(re.findall(r"session start: ada pid (\d+) \(web", server.log)[-1])
        parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        assert "tutor.classroom.zygote" in Path(f"/proc/{parent}/cmdline").read_text()
        teacher = [sys.executable, "-m", "tutor.cli", "class", "--data", str(server.data)]
        view = subprocess.run(
            [*teacher, "--plain"],
            capture_output=True,
            text=True,
            timeout=30,
            cwd=ROOT,
        )
        assert re.search(r"ada\b.*least-squares|ada\b.*Least squares", view.stdout), (
            view.stdout + view.stderr
        )

        # one session per student (--max-per-student 1): a second tab is told why
        second = context.new_page()  # the same browser profile: the same cookie
        second.goto(base + "?reader=1")
        second.wait_for_selector("body.-closed", state="attached")
        wait_for(lambda: "already have 1 session open" in second.inner_text("#why"), 10)
        second.close()

        ended = subprocess.run(  # the teacher ends it as an SSH session: the page says so
            [*teacher, "--end", "--to", "ada"],
            capture_output=True,
            text=True,
            timeout=30,
            cwd=ROOT,
        )
        assert ended.returncode == 0, ended.stdout + ended.stderr
        page.wait_for_selector("body.-closed", state="attached")
        wait_for(lambda: "your teacher ended this session" in page.inner_text("#why"), 10)
        wait_for(lambda: "session end: ada" in server.log, 20, "the session's end")
        wait_for(lambda: not Path(f"/proc/{pid}").exists(), 10, "the app to exit")
        browser.close()


async def test_hostile_websocket_messages_end_one_session_and_no_more(
    classroom: tuple[Server, str],
) -> None:
    """Noise in textual-serve's envelopes is ignored as a terminal ignores it; a message over
    the size limit closes that session; the server logs no traceback and serves on."""
    server, base = classroom
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        login = await http.post(base + "login", data={"name": "eve", "password": "eve's"})
        assert login.status == 200  # followed to the terminal page
        elsewhere = await http.get(base + "ws", headers={"Origin": "https://evil.example"})
        assert elsewhere.status == 403  # another site's page cannot open a session
        ws = await http.ws_connect(base + "ws?width=99999999&height=-3", origin=base.rstrip("/"))
        got = await ws.receive(timeout=30)
        assert got.type == aiohttp.WSMsgType.BINARY  # the app started, at a clamped size
        for noise in (
            "not json",
            "[]",
            '{"stdin": "x"}',
            '["stdin", 5]',
            '["resize", {"width": 1e308, "height": "x"}]',
            '["resize", {"width": -5, "height": 100000}]',
            '["ping", {"deep": [[[[]]]]}]',
            r'["stdin", "\u0000\u001b[999999999;999999999R\ud800"]',
        ):
            await ws.send_str(noise)
        await ws.send_bytes(b"\x00" * 1000)
        await ws.send_str('["ping", "1"]')
        while (reply := await ws.receive(timeout=30)).type == aiohttp.WSMsgType.BINARY:
            pass
        assert reply.type == aiohttp.WSMsgType.TEXT and reply.json() == ["pong", "1"]
        await ws.send_str('["stdin", "' + "x" * 70_000 + '"]')  # over the 64 KiB limit
        while not ws.closed and (await ws.receive(timeout=30)).type not in (
            aiohttp.WSMsgType.CLOSE,
            aiohttp.WSMsgType.CLOSED,
            aiohttp.WSMsgType.ERROR,
        ):
            pass
    wait_for(lambda: "session end: eve" in server.log, 20, "eve's session to end")
    started = re.findall(r"session start: eve pid \d+ \(web from [^,]+, (\d+)x(\d+)\)", server.log)
    assert started[-1] == ("500", "24"), started  # clamped as over SSH; noise: the default
    assert "Traceback" not in server.log + server.console


async def test_an_idle_browser_session_ends_with_its_notice_and_frees_the_slot(
    tmp_path: Path,
) -> None:
    """The idle time-out is the SSH session's own (running.Keys): no key for --idle-timeout
    seconds ends the session with the notice, stops the app, and frees the student's one slot
    for their next tab."""
    passwords = tmp_path / "passwords"
    set_passwords(passwords, {"ada": "pw"})
    port = free_port()
    server = start_server(
        tmp_path,
        (),
        "--web",
        str(port),
        "--idle-timeout",
        "2",
        "--max-per-student",
        "1",
        password_file=passwords,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as http:
            await http.post(base + "login", data={"name": "ada", "password": "pw"})
            ws = await http.ws_connect(base + "ws", origin=base.rstrip("/"))
            shown = b""
            while (got := await ws.receive(timeout=30)).type == aiohttp.WSMsgType.BINARY:
                shown += got.data  # the app's screens, then the notice; no key sent
            assert b"the session closed after being idle" in shown, shown[-300:]
            assert got.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED), got
            wait_for(lambda: "(idle, web)" in server.log, 20, "the idle end in the log")
            pid = int(re.findall(r"session start: ada pid (\d+) \(web", server.log)[-1])
            wait_for(lambda: not Path(f"/proc/{pid}").exists(), 10, "the app to exit")
            again = await http.ws_connect(base + "ws", origin=base.rstrip("/"))
            first = await again.receive(timeout=30)  # the slot is free: a session, no refusal
            assert first.type == aiohttp.WSMsgType.BINARY, first
            assert b"already have" not in first.data
            await again.close()
    finally:
        server.stop()
    assert len(re.findall(r"session start: ada pid", server.log)) == 2, server.log
    assert "Traceback" not in server.log + server.console


# ------------------------------------------------------------ the listener without a browser


def _room(**options: object) -> Classroom:
    room = Classroom(ServeConfig(**options))  # type: ignore[arg-type]
    room.passwords = {"ada": hash_password("pw")}
    return room


async def _client(room: Classroom) -> TestClient:
    client = TestClient(TestServer(WebClassroom(room).make_app()))
    await client.start_server()
    return client


def _from(address: str) -> mock.patch:  # type: ignore[type-arg]
    """Requests as if from `address`: the test client always connects over loopback."""
    return mock.patch("aiohttp.web.BaseRequest.remote", new=address)


@pytest.mark.parametrize(
    ("options", "headers", "status"),
    [
        ({}, {}, 403),  # plain HTTP from another machine
        ({"insecure_http": True}, {}, 303),  # the teacher allowed it
        ({}, {"X-Forwarded-Proto": "https"}, 403),  # a header any client can send: not believed
        ({"behind_proxy": True}, {"X-Forwarded-Proto": "https"}, 303),  # the proxy's TLS
        ({"behind_proxy": True}, {"X-Forwarded-Proto": "http"}, 403),
    ],
)
async def test_plain_http_from_another_machine_is_refused(
    options: dict[str, object], headers: dict[str, str], status: int
) -> None:
    client = await _client(_room(**options))
    try:
        with _from("192.0.2.7"):
            reply = await client.get("/", headers=headers, allow_redirects=False)
            text = await reply.text()
        assert reply.status == status, text
        if status == 403:
            assert "refuses plain HTTP from other machines" in text
            assert "--insecure-http" in text
    finally:
        await client.close()


async def test_the_cookie_is_secure_behind_a_tls_proxy_and_the_websocket_needs_it() -> None:
    client = await _client(_room(behind_proxy=True))
    try:
        reply = await client.post(
            "/login",
            data={"name": "ada", "password": "pw"},
            headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.7"},
            allow_redirects=False,
        )
        assert reply.status == 303
        cookie = reply.headers["Set-Cookie"]
        for flag in ("HttpOnly", "SameSite=Strict", "Secure", "Max-Age=28800"):
            assert flag in cookie, cookie
        refused = await client.get("/ws", headers={"X-Forwarded-Proto": "https"})
        assert refused.status == 403  # no cookie: no session
    finally:
        await client.close()


async def test_a_wrong_password_is_refused_and_an_expired_login_asks_again() -> None:
    room = _room(web_login_time=0.5)
    client = await _client(room)
    try:
        wrong = await client.post("/login", data={"name": "ada", "password": "no"})
        assert wrong.status == 403 and "Wrong name or password" in await wrong.text()
        nobody = await client.post("/login", data={"name": "../../x\x1b[2J", "password": "pw"})
        assert nobody.status == 403
        good = await client.post(
            "/login", data={"name": "ada", "password": "pw"}, allow_redirects=False
        )
        assert good.status == 303
        token = good.cookies[COOKIE].value
        page = await client.get("/", cookies={COOKIE: token}, allow_redirects=False)
        assert page.status == 200 and "textual.js" in await page.text()
        time.sleep(0.6)
        expired = await client.get("/", cookies={COOKIE: token}, allow_redirects=False)
        assert expired.status == 303 and expired.headers["Location"] == "login"
    finally:
        await client.close()
