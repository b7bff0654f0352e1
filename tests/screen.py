"""The screen as a person sees it: a terminal emulator (pyte) fed with a session's bytes.

The classroom tests and benchmarks/classroom_load.py both ask "did the key show its step?"
here, so a figure and a test cannot disagree on what counts as answered. A byte pattern can
miss a line drawn in pieces, or match text a later write overwrote; the emulated screen cannot.
Like a terminal that supports synchronized output (and Textual uses it once the terminal says
so), a frame counts only once it is complete: while one is half drawn, the reader shows the
screen as it was before. `Student` is one SSH session read this way.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable

import asyncssh
import pyte
from wcwidth import wcwidth  # pyte's own measure of a character's cells

SYNC = 2026 << 5
"""pyte's mark for synchronized output (DEC private mode 2026) in `Screen.mode`."""
END = b"\x1b[?2026l"
"""The end of a synchronized frame: what a terminal shows from then on."""
QUERY = b"\x1b[?2026$p"
"""Textual asks whether the terminal draws frames atomically (DECRQM 2026)..."""
ANSWER = b"\x1b[?2026;2$y"
"""...and a terminal that does says so."""
COLOURS = re.compile(rb"\x1b\[[0-9;:]*m")
"""Colours and styles (SGR): most of a frame's bytes, and they never move or change text, so
they are dropped before emulation (with rows kept as they change, not the whole screen per
frame, the reader does a third of the work it did)."""
STEP = re.compile(r"\bstep (\d+)/(\d+)\b")
LISTED = re.compile(r"\b(\d+) lessons?\b")
"""The lesson list's top bar once every file is read (the list fills in as files load)."""
SIZE = (100, 30)
LIST_TEXT = "lessons"
"""On the lesson list's screen: the session has started."""
KEY_TIMEOUT = 30.0
"""Seconds a key may take before it counts as unanswered (a person would have given up)."""


class ScreenReader:
    """One session's screen, `columns` × `rows`, fed with everything the session writes."""

    def __init__(self, columns: int = 100, rows: int = 30) -> None:
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.received = 0  # bytes fed so far
        self._tail = b""  # the end of the last chunk, for a query cut in two
        self._shown: list[str] = list(self.screen.display)
        self.screen.dirty.clear()

    def feed(self, data: bytes) -> bytes:
        """Emulate `data`; return what the terminal answers (send it back to the session)."""
        self.received += len(data)
        seen, cut = self._tail + data, len(self._tail)
        self._tail = seen[-(len(QUERY) - 1) :]
        start = 0
        end = seen.find(END)
        while end != -1:  # each frame completed in `data`, as it was when completed
            stop = max(start, end + len(END) - cut)
            self.stream.feed(COLOURS.sub(b"", data[start:stop]))
            self._show()
            start = stop
            end = seen.find(END, end + 1)
        self.stream.feed(COLOURS.sub(b"", data[start:]))
        self._show()
        return ANSWER * seen.count(QUERY)

    def _show(self) -> None:
        """What a terminal shows now, where no frame is half drawn: the rows changed since."""
        screen = self.screen
        if self.drawing:
            return
        for y in screen.dirty:
            if 0 <= y < screen.lines:
                self._shown[y] = self._row(y)
        screen.dirty.clear()

    def _row(self, y: int) -> str:
        """Row `y` as text, as pyte's `display` makes it (a wide character fills two cells)."""
        line, cells, wide = self.screen.buffer[y], [], False
        for x in range(self.screen.columns):
            if wide:
                wide = False
                continue
            char = line[x].data
            wide = wcwidth(char[0]) == 2
            cells.append(char)
        return "".join(cells)

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

    def listed(self) -> int | None:
        """How many lessons the list's top bar says it read, once it has read them all."""
        match = LISTED.search(self._shown[0]) if self._shown else None
        return int(match.group(1)) if match else None


class Unanswered(Exception):
    """A key whose step the emulated screen never showed: what it showed instead."""


