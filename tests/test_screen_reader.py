"""The emulated screen the classroom tests and benchmark read keys off (tests/screen.py):
a frame counts only once complete, and a key read after the fact is timed to the bytes that
completed its frame, not to when they were read."""

from __future__ import annotations

import asyncio
import time

from .screen import ANSWER, QUERY, ScreenReader, Student

BEGIN, END = b"\x1b[?2026h", b"\x1b[?2026l"


def top_bar(text: str) -> bytes:
    return b"\x1b[1;1H\x1b[2K" + text.encode()


def test_a_frame_shows_only_once_it_is_complete() -> None:
    reader = ScreenReader(40, 5)
    reader.feed(top_bar("tutor  step 0/3"))
    assert reader.step() == (0, 3)
    reader.feed(BEGIN + top_bar("tutor  step 1/3"))  # half a frame: the old one still shows
    assert reader.drawing and reader.step() == (0, 3)
    reader.feed(b"\x1b[38;2;1;2;3m" + END)  # colours never move text; the end shows it
    assert not reader.drawing and reader.step() == (1, 3)


def test_the_terminal_answers_a_query_cut_in_two() -> None:
    reader = ScreenReader(40, 5)
    assert reader.feed(QUERY[:4]) == b""
    assert reader.feed(QUERY[4:]) == ANSWER


class Keys:
    def __init__(self) -> None:
        self.stdin = self
        self.sent: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.sent.append(data)


async def test_a_key_read_later_is_timed_to_the_bytes_that_completed_its_frame() -> None:
    student = Student("s00", 0, None)  # type: ignore[arg-type]  # no connection: bytes by hand
    student.process = Keys()  # type: ignore[assignment]
    student.received(top_bar("tutor  step 0/3"))
    completed: list[float] = []

    async def session() -> None:  # the frame in two pieces, 0.1 s after the key
        await asyncio.sleep(0.05)
        student.received(BEGIN + top_bar("tutor  step 1/3"))
        await asyncio.sleep(0.05)
        student.received(END)
        completed.append(student.at)
        await asyncio.sleep(0.05)
        student.received(top_bar("tutor  step 1/3 · later frame"))

    pressed = time.perf_counter()
    answering = asyncio.create_task(session())
    took = await student.press_key_later(b"\x1b[C", 1, 3, until=pressed + 0.4)
    await answering
    assert time.perf_counter() - pressed >= 0.4  # read at `until`, not as the bytes came
    assert student.process.sent == [b"\x1b[C"]
    assert abs(pressed + took - completed[0]) < 0.01, (took, completed)
    assert student.reader.shows("later frame")  # every byte held was fed, in order
