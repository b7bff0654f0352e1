"""Write steps (format 1.1) and the inspect line: the checker, the session, --plain, check."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tutor.engine.check import check_lesson
from tutor.engine.run import Run
from tutor.engine.views import LineError, TensorView
from tutor.lesson import LessonError, load_lesson
from tutor.plain import make_console, run_plain
from tutor.session import LessonSession, Report

LESSON = Path(__file__).parent / "write_lessons" / "update.yaml"


def at_write() -> LessonSession:
    session = LessonSession(Run(load_lesson(LESSON), device="cpu"))
    session.go_to(2)
    return session


@pytest.mark.parametrize(
    "text", ["W -= lr * W.grad", "W = W - lr * W.grad", "W -= W.grad * lr", "W -= 0.1 * W.grad"]
)
def test_equivalent_statements_pass(text: str) -> None:
    assert at_write().run.check_write(2, text).passed


def test_a_wrong_value_says_which_name_and_where() -> None:
    check = at_write().run.check_write(2, "W += lr * W.grad")
    assert not check.passed and check.ran
    assert check.message == "W[1, 0] is 0.25; it should be 0.75"


def test_a_wrong_shape_is_named() -> None:
    assert at_write().run.check_write(2, "W = W[0]").message == "W has shape 1; it should be 2×1"


def test_a_syntax_error_has_a_caret_under_the_learners_line() -> None:
    check = at_write().run.check_write(2, "W -= ")
    assert not check.ran and check.error is not None
    assert check.error.caret() == "W -=\n    ^"
    assert "not a statement" in check.error.message


@pytest.mark.parametrize(
    ("text", "words"),
    [("import os", "imports are not allowed"), ("W.__class__", "'_'"), ("W -= lr * W.grd", ".grd")],
)
def test_refused_constructs_are_located(text: str, words: str) -> None:
    check = at_write().run.check_write(2, text)
    assert not check.ran and check.error is not None and words in check.error.message


def test_a_statement_that_breaks_is_a_wrong_try_with_its_column() -> None:
    check = at_write().run.check_write(2, "W -= lr * (W @ x)")
    assert check.ran and check.error is not None and check.error.col == 12


def test_random_numbers_drawn_leave_the_lessons_later_numbers_unchanged() -> None:
    plain = Run(load_lesson(LESSON), device="cpu")
    plain.goto(3)
    session = at_write()
    session.write("W = W - lr * W.grad + 0 * randn(2, 1)")
    session.inspect("randn(5)")
    session.forward()
    assert session.run.value("z").tolist() == plain.value("z").tolist()


def test_the_session_hints_gives_up_and_goes_on_from_the_reference() -> None:
    reports: list[Report] = []
    session = at_write()
    session.reporter = reports.append
    question = session.question()
    assert question is not None and question.kind == "write"
    assert question.reference == "W -= lr * W.grad"
    unreadable = session.write("W -=")
    assert unreadable.correct is None and unreadable.tries == 0 and unreadable.error is not None
    wrong = session.write("W += lr * W.grad")
    assert wrong.correct is False and wrong.hints_shown == 1 and "W[1, 0]" in wrong.feedback
    assert wrong.reference == ""  # not shown before a give-up
    gave = session.give_up()
    assert gave.gave_up and gave.reference == "W -= lr * W.grad"
    assert session.run.value("W", 2).flatten().tolist() == pytest.approx([0.65, 0.75])
    assert [r.kind for r in reports] == ["write", "gave-up"]
    assert reports[0].given == "W += lr * W.grad" and reports[0].correct is False
    assert gave.lines == ["W -=", "W += lr * W.grad"]


def test_a_pass_is_scored_and_nothing_changes_the_lesson() -> None:
    session = at_write()
    before = session.run.value("W", 1).tolist()
    assert session.reply("W = W - lr * W.grad").solved
    assert session.run.value("W", 1).tolist() == before
    assert session.score() == (1, 1)


def test_inspect_draws_a_value_or_a_located_sentence() -> None:
    session = at_write()
    view = session.inspect("W.grad.norm()")
    assert isinstance(view, TensorView) and float(view.data) == pytest.approx(2.9155, abs=1e-3)
    error = session.inspect("W @ W")
    assert (
        isinstance(error, LineError) and error.col == 1 and "cannot be multiplied" in error.message
    )
    assert {"W", "lr", "mse", "x"} <= set(session.names())
    assert session.completions("W.gr") == ["grad"]


def test_plain_reads_one_attempt_per_line_and_gives_up_at_the_end() -> None:
    out = io.StringIO()
    stdin = io.StringIO("W -= lr * W.grd\nW += lr * W.grad\n")
    assert (
        run_plain(LESSON, device="cpu", lang="en", sets=[], stdin=stdin, console=make_console(out))
        == 0
    )
    text = out.getvalue()
    assert "W -= lr * W.grd\n          ^" in text
    assert "W[1, 0] is 0.25; it should be 0.75" in text
    assert "hint: The gradient points uphill." in text
    assert "reference:\n  W -= lr * W.grad" in text
    assert "0 of 1 right, 1 unanswered" in text


def test_plain_passes_a_right_line() -> None:
    out = io.StringIO()
    stdin = io.StringIO("W -= W.grad * lr\n")
    run_plain(LESSON, device="cpu", lang="en", sets=[], stdin=stdin, console=make_console(out))
    assert "1 of 1 right" in out.getvalue()


def test_check_runs_the_reference_and_flags_checks_never_assigned(tmp_path: Path) -> None:
    assert check_lesson(LESSON, device="cpu").ok
    text = LESSON.read_text(encoding="utf-8").replace("check: [W]", "check: [x]")
    broken = tmp_path / "unassigned.yaml"
    broken.write_text(text, encoding="utf-8")
    result = check_lesson(broken, device="cpu")
    assert not result.ok and ":20:13:" in result.problem and "never assigns" in result.problem


def test_a_format_1_file_refuses_write_steps(tmp_path: Path) -> None:
    path = tmp_path / "old.yaml"
    path.write_text("format: 1\n" + LESSON.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(LessonError, match=r"format 1\.1"):
        load_lesson(path)
