"""The hostile corpus: every attack on the tutor is refused with a located sentence, quickly,
and without the memory it asked for.

Lessons live in tests/hostile/ (one attack each), answers in benchmarks/hostile.py's ANSWERS.
`benchmarks/hostile.py` runs each in its own child forked from one warm parent and reads the
child's peak memory from `os.wait4`; this test runs that once and asserts on every row: the
message (with FILE:LINE:COL for lessons), the time it took and the memory over an idle child.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest

from tutor.engine.check import check_lesson
from tutor.engine.errors import LessonRuntimeError
from tutor.engine.limits import MAX_KEPT_BYTES, MAX_STATE_BYTES, Cancelled
from tutor.engine.run import Run
from tutor.lesson import load_lesson
from tutor.progress.store import MAX_STORED_TEXT, _capped

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "hostile"
sys.path.insert(0, str(ROOT / "benchmarks"))

import hostile  # noqa: E402

STEP_SECONDS = 1.0  # the corpus runs with a short step budget, so time attacks end soon

# attack -> (line, col, fragment of the sentence); line 0: no location (answers)
LESSONS: dict[str, tuple[int, int, str]] = {
    "arange-function-huge": (6, 11, "would hold 1,000,000,000,000 elements"),
    "arange-inf": (4, 7, "finite numbers"),
    "arange-nan-step": (4, 7, "finite numbers"),
    "attribute-chain": (5, 10, "nested more than 64 deep"),
    "avg-pool-work": (6, 11, "multiply-adds"),
    "bitor-operator": (5, 10, "'|' is not part of"),
    "broadcast-clamp": (8, 11, "25,000,000 elements"),
    "broadcast-compare": (8, 11, "25,000,000 elements"),
    "broadcast-maximum": (8, 11, "25,000,000 elements"),
    "broadcast-pow": (8, 11, "25,000,000 elements"),
    "broadcast-where": (8, 11, "25,000,000 elements"),
    "cat-huge": (7, 11, "54,000,000 elements"),
    "complex-literal": (5, 14, "complex numbers"),
    "confusion-function-class": (8, 11, "20001×20001"),
    "confusion-view-class": (9, 27, "at most 256 classes"),
    "conv2d-padding": (6, 11, "elements"),
    "conv2d-work": (6, 11, "multiply-adds"),
    "csv-nul-path": (4, 12, "NUL"),
    "csv-too-large": (4, 6, "at most 16 MB"),
    "deep-unary": (5, 140, "nested more than 64 deep"),
    "dunder-escape": (5, 14, "beginning with '_'"),
    "escape-in-error": (5, 16, "'x = y␛[2J'"),
    "expand-view": (6, 11, "100000×100000"),
    "eye-huge": (4, 6, "10,000,000,000 elements"),
    "full-huge": (6, 11, "100000×100000"),
    "huge-code": (5, 11, "the limit is 20,000"),
    "in-operator": (5, 10, "'in' is not part of"),
    "index-assign": (8, 16, "100,000,000 elements"),
    "index-gather": (8, 11, "100,000,000 elements"),
    "int-power": (6, 11, "too large a number"),
    "invert-operator": (5, 10, "'~' is not part of"),
    "is-operator": (5, 10, "'is' is not part of"),
    "kept-frames": (19, 10, "keeping this step"),
    "list-bomb": (6, 11, "not a list"),
    "long-chain": (5, 1888, "nested more than 64 deep"),
    "matmul-batched": (8, 11, "10,000,000,000 elements"),
    "matmul-work": (7, 11, "27,000,000,000 multiply-adds"),
    "max-pool-work": (6, 11, "multiply-adds"),
    "one-hot-huge": (6, 11, "3×100000000"),
    "param-nan": (4, 15, "finite number"),
    "plot-non-scalar": (9, 11, "'W' is plotted, so it must be a single number"),
    "randn-huge": (6, 11, "100000×100000"),
    "repeat-cheap-time": (7, 0, "this step ran past 1 s"),
    "repeat-matmul-time": (9, 7, "this step ran past 1 s"),
    "seed-huge": (3, 7, "the seed must be a whole number"),
    "seed-negative": (3, 7, "the seed must be a whole number"),
    "shift-operator": (5, 10, "'<<' is not part of"),
    "stack-huge": (7, 11, "54,000,000 elements"),
    "state-total": (9, 7, "the lesson now holds"),
    "string-bomb": (6, 11, "not text"),
    "yaml-binary-tag": (3, 10, "the tag !!binary is not allowed"),
    "yaml-deep": (6, 45, "nested more than 64 deep"),
    "yaml-python-tag": (3, 7, "the tag !!python/object/apply:os.system is not allowed"),
    "zero-size-sum": (7, 11, "100,000,000 elements"),
}
PASSING = {"escape-in-label", "escape-in-title", "answer-chain-under-cap"}  # harmless once clean
ANSWERS: dict[str, str] = {
    "answer-shift": "an answer may use numbers",
    "answer-long-chain": "the limit is 200",
    "answer-paste-1mb": "1,000,000 characters",
    "answer-lesson-random": "not 'randn(1).sum()'",
    "answer-conv2d": "an answer may use numbers",
    "answer-power-tower": "an exponent may be at most 1024",
    "answer-dunder": "an answer may use numbers",
    "answer-import": "an answer may use numbers",
    "answer-escape": "'␛]52;c;ZWNobyBoaQ==␇'",
    "answer-overflow": "not a finite number",
    "answer-deep-parens": "the limit is 200",
    "answer-nul": "NUL",
    "answer-state-name": "'W' is a name",
}
TIMED = {"repeat-cheap-time", "repeat-matmul-time"}
# the two budgets counted in bytes held: the peak is the budget plus what a step makes
# before the count (both peak near twice their budget today: see benchmarks/hostile.py)
BIG = {"state-total": 2 * MAX_STATE_BYTES, "kept-frames": 2 * MAX_KEPT_BYTES + MAX_STATE_BYTES}


@pytest.fixture(scope="module")
def results() -> dict[str, hostile.Result]:
    return hostile.measure_all(STEP_SECONDS)


def test_the_corpus_is_whole(results: dict[str, hostile.Result]) -> None:
    assert set(results) == set(LESSONS) | PASSING | set(ANSWERS)
    assert len(results) >= 40


@pytest.mark.parametrize("name", sorted(LESSONS))
def test_a_hostile_lesson_is_refused_where_it_is(
    name: str, results: dict[str, hostile.Result]
) -> None:
    line, col, fragment = LESSONS[name]
    r = results[name]
    assert not r.crashed and not r.ok, r.message
    where = f"{name}.yaml:{line}:{col}:" if col else f"{name}.yaml:{line}:"
    assert r.message.startswith(where), r.message
    assert fragment in r.message, r.message
    assert "Traceback" not in r.message and "\x1b" not in r.message
    _bounded(name, r)


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_a_hostile_answer_is_a_sentence(name: str, results: dict[str, hostile.Result]) -> None:
    r = results[name]
    assert not r.crashed and not r.ok, r.message
    assert ANSWERS[name] in r.message
    assert "\x1b" not in r.message
    assert r.seconds < 0.05, r.seconds  # read in plain Python, never by torch
    _bounded(name, r)


def _bounded(name: str, r: hostile.Result) -> None:
    # generous: CI machines are shared; the two byte budgets fill hundreds of MB first
    limit = STEP_SECONDS + 3.0 if name in TIMED else 8.0 if name in BIG else 3.0
    assert r.seconds < limit, f"{name} took {r.seconds:.2f} s"
    allowed = (BIG.get(name, 0) + 300 * 2**20) / 2**20
    assert r.extra_mb < allowed, f"{name} peaked {r.extra_mb:.0f} MB over an idle child"


def test_lesson_text_reaches_nothing_raw() -> None:
    lesson = load_lesson(HOSTILE / "escape-in-title.yaml").lesson
    texts = [lesson.title, lesson.steps[0].title, lesson.steps[0].text]
    assert all("\x1b" not in str(t) and "\x07" not in str(t) for t in texts)
    assert "␛]0;pwned␇" in str(lesson.title)
    labelled = load_lesson(HOSTILE / "escape-in-label.yaml").lesson.tensors["x"].labels
    assert labelled == ["␛[2J", "<U+202E>"]


def test_a_knob_set_to_nan_is_refused() -> None:
    lesson = load_lesson(ROOT / "tutor" / "lessons" / "05-backprop.yaml")
    knob = next(iter(lesson.lesson.params), None)
    if knob is None:
        pytest.skip("the lesson has no knob")
    with pytest.raises(LessonRuntimeError, match="finite number"):
        Run(lesson, device="cpu", params={knob: "nan"})


def test_check_goes_on_whatever_a_lesson_does(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("something no check foresaw")

    monkeypatch.setattr("tutor.engine.check.Run", broken)
    result = check_lesson(ROOT / "tutor" / "lessons" / "02-neuron.yaml", display="n.yaml")
    assert not result.ok and result.problem.startswith("n.yaml:1:1: the tutor could not run")


def test_a_running_step_can_be_cancelled_from_another_thread() -> None:
    run = Run(load_lesson(HOSTILE / "repeat-matmul-time.yaml"), device="cpu", seconds=60)
    threading.Timer(0.3, run.cancel).start()
    started = time.perf_counter()
    with pytest.raises(Cancelled):
        run.forward()
    assert time.perf_counter() - started < 5
    assert run.position == 0 and not run.done(1)  # the stopped step keeps nothing
    run.cancel()  # nothing runs: a stale cancel must not stop the next call
    run.seconds = 0.2
    assert run.forward() and "ran past 0.2 s" in str(run.outcome(1).error)


def test_what_is_stored_of_an_answer_is_capped() -> None:
    stored = _capped("1" * 1_000_000)
    assert stored is not None and len(stored) < MAX_STORED_TEXT + 40
    assert _capped("0.25") == "0.25"
