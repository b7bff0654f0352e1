"""Running a lab from the teacher's seat, over real SSH (issue 22): the roster before anyone
comes, presence from login to a dead client (keepalives), every kind of ending leaving the
student's terminal usable (tmux's pane flags after `ssh` exits), a message delivered, a student
sent to a lesson, wrong tries showing a student stuck, the keys file re-read, the language from
`SendEnv LANG` and else from the roster."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tutor.progress import ProgressStore

from .classroom_harness import NAMES, ROOT, Server, Terminal, make_key, start_server, wait_for

LIST_TEXT = "One neuron"
ZH_TITLE = "一个神经元"  # its title in Chinese
RESTORED = "0 0 1"  # alternate screen off, no mouse reporting, cursor shown
IN_APP = "1 1 0"


def flags(term: Terminal) -> str:
    out = subprocess.run(
        [
            "tmux",
            "display",
            "-p",
            "-t",
            term.name,
            "#{alternate_on} #{mouse_any_flag} #{cursor_flag}",
        ],
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def dead(term: Terminal) -> bool:
    """ssh has exited; the pane lives on (`sleep`: tmux hides the cursor of a dead pane)."""
    out = subprocess.run(
        ["tmux", "display", "-p", "-t", term.name, "#{pane_current_command}"],
        capture_output=True,
        text=True,
    )
    return out.stdout.strip() == "sleep"


def student(
    server: Server, user: str, *extra: str, env: str = "", ready: str = LIST_TEXT
) -> Terminal:
    """`ssh` in a tmux pane that stays after ssh exits, so its terminal state can be read."""
    name = f"tutor-lab-{os.getpid()}-{next(NAMES)}-{user}"
    command = " ".join(server.ssh_args(user, None, "-tt", *extra)) + "; sleep 120"
    settings = ["-e", "TERM=xterm-256color", *(["-e", env] if env else [])]
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", name, "-x", "100", "-y", "30", *settings, command],
        check=True,
    )
    server.sessions.append(name)
    term = Terminal(name)
    term.wait(ready)
    wait_for(lambda: flags(term) == IN_APP, what="the app's terminal modes")
    return term


def ended_cleanly(term: Terminal, notice: str) -> None:
    wait_for(lambda: dead(term), 30, "ssh to exit:\n" + term.screen())
    assert notice in term.screen()
    assert flags(term) == RESTORED


def tutor_class(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tutor.cli", "class", "--data", str(data), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("lab")
    fay = make_key(folder, "fay")  # in the roster in Chinese: `fay lang=zh` as the key's comment
    roster_line = Path(f"{fay}.pub").read_text().replace(" fay", " fay lang=zh")
    room = start_server(
        folder,
        ("ada", "bob", "dan", "eve", "gus", "hal"),
        "--keepalive",
        "1",
        extra_keys=roster_line,
    )
    room.keys["fay"] = fay
    yield room
    room.stop()


def test_the_roster_is_listed_before_anyone_comes(lab: Server) -> None:
    out = tutor_class(lab.data, "--plain")
    assert out.returncode == 0, out.stderr
    rows = [line for line in out.stdout.splitlines() if "never came" in line]
    assert {"ada", "bob", "dan", "eve"} <= {w for line in rows for w in line.split()}
    assert "host key SHA256:" in lab.log
    assert f"students connect with: ssh -p {lab.port} NAME@127.0.0.1" in lab.log


def state(lab: Server, user: str) -> str:
    return next(r.state for r in ProgressStore(lab.data).overview() if r.learner == user)


def test_connected_at_login_and_gone_soon_after_the_client_dies(lab: Server) -> None:
    """A frozen laptop: the TCP connection stays open and silent. (Not in tmux, which
    continues a stopped pane.)"""
    client = subprocess.Popen(
        lab.ssh_args("dan", None, "-tt"),
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: state(lab, "dan") == "connected", 30, "dan connected")
        client.send_signal(signal.SIGSTOP)
        started = time.monotonic()
        wait_for(lambda: state(lab, "dan") == "gone", 60, "dan gone after keepalives")
        assert time.monotonic() - started < 60
        assert "not responding to keepalive" in lab.log or "session end: dan" in lab.log
    finally:
        client.kill()
        client.wait()


def test_a_message_reaches_every_session_without_moving_it(lab: Server) -> None:
    term = student(lab, "eve")
    term.keys("Down")
    before = [line for line in term.screen().splitlines() if "›" in line or "▶" in line]
    out = tutor_class(lab.data, "--message", "Break until 10:15")
    assert out.returncode == 0 and "eve" in out.stdout, out.stderr + out.stdout
    term.wait("Break until 10:15")
    assert "from your teacher" in term.screen()
    assert [line for line in term.screen().splitlines() if "›" in line or "▶" in line] == before
    assert "teacher: message to" in lab.log


def test_the_teacher_ends_a_session_and_the_terminal_is_restored(lab: Server) -> None:
    term = student(lab, "bob")
    out = tutor_class(lab.data, "--end", "--to", "bob")
    assert out.returncode == 0, out.stderr
    ended_cleanly(term, "your teacher ended this session")
    wait_for(lambda: "session end: bob" in lab.log and "(teacher)" in lab.log, what="logged")


def test_the_keys_file_is_re_read_when_it_changes_and_on_sighup(lab: Server) -> None:
    cy = make_key(lab.folder, "cy")
    lab.keys["cy"] = cy
    assert lab.run("cy", "true").returncode == 255  # not in the class yet
    authorized = lab.folder / "authorized_keys"
    authorized.write_text(authorized.read_text() + Path(f"{cy}.pub").read_text())
    wait_for(lambda: "re-read the keys and passwords (a file changed)" in lab.log, 20, "re-read")
    out = lab.run("cy", "true")
    assert out.returncode == 1 and "does not run commands" in out.stderr  # logged in
    assert "cy" in tutor_class(lab.data, "--plain").stdout
    lab.process.send_signal(signal.SIGHUP)  # no terminal closed: SIGHUP means "read again"
    wait_for(lambda: "re-read the keys and passwords (SIGHUP)" in lab.log, 20, "SIGHUP re-read")
    assert lab.process.poll() is None


def test_the_language_comes_from_the_students_sendenv(lab: Server) -> None:
    student(lab, "ada", "-o", "SendEnv=LANG", env="LANG=zh_CN.UTF-8", ready=ZH_TITLE)
    assert "session start: ada" in lab.log
    line = next(x for x in lab.log.splitlines() if "session start: ada" in x)
    assert line.endswith("language zh_CN.UTF-8 (sent by ssh)")


def session_line(lab: Server, user: str, nth: int = 0) -> str:
    return [x for x in lab.log.splitlines() if f"session start: {user} " in x][nth]


def test_the_roster_gives_the_language_when_the_students_ssh_sends_none(lab: Server) -> None:
    student(lab, "fay", env="LANG=C.UTF-8", ready=ZH_TITLE)  # C: no language
    assert session_line(lab, "fay").endswith("language zh (roster)")
    student(lab, "fay", "-o", "SendEnv=LANG", env="LANG=en_US.UTF-8")  # theirs wins
    assert session_line(lab, "fay", 1).endswith("language en_US.UTF-8 (sent by ssh)")


def test_a_student_sent_to_a_lesson_sees_it(lab: Server) -> None:
    term = student(lab, "gus")
    assert "Inputs and weights" not in term.screen()
    out = tutor_class(lab.data, "--send", "neuron")  # every session, as the o key does
    assert out.returncode == 0 and "gus" in out.stdout, out.stderr + out.stdout
    term.wait("Inputs and weights")  # the lesson's first step, on the lesson's own screen
    assert "step 0/" in term.screen() or "step 1/" in term.screen()
    assert "teacher: sent" in lab.log and "to neuron" in lab.log


def tries(lab: Server, user: str) -> int:
    return next(r.tries for r in ProgressStore(lab.data).overview() if r.learner == user)


def test_wrong_tries_show_the_student_stuck_to_the_teacher(lab: Server) -> None:
    term = student(lab, "hal")
    assert tutor_class(lab.data, "--send", "neuron", "--to", "hal").returncode == 0
    term.wait("Inputs and weights")
    term.keys("Right")
    term.wait("step 1/")
    term.keys("Right")
    term.wait("What is z = x1·w1")
    for n in (1, 2, 3):
        term.keys("7", "Enter")  # a digit opens the answer line; Enter checks it
        wait_for(lambda n=n: tries(lab, "hal") == n, 20, f"wrong try {n} recorded")
    assert "not 7" in term.screen()
    out = tutor_class(lab.data, "--plain")
    row = next(line for line in out.stdout.splitlines() if " hal " in line)
    assert row.split("│")[1].strip() == "!", out.stdout  # the stuck mark, first column
    assert "connected" in row and "Predict the" in row, out.stdout


def test_an_idle_session_ends_with_a_notice_and_a_usable_terminal(tmp_path: Path) -> None:
    room = start_server(tmp_path, ("ada",), "--idle-timeout", "4")
    try:
        term = student(room, "ada")
        ended_cleanly(term, "the session closed after being idle")
    finally:
        room.stop()
    assert "(idle)" in room.log


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_stopped_server_tells_students_and_restores_them(tmp_path: Path, sig: int) -> None:
    room = start_server(tmp_path, ("ada",))
    try:
        term = student(room, "ada")
        room.process.send_signal(sig)
        ended_cleanly(term, "the classroom server is stopping")
        room.process.wait(timeout=30)
    finally:
        room.stop()
    assert f"stopping on {signal.Signals(sig).name}" in room.log
    assert "tutor serve: stopped" in room.log
    assert "session end: ada" in room.log


def test_closing_the_teachers_terminal_stops_the_server_cleanly(tmp_path: Path) -> None:
    """The server in a tmux pane of its own: killing the pane hangs its terminal up."""
    room = start_server(tmp_path / "first", ("ada",))  # keys, files and a free port
    room.stop()
    data = tmp_path / "data"
    command = " ".join(
        [
            sys.executable,
            "-m",
            "tutor.cli",
            "serve",
            "--no-check",
            "--port",
            str(room.port),
            "--lessons",
            str(ROOT / "tutor" / "lessons"),
            "--data",
            str(data),
            "--authorized-keys",
            str(room.folder / "authorized_keys"),
        ]
    )
    name = f"tutor-teacher-{os.getpid()}-{next(NAMES)}"
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-c", str(ROOT), command], check=True)
    server = Server(room.folder, room.port, data, room.process, room.keys)
    try:
        wait_for(lambda: "listening on" in server.log, 120, "the server to listen")
        term = student(server, "ada")
        subprocess.run(["tmux", "kill-session", "-t", name], check=True)
        ended_cleanly(term, "the classroom server is stopping")
        wait_for(lambda: "tutor serve: stopped" in server.log, 30, "the stop logged")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
        for session in server.sessions:
            subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    assert "stopping on SIGHUP (the terminal closed)" in server.log
