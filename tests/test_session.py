"""The learning session with no UI at all: real lessons, the real engine, a real progress store.

What a learner does in a lesson (questions, hints, give-up, score, predictions, resume, knobs)
is decided here once for the app, `--plain` and `export`; these tests pin it down.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tutor.engine.run import Run
from tutor.lesson import load_lesson
from tutor.lesson.tolerance import ASK_TOLERANCE, close_enough
from tutor.progress import ProgressStore
from tutor.session import LessonSession, Recorder, Report, resume_point
from tutor.session.predictions import reveal_step, writes_answer

from .conftest import LESSONS, ROOT

LAYER = ROOT / "tests" / "app_lessons" / "01-layer.yaml"  # step 2 asks (0.25), step 7 chooses


def session_at(k: int, reporter: Callable[[Report], None] | None = None) -> LessonSession:
    session = LessonSession(Run(load_lesson(LAYER), device="cpu"), reporter)
    assert session.go_to(k)
    return session


def test_an_ask_and_a_choose_as_questions() -> None:
    session = session_at(2)
    ask = session.question()
    assert ask is not None and ask.kind == "ask"
    assert ask.prompt == "What will the mean squared error be?"
    assert len(ask.hints) == 2 and ask.explain.startswith("All four errors")
    assert ask.predicts == 3  # decided when the lesson loaded: loss = mse(y_hat, y)
    assert session.question(1) is None and session.question(0) is None
    choose = session.question(7)
    assert choose is not None and choose.kind == "choose"
    assert choose.options[0] == "TP / (TP + FP)" and choose.correct_option == 0
    assert session.answer_text(7) == "1. TP / (TP + FP)"
    assert session.answer_text(2) == "0.25"
    assert session.questions == 2


def test_hints_come_one_at_a_time_after_wrong_answers() -> None:
    session = session_at(2)
    attempt = session.answer("0.3")
    assert (attempt.tries, attempt.hints_shown, attempt.correct) == (1, 1, False)
    assert attempt.feedback == "not 0.3: too high"
    attempt = session.answer("0.2")
    assert (attempt.tries, attempt.hints_shown) == (2, 2) and "too low" in attempt.feedback
    attempt = session.answer("0.1")
    assert (attempt.tries, attempt.hints_shown) == (3, 2)  # no third hint to show
    attempt = session.answer("1/4")  # arithmetic on numbers is an answer
    assert attempt.solved and attempt.expected == pytest.approx(0.25)
    assert attempt.feedback == "right: 1/4 = 0.25" and attempt.first_given == pytest.approx(0.3)


def test_an_unreadable_answer_is_no_try() -> None:
    reports: list[Report] = []
    session = session_at(2, reports.append)
    reports.clear()
    attempt = session.answer("banana")
    assert attempt.correct is None and attempt.tries == 0 and attempt.hints_shown == 0
    assert "answer with a number" in attempt.feedback
    assert reports == []


def test_asking_for_hints_then_giving_up_shows_the_answer() -> None:
    session = session_at(2)
    assert session.hint().hints_shown == 1
    assert session.hint().hints_shown == 2
    assert session.hints_left() == 0
    attempt = session.hint()  # no hint left: nothing happens (giving up is `g`'s)
    assert not attempt.gave_up and attempt.hints_shown == 2
    attempt = session.give_up()
    assert attempt.gave_up and attempt.finished and not attempt.solved
    assert attempt.expected == pytest.approx(0.25)
    assert session.answer("0.25").tries == 1  # a late answer is still checked ...
    assert session.score() == (1, 1)  # ... and counts once solved
    assert session.given_up() == 1


def test_a_choice_is_replied_by_its_number() -> None:
    session = session_at(7)
    attempt = session.reply("9")
    assert attempt.correct is None and attempt.feedback == "answer with a number from 1 to 3"
    attempt = session.reply("2")
    assert attempt.correct is False and attempt.hints_shown == 1 and attempt.picked == 1
    assert attempt.feedback == "not 2. TP / (TP + FN)"
    attempt = session.reply("1")
    assert attempt.solved and attempt.feedback == "right: 1. TP / (TP + FP)"


def test_the_score_counts_questions_shown() -> None:
    session = session_at(2)
    session.answer("0.25")
    assert session.score() == (1, 1)
    session.go_to(7)
    assert session.score() == (1, 2)
    session.give_up()
    assert session.score() == (1, 2) and session.given_up() == 1


def test_a_prediction_is_revealed_where_its_value_is_computed() -> None:
    session = session_at(2)
    session.answer("0.3")
    session.answer("0.25")
    assert session.reveals() == []  # not computed yet
    session.forward()
    (reveal,) = session.reveals()
    assert (reveal.step, reveal.given, reveal.real, reveal.correct) == (2, 0.3, 0.25, False)
    assert reveal.text() == "you said 0.3; the real value is 0.25 (off by 0.05)"
    session.forward()
    assert session.reveals() == []  # shown once, where it is computed


def test_the_numbers_decide_when_the_code_does_not() -> None:
    neuron = LessonSession(Run(load_lesson(LESSONS / "02-neuron.yaml"), device="cpu"))
    neuron.go_to(2)
    question = neuron.question()
    assert question is not None and question.predicts is None
    neuron.answer("0")
    neuron.forward()
    assert reveal_step(neuron.run, 2) == 3 and [r.step for r in neuron.reveals()] == [2]


# ------------------------------------------------------------------ one rule for "close enough"

BOUND = ASK_TOLERANCE + ASK_TOLERANCE * 0.25  # 0.0125 around 0.25


@pytest.mark.parametrize(
    ("given", "right"),
    [(0.25 + BOUND * 0.99, True), (0.25 - BOUND * 0.99, True), (0.25 + BOUND * 1.01, False)],
)
def test_the_answer_and_its_reveal_agree_at_the_boundary(given: float, right: bool) -> None:
    session = session_at(2)
    assert close_enough(given, 0.25, ASK_TOLERANCE) is right
    assert session.answer(repr(given)).solved is right
    session.forward()
    reveal = session.reveal(2)
    assert reveal is not None and reveal.correct is right


@pytest.mark.parametrize(("extra", "writes"), [(0.69, True), (0.71, False)])
def test_a_number_written_later_is_the_answer_by_the_same_rule(
    write_lesson: Callable[..., Path], extra: float, writes: bool
) -> None:
    # |6.69 - 6| = 0.69 <= 0.1 + 0.1 * 6: the one rule says close (math.isclose said not)
    path = write_lesson(
        f"""
        format: 1
        id: tol
        title: Tolerance
        tensors:
          x: [1.0, 2.0, 3.0]
        steps:
          - title: Ask
            ask: What is the sum?
            answer: x.sum()
            tolerance: 0.1
          - title: Sum
            run: s = x[0] + x[1] + x[2] + {extra}
        """
    )
    session = LessonSession(Run(load_lesson(path), device="cpu"))
    session.go_to(1)
    question = session.question()
    assert question is not None and question.predicts is None
    session.answer("6")
    session.forward()
    assert writes_answer(session.run, 1, 2) is writes
    assert reveal_step(session.run, 1) == (2 if writes else None)


# ------------------------------------------------------------------ recording and resuming


def test_every_event_is_recorded_to_the_store(tmp_path: Path) -> None:
    recorder = Recorder("ada", tmp_path)
    session = session_at(0, recorder.save)
    session.go_to(2)
    session.answer("0.3")
    session.hint()
    session.answer("0.25")
    session.set_param("lr", 0.05)
    session.go_to(7)
    session.give_up()
    session.go_to(session.total)
    assert not recorder.problem
    learner = ProgressStore(tmp_path).learner("ada")
    kinds = [(e.kind, e.step_id) for e in learner.events("app-layer")]
    assert kinds[:2] == [("reach", "forward"), ("reach", "predict-loss")]
    assert ("answer", "predict-loss") in kinds and ("hint", "predict-loss") in kinds
    assert ("knob", "predict-loss") in kinds and ("give-up", "which") in kinds
    assert kinds[-1] == ("complete", "train")
    saved = learner.lesson("app-layer")
    assert saved is not None and saved.completed and saved.knobs == 1
    assert (saved.right, saved.wrong, saved.last_index) == (1, 1, session.total)
    answers = [e for e in learner.events("app-layer") if e.kind == "answer"]
    assert [(e.answer, e.correct, e.attempt, e.hints_used) for e in answers] == [
        ("0.3", False, 1, 0),
        ("0.25", True, 2, 2),
    ]


def test_resume_goes_back_to_the_step_with_the_answers_given(tmp_path: Path) -> None:
    recorder = Recorder("ada", tmp_path)
    first = session_at(2, recorder.save)
    first.answer("0.3")
    first.answer("0.25")
    first.go_to(5)
    file = load_lesson(LAYER)
    saved = recorder.lesson("app-layer")
    point = resume_point(file, saved, "zh", recorder.events("app-layer"))
    assert point is not None
    assert (point.step, point.total, point.title) == (5, 8, "The same gradient by hand")
    assert point.note == "Questions so far: 1 right."  # one question, right after a wrong try
    again = LessonSession(Run(file, device="cpu"), recorder.save)
    assert again.resume(point)
    assert again.position == 5
    attempt = again.attempt(2)
    assert attempt.solved and attempt.tries == 2 and attempt.hints_shown == 1
    assert attempt.expected == pytest.approx(0.25) and attempt.feedback == "right: 0.25"
    assert again.score() == (1, 1)
    assert resume_point(file, None, "en") is None


def test_a_knob_turned_starts_later_questions_afresh() -> None:
    session = session_at(7)
    session.reply("2")
    session.back()
    session.back()  # at step 5; update (step 6) reads lr
    assert session.set_param("lr", 0.05) == 6
    assert 7 not in session.attempts


def test_a_store_that_cannot_be_opened_turns_saving_off(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    recorder = Recorder("ada", not_a_folder)
    session = session_at(1, recorder.save)
    assert session.position == 1
    assert "progress is not saved" in recorder.problem
    assert recorder.lesson("app-layer") is None and recorder.events("app-layer") == []


def test_a_typed_answer_with_escape_codes_is_echoed_and_saved_visible() -> None:
    """A paste holding a terminal sequence (a screen clear, an OSC 52 clipboard write) reaches
    neither the screen nor the store raw: the one sanitiser shows it as ␛."""
    reports: list[Report] = []
    run = Run(load_lesson(LAYER), device="cpu", lang="en")
    session = LessonSession(run, reporter=reports.append)
    session.forward()
    session.forward()
    attempt = session.answer("1\x1b]52;c;aGk=\x07\x1b[2J")
    assert "\x1b" not in attempt.feedback and "\x07" not in attempt.feedback
    assert all("\x1b" not in r.given for r in reports)
