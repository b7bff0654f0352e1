"""What the learner's own lines get back, in the learner's language (issue 19): with the
interface in Chinese, a write step's feedback, the inspect line's refusals and errors (unknown
names, shapes, a function's arguments), an `ask` answer's feedback and a failed `expect` come
back in Chinese, with no English word of the program's own; the names and numbers the learner
typed, and the lesson's own names, stay as they are."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from tutor.app.widgets.answer_line import AnswerLine
from tutor.engine.run import Run
from tutor.engine.views import LineError
from tutor.i18n import use_language
from tutor.lesson import load_lesson
from tutor.lesson.catalogue import FUNCTIONS
from tutor.lesson.expressions import TENSOR_ATTRIBUTES
from tutor.session import LessonSession

from .app_support import goto, lesson_app, press, screen_text, wait_started
from .conftest import ROOT

UPDATE = ROOT / "tests" / "write_lessons" / "update.yaml"  # step 2 writes W -= lr * W.grad
LAYER = ROOT / "tests" / "app_lessons" / "01-layer.yaml"  # step 2 asks (0.25)
LESSON_NAMES = {"W", "x", "y", "lr", "loss", "z", "PyTorch"}  # and a proper name
CODE = TENSOR_ATTRIBUTES | set(FUNCTIONS)  # the tutor's own spellings, quoted as code
NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(\.\d+)?(e[-+]?\d+)?")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
CJK = re.compile(r"[\u4e00-\u9fff]")


def english(text: str, typed: str = "", names: Iterable[str] = LESSON_NAMES) -> list[str]:
    """The Latin words of `text` that are not the learner's own (`typed`), the lesson's
    names, or code: the tutor's functions and tensor attributes, or quoted in backticks."""
    text = re.sub(r"`[^`]*`", " ", text)
    allowed = set(names) | CODE | set(WORD.findall(typed))
    return sorted({w for w in WORD.findall(NUMBER.sub(" ", text)) if w not in allowed})


def assert_chinese(text: str, typed: str = "", names: Iterable[str] = LESSON_NAMES) -> None:
    assert CJK.search(text), f"no Chinese in {text!r}"
    assert not english(text, typed, names), f"English of the program's own in {text!r}"


@pytest.fixture
def chinese() -> Iterator[None]:
    use_language("zh")
    yield
    use_language("en")


def at_write() -> LessonSession:
    session = LessonSession(Run(load_lesson(UPDATE), device="cpu"))
    session.go_to(2)
    return session


@pytest.mark.parametrize("line", ["W += lr * W.grad", "W = W[0]", "W = W.sum()"])
def test_a_wrong_written_line_is_said_in_chinese(chinese: None, line: str) -> None:
    attempt = at_write().write(line)
    assert attempt.correct is False and attempt.tries == 1
    assert_chinese(attempt.feedback, line)


def test_the_wrong_value_is_named_with_its_index_in_chinese(chinese: None) -> None:
    attempt = at_write().write("W += lr * W.grad")
    assert attempt.feedback == "W[1, 0] 是 0.25，应当是 0.75"


@pytest.mark.parametrize(
    "line", ["import os", "W -= ", "W.__class__", "[v for v in W]", "W << 1", "W.grd", "f'{W}'"]
)
def test_a_refused_line_is_said_in_chinese(chinese: None, line: str) -> None:
    session = at_write()
    attempt = session.write(line)
    assert attempt.correct is None and attempt.error is not None  # no try
    assert_chinese(attempt.error.message, line)
    seen = session.inspect(line)
    assert isinstance(seen, LineError)
    assert_chinese(seen.message, line)


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("loos", "你是不是想写 'loss'"),  # an unknown name, with did-you-mean
        ("torch", "这一步没有 'torch'"),
        ("torch.zeros(3)", "`zeros(2, 3)`"),  # a PyTorch habit: the tutor's spelling
        ("W @ W", "2×1"),  # a shape mismatch, explained
        ("x + tensor([1.0, 2.0, 3.0])", "'+'"),
        ("mse(x, W)", "mse"),  # a function's argument error
        ("softmax(W, 5)", "softmax"),
        ("mse(x)", "'target'"),  # a wrong call: Python's words, in Chinese
        ("W.item()", "2"),  # torch's own words, rewritten
        ("W[5]", "5"),
        ("zeros(-1)", "-1"),
        ("1 / 0", "除以零"),
    ],
)
def test_an_inspected_expression_that_breaks_is_said_in_chinese(
    chinese: None, line: str, words: str
) -> None:
    seen = at_write().inspect(line)
    assert isinstance(seen, LineError), seen
    assert words in seen.message
    assert_chinese(seen.message, line, LESSON_NAMES | {"target"})


def test_an_answer_too_high_and_one_unread_are_said_in_chinese(chinese: None) -> None:
    session = LessonSession(Run(load_lesson(LAYER), device="cpu"))
    assert session.go_to(2)
    high = session.answer("0.3")
    assert high.correct is False and high.feedback == "不是 0.3：太大了"
    for typed in ("banana", "1/0", "2 ** 5000", "sqrt(-1)", "", "(((1"):
        unread = session.answer(typed)
        assert unread.correct is None
        assert_chinese(unread.feedback, typed, {"pi", "e", "ln", "sin", "cos"})


def test_a_failed_expect_is_said_in_chinese(
    chinese: None, write_lesson: Callable[..., Path]
) -> None:
    path = write_lesson("""
        id: wrong
        title: Wrong
        steps:
          - title: one
            run: |
              a = 1.0 + 2.0
              v = tensor([1.0, 2.0, 3.0])
            expect:
              a: 4
              v: [1.0, 2.5, 3.5]
              v.shape: [2]
    """)
    run = Run(load_lesson(path, "wrong.yaml"))
    run.run_all()
    expects = run.outcome(1).expects
    assert [e.ok for e in expects] == [False, False, False]
    assert expects[0].message == "应为 4，实际是 3"
    for expect in expects:
        assert_chinese(expect.message)
    for located in run.outcome(1).expect_errors:
        assert_chinese(str(located).split(": ", 1)[1], names={"a", "v", "shape"})


def test_english_stays_the_default() -> None:
    attempt = at_write().write("W += lr * W.grad")
    assert attempt.feedback == "W[1, 0] is 0.25; it should be 0.75"
    seen = at_write().inspect("loos")
    assert isinstance(seen, LineError)
    assert seen.message == "there is no 'loos' at this step (did you mean 'loss'?)"


async def test_the_apps_write_step_answers_in_chinese() -> None:
    app = lesson_app(UPDATE, lang="zh")
    try:
        async with app.run_test(size=(100, 34)) as pilot:
            await wait_started(pilot)
            await goto(pilot, 2)
            await pilot.press("enter")
            line = app.screen.query_one(AnswerLine)
            assert line.mode == "write"
            await pilot.press(*"W += lr * W.grad", "enter")
            await press(pilot)
            text = screen_text(app)
            assert "W[1, 0] 是 0.25，应当是 0.75" in text
            assert "it should be" not in text
            line.value = ""
            await pilot.press(*"W -= lr *", "enter")  # a line that does not parse
            await press(pilot)
            text = screen_text(app)
            assert "不是本教程能读懂的语句" in text
            assert "is not a statement" not in text
    finally:
        use_language("en")
