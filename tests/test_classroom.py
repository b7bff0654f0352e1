"""The classroom over real SSH: a real `tutor serve` on 127.0.0.1, the real OpenSSH client in
tmux, and the real store afterwards."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tutor.progress import ProgressStore

from .classroom_harness import ROOT, Server, start_server, wait_for

LIST_TEXT = "One neuron"  # a bundled lesson's title, seen in the lesson list


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    users = ("ada", "bob", *(f"s{n}" for n in range(10)))
    room = start_server(tmp_path_factory.mktemp("classroom"), users)
    yield room
    room.stop()


def test_log_in_navigate_and_quit(server: Server) -> None:
    term = server.open("ada")
    term.wait(LIST_TEXT)
    # open the first lesson with Enter, step forward, then quit twice
    term.keys("Enter")
    term.wait("step 0/")
    term.keys("Right")
    term.wait("step 1/")
    term.keys("q")
    term.wait(LIST_TEXT)
    term.keys("q")
    wait_for(lambda: not term.alive(), what="the ssh session to end")
    wait_for(lambda: "session end: ada" in server.log, what="the session end in the log")
    assert "login: ada from 127.0.0.1" in server.log


def test_the_terminal_type_and_size_reach_the_session(server: Server) -> None:
    term = server.open("bob", width=90, height=28)
    term.wait(LIST_TEXT)
    assert "-256color, 90x28)" in server.log  # TERM and size from the client
    lines = term.screen().splitlines()
    assert max(len(line.rstrip()) for line in lines) <= 90
    term.resize(120, 35)
    wait_for(
        lambda: any(len(line.rstrip()) > 95 for line in term.screen().splitlines()),
        what="the app to reflow to 120 columns",
    )
    term.keys("q")


def test_a_wrong_key_is_refused(server: Server, tmp_path: Path) -> None:
    from .classroom_harness import make_key

    stranger = make_key(tmp_path, "mallory")
    out = server.run("ada", "true", key=stranger)
    assert out.returncode == 255 and "Permission denied" in out.stderr


def test_a_key_admits_only_its_own_student(server: Server) -> None:
    out = server.run("bob", key=server.keys["ada"], extra=("-tt",))
    assert out.returncode == 255 and "Permission denied" in out.stderr


def test_a_command_is_refused_with_a_message(server: Server) -> None:
    out = server.run("ada", "cat", "/etc/passwd")
    assert out.returncode == 1
    assert "does not run commands" in out.stderr
    assert "root:" not in out.stdout
    assert "refused ada: command 'cat /etc/passwd'" in server.log


def test_a_session_without_a_terminal_is_refused(server: Server) -> None:
    out = server.run("ada", extra=("-T",))
    assert out.returncode == 1 and "needs a terminal" in out.stderr


def test_forwarding_and_file_transfer_are_refused(server: Server) -> None:
    out = server.run("ada", extra=("-W", "127.0.0.1:9"))
    assert out.returncode != 0
    assert "refused port forwarding for ada" in server.log
    sftp = subprocess.run(
        [
            "sftp",
            "-P",
            str(server.port),
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "IdentitiesOnly=yes",
            "-i",
            str(server.keys["ada"]),
            "ada@127.0.0.1",
        ],
        input="ls\n",
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert sftp.returncode != 0
    assert "subsystem request failed" in sftp.stderr  # refused in the protocol itself


def test_ten_sessions_at_once_and_one_killed(server: Server) -> None:
    users = [f"s{n}" for n in range(10)]
    terms = [server.open(user, width=90, height=26) for user in users]
    for term in terms:
        term.wait(LIST_TEXT, timeout=90)
    wait_for(lambda: all(server.pids(u) for u in users), what="every session in the log")
    victim = server.pids("s0")[-1]
    os.kill(victim, signal.SIGKILL)
    wait_for(lambda: not terms[0].alive(), what="the killed session's ssh to end")
    for term in terms[1:]:
        assert term.alive()
    terms[1].keys("Enter")
    terms[1].wait("step 0/")  # another session still works
    for term in terms[1:]:
        term.keys("q", "q")


def test_progress_survives_a_disconnect_and_a_killed_server(tmp_path: Path) -> None:
    room = start_server(tmp_path / "room", ("ada",))
    try:
        term = room.open("ada")
        term.wait(LIST_TEXT)
        term.keys("Enter")
        term.wait("step 0/")  # the lesson's intro, not the list's "12 steps"
        term.keys("Right")
        store = ProgressStore(room.data)
        wait_for(lambda: bool(store.learner("ada").lessons()), what="progress in the store")
        subprocess.run(["tmux", "kill-session", "-t", term.name], check=True)  # disconnect
        wait_for(lambda: "session end: ada" in room.log, what="the session to end")
        before = store.learner("ada").lessons()
        assert before and before[0].furthest_index >= 1
        room.process.send_signal(signal.SIGKILL)
        room.process.wait(timeout=10)
        after = ProgressStore(room.data).learner("ada").lessons()
        assert after == before
        assert ProgressStore(room.data).learners() == ["ada"]  # nobody else's rows
    finally:
        room.stop()


def test_idle_sessions_end_and_a_full_room_says_so(tmp_path: Path) -> None:
    room = start_server(
        tmp_path / "room", ("ada", "bob"), "--idle-timeout", "3", "--max-sessions", "1"
    )
    try:
        term = room.open("ada")
        term.wait(LIST_TEXT)
        full = room.run("bob", extra=("-tt",))
        assert "classroom is full" in full.stdout + full.stderr
        wait_for(lambda: "(idle)" in room.log, timeout=30, what="the idle time-out")
    finally:
        room.stop()


def test_failed_passwords_count_once_per_address_and_name(tmp_path: Path) -> None:
    passwords = tmp_path / "passwords"
    for name, word in (("ada", "correct horse"), ("bob", "battery staple")):
        subprocess.run(
            [sys.executable, "-m", "tutor.cli", "password", str(passwords), name],
            input=f"{word}\n",
            text=True,
            check=True,
            cwd=ROOT,
        )
    assert "correct horse" not in passwords.read_text()
    room = start_server(tmp_path / "room", ("ada",), password_file=passwords)
    try:
        # OpenSSH reads passwords from a terminal only; asyncssh's client types them here
        import asyncio

        import asyncssh

        async def attempt(user: str, password: str) -> bool:
            try:
                async with asyncssh.connect(
                    "127.0.0.1",
                    room.port,
                    username=user,
                    password=password,
                    known_hosts=None,
                    client_keys=None,
                    preferred_auth="password",
                ):
                    return True
            except (asyncssh.PermissionDenied, asyncssh.DisconnectError, OSError):
                return False

        started = time.monotonic()
        for _ in range(4):
            assert not asyncio.run(attempt("ada", "wrong"))
        assert time.monotonic() - started > 2  # each failure waits longer
        assert asyncio.run(attempt("ada", "correct horse"))  # 4 attempts counted 4, not 8
        assert room.log.count("wrong password for ada from 127.0.0.1") == 4
        assert not asyncio.run(attempt("ada", "wrong"))  # the fifth
        assert not asyncio.run(attempt("ada", "correct horse"))  # ada's password: shut out here
        assert "refused password for ada from 127.0.0.1: too many failed logins" in room.log
        # the same address (a school's NAT) still lets everyone else in, and ada's key too
        assert asyncio.run(attempt("bob", "battery staple"))
        out = room.run("ada", "true")
        assert "does not run commands" in out.stderr
        assert time.monotonic() - started < 40
    finally:
        room.stop()


def _proc(pid: int, name: str) -> str:
    return Path(f"/proc/{pid}/{name}").read_text(encoding="utf-8", errors="replace")


def test_each_session_is_forked_warm_with_its_terminal_and_limits(server: Server) -> None:
    term = server.open("bob", width=100, height=30)
    term.wait(LIST_TEXT)
    pid = server.pids("bob")[-1]
    parent = int(_proc(pid, "stat").rsplit(")", 1)[1].split()[1])
    assert "tutor.classroom.zygote" in _proc(parent, "cmdline")  # forked from the warm parent
    limits = _proc(pid, "limits")
    assert re.search(r"Max cpu time\s+\d+", limits)
    assert re.search(r"Max address space\s+\d+", limits)
    term.keys("C-z")  # no suspend key: there is no shell to come back to
    term.keys("Enter")
    term.wait("step 0/")
    session_id = int(_proc(pid, "stat").rsplit(")", 1)[1].split()[3])
    assert session_id == pid  # setsid: its own session, the PTY as controlling terminal
    term.keys("q")


def _first_bytes(server: Server, user: str, term: str, seconds: float = 4.0) -> bytes:
    """What a real `ssh -tt` receives at first, with `TERM` set on the client's side."""
    process = subprocess.Popen(
        server.ssh_args(user, None, "-tt"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "TERM": term},
    )
    time.sleep(seconds)
    process.kill()
    out, _ = process.communicate(timeout=10)
    return out


def test_the_clients_term_decides_the_colours(server: Server) -> None:
    # ssh passes TERM but not COLORTERM; the session sets COLORTERM for a 256-colour TERM
    rich = _first_bytes(server, "s8", "xterm-256color")
    assert b"\x1b[38;2;" in rich or b"\x1b[48;2;" in rich  # 24-bit colour
    plain = _first_bytes(server, "s9", "vt100")
    assert b"One neuron" in plain and b"\x1b[38;2;" not in plain  # and none where it can't
