"""Where a key's CPU goes inside one lesson session: Textual's layout, its compositor, its
styles cache (the framing every Line API widget's lines pass through), and the app's own code.

    python benchmarks/textual_costs.py [--lesson lessons/13-self-attention.yaml] [--rounds 3]

Runs the app headless (Textual's test driver, 100×30, CPU), steps through the lesson and back
`rounds` times under cProfile, and prints, per key, the CPU spent in each part. The figures
back docs/textual-costs.md, a report of what Textual costs per frame that could go upstream.
Reads Textual's internals by name through the profiler only; nothing here calls them.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PARTS = {
    "whole key (all threads of the event loop)": ("app.py", "_on_key"),
    "Textual: screen layout (arrange)": ("screen.py", "_refresh_layout"),
    "Textual: compositor render_update": ("_compositor.py", "render_update"),
    "Textual: styles cache (framing lines)": ("_styles_cache.py", "render_widget"),
    "tutor: redraw (parts, measure)": ("lesson.py", "redraw"),
    "tutor: document render_line": ("document.py", "render_line"),
    "tutor: bars' line": ("line_bar.py", "render_line"),
}


def cumulative(stats: pstats.Stats, file: str, function: str) -> float:
    total = 0.0
    for (path, _line, name), row in stats.stats.items():  # type: ignore[attr-defined]
        if name == function and path.endswith(file):
            total += row[3]
    return total


async def measure(
    lesson: Path, rounds: int, profiled: bool
) -> tuple[pstats.Stats | None, int, float]:
    from tests.app_support import goto, lesson_app, wait_started

    os.environ["TUTOR_DATA_DIR"] = tempfile.mkdtemp()  # no saved progress: no resume prompt
    app = lesson_app(lesson)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_started(pilot)
        total = screen.session.total if screen.session else 0
        await goto(pilot, total)  # every step computed once: what follows is showing them
        for _ in range(total):
            await pilot.press("left")
        profile = cProfile.Profile()
        keys = 0
        started = time.process_time()
        if profiled:
            profile.enable()
        for _ in range(rounds):
            for key in ["right"] * total + ["left"] * total:
                await pilot.press(key)
                keys += 1
        profile.disable()
        cpu = time.process_time() - started
    return (pstats.Stats(profile) if profiled else None), keys, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--lesson", type=Path, default=ROOT / "tutor" / "lessons" / "13-self-attention.yaml"
    )
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    _, keys, cpu = asyncio.run(measure(args.lesson, args.rounds, profiled=False))
    print(f"{keys} keys (→ and ← through {args.lesson.name}, steps seen before), 100×30")
    print(f"  {'CPU per key, no profiler (test driver included)':48} {1000 * cpu / keys:6.2f} ms")
    stats, keys, cpu = asyncio.run(measure(args.lesson, args.rounds, profiled=True))
    assert stats is not None
    print(f"  {'the same under cProfile (inflated; shares below)':48} {1000 * cpu / keys:6.2f} ms")
    for label, (file, function) in PARTS.items():
        share = cumulative(stats, file, function) / keys
        print(f"  {label:48} {1000 * share:6.2f} ms")


if __name__ == "__main__":
    main()
