"""Classroom figures over real SSH on 127.0.0.1: first screen, memory per session, and
key-to-frame latency with many students pressing keys at once.

    python benchmarks/classroom_load.py [--sessions 30] [--rounds 20] [--lesson FILE]

Starts `tutor serve` on a free port with fresh keys and one lesson (self-attention unless
--lesson says otherwise; only its steps before the first `repeat` are used, since a repeat
animates for a second or more),
drives SSH sessions with asyncssh's client (a PTY each, as `ssh -t` asks), and prints the
figures. Key to frame runs from writing the key to the arrival of the frame that shows the new
`step k/n`, in three ways: everyone pressing → at the same instant every 3 s, through steps
none has seen (a class following the teacher); everyone pressing ← and → as fast as frames come
back (steps seen before); and each student at their own pace. Goals (issue 7): first screen
under 0.5 s, at most 40 MB PSS per extra session, p95 key-to-frame under 150 ms with 30
sessions on 2 cores.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncssh

from tutor.lesson import load_lesson

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "lessons" / "13-self-attention.yaml"
PACE = 3.0
"""Seconds between two keys when the whole class presses together."""
LIST_TEXT = b"lessons"
STEP_TEXT = b"step 0/"  # the lesson's intro, after Enter on the list


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pss_kb(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    match = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
    return int(match.group(1)) if match else 0


def cpu_seconds(pid: int) -> float:
    """CPU time `pid` has used, all its threads together (schedstat: nanoseconds)."""
    total = 0
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            total += int((task / "schedstat").read_text().split()[0])
    except (OSError, ValueError):
        pass
    return total / 1e9


def session_pids(log: Path) -> list[int]:
    return [int(p) for p in re.findall(r"session start: \S+ pid (\d+)", log.read_text())]


class Student:
    def __init__(self, name: str, port: int, key: asyncssh.SSHKey) -> None:
        self.name, self.port, self.key = name, port, key
        self.buffer = bytearray()
        self.arrived = asyncio.Event()

    async def connect(self) -> float:
        started = time.perf_counter()
        self.conn = await asyncssh.connect(
            "127.0.0.1", self.port, username=self.name, client_keys=[self.key], known_hosts=None
        )
        self.process = await self.conn.create_process(
            term_type="xterm-256color", term_size=(100, 30), encoding=None
        )
        self.reader = asyncio.create_task(self._read())
        await self.wait_for(LIST_TEXT)
        return time.perf_counter() - started

    async def _read(self) -> None:
        while True:
            data = await self.process.stdout.read(65536)
            if not data:
                return
            self.buffer += data
            self.arrived.set()

    async def wait_for(self, text: bytes, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.buffer:
            self.arrived.clear()
            await asyncio.wait_for(self.arrived.wait(), max(0.01, deadline - time.monotonic()))

    async def press_key(self, data: bytes, shows: str) -> float:
        """Seconds from sending a key to the frame that shows `shows` (the top bar's
        `step k/n`, drawn in the same write as the rest of the frame)."""
        self.buffer.clear()
        started = time.perf_counter()
        self.process.stdin.write(data)
        await self.wait_for(shows.encode(), timeout=30)
        return time.perf_counter() - started

    async def close(self) -> None:
        self.process.stdin.write(b"qqq")
        self.conn.close()
        self.reader.cancel()


async def drive(
    args: argparse.Namespace,
    steps: int,
    total: int,
    row: int,
    port: int,
    keys: dict[str, asyncssh.SSHKey],
    log: Path,
    zygote_pid: int,
    server_pid: int,
) -> None:
    names = list(keys)
    # first screens, one at a time
    firsts = []
    for name in names[:5]:
        student = Student(name, port, keys[name])
        firsts.append(await student.connect())
        await student.close()
        await asyncio.sleep(0.5)
    print(
        f"first screen over ssh      median {statistics.median(firsts) * 1000:.0f} ms "
        f"(of {len(firsts)}, from connect to the lesson list)"
    )

    base = pss_kb(zygote_pid)
    students = [Student(name, port, keys[name]) for name in names[: args.sessions]]
    for student in students:
        await student.connect()
    await asyncio.sleep(2)
    pids = session_pids(log)[-len(students) :]
    together = sum(pss_kb(pid) for pid in pids) + pss_kb(zygote_pid)
    per = (together - base) / len(students) / 1024
    print(
        f"memory per session         {per:.1f} MB PSS ({len(students)} sessions; zygote "
        f"{base / 1024:.0f} MB before, all together {together / 1024:.0f} MB)"
    )

    for student in students:  # open the lesson in every session (row `row` of the list)
        student.process.stdin.write(b"\x1b[B" * row + b"\r")
    await asyncio.gather(*(s.wait_for(STEP_TEXT) for s in students))
    await asyncio.sleep(1)  # everyone reads the lesson's front page

    right, left = b"\x1b[C", b"\x1b[D"

    async def class_pace(student: Student, started: float) -> list[float]:
        """→ at the same instant as everyone else, once a second: each step new."""
        times = []
        for n in range(1, steps + 1):
            await asyncio.sleep(max(0.0, started + n * PACE - time.perf_counter()))
            times.append(await student.press_key(right, f"step {n}/{total}"))
        return times

    async def no_pause(student: Student, started: float) -> list[float]:
        """← and → alternately, each as soon as the last frame came: steps already seen."""
        times = []
        for n in range(args.rounds):
            back = n % 2 == 0
            await asyncio.sleep(0.05)
            key, k = (left, steps - 1) if back else (right, steps)
            times.append(await student.press_key(key, f"step {k}/{total}"))
        return times

    async def reading(student: Student, started: float) -> list[float]:
        """Each student on their own: 0-1 s between keys, ← and → alternately."""
        times = []
        rng = random.Random(student.name)
        for n in range(args.rounds):
            await asyncio.sleep(rng.uniform(0, 1))
            key, k = (left, steps - 1) if n % 2 == 0 else (right, steps)
            times.append(await student.press_key(key, f"step {k}/{total}"))
        return times

    for scenario, label in (
        (class_pace, f"together, a key every {PACE:.0f} s ({steps} new steps)"),
        (no_pause, "together, each key as soon as its frame came (steps seen before)"),
        (reading, "each at their own pace, 0-1 s between keys"),
    ):
        before = [cpu_seconds(pid) for pid in pids], cpu_seconds(server_pid), time.process_time()
        started = time.perf_counter()
        results = await asyncio.gather(*(scenario(s, started) for s in students))
        after = [cpu_seconds(pid) for pid in pids], cpu_seconds(server_pid), time.process_time()
        latencies = sorted(t for r in results for t in r)
        keys = len(latencies)
        session_cpu = (sum(after[0]) - sum(before[0])) / keys
        server_cpu = (after[1] - before[1]) / keys
        client_cpu = (after[2] - before[2]) / keys
        p95 = latencies[int(0.95 * (len(latencies) - 1))]
        print(
            f"key to frame, {len(students)} sessions {label}:\n"
            f"    median {statistics.median(latencies) * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms ({keys} keys)"
        )
        if scenario is class_pace:  # everyone on the same step: which steps make the tail
            slowest = (max(r[n] for r in results) * 1000 for n in range(steps))
            shown = ", ".join(f"{n}: {t:.0f}" for n, t in enumerate(slowest, 1))
            print(f"    slowest key by step, ms: {shown}")
        print(
            f"    CPU per key: {session_cpu * 1000:.1f} ms in the session, "
            f"{server_cpu * 1000:.1f} ms in the server, {client_cpu * 1000:.1f} ms in this "
            "client (its SSH for all the students)"
        )
    for student in students:
        await student.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--lesson", type=Path, default=LESSON)
    args = parser.parse_args()
    lesson = load_lesson(args.lesson).lesson
    # the steps up to the first that repeats (a repeat animates for a second or more)
    walk = next((k for k, step in enumerate(lesson.steps) if step.repeat), len(lesson.steps))
    if walk < 2:
        raise SystemExit(f"{args.lesson} repeats in its first two steps: choose another")
    folder = Path(tempfile.mkdtemp(prefix="tutor-load-"))
    # the bundled lessons as a class would have them (the list's memory counts); another
    # lesson alone in a folder of its own
    bundled = sorted(p.resolve() for p in (ROOT / "lessons").glob("*.yaml"))
    if args.lesson.resolve() in bundled:
        served, row = ROOT / "lessons", bundled.index(args.lesson.resolve())
    else:
        served, row = folder / "lessons", 0
        served.mkdir()
        shutil.copy(args.lesson, served)
    keys = {
        f"s{n:02d}": asyncssh.generate_private_key("ssh-ed25519", comment=f"s{n:02d}")
        for n in range(max(args.sessions, 5))
    }
    (folder / "keys").write_text(
        "".join(  # each key's comment is its student's name
            k.export_public_key().decode() for k in keys.values()
        )
    )
    port = free_port()
    data = folder / "data"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tutor.cli",
            "serve",
            "--port",
            str(port),
            "--authorized-keys",
            str(folder / "keys"),
            "--data",
            str(data),
            "--max-sessions",
            str(args.sessions + 5),
            "--lessons",
            str(served),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    log = data / "server.log"
    try:
        deadline = time.monotonic() + 120
        while not (log.exists() and "listening" in log.read_text()):
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.2)
        zygote = int(
            subprocess.run(
                ["pgrep", "-f", "-P", str(server.pid), "tutor.classroom.zygote"],
                capture_output=True,
                text=True,
            ).stdout.split()[0]
        )
        asyncio.run(drive(args, walk, len(lesson.steps), row, port, keys, log, zygote, server.pid))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
