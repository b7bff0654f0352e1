"""Time to first frame: `tutor` (the lesson list) against a bare Textual app, in the same run.

    python benchmarks/app_startup.py [--runs 7]

Each program starts on a real pseudo-terminal; the clock runs from the fork to the moment the
frame carrying the awaited text has fully arrived on the terminal (no byte for 10 ms after it).
For `tutor` three moments are timed: the first frame (the list's top bar), the first lesson
drawn in the list, and "torch ready" in the status line; and for `tutor FILE` its first frame.
Prints medians; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _terminal import ROOT, Terminal, median, python

BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Static

class Bare(App):
    def compose(self):
        yield Static("bare app ready")
        yield Footer()

Bare().run()
"""
LESSONS = (
    ROOT / "tests" / "app_lessons"
)  # fixed lessons: the figures do not drift as lessons are added


def fresh_data() -> list[str]:
    """An empty progress store: saved progress would ask to resume before the first frame."""
    return ["--data", tempfile.mkdtemp(prefix="tutor-startup-")]


def time_bare() -> float:
    term = Terminal([python(), "-c", BARE_APP])
    try:
        return term.wait_for("bare app ready") - term.started
    finally:
        term.close()


def time_tutor(folder: Path) -> tuple[float, float, float]:
    term = Terminal([python(), "-m", "tutor.cli", str(folder), "--device", "cpu", *fresh_data()])
    try:
        first = term.wait_for("lessons") - term.started
        listed = term.wait_for("One linear layer") - term.started
        ready = term.wait_for("torch ready") - term.started
        return first, listed, ready
    finally:
        term.close()


def time_direct(lesson: Path) -> float:
    """`tutor FILE`: the lesson screen's first frame (its footer), before torch."""
    term = Terminal([python(), "-m", "tutor.cli", str(lesson), "--device", "cpu", *fresh_data()])
    try:
        return term.wait_for("lessons  ? help") - term.started
    finally:
        term.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--folder", type=Path, default=LESSONS)
    args = parser.parse_args()
    time_bare(), time_tutor(args.folder)  # warm the file system cache, not the figures
    bare, first, listed, ready, direct = [], [], [], [], []
    for _ in range(args.runs):  # interleaved, so both see the same machine
        bare.append(time_bare())
        a, b, c = time_tutor(args.folder)
        first.append(a)
        listed.append(b)
        ready.append(c)
        direct.append(time_direct(args.folder / "01-layer.yaml"))
    ms = lambda xs: f"{1000 * median(xs):7.0f} ms"  # noqa: E731
    print(f"time to first frame, median of {args.runs} runs on a pseudo-terminal (100×30)")
    print(f"  bare Textual app                 {ms(bare)}")
    extra = 1000 * (median(first) - median(bare))
    print(f"  tutor: first frame (the list)    {ms(first)}   ({extra:+.0f} ms against bare)")
    print(f"  tutor: first lesson in the list  {ms(listed)}")
    print(f"  tutor: torch ready               {ms(ready)}")
    print(f"  tutor FILE: first frame          {ms(direct)}")


if __name__ == "__main__":
    main()
