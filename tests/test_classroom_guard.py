"""One student cannot take the classroom down (issue 15, item 5), tried over real SSH against a
real `tutor serve` on 127.0.0.1: OpenSSH's client where it can send the attack, asyncssh's
where it cannot (32-bit window sizes, crafted terminal types, bursts, half-open connections).
Every loop is bounded; every test asserts what the student or the log sees, in bounded time."""

from __future__ import annotations

import asyncio
import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import asyncssh
import pytest

from .classroom_harness import ROOT, Server, make_key, start_server, wait_for

LIST_TEXT = "One neuron"


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("guard")
    (folder / "extra").mkdir()
    guest, far = make_key(folder / "extra", "guest"), make_key(folder / "extra", "far")
    guest_line = Path(f"{guest}.pub").read_text().split()[:2]  # no comment: a guest key
    far_line = Path(f"{far}.pub").read_text().strip()
    extra = f'{" ".join(guest_line)}\nfrom="10.9.9.9",no-agent-forwarding {far_line}\n'
    server = start_server(
        folder,
        ("ada", "bob", "cy", "di"),
        "--max-sessions",
        "3",
        "--max-per-student",
        "2",
        "--session-wait",
        "2",
        "--login-grace-time",
        "3",
        "--max-startups",
        "6",
        extra_keys=extra,
    )
    server.keys["guest"] = guest
    server.keys["far"] = far
    yield server
    server.stop()


def _client_key(room: Server, user: str) -> asyncssh.SSHKey:
    return asyncssh.read_private_key(str(room.keys[user]))


async def _open(
    room: Server,
    user: str,
    *,
    key: str | None = None,
    term_type: str = "xterm-256color",
    term_size: tuple[int, int] = (90, 26),
    hold: float = 0.0,
    keys: bytes = b"",
) -> str:
    """One asyncssh session: what it shows first (the app's screen or a refusal), after
    optionally typing `keys` and holding the session `hold` seconds."""
    async with asyncssh.connect(
        "127.0.0.1",
        room.port,
        username=user,
        client_keys=[_client_key(room, key or user)],
        known_hosts=None,
        preferred_auth="publickey",
    ) as conn:
        process = await conn.create_process(
            term_type=term_type, term_size=term_size, encoding=None, stderr=asyncssh.STDOUT
        )
        seen = b""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and LIST_TEXT.encode() not in seen:
            try:
                chunk = await asyncio.wait_for(process.stdout.read(65536), 5)
            except TimeoutError:
                continue
            if not chunk:
                break
            seen += chunk
        if keys:
            process.stdin.write(keys)
        await asyncio.sleep(hold)
        process.close()
        return seen.decode("utf-8", "replace")


def _starts(room: Server) -> int:
    return room.log.count("session start:")


def _ends(room: Server) -> int:
    return room.log.count("session end:")


def _settled(room: Server) -> None:
    wait_for(lambda: _starts(room) == _ends(room), 60, "every session to end")


def test_a_burst_cannot_pass_the_session_cap(room: Server) -> None:
    _settled(room)
    before = _starts(room)
    started = time.monotonic()

    async def burst() -> list[str]:
        users = ["bob", "bob", "cy", "cy", "di", "di"]
        return await asyncio.gather(*(_open(room, u, hold=3) for u in users))

    screens = asyncio.run(burst())
    assert sum(LIST_TEXT in s for s in screens) == 3  # --max-sessions 3, not 6
    assert sum("the classroom is full (3 sessions)" in s for s in screens) == 3
    assert _starts(room) - before == 3
    assert time.monotonic() - started < 90
    _settled(room)  # and every slot comes back when the students leave


def test_a_student_may_hold_two_sessions(room: Server) -> None:
    _settled(room)

    async def three() -> list[str]:
        return await asyncio.gather(*(_open(room, "ada", hold=3) for _ in range(3)))

    screens = asyncio.run(three())
    assert sum(LIST_TEXT in s for s in screens) == 2
    assert sum("you already have 2 sessions open" in s for s in screens) == 1
    _settled(room)


def _fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def test_huge_window_sizes_are_clamped_and_leak_nothing(room: Server) -> None:
    _settled(room)
    fds = _fds(room.process.pid)

    async def huge() -> str:
        async with asyncssh.connect(
            "127.0.0.1",
            room.port,
            username="bob",
            client_keys=[_client_key(room, "bob")],
            known_hosts=None,
        ) as conn:
            process = await conn.create_process(
                term_type="xterm", term_size=(70000, 100000), encoding=None
            )
            seen = b""
            deadline = time.monotonic() + 60  # 100,000 cells to draw: give it a minute
            while LIST_TEXT.encode() not in seen and time.monotonic() < deadline:
                seen = seen[-100:] + await asyncio.wait_for(process.stdout.read(65536), 60)
            process.change_terminal_size(4_000_000_000, 3)  # 32 bits on the wire, 16 in a pty
            await asyncio.sleep(0.5)
            process.stdin.write(b"q")  # keys still reach the app: q on the list quits
            await asyncio.wait_for(process.wait_closed(), 30)
            return seen.decode("utf-8", "replace")

    assert LIST_TEXT in asyncio.run(huge())
    assert "(xterm, 500x200)" in room.log  # clamped at session open
    wait_for(lambda: "(ended)" in room.log, 30, "the app to end on q")
    _settled(room)
    wait_for(lambda: _fds(room.process.pid) <= fds, 10, "the server's descriptors to return")


