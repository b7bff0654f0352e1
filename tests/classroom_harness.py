"""A real `tutor serve` on 127.0.0.1 and real OpenSSH clients in tmux, for the SSH tests."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

from .conftest import LESSONS, ROOT
from .screen import Student

NAMES = itertools.count()
"""A number for every tmux session the tests start: two with one name would be one session."""

TIMEOUT = 40.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_key(folder: Path, name: str) -> Path:
    path = folder / f"id_{name}"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)], check=True
    )
    return path


def wait_for(
    condition: Callable[[], bool], timeout: float = TIMEOUT, what: str = "condition"
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@dataclass
class Server:
    folder: Path
    port: int
    data: Path
    process: subprocess.Popen[bytes]
    keys: dict[str, Path] = field(default_factory=dict)
    sessions: list[str] = field(default_factory=list)

    @property
    def log(self) -> str:
        path = self.data / "server.log"
        return path.read_text(encoding="utf-8") if path.exists() else ""

    @property
    def console(self) -> str:
        """What the teacher's terminal showed (the server's stdout and stderr)."""
        path = self.folder / "console.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def ssh_args(self, user: str, key: Path | None = None, *extra: str) -> list[str]:
        return [
            "ssh",
            "-p",
            str(self.port),
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
            "-o",
            "BatchMode=yes",
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "PreferredAuthentications=publickey",
            "-i",
            str(key or self.keys[user]),
            *extra,
            f"{user}@127.0.0.1",
        ]

    def run(
        self, user: str, *command: str, key: Path | None = None, extra: tuple[str, ...] = ()
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.ssh_args(user, key, *extra), *command],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            stdin=subprocess.DEVNULL,
        )

    def open(self, user: str, width: int = 100, height: int = 30) -> Terminal:
        name = f"tutor-ssh-{os.getpid()}-{next(NAMES)}-{user}"
        command = " ".join(self.ssh_args(user, None, "-tt"))
        subprocess.run(
            [
                "tmux",
                "new-session",
                "-d",
                "-s",
                name,
                "-x",
                str(width),
                "-y",
                str(height),
                "-e",
                "TERM=xterm-256color",
                command,
            ],
            check=True,
        )
        self.sessions.append(name)
        return Terminal(name)

    def pids(self, user: str) -> list[int]:
        return [int(p) for p in re.findall(rf"session start: {user} pid (\d+)", self.log)]

    def student(self, user: str) -> Student:
        """`user` over asyncssh, read off an emulated screen exactly as the load benchmark
        reads its students (tests/screen.py); `await student.connect()` logs in."""
        return Student(user, self.port, asyncssh.read_private_key(self.keys[user]))

    def stop(self, sig: int = signal.SIGTERM) -> None:
        for name in self.sessions:
            subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


@dataclass
class Terminal:
    name: str

    def screen(self) -> str:
        out = subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True
        )
        return out.stdout

    def alive(self) -> bool:
        return (
            subprocess.run(["tmux", "has-session", "-t", self.name], capture_output=True).returncode
            == 0
        )

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def wait(self, text: str, timeout: float = TIMEOUT) -> str:
        wait_for(lambda: text in self.screen(), timeout, f"{text!r} on screen:\n" + self.screen())
        return self.screen()

    def resize(self, width: int, height: int) -> None:
        subprocess.run(
            ["tmux", "resize-window", "-t", self.name, "-x", str(width), "-y", str(height)],
            check=True,
        )


def start_server(
    folder: Path,
    users: tuple[str, ...] = ("ada", "bob"),
    *options: str,
    password_file: Path | None = None,
    extra_keys: str = "",
) -> Server:
    if shutil.which("ssh") is None or shutil.which("tmux") is None:
        raise RuntimeError("the SSH tests need the OpenSSH client and tmux")
    folder.mkdir(parents=True, exist_ok=True)
    keys = {user: make_key(folder, user) for user in users}
    authorized = folder / "authorized_keys"
    authorized.write_text("".join(Path(f"{k}.pub").read_text() for k in keys.values()) + extra_keys)
    port = free_port()
    data = folder / "data"
    args = [
        sys.executable,
        "-m",
        "tutor.cli",
        "serve",
        "--port",
        str(port),
        "--lessons",
        str(LESSONS),
        "--data",
        str(data),
        "--authorized-keys",
        str(authorized),
        *(() if "--check" in options else ("--no-check",)),  # the lesson check costs CPU
        *(o for o in options if o != "--check"),
    ]
    if password_file is not None:
        args += ["--password-file", str(password_file)]
    with (folder / "console.log").open("wb") as console:
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=console,
            stderr=subprocess.STDOUT,
        )
    server = Server(folder, port, data, process, keys)
    wait_for(
        lambda: "listening on" in server.log or process.poll() is not None,
        120,
        "the server to listen",
    )
    if process.poll() is not None:
        raise RuntimeError(f"tutor serve exited: {server.log}")
    return server