class Student:
    """One student: an asyncssh client session with a PTY (as `ssh -t` asks), every byte
    it receives fed to a `ScreenReader`, answering the terminal queries a terminal would."""

    def __init__(self, name: str, port: int, key: asyncssh.SSHKey) -> None:
        self.name, self.port, self.key = name, port, key
        self.reader = ScreenReader(*SIZE)
        self.ended = False  # the session closed its side (the app exited or crashed)
        self.tail = b""  # the last bytes received, to say what went wrong
        self.at = 0.0  # when the bytes last fed to the screen came
        self._want: tuple[Callable[[], bool], asyncio.Future[float]] | None = None
        self._held: list[tuple[float, bytes]] | None = None  # (arrival, bytes) not yet fed

    async def connect(self) -> float:
        started = time.perf_counter()
        self.conn = await asyncssh.connect(
            "127.0.0.1", self.port, username=self.name, client_keys=[self.key], known_hosts=None
        )
        self.process = await self.conn.create_process(
            term_type="xterm-256color", term_size=SIZE, encoding=None
        )
        self.task = asyncio.create_task(self._read())
        await self.wait_until(lambda: self.reader.shows(LIST_TEXT), "the lesson list", 60)
        return time.perf_counter() - started

    async def _read(self) -> None:
        while True:
            data = await self.process.stdout.read(65536)
            if not data:
                self.closed()
                return
            self.received(data)

    def received(self, data: bytes) -> None:
        """Bytes from the session, stamped as they come: fed to the screen now, or kept to be
        fed later while `press_key_later` holds them."""
        self.at = time.perf_counter()
        self.tail = (self.tail + data)[-200:]
        if self._held is not None:
            self._held.append((self.at, data))
        else:
            self._feed(self.at, data)

    def _feed(self, at: float, data: bytes) -> None:
        answer = self.reader.feed(data)
        if answer:  # a terminal says it draws frames whole, and Textual then does
            self.process.stdin.write(answer)
        if self._want is not None and self._want[0]():
            if not self._want[1].done():
                self._want[1].set_result(at)
            self._want = None

    def closed(self) -> None:
        self.ended = True
        if self._want is not None and not self._want[1].done():
            self._want[1].set_exception(Unanswered(f"{self.name}: the session ended"))

    async def wait_until(self, shown: Callable[[], bool], what: str, timeout: float) -> float:
        """When the emulated screen first showed what `shown` looks for (the arrival time of
        the bytes that completed it)."""
        if shown():
            return self.at
        if self.ended:
            raise Unanswered(f"{self.name}: the session ended before {what}")
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._want = (shown, future)
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise Unanswered(
                f"{self.name}: {what} not shown after {timeout:.0f} s; {self}"
            ) from None
        finally:
            self._want = None

    async def open_lesson(self, row: int, title: str, total: int) -> None:
        """Open the lesson on row `row` of the list, as a person would: only once the list
        shows every lesson (it fills in as files load, and ↓ cannot pass the last row yet
        there: keys sent at the first frame opened another lesson, issue 23), then check
        that the lesson opened is `title` with `total` steps."""
        await self.wait_until(lambda: self.reader.listed() is not None, "the whole list", 60)
        self.process.stdin.write(b"\x1b[B" * row + b"\r")
        await self.wait_until(lambda: self.reader.step() is not None, "a lesson", 60)
        if self.reader.step() != (0, total) or title[:40] not in self.reader.lines[0]:
            raise Unanswered(f"{self.name}: row {row} did not open {title!r}; {self}")

    def __str__(self) -> str:
        """What the screen shows, for a key left unanswered."""
        reader = self.reader
        half = " (a frame begun and not finished)" if reader.drawing else ""
        return (
            f"{reader.received} bytes received, the last {self.tail!r}; the screen shows "
            f"step {reader.step()}{half}:\n{reader.text()}"
        )

    async def press_key(self, data: bytes, k: int, total: int) -> float:
        """Seconds from sending a key to the complete frame whose top bar shows `step k/n`."""
        if self.reader.shows_step(k, total):
            raise ValueError(f"step {k}/{total} is on screen already: the key shows nothing new")
        started = time.perf_counter()
        self.process.stdin.write(data)
        shown = await self.wait_until(
            lambda: self.reader.shows_step(k, total), f"step {k}/{total}", KEY_TIMEOUT
        )
        return shown - started

    async def close(self) -> None:
        self.process.stdin.write(b"qqq")
        self.conn.close()
        self.task.cancel()

    async def press_key_later(self, data: bytes, k: int, total: int, until: float) -> float:
        """`press_key`, with the screen read after the fact: the bytes are stamped as they
        arrive and fed to the emulated screen at `until` (a `perf_counter` time), in order, and
        the key took until the arrival of the bytes that completed its frame, as with
        `press_key`. A student's terminal draws on the student's own machine; an emulated
        one in this process would take the server's cores while the class waits for them."""
        if self.reader.shows_step(k, total):
            raise ValueError(f"step {k}/{total} is on screen already: the key shows nothing new")
        self._held = []
        started = time.perf_counter()
        self.process.stdin.write(data)
        await asyncio.sleep(max(0.0, until - started))
        held, self._held = self._held, None
        shown = None
        for at, chunk in held:
            self._feed(at, chunk)
            if shown is None and self.reader.shows_step(k, total):
                shown = at
        if shown is None:  # not there yet: wait for it as it comes
            left = max(0.0, started + KEY_TIMEOUT - time.perf_counter())
            shown = await self.wait_until(
                lambda: self.reader.shows_step(k, total), f"step {k}/{total}", left
            )
        return shown - started
