"""A real pseudo-terminal for the app benchmarks: start a program on it, send keys, and time
when its output arrives, the way a terminal emulator would see it."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(rb"\x1b\[[0-9;?<>=$]*[ -/]*[@-~]|\x1b[()][0-9A-B]|\x1b[=>]|\x1b\][^\x07]*\x07")
QUIET = 0.01
"""A frame is complete once no byte has come for this long after its text was seen."""


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
        self.raw = bytearray()  # everything received so far, escape codes removed

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
        self._answer_queries(data)
        self.raw += ANSI.sub(b"", data)
        return at

    def wait_for(self, text: str, timeout: float = 30.0) -> float:
        """Seconds until `text` appears and the frame carrying it is complete."""
        needle = text.encode()
        deadline = time.perf_counter() + timeout
        last = None
        while needle not in self.raw:
            if time.perf_counter() > deadline:
                tail = self.raw[-400:].decode(errors="replace")
                raise TimeoutError(f"'{text}' did not appear; the screen ended with: {tail}")
            got = self.read(0.05)
            last = got or last
        while (got := self.read(QUIET)) is not None:  # the rest of the same frame
            last = got
        assert last is not None
        return last

    def settle(self, quiet: float = 0.15) -> None:
        """Read until nothing has come for `quiet` seconds: the app is idle again."""
        while self.read(quiet) is not None:
            pass

    def send(self, keys: bytes) -> float:
        self.raw.clear()
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

    def _answer_queries(self, data: bytes) -> None:
        # Textual asks whether the terminal supports synchronized output; a terminal answers.
        if b"\x1b[?2026$p" in data:
            os.write(self.fd, b"\x1b[?2026;2$y")


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
