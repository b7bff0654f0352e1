"""Classroom figures over real SSH on 127.0.0.1: first screen, memory per session, and
key-to-frame latency with many students pressing keys at once.

    python benchmarks/classroom_load.py [--sessions 10 30 60] [--rounds 20] [--runs 5]
                                        [--lesson FILE] [--web]

For each session count, `--runs` runs in a row, each on a fresh `tutor serve` on a free port
with fresh keys and one lesson (self-attention unless --lesson says otherwise; only its steps
before the first `repeat` are used, since a repeat animates for a second or more); then the
spread of every figure over the runs (min, median, max) and the machine it ran on. SSH
sessions are driven with asyncssh's client (a PTY each, as `ssh -t` asks), and each session's
bytes feed an emulated screen (tests/screen.py, the same reader the tests use): a key is
answered when a complete frame on that screen shows the new `step k/n` in the top bar, never
by matching bytes. A key unanswered after 30 s stops the benchmark with what the screen shows.

Key to frame runs from writing the key to the arrival of the bytes that complete that frame,
in three ways: everyone pressing → at the same instant every 3 s, through steps none has seen
(a class following the teacher); everyone pressing ← and → as fast as frames come back (steps
seen before); and each student at their own pace. Goals (issue 7): first screen under 0.5 s,
at most 40 MB PSS per extra session, p95 key-to-frame under 150 ms with 30 sessions on 2 cores.
The client's own CPU (SSH and the emulated screens) shares the machine and is printed.
When the class presses together, each screen's bytes are stamped as they arrive and fed to its
emulated screen 0.3 s before the next key, in order: a key is answered at the arrival of the
bytes that completed its frame, as always, but thirty terminal emulators do not take the
server's two cores while the class waits (a student's terminal draws on the student's own
machine). `--live-screens` feeds them as the bytes come, as the other two scenarios must (their
next key waits for the frame).

`--web` drives the same scenarios through `tutor serve --web` instead: each student logs in
on the login page (HTTP POST, the cookie kept) and opens the websocket textual-serve's page
opens, speaking its JSON envelopes (`["stdin", keys]`), and the screen bytes it gets back feed
the same emulated screen: a browser without the browser (xterm.js's drawing is the browser's
own cost, not the server's, and a headless Chromium per student would measure the client).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
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
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import aiohttp
import asyncssh

from tutor.lesson import load_lesson, pick

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the screen reader lives with the tests, which use it too
    sys.path.insert(0, str(ROOT))

from tests.screen import LIST_TEXT, SIZE, Student, Unanswered  # noqa: E402

LESSON = ROOT / "tutor" / "lessons" / "13-self-attention.yaml"
PACE = 3.0
"""Seconds between two keys when the whole class presses together."""
READ_BEFORE = 0.3
"""Seconds before the next key at which the class's screens are read (see --live-screens)."""


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


class WebStudent(Student):
    """One student in a browser, as the server sees one: the login form, then textual-serve's
    websocket; keys go out as `["stdin", text]`, screen bytes come back as binary frames."""

    def __init__(self, name: str, port: int, password: str) -> None:
        super().__init__(name, port, None)  # type: ignore[arg-type]  # no SSH key here
        self.password = password

    async def connect(self) -> float:
        started = time.perf_counter()
        base = f"http://127.0.0.1:{self.port}"
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        reply = await self.http.post(
            f"{base}/login",
            data={"name": self.name, "password": self.password},
            allow_redirects=False,
        )
        if reply.status != 303:
            raise Unanswered(f"{self.name}: the login was refused ({reply.status})")
        width, height = SIZE
        self.ws = await self.http.ws_connect(
            f"{base}/ws?width={width}&height={height}", origin=base, max_msg_size=0
        )
        self.keys: asyncio.Queue[bytes] = asyncio.Queue()
        self.process = _Keys(self.keys)  # what Student writes keys to
        self.sender = asyncio.create_task(self._send())
        self.task = asyncio.create_task(self._read())
        await self.wait_until(lambda: self.reader.shows(LIST_TEXT), "the lesson list", 60)
        return time.perf_counter() - started

    async def _send(self) -> None:
        while True:
            data = await self.keys.get()
            await self.ws.send_str(json.dumps(["stdin", data.decode()]))

    async def _read(self) -> None:
        async for message in self.ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.received(message.data)
        self.closed()

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.ws.send_str(json.dumps(["stdin", "qqq"]))
            await self.ws.close()
        self.sender.cancel()
        self.task.cancel()
        await self.http.close()


class _Keys:
    """`process.stdin.write` for a web student: keys queued, sent in order."""

    def __init__(self, queue: asyncio.Queue[bytes]) -> None:
        self.stdin = self
        self.queue = queue

    def write(self, data: bytes) -> None:
        self.queue.put_nowait(data)


Figures = dict[str, float]
"""One run's figures by name, in ms or MB; printed as they come, then spread over the runs."""


def machine() -> str:
    """What the figures were measured on: CPU, cores, load, and the versions that matter."""
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        model = found.group(1).strip() if found else model
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = []
    for package in ("torch", "textual", "asyncssh", "pyte"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} ?")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{model}, {usable} of {os.cpu_count()} cores usable, load {load}; "
        f"{platform.python_implementation()} {platform.python_version()}, {', '.join(versions)}"
    )


