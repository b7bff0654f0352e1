"""Key-to-frame latency in a lesson, once torch is loaded: → (next) and ← (back).

    python benchmarks/app_keys.py [--sessions 3] [--rounds 5]

`tutor` runs a fixed 8-step lesson on a real pseudo-terminal (100×30, CPU). The clock runs from
writing the key to the PTY to the moment the frame showing `step k/8` has fully arrived (no
byte for 10 ms after it, not counted). Keys are pressed one at a time, the app idle in between
(as a learner reads each step), not held down. Each session steps to the end and back `rounds`
times: the first pass forward computes each step, the later ones restore kept frames. Prints
the median and 95th percentile of each kind; asserts nothing (the target is 50 ms).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _terminal import ROOT, Terminal, median, percentile, python

LESSON = ROOT / "tests" / "app_lessons" / "01-layer.yaml"
TOTAL = 8
RIGHT, LEFT = b"\x1b[C", b"\x1b[D"
SLOW = {8}  # the step that repeats 30 times, in a worker: reported on its own


def session(rounds: int, verbose: bool = False) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"next, first run": [], "next, kept": [], "back": []}
    times["repeat step, first run"] = []
    data = tempfile.mkdtemp(prefix="tutor-keys-")  # no saved progress: no offer to resume
    term = Terminal([python(), "-m", "tutor.cli", str(LESSON), "--device", "cpu", "--data", data])
    try:
        term.wait_for(f"step 0/{TOTAL}", timeout=60)
        for round_ in range(rounds):
            for k in range(1, TOTAL + 1):
                term.settle()
                sent = term.send(RIGHT)
                took = term.wait_for(f"step {k}/{TOTAL}") - sent
                if round_ == 0:
                    times["repeat step, first run" if k in SLOW else "next, first run"].append(took)
                    if verbose:
                        print(f"    first run of step {k}: {1000 * took:.1f} ms")
                else:
                    times["next, kept"].append(took)
            for k in range(TOTAL - 1, -1, -1):
                term.settle()
                sent = term.send(LEFT)
                times["back"].append(term.wait_for(f"step {k}/{TOTAL}") - sent)
    finally:
        term.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--verbose", action="store_true", help="print each step's first run")
    args = parser.parse_args()
    merged: dict[str, list[float]] = {}
    for _ in range(args.sessions):
        for kind, values in session(args.rounds, args.verbose).items():
            merged.setdefault(kind, []).extend(values)
    print(
        f"key to frame on a pseudo-terminal (100×30, cpu), {args.sessions} sessions × "
        f"{args.rounds} rounds; a frame counts once the emulated screen shows it whole"
    )
    for kind, values in merged.items():
        ms = [1000 * v for v in values]
        print(
            f"  {kind:<24} median {median(ms):6.1f} ms   p95 {percentile(ms, 95):6.1f} ms"
            f"   (n = {len(ms)})"
        )


if __name__ == "__main__":
    main()