def test_a_connection_without_a_session_is_closed(room: Server) -> None:
    started = time.monotonic()
    out = room.run("ada", extra=("-N",))  # logs in, asks for nothing
    assert time.monotonic() - started < 20
    assert out.returncode == 255
    assert "closed ada from 127.0.0.1: no session opened within 2 s" in room.log


def test_half_open_connections_are_capped_and_timed_out(room: Server) -> None:
    socks: list[socket.socket] = []
    try:
        for _ in range(40):  # 40 that never log in, against a cap of 6
            s = socket.create_connection(("127.0.0.1", room.port), timeout=5)
            socks.append(s)
        wait_for(
            lambda: "too many connections waiting to log in (6)" in room.log,
            10,
            "the pre-login cap",
        )
        closed = 0
        for s in socks:
            s.settimeout(10)  # the grace time (3 s) closes the ones that were let in
            try:
                while s.recv(4096):
                    pass
                closed += 1
            except ConnectionResetError:
                closed += 1
            except TimeoutError:
                pass  # still held: counted as not closed
        assert closed == 40
    finally:
        for s in socks:
            s.close()
    time.sleep(0.5)
    out = room.run("ada", "true")  # a real login goes through once they are gone
    assert "does not run commands" in out.stderr
    assert len(room.console) < 20_000  # no traceback per connection on the teacher's console
    assert "Traceback" not in room.console


def test_client_sent_fields_are_escaped_and_cut_in_the_log(room: Server) -> None:
    forged = (
        "xterm\x1b[2J\x1b]52;c;aGk=\x07\n2099-01-01 INFO login: root from 1.2.3.4" + "x" * 30000
    )

    async def attack() -> str:
        screen = await _open(room, "di", term_type=forged, hold=0.5)
        async with asyncssh.connect(
            "127.0.0.1",
            room.port,
            username="di",
            client_keys=[_client_key(room, "di")],
            known_hosts=None,
        ) as conn:
            process = await conn.create_process(
                subsystem="sftp\x1b[31m\r\nINFO fake", encoding=None, stderr=asyncssh.STDOUT
            )
            out = await asyncio.wait_for(process.stdout.read(), 30)
            return screen + out.decode("utf-8", "replace")

    seen = asyncio.run(attack())
    assert LIST_TEXT in seen  # the session still runs, on a terminal type it can use
    wait_for(lambda: "subsystem sftp" in room.log, 10, "the subsystem refusal")
    for text in (room.log, room.console):
        assert "\x1b" not in text and "\x07" not in text
        assert "\nINFO fake" not in text and "\n2099-01-01" not in text
        assert max(len(line) for line in text.splitlines()) < 1000  # 30 KB logs as a line
    assert "(xterm␛[2J␛]52;c;aGk=␇␊2099" in room.log
    assert "subsystem sftp␛[31m␍␊INFO fake" in room.log
    _settled(room)


def test_keys_guest_and_from_options(room: Server) -> None:
    assert "a key without a student name as its comment is a guest key" in room.log
    own = room.run("ada", extra=("-tt",), key=room.keys["guest"])  # ada has her own key
    assert own.returncode == 255 and "Permission denied" in own.stderr
    guest = room.run("visitor", "true", key=room.keys["guest"])  # a name nobody owns
    assert "does not run commands" in guest.stderr
    far = room.run("far", "true")  # from="10.9.9.9": not from 127.0.0.1
    assert far.returncode == 255 and "Permission denied" in far.stderr
    wait_for(  # logged when the server sees the connection go, which may be after ssh exits
        lambda: "login failed: far from 127.0.0.1 (key not accepted)" in room.log,
        10,
        "the refused key logged",
    )


def test_unsupported_key_options_stop_the_start(tmp_path: Path) -> None:
    key = make_key(tmp_path, "ada")
    keys = tmp_path / "keys"
    keys.write_text(f'command="/bin/sh" {Path(f"{key}.pub").read_text()}')
    started = time.monotonic()
    serve = [sys.executable, "-m", "tutor.cli", "serve", "--data", str(tmp_path / "data")]
    out = subprocess.run(
        [*serve, "--authorized-keys", str(keys)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode != 0
    assert f"{keys}:1: the option command is not supported" in out.stderr
    assert time.monotonic() - started < 30


def test_the_data_folder_and_its_files_are_private(room: Server) -> None:
    wait_for(lambda: (room.data / "progress.db").exists(), 30, "the progress store")
    assert stat.S_IMODE(room.data.stat().st_mode) == 0o700
    for name in ("server.log", "progress.db", "progress.db-wal", "ssh_host_ed25519_key"):
        path = room.data / name
        if path.exists() or name != "progress.db-wal":
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
