"""A real pseudo-terminal for the app benchmarks: start a program on it, send keys, and time
when its output shows, read off an emulated screen (tests/screen.py, shared with the tests)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the screen reader lives with the tests, which use it too
    sys.path.insert(0, str(ROOT))

from tests.screen import ScreenReader  # noqa: E402


class Terminal:
    """`argv` running on a PTY of `size` (columns, rows)."""

    def __init__(self, argv: Sequence[str], size: tuple[int, int] = (100, 30)) -> None:
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: the program, with this PTY as its terminal
            env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor"}
            env.pop("NO_COLOR", None)
            os.chdir(ROOT)
            os.execvpe(argv[0], list(argv), env)
        self.pid, self.fd = pid, fd
        cols, rows = size
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.reader = ScreenReader(cols, rows)

    def read(self, timeout: float) -> float | None:
        """Read what is there within `timeout`; the time the last byte came, or None."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return None
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError:
            return None
        at = time.perf_counter()
        answer = self.reader.feed(data)
        if answer:  # Textual asks whether frames can be drawn atomically; a terminal answers
            os.write(self.fd, answer)
        return at

    def wait_for(self, text: str, timeout: float = 30.0) -> float:
        """When the emulated screen first showed `text` in a complete frame (the time the
        bytes that completed it came)."""
        deadline = time.perf_counter() + timeout
        last = time.perf_counter()
        while not self.reader.shows(text):
            if time.perf_counter() > deadline:
                screen = self.reader.text()
                raise TimeoutError(f"'{text}' did not appear; the screen shows:\n{screen}")
            last = self.read(0.05) or last
        return last

    def settle(self, quiet: float = 0.15) -> None:
        """Read until nothing has come for `quiet` seconds: the app is idle again."""
        while self.read(quiet) is not None:
            pass

    def send(self, keys: bytes) -> float:
        sent = time.perf_counter()
        os.write(self.fd, keys)
        return sent

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)


def python() -> str:
    return sys.executable


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]
