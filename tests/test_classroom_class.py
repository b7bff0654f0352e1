"""Thirty students pressing at once over real SSH (issue 23): every key is answered.

Each student is an asyncssh session whose bytes feed an emulated screen (tests/screen.py, the
same reader benchmarks/classroom_load.py counts with); a key is answered once a complete frame
shows its new `step k/n`. The whole class presses → at the same instant through new steps, then
← and → as fast as frames come back. Timing is the benchmark's business: here the bounds are
generous (30 s a key) and only a key never answered fails, so a slow shared machine cannot
make this test flaky.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from tutor.lesson import load_lesson, pick

from .classroom_harness import LESSONS, Server, start_server
from .screen import KEY_TIMEOUT, Student

STUDENTS = 30
LESSON = LESSONS / "13-self-attention.yaml"  # the benchmark's lesson: no repeats to animate
TOGETHER = 3  # new steps the whole class walks through together
BACK_AND_FORTH = 4  # then ← and → alternately, each as soon as its frame came


async def _class(server: Server, row: int, title: str, total: int) -> int:
    """Drive the class; returns how many keys were answered (each one awaited)."""
    students = [server.student(f"s{n:02d}") for n in range(STUDENTS)]
    logging_in = asyncio.Semaphore(10)  # well under the server's cap on logins in progress

    async def connect(student: Student) -> None:
        async with logging_in:
            await student.connect()

    await asyncio.gather(*(connect(s) for s in students))
    await asyncio.gather(*(s.open_lesson(row, title, total) for s in students))
    answered = 0

    async def back_and_forth(student: Student) -> int:
        for n in range(BACK_AND_FORTH):
            key, k = (b"\x1b[D", TOGETHER - 1) if n % 2 == 0 else (b"\x1b[C", TOGETHER)
            await student.press_key(key, k, total)
        return BACK_AND_FORTH

    try:
        for k in range(1, TOGETHER + 1):
            if k < TOGETHER:
                pressed = [s.press_key(b"\x1b[C", k, total) for s in students]
            else:  # as the benchmark times the class: screens read after the fact, 1 s on
                read_at = time.perf_counter() + 1.0
                pressed = [s.press_key_later(b"\x1b[C", k, total, read_at) for s in students]
            took = await asyncio.gather(*pressed)
            assert all(0 < t < KEY_TIMEOUT for t in took), took
            answered += len(students)
        answered += sum(await asyncio.gather(*(back_and_forth(s) for s in students)))
    finally:
        for student in students:
            await student.close()
    return answered


def test_thirty_students_pressing_at_once_see_every_key_answered(tmp_path: Path) -> None:
    lesson = load_lesson(LESSON).lesson
    total, title = len(lesson.steps), pick(lesson.title, "en")
    row = sorted(p.name for p in LESSONS.glob("*.yaml")).index(LESSON.name)
    names = tuple(f"s{n:02d}" for n in range(STUDENTS))
    server = start_server(tmp_path, names, "--max-sessions", str(STUDENTS + 5))
    try:
        answered = asyncio.run(_class(server, row, title, total))
    finally:
        server.stop()
    assert answered == STUDENTS * (TOGETHER + BACK_AND_FORTH)
    assert server.log.count("session start:") == STUDENTS


def test_a_lesson_opened_as_soon_as_the_list_appears_is_the_one_asked_for(tmp_path: Path) -> None:
    """The list's first frame comes before any lesson file is read (a worker adds them as they
    load), so ↓ sent then stops short, and Enter opens another lesson or none: what timed out
    the load benchmark (issue 23). `open_lesson` waits until the list shows every lesson."""
    lesson = load_lesson(LESSON).lesson
    total, title = len(lesson.steps), pick(lesson.title, "en")
    row = sorted(p.name for p in LESSONS.glob("*.yaml")).index(LESSON.name)
    server = start_server(tmp_path, ("ada",))

    async def open_at_once() -> tuple[int, int] | None:
        student = server.student("ada")
        await student.connect()  # returns at the first frame that says "lessons"
        try:
            await student.open_lesson(row, title, total)
            return student.reader.step()
        finally:
            await student.close()

    try:
        assert asyncio.run(open_at_once()) == (0, total)
    finally:
        server.stop()
