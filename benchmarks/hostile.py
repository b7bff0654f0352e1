"""The hostile corpus (tests/hostile/): how long each attack took to be refused, at what peak.

    python benchmarks/hostile.py [--seconds 1.0] [NAME ...]

Each attack runs in its own child, forked from this process once torch and the tutor are
imported (before any torch operation, so forking is safe); the child's peak resident memory
comes from `os.wait4`, and the table shows it beside the peak of a child that did nothing
(the parent's pages it shares), so `extra MB` is what the attack itself cost. Lessons run as
`tutor check` runs them, with a step budget of `--seconds`; answers go through
`Run.check_answer`. tests/test_hostile.py uses `measure_all` and asserts on every row.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "hostile"
ANSWER_LESSON = ROOT / "tutor" / "lessons" / "05-backprop.yaml"  # step 2 asks for the loss (0.25)

sys.path.insert(0, str(ROOT))

import torch  # noqa: E402 - imported before forking, so every child shares it

from tutor.engine.check import check_lesson  # noqa: E402
from tutor.engine.run import Run  # noqa: E402
from tutor.lesson import load_lesson  # noqa: E402

# typed answers an attacker would try: each must come back as a sentence, at once
ANSWERS: dict[str, str] = {
    "answer-shift": "'a' << 1",
    "answer-long-chain": "+".join(["1"] * 1000),
    "answer-chain-under-cap": "+".join(["1"] * 99),
    "answer-paste-1mb": "1" * 1_000_000,
    "answer-lesson-random": "randn(1).sum()",
    "answer-conv2d": "conv2d(ones(3000, 3000), ones(1500, 1500))",
    "answer-power-tower": "9 ** 9 ** 9",
    "answer-dunder": "().__class__.__base__",
    "answer-import": "__import__('os').system('id')",
    "answer-escape": "\x1b]52;c;ZWNobyBoaQ==\x07",
    "answer-overflow": "1e999",
    "answer-deep-parens": "(" * 300 + "1" + ")" * 300,
    "answer-nul": "1\x00",
    "answer-state-name": "W",
}


@dataclass(frozen=True)
class Result:
    name: str
    seconds: float  # inside the child, from the start of the attack to its refusal
    peak_mb: float  # the child's peak resident memory
    extra_mb: float  # peak over an idle child's: what the attack cost
    ok: bool  # the lesson passed / the answer was read as a number
    message: str  # the located sentence, or "" when it passed
    crashed: bool = False  # the child died or printed a traceback instead of a sentence


def _lesson_case(path: Path, seconds: float) -> dict[str, object]:
    result = check_lesson(path, display=path.name, device="cpu", seconds=seconds)
    return {"ok": result.ok, "message": result.problem}


def _answer_case(text: str) -> dict[str, object]:
    run = Run(load_lesson(ANSWER_LESSON), device="cpu")
    run.goto(2)
    rng = run.generator.get_state()
    started = time.perf_counter()
    check = run.check_answer(2, text)
    spent = time.perf_counter() - started
    untouched = torch.equal(rng, run.generator.get_state())
    return {
        "ok": check.given is not None,
        "message": check.message,
        "rng_untouched": untouched,
        "seconds": spent,  # the answer alone, not loading the lesson
    }


def _in_child(action: object, *args: object) -> tuple[dict[str, object], float, float]:
    """Run `action(*args)` in a forked child; its result, seconds and peak RSS in MB."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        code = 0
        try:
            started = time.perf_counter()
            out = action(*args) if callable(action) else {}
            out.setdefault("seconds", time.perf_counter() - started)
        except BaseException as e:
            out = {"crash": f"{type(e).__name__}: {e}"[:500]}
            code = 1
        with os.fdopen(write, "w") as pipe:
            pipe.write(json.dumps(out))
        os._exit(code)
    os.close(write)
    with os.fdopen(read) as pipe:
        data = pipe.read()
    _, status, usage = os.wait4(pid, 0)
    out = json.loads(data) if data else {"crash": f"the child died (status {status})"}
    return out, float(out.get("seconds", 0.0)), usage.ru_maxrss / 1024  # KB on Linux


def _big_csv(folder: Path) -> Path:
    """A lesson whose csv is 17 MB: sparse on disk, refused by its size before it is read."""
    (folder / "data").mkdir()
    with (folder / "data" / "big.csv").open("wb") as handle:
        handle.truncate(17 * 2**20)
    lesson = folder / "csv-too-large.yaml"
    lesson.write_text(
        "id: hostile\ntitle: t\ntensors:\n  x: {csv: data/big.csv}\n"
        "steps:\n  - title: t\n    run: y = x\n"
    )
    return lesson


def measure_all(seconds: float = 1.0, only: set[str] | None = None) -> dict[str, Result]:
    """Every attack of the corpus, measured one child at a time (names without .yaml)."""
    _, _, idle = _in_child(None)
    results: dict[str, Result] = {}
    with tempfile.TemporaryDirectory() as tmp:
        lessons = [*sorted(HOSTILE.glob("*.yaml")), _big_csv(Path(tmp))]
        cases = [(p.stem, _lesson_case, (p, seconds)) for p in lessons]
        cases += [(name, _answer_case, (text,)) for name, text in ANSWERS.items()]
        for name, action, args in cases:
            if only and name not in only:
                continue
            out, spent, peak = _in_child(action, *args)
            crash = str(out.get("crash", ""))
            if name.startswith("answer-") and out.get("rng_untouched") is False:
                crash = "the answer drew from the lesson's random generator"
            results[name] = Result(
                name,
                spent,
                peak,
                max(peak - idle, 0.0),
                bool(out.get("ok")),
                crash or str(out.get("message", "")),
                bool(crash),
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time budget of one step")
    parser.add_argument("names", nargs="*", help="attacks to run (default: all)")
    args = parser.parse_args()
    results = measure_all(args.seconds, set(args.names) or None)
    width = max(len(n) for n in results)
    print(f"{'attack':<{width}}  {'time':>8}  {'peak MB':>8}  {'extra MB':>8}  refusal")
    for r in results.values():
        said = r.message.split(": ", 1)[-1] if r.message else "(passed)"
        mark = "CRASH " if r.crashed else ""
        print(
            f"{r.name:<{width}}  {r.seconds:>7.3f}s  {r.peak_mb:>8.0f}  {r.extra_mb:>8.0f}  "
            f"{mark}{said[:90]}"
        )


if __name__ == "__main__":
    main()