async def drive(
    sessions: int,
    rounds: int,
    steps: int,
    total: int,
    title: str,
    row: int,
    names: list[str],
    make: Callable[[str], Student],
    log: Path,
    zygote_pid: int,
    server_pid: int,
    live_screens: bool = False,
) -> Figures:
    figures: Figures = {}
    over = "the web" if isinstance(make(names[0]), WebStudent) else "ssh"
    # first screens, one at a time
    firsts = []
    for name in names[:5]:
        student = make(name)
        firsts.append(await student.connect())
        await student.close()
        await asyncio.sleep(0.5)
    figures["first screen, ms"] = statistics.median(firsts) * 1000
    print(
        f"first screen over {over:<9}median {figures['first screen, ms']:.0f} ms "
        f"(of {len(firsts)}, from connect (or login) to the lesson list)"
    )

    base = pss_kb(zygote_pid)
    students = [make(name) for name in names[:sessions]]
    for student in students:
        await student.connect()
    await asyncio.sleep(2)
    pids = session_pids(log)[-len(students) :]
    together = sum(pss_kb(pid) for pid in pids) + pss_kb(zygote_pid)
    figures["memory per session, MB"] = per = (together - base) / len(students) / 1024
    print(
        f"memory per session         {per:.1f} MB PSS ({len(students)} sessions; zygote "
        f"{base / 1024:.0f} MB before, all together {together / 1024:.0f} MB)"
    )

    # open the lesson in every session (row `row` of the list)
    await asyncio.gather(*(s.open_lesson(row, title, total) for s in students))
    await asyncio.sleep(1)  # everyone reads the lesson's front page

    right, left = b"\x1b[C", b"\x1b[D"

    async def class_pace(student: Student, started: float) -> list[float]:
        """→ at the same instant as everyone else, every PACE seconds: each step new."""
        times = []
        for n in range(1, steps + 1):
            await asyncio.sleep(max(0.0, started + n * PACE - time.perf_counter()))
            if live_screens:
                times.append(await student.press_key(right, n, total))
            else:  # the screen read just before the next key: see --live-screens
                read_at = started + (n + 1) * PACE - READ_BEFORE
                times.append(await student.press_key_later(right, n, total, read_at))
        return times

    async def no_pause(student: Student, started: float) -> list[float]:
        """← and → alternately, each as soon as the last frame came: steps already seen."""
        times = []
        for n in range(rounds):
            await asyncio.sleep(0.05)
            key, k = (left, steps - 1) if n % 2 == 0 else (right, steps)
            times.append(await student.press_key(key, k, total))
        return times

    async def reading(student: Student, started: float) -> list[float]:
        """Each student on their own: 0-1 s between keys, ← and → alternately."""
        times = []
        rng = random.Random(student.name)
        back = student.reader.shows_step(steps, total)  # the last scenario may end on either
        for n in range(rounds):
            await asyncio.sleep(rng.uniform(0, 1))
            key, k = (left, steps - 1) if (n % 2 == 0) == back else (right, steps)
            times.append(await student.press_key(key, k, total))
        return times

    for scenario, short, label in (
        (class_pace, "together", f"together, a key every {PACE:.0f} s ({steps} new steps)"),
        (no_pause, "seen", "together, each key as soon as its frame came (steps seen before)"),
        (reading, "own pace", "each at their own pace, 0-1 s between keys"),
    ):
        before = [cpu_seconds(pid) for pid in pids], cpu_seconds(server_pid), time.process_time()
        started = time.perf_counter()
        results = await asyncio.gather(*(scenario(s, started) for s in students))
        after = [cpu_seconds(pid) for pid in pids], cpu_seconds(server_pid), time.process_time()
        latencies = sorted(t for r in results for t in r)
        pressed = len(latencies)
        session_cpu = (sum(after[0]) - sum(before[0])) / pressed
        server_cpu = (after[1] - before[1]) / pressed
        client_cpu = (after[2] - before[2]) / pressed
        p95 = latencies[int(0.95 * (len(latencies) - 1))]
        figures[f"{short} p50, ms"] = statistics.median(latencies) * 1000
        figures[f"{short} p95, ms"] = p95 * 1000
        figures[f"{short} max, ms"] = latencies[-1] * 1000
        print(
            f"key to frame, {len(students)} sessions {label}:\n"
            f"    median {statistics.median(latencies) * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms ({pressed} keys, "
            "every one answered)"
        )
        if scenario is class_pace:  # everyone on the same step: which steps make the tail
            slowest = (max(r[n] for r in results) * 1000 for n in range(steps))
            shown = ", ".join(f"{n}: {t:.0f}" for n, t in enumerate(slowest, 1))
            print(f"    slowest key by step, ms: {shown}")
        print(
            f"    CPU per key: {session_cpu * 1000:.1f} ms in the session, "
            f"{server_cpu * 1000:.1f} ms in the server, {client_cpu * 1000:.1f} ms in this "
            "client (its connections and emulated screens for all the students)"
        )
    # what a session holds once it has been through the steps (a frame per step, its lines)
    after = sum(pss_kb(pid) for pid in pids) + pss_kb(zygote_pid)
    figures["memory after the steps, MB"] = later = (after - base) / len(students) / 1024
    print(f"memory per session          {later:.1f} MB PSS after the steps above")
    for student in students:
        await student.close()
    return figures


