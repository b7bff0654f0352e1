"""Engine figures: `tutor check tutor/lessons/` end to end, and one step once torch is loaded.

    python benchmarks/engine.py [--device cpu|cuda] [--runs 5]

Prints medians; nothing is asserted (targets: one step under 5 ms median on the CPU).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "tutor" / "lessons"


def check_wall(runs: int, device: str | None) -> list[float]:
    times = []
    extra = ["--device", device] if device else []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "tutor.cli", "check", str(LESSONS), *extra],
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - started)
    return times


def step_times(device: str | None, runs: int) -> tuple[list[float], list[float], list[float]]:
    from tutor.engine.run import Run
    from tutor.lesson import find_lessons, load_lesson

    fresh, repeat, back = [], [], []
    lessons = [load_lesson(p) for p in find_lessons(LESSONS)]
    Run(lessons[0], device=device).run_all()  # warm up torch's kernels
    for _ in range(runs):
        for lesson in lessons:
            run = Run(lesson, device=device)
            for step in lesson.lesson.steps:
                started = time.perf_counter()
                if not run.forward():
                    break
                elapsed = time.perf_counter() - started
                (repeat if step.repeat else fresh).append(elapsed)
            while run.position:
                started = time.perf_counter()
                run.back()
                if run.position:
                    run.view()  # what the screen draws after the key
                back.append(time.perf_counter() - started)
    return fresh, repeat, back


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--device", default=None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    import torch

    print(
        f"torch {torch.__version__} · device {args.device or 'auto'} · "
        f"{len(list(LESSONS.glob('*.yaml')))} lessons"
    )
    wall = check_wall(args.runs, args.device)
    print(
        f"tutor check tutor/lessons/ median {statistics.median(wall):.2f} s "
        f"(min {min(wall):.2f}, max {max(wall):.2f}, {args.runs} runs, includes start-up)"
    )
    fresh, repeat, back = step_times(args.device, args.runs)

    def ms(xs: list[float], q: float = 0.5) -> str:
        xs = sorted(xs)
        return f"{xs[min(len(xs) - 1, int(q * len(xs)))] * 1000:.2f} ms"

    print(f"one step (computed)    median {ms(fresh)}  p95 {ms(fresh, 0.95)}  ({len(fresh)} steps)")
    if repeat:
        print(
            f"one repeat step        median {ms(repeat)}  p95 {ms(repeat, 0.95)}  "
            f"({len(repeat)} steps, whole loop)"
        )
    print(f"one step back          median {ms(back)}  p95 {ms(back, 0.95)}")


if __name__ == "__main__":
    main()
