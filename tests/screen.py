"""The screen as a person sees it: a terminal emulator (pyte) fed with a session's bytes.

The classroom tests and benchmarks/classroom_load.py both ask "did the key show its step?"
here, so a figure and a test cannot disagree on what counts as answered. A byte pattern can
miss a line drawn in pieces, or match text a later write overwrote; the emulated screen cannot.
Like a terminal that supports synchronized output (and Textual uses it once the terminal says
so), a frame counts only once it is complete: while one is half drawn, the reader shows the
screen as it was before.
"""

from __future__ import annotations

import re

import pyte

SYNC = 2026 << 5
"""pyte's mark for synchronized output (DEC private mode 2026) in `Screen.mode`."""
END = b"\x1b[?2026l"
"""The end of a synchronized frame: what a terminal shows from then on."""
QUERY = b"\x1b[?2026$p"
"""Textual asks whether the terminal draws frames atomically (DECRQM 2026)..."""
ANSWER = b"\x1b[?2026;2$y"
"""...and a terminal that does says so."""
STEP = re.compile(r"\bstep (\d+)/(\d+)\b")


class ScreenReader:
    """One session's screen, `columns` × `rows`, fed with everything the session writes."""

    def __init__(self, columns: int = 100, rows: int = 30) -> None:
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.received = 0  # bytes fed so far
        self._tail = b""  # the end of the last chunk, for a query cut in two
        self._shown: list[str] = list(self.screen.display)

    def feed(self, data: bytes) -> bytes:
        """Emulate `data`; return what the terminal answers (send it back to the session)."""
        self.received += len(data)
        seen, cut = self._tail + data, len(self._tail)
        self._tail = seen[-(len(QUERY) - 1) :]
        start = 0
        end = seen.find(END)
        while end != -1:  # each frame completed in `data`, as it was when completed
            stop = max(start, end + len(END) - cut)
            self.stream.feed(data[start:stop])
            self._show()
            start = stop
            end = seen.find(END, end + 1)
        self.stream.feed(data[start:])
        self._show()
        return ANSWER * seen.count(QUERY)

    def _show(self) -> None:
        if not self.drawing:
            self._shown = list(self.screen.display)

    @property
    def drawing(self) -> bool:
        """A synchronized frame begun and not finished: a terminal still shows the last one."""
        return SYNC in self.screen.mode

    @property
    def lines(self) -> list[str]:
        """The rows as last shown (a frame in progress is not shown yet)."""
        return self._shown

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self._shown)

    def shows(self, text: str) -> bool:
        return any(text in line for line in self._shown)

    def step(self) -> tuple[int, int] | None:
        """(k, n) from the top bar's `step k/n`, or None where the top bar shows none."""
        match = STEP.search(self._shown[0]) if self._shown else None
        return (int(match.group(1)), int(match.group(2))) if match else None

    def shows_step(self, k: int, total: int) -> bool:
        return self.step() == (k, total)