def serve_and_drive(
    sessions: int,
    rounds: int,
    lesson: Path,
    walk: int,
    total: int,
    title: str,
    keys: dict[str, asyncssh.SSHKey],
    web: bool = False,
    live_screens: bool = False,
) -> Figures:
    """One run: a fresh `tutor serve` on 127.0.0.1, driven by `sessions` students (over SSH,
    or in the web classroom with `web`)."""
    folder = Path(tempfile.mkdtemp(prefix="tutor-load-"))
    # the bundled lessons as a class would have them (the list's memory counts); another
    # lesson alone in a folder of its own
    bundled = sorted(p.resolve() for p in (ROOT / "tutor" / "lessons").glob("*.yaml"))
    if lesson.resolve() in bundled:
        served, row = ROOT / "tutor" / "lessons", bundled.index(lesson.resolve())
    else:
        served, row = folder / "lessons", 0
        served.mkdir()
        shutil.copy(lesson, served)
    (folder / "keys").write_text(
        "".join(  # each key's comment is its student's name
            k.export_public_key().decode() for k in keys.values()
        )
    )
    port = free_port()
    data = folder / "data"
    login: list[str] = []
    if web:
        from tutor.classroom.auth import set_passwords

        set_passwords(folder / "passwords", {name: f"pw-{name}" for name in keys})
        web_port = free_port()
        login = ["--password-file", str(folder / "passwords"), "--web", str(web_port)]
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
            str(sessions + 5),
            "--lessons",
            str(served),
            *login,
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

        def make(name: str) -> Student:
            if web:
                return WebStudent(name, web_port, f"pw-{name}")
            return Student(name, port, keys[name])

        return asyncio.run(
            drive(
                sessions,
                rounds,
                walk,
                total,
                title,
                row,
                list(keys),
                make,
                log,
                zygote,
                server.pid,
                live_screens,
            )
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


GOALS = {
    "first screen, ms": 500.0,
    "memory per session, MB": 40.0,
    "memory after the steps, MB": 40.0,
    "together p95, ms": 150.0,
}
"""The goals of issues 7 and 23, each against the median of the runs."""


def spread(runs: list[Figures]) -> None:
    """Min, median and max of each figure over the runs, and the median against its goal."""
    print(f"    {'':<26}{'min':>8}{'median':>8}{'max':>8}   goal")
    for name in runs[0]:
        values = [run[name] for run in runs]
        low, mid, high = min(values), statistics.median(values), max(values)
        goal = GOALS.get(name)
        verdict = "" if goal is None else f"   ≤ {goal:g}: {'met' if mid <= goal else 'NOT met'}"
        print(f"    {name:<26}{low:>8.1f}{mid:>8.1f}{high:>8.1f}{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, nargs="+", default=[30])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--runs", type=int, default=1, help="runs in a row, for each count")
    parser.add_argument("--lesson", type=Path, default=LESSON)
    parser.add_argument(
        "--web", action="store_true", help="students in the web classroom (tutor serve --web)"
    )
    parser.add_argument(
        "--live-screens",
        action="store_true",
        help="when the class presses together, feed each emulated screen as its bytes come "
        "(on the server's cores, while the class waits) instead of just before the next key",
    )
    args = parser.parse_args()
    lesson = load_lesson(args.lesson).lesson
    # the steps up to the first that repeats (a repeat animates for a second or more)
    walk = next((k for k, step in enumerate(lesson.steps) if step.repeat), len(lesson.steps))
    if walk < 2:
        raise SystemExit(f"{args.lesson} repeats in its first two steps: choose another")
    keys = {
        f"s{n:02d}": asyncssh.generate_private_key("ssh-ed25519", comment=f"s{n:02d}")
        for n in range(max(*args.sessions, 5))
    }
    title = pick(lesson.title, "en")  # the list's and the top bar's, in the server's language
    print(f"machine: {machine()}")
    spreads: dict[int, list[Figures]] = {}
    for sessions in args.sessions:
        for run in range(1, args.runs + 1):
            print(f"\n== {sessions} sessions, run {run} of {args.runs} (load {machine_load()})")
            try:
                figures = serve_and_drive(
                    sessions,
                    args.rounds,
                    args.lesson,
                    walk,
                    len(lesson.steps),
                    title,
                    keys,
                    args.web,
                    args.live_screens,
                )
            except Unanswered as lost:
                raise SystemExit(f"a key went unanswered: {lost}") from None
            spreads.setdefault(sessions, []).append(figures)
    print(f"\nspread over {args.runs} run(s) in a row; machine: {machine()}")
    for sessions, runs in spreads.items():
        print(f"  {sessions} sessions, {args.rounds} rounds, {args.lesson.name}:")
        spread(runs)


def machine_load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
