"""A corpus of broken lessons (tests/broken/), one author's mistake per file.

Each mistake must come back as one message a teacher can act on: it starts with the file name,
points at the exact line and column of the mistake, names what is wrong (the field, the
suggestion, the numbers) and never shows a Python traceback or an exception class name.

Load-time mistakes are checked through `load_lesson`; mistakes that only show when the lesson
runs go through `check_lesson`. Cases marked xfail are messages found wanting in review: the
test states what a teacher should get, and the reason says what the tutor prints today.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tutor.engine.check import check_lesson
from tutor.lesson import LessonError, load_lesson

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "tests" / "broken"


@dataclass(frozen=True)
class Case:
    line: int
    col: int
    fragments: tuple[str, ...]  # the parts of the message a teacher needs
    runtime: bool = False  # loads fine; found only by running it (check_lesson)
    wanting: str = ""  # why today's message falls short (the case is xfail)


LOAD, RUN = False, True

# file -> where the mistake is, and what the message must say about it.
CASES: dict[str, Case] = {
    # ---- YAML itself
    "01-yaml-unclosed-bracket.yaml": Case(
        8,
        11,
        ("'['",),
    ),
    "02-tab-indent.yaml": Case(6, 1, ("tab", "indent", "spaces")),
    "05-duplicate-key.yaml": Case(10, 5, ("'run'", "twice")),
    "11-empty-file.yaml": Case(1, 1, ("empty", "'id'", "'title'", "'steps'")),
    "12-not-utf8.yaml": Case(3, 12, ("0xe9", "UTF-8")),
    "13-alias-bomb.yaml": Case(
        5,
        3,
        ("lol", "50,000", "alias"),
    ),
    "41-unquoted-star.yaml": Case(9, 11, ("*y", "alias", "quotes")),
    "46-bracket-then-text.yaml": Case(8, 18, ("'['", "list", "quotes")),
    "43-yaml-colon-in-value.yaml": Case(8, 22, ("':'", "quotes")),
    "44-yaml-unclosed-quote.yaml": Case(
        7,
        12,
        ('"', "quot"),
    ),
    "45-yaml-bad-indent.yaml": Case(
        9,
        4,
        ("indent",),
    ),
    # ---- fields and types
    "03-unknown-step-field.yaml": Case(8, 5, ("step 1", "'rnu'", "did you mean 'run'")),
    "04-unknown-top-field.yaml": Case(4, 1, ("'tensor'", "did you mean 'tensors'")),
    "06-seed-not-number.yaml": Case(4, 7, ("'seed'", "whole number", "'abc'")),
    "07-repeat-not-number.yaml": Case(8, 13, ("step 1", "'repeat'", "whole number", "'ten'")),
    "08-missing-steps.yaml": Case(1, 1, ("'steps'",)),
    "09-empty-steps.yaml": Case(6, 8, ("'steps'", "empty", "at least one step")),
    "10-missing-step-title.yaml": Case(9, 5, ("step 2", "missing", "'title'")),
    "19-newer-format.yaml": Case(1, 9, ("format 2", "needs a newer tutor")),
    "20-repeated-step-id.yaml": Case(10, 9, ("step 2", "'double'", "step 1", "unique")),
    "21-bad-lesson-id.yaml": Case(2, 5, ("'My Lesson'", "lowercase")),
    "22-ask-without-answer.yaml": Case(
        8,
        5,
        ("step 1", "'ask'", "'answer'"),
    ),
    "23-choose-answer-out-of-range.yaml": Case(
        9,
        15,
        ("step 1", "'answer' is 3", "3 options", "0 to 2"),
    ),
    "24-compare-one-name.yaml": Case(9, 14, ("step 1", "'compare'", "two names")),
    "25-plot-without-repeat.yaml": Case(
        9,
        5,
        ("step 1", "'plot'", "'repeat'"),
    ),
    "26-param-out-of-range.yaml": Case(6, 5, ("'lr'", "5.0", "0.001", "1.0")),
    # ---- tensors
    "14-csv-outside-folder.yaml": Case(5, 18, ("'secrets'", "../../etc/passwd", "folder")),
    "15-csv-missing.yaml": Case(5, 17, ("'digits'", "data/no-such-file.csv")),
    "16-tensor-too-big.yaml": Case(5, 8, ("'big'", "100,000,000", "10,000,000")),
    "17-two-sources.yaml": Case(5, 6, ("'W'", "one source", "zeros", "randn")),
    "18-ragged-literal.yaml": Case(5, 6, ("'x'", "different lengths", "rectangular")),
    # ---- code refused when the lesson is loaded
    "27-import.yaml": Case(8, 7, ("step 1", "'import os'", "imports are not allowed")),
    "28-dunder-mro.yaml": Case(6, 14, ("step 1", "'_'", "__mro__")),
    "29-dunder-import.yaml": Case(6, 15, ("step 1", "'_'", "__import__")),
    "31-for-loop.yaml": Case(9, 7, ("step 1", "loops are not allowed", "'repeat'")),
    "32-lambda.yaml": Case(9, 11, ("step 1", "lambda", "not allowed")),
    "39-run-syntax-error.yaml": Case(10, 14, ("step 1", "'z = y +'", "syntax")),
    "40-unknown-attribute.yaml": Case(8, 14, ("step 1", "'.numpy'", "attributes")),
    "42-grad-assigned.yaml": Case(8, 10, ("step 1", "'W.grad = 5'", "W.grad = None")),
    # ---- found by running the lesson
    "30-open-file.yaml": Case(6, 17, ("step 1", "no 'open'"), RUN),
    "33-huge-power.yaml": Case(6, 14, ("step 1", "'2 ** 10 ** 10'", "too large"), RUN),
    "34-huge-runtime-tensor.yaml": Case(
        6, 16, ("step 1", "zeros(100000, 100000)", "10,000,000,000", "10,000,000"), RUN
    ),
    "35-shape-mismatch.yaml": Case(
        9, 18, ("in step 1, 'x @ W'", "shapes 4×2 and 3×1 cannot be multiplied"), RUN
    ),
    "36-unknown-name.yaml": Case(11, 18, ("step 1", "'y_hta'", "did you mean 'y_hat'"), RUN),
    "37-backward-not-scalar.yaml": Case(
        11, 15, ("step 2", "y_hat", "single number", "2 values"), RUN
    ),
    "38-failing-expect.yaml": Case(11, 7, ("step 1", "expected", "y", "5", "4"), RUN),
}

# What must never reach a teacher: Python's own error reporting and library internals.
TRACEBACK = re.compile(
    r"Traceback|File \"|\b[A-Za-z_]*(?:Error|Exception)\b|pydantic|ruamel"
    r"|errors\.pydantic\.dev|line \d+, in "
)


def _display(name: str) -> str:
    return f"tests/broken/{name}"


def _params() -> list[object]:
    out = []
    for name, case in CASES.items():
        marks = [pytest.mark.xfail(reason=case.wanting, strict=True)] if case.wanting else []
        out.append(pytest.param(name, case, id=name.removesuffix(".yaml"), marks=marks))
    return out


def _problem(name: str, case: Case) -> str:
    """The first problem reported for a corpus file, as `FILE:LINE:COL: message`."""
    path = BROKEN / name
    if case.runtime:
        load_lesson(path, _display(name))  # a runtime mistake must load
        result = check_lesson(path, display=_display(name), device="cpu")
        assert not result.ok, f"{name} passed `tutor check`"
        return result.problem
    with pytest.raises(LessonError) as info:
        load_lesson(path, _display(name))
    error = info.value
    assert len(error.problems) == 1, f"one mistake, one message; got:\n{error}"
    assert str(error.first) == str(error)
    return str(error.first)


def test_the_corpus_and_the_table_agree() -> None:
    files = {p.name for p in BROKEN.glob("*.yaml")}
    assert files == set(CASES), files ^ set(CASES)
    assert len(files) >= 28


@pytest.mark.parametrize(("name", "case"), _params())
def test_broken_lesson_message(name: str, case: Case) -> None:
    problem = _problem(name, case)
    prefix = f"{_display(name)}:{case.line}:{case.col}: "
    assert problem.startswith(_display(name) + ":"), problem
    assert "\n" not in problem, problem
    assert not TRACEBACK.search(problem), problem
    assert problem.startswith(prefix), f"expected {prefix!r}, got {problem!r}"
    message = problem.removeprefix(prefix)
    missing = [f for f in case.fragments if f not in message]
    assert not missing, f"{missing} not in {message!r}"


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if not c.runtime and not c.wanting])
def test_check_reports_load_mistakes_alike(name: str) -> None:
    """`tutor check` reports a load-time mistake exactly as the loader does."""
    result = check_lesson(BROKEN / name, display=_display(name), device="cpu")
    assert not result.ok
    assert result.problem == _problem(name, CASES[name])


# ------------------------------------------------------------------ bounds that must hold fast


def test_alias_bomb_is_refused_quickly() -> None:
    started = time.perf_counter()
    with pytest.raises(LessonError) as info:
        load_lesson(BROKEN / "13-alias-bomb.yaml", "bomb.yaml")
    assert time.perf_counter() - started < 0.5
    assert "alias" in str(info.value)


@pytest.mark.parametrize("name", ["33-huge-power.yaml", "34-huge-runtime-tensor.yaml"])
def test_huge_values_are_refused_not_computed(name: str) -> None:
    check_lesson(BROKEN / "36-unknown-name.yaml", device="cpu")  # warm up torch
    started = time.perf_counter()
    result = check_lesson(BROKEN / name, device="cpu")
    assert time.perf_counter() - started < 0.5
    assert not result.ok


def test_not_utf8_file_really_holds_a_latin1_byte() -> None:
    raw = (BROKEN / "12-not-utf8.yaml").read_bytes()
    assert b"r\xe9seau" in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


# ------------------------------------------------------------------ YAML 1.2: words stay text


def test_yes_no_on_off_titles_stay_text(write_lesson: Callable[[str], Path]) -> None:
    path = write_lesson(
        """
        format: 1
        id: yes
        title: no
        steps:
          - title: yes
            text: on
          - title: no
          - title: on
          - title: off
          - title: 1:30
        """
    )
    lesson = load_lesson(path).lesson
    assert lesson.id == "yes"
    assert lesson.title == "no"
    assert [s.title for s in lesson.steps] == ["yes", "no", "on", "off", "1:30"]
    assert lesson.steps[0].text == "on"
    assert check_lesson(path, device="cpu").ok


# ------------------------------------------------------------------ the command line


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-m", "tutor.cli", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_check_of_a_broken_lesson_exits_1_with_one_located_line() -> None:
    name = "35-shape-mismatch.yaml"
    done = _cli(_display(name))
    assert done.returncode == 1, done
    crosses = [line for line in done.stdout.splitlines() if line.startswith("✗")]
    assert len(crosses) == 1, done.stdout
    assert crosses[0].startswith(f"✗ {_display(name)}:9:18: in step 1, 'x @ W'"), done.stdout
    assert not TRACEBACK.search(done.stdout + done.stderr), done


def test_cli_check_prints_the_whole_problem_on_one_line() -> None:
    name = "35-shape-mismatch.yaml"
    done = _cli(_display(name))
    expected = check_lesson(BROKEN / name, display=_display(name), device="cpu").problem
    assert f"✗ {expected}" in done.stdout.splitlines(), done.stdout


def test_cli_check_of_a_missing_path_exits_2() -> None:
    done = _cli("no/such/path")
    assert done.returncode == 2, done
    assert "no/such/path" in done.stderr
    assert not TRACEBACK.search(done.stdout + done.stderr), done
