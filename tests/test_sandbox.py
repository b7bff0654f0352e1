"""Lessons and answers cannot reach Python's internals, the file system or the machine."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tutor.engine.check import check_lesson
from tutor.engine.run import Run
from tutor.lesson import LessonError, load_lesson

from .conftest import LESSONS

HEAD = "id: s\ntitle: S\ntensors:\n  x: [1.0, 2.0]\nsteps:\n  - title: one\n    run: "

REFUSED_AT_LOAD = {
    "().__class__.__mro__": "attributes beginning with '_'",
    "x.__class__": "attributes beginning with '_'",
    "__import__('os')": "names beginning with '_'",
    "import os": "imports are not allowed",
    "from os import system": "imports are not allowed",
    "f = lambda: 1": "lambdas are not allowed",
    "y = [k for k in x]": "comprehensions are not allowed",
    "y = {1: 2}": "dictionaries are not allowed",
    "y = x.storage()": "'.storage' is not one of the tensor attributes",
    "y = x.numpy()": "'.numpy' is not one of the tensor attributes",
    "x.grad = x": "a gradient can only be cleared",
    "y = f'{x}'": "f-strings are not allowed",
    "del x": "'del' is not allowed",
    "y = (z := 1)": "':=' is not allowed",
    "y = b'abc'": "bytes literals are not allowed",
}

REFUSED_AT_RUN = {
    "y = open('/etc/passwd')": "there is no 'open'",
    "y = eval('1')": "there is no 'eval'",
    "y = getattr(x, 'T')": "there is no 'getattr'",
    "y = 2 ** 10 ** 10": "too large a number",
    "y = 9 ** 4000": "too large a number",
    "y = zeros(100000, 100000)": "10,000,000",
    "y = randn([10000, 10000])": "10,000,000",
    "y = ones(5000, 1) * ones(1, 5000)": "limit is 10,000,000",
    "y = ones(5000, 1) @ ones(1, 5000)": "limit is 10,000,000",
    "y = one_hot(arange(3), 100000000)": "10,000,000",
    "mse = 1": "one of the tutor's functions",
    "y = x.T.T.T.sum.T": "'.T' works on tensors",
}


def lesson_with(statement: str, tmp_path: Path) -> Path:
    path = tmp_path / "s.yaml"
    quoted = "'" + statement.replace("'", "''") + "'"
    path.write_text(HEAD + quoted + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("statement", list(REFUSED_AT_LOAD))
def test_refused_when_loaded(statement: str, tmp_path: Path) -> None:
    path = lesson_with(statement, tmp_path)
    with pytest.raises(LessonError) as info:
        load_lesson(path, "s.yaml")
    message = str(info.value)
    assert message.startswith("s.yaml:7:")
    assert REFUSED_AT_LOAD[statement] in message
    assert "Traceback" not in message


@pytest.mark.parametrize("statement", list(REFUSED_AT_RUN))
def test_refused_when_run(statement: str, tmp_path: Path) -> None:
    path = lesson_with(statement, tmp_path)
    started = time.perf_counter()
    result = check_lesson(path, display="s.yaml")
    assert time.perf_counter() - started < 5
    assert not result.ok
    assert result.problem.startswith("s.yaml:7:")
    assert REFUSED_AT_RUN[statement] in result.problem


def test_a_learners_answer_is_sandboxed_too() -> None:
    run = Run(load_lesson(LESSONS / "05-backprop.yaml"), device="cpu")
    run.goto(2)
    for answer in (
        "__import__('os').system('true')",
        "open('x')",
        "().__class__",
        "9 ** 9 ** 9",
        "y_hat",
        "[k for k in (1, 2)]",
    ):
        check = run.check_answer(2, answer)
        assert not check.correct and check.given is None, answer


def test_learner_answers_cannot_read_the_lesson_state() -> None:
    run = Run(load_lesson(LESSONS / "05-backprop.yaml"), device="cpu")
    run.goto(2)
    assert (
        "no 'loss'" in run.check_answer(2, "loss").message
        or run.check_answer(2, "loss").given is None
    )


def test_updates_of_grad_tensors_do_not_record(write_lesson: Callable[..., Path]) -> None:
    path = write_lesson("""
        id: g
        title: G
        tensors:
          W: {value: [1.0, 2.0], grad: true}
        steps:
          - title: one
            run: |
              W -= 0.5 * W
              W[0] = 7.0
              V = W * 2
    """)
    run = Run(load_lesson(path))
    run.run_all()
    assert run.outcome(1).ok, run.outcome(1).error
    W = run.value("W")
    assert W.is_leaf and W.requires_grad and W.tolist() == [7.0, 1.0]


def test_a_csv_swapped_for_a_link_after_loading_is_not_read(tmp_path: Path) -> None:
    """The csv is checked to lie in the lesson's folder when the lesson loads; replaced by a
    link to a file outside before the lesson runs, it is refused, not read."""
    folder = tmp_path / "lesson"
    folder.mkdir()
    secret = tmp_path / "secret.csv"
    secret.write_text("42,42\n", encoding="utf-8")
    data = folder / "data.csv"
    data.write_text("1,2\n3,4\n", encoding="utf-8")
    path = folder / "lesson.yaml"
    path.write_text(
        "id: swap\ntitle: Swap\ntensors:\n  d: {csv: data.csv}\n"
        "steps:\n  - title: Show\n    show: [d]\n",
        encoding="utf-8",
    )
    lesson = load_lesson(path)  # checked here: data.csv is in the folder
    data.unlink()
    data.symlink_to(secret)
    with pytest.raises(Exception, match="not in the lesson's folder") as caught:
        Run(lesson, device="cpu").forward()
    assert "42" not in str(caught.value)
