"""The Run: stepping forward and back, knobs, repeat and plots, expectations, autograd."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import torch

from tutor.engine.errors import LessonRuntimeError
from tutor.engine.run import Run
from tutor.engine.views import PlotView, TensorView
from tutor.lesson import load_lesson

from .conftest import LESSONS

TRAIN = """
id: train
title: Train
seed: 3
params:
  lr: {value: 0.02, min: 0.001, max: 0.5}
tensors:
  x: [[1.0, 2.0], [2.0, 3.0], [3.0, 4.0], [4.0, 5.0]]
  y: [[2.0], [3.0], [4.0], [5.0]]
  W: {value: [[0.5], [0.5]], grad: true}
  b: {zeros: [1], grad: true}
  noise: {randn: [3]}
steps:
  - title: forward
    run: y_hat = x @ W + b
  - title: loss
    run: loss = mse(y_hat, y)
    expect: {loss: 0.25}
  - title: backward
    backward: loss
    expect: {W.grad: [[-2.5], [-3.5]], b.grad: [-1.0]}
  - title: update
    run: |
      W -= lr * W.grad
      b -= lr * b.grad
    show: [W]
  - title: more noise
    run: r = randn(2)
    show: [r]
  - title: train
    repeat: 20
    run: |
      W.grad = None
      b.grad = None
      loss = mse(x @ W + b, y)
      loss.backward()
      W -= lr * W.grad
      b -= lr * b.grad
    plot: loss
"""


@pytest.fixture
def train(write_lesson: Callable[..., Path]) -> Run:
    return Run(load_lesson(write_lesson(TRAIN)), device="cpu")


def test_design_numbers_for_the_linear_layer(train: Run) -> None:
    train.goto(3)
    assert all(train.outcome(k).ok for k in (1, 2, 3))
    assert train.value("W").grad.tolist() == [[-2.5], [-3.5]]
    assert train.value("b").grad.tolist() == [-1.0]


def test_update_runs_without_autograd_and_keeps_a_leaf(train: Run) -> None:
    train.goto(4)
    W = train.value("W")
    assert W.is_leaf and W.requires_grad
    assert torch.allclose(W.detach(), torch.tensor([[0.55], [0.57]]))


def test_back_restores_values_exactly(train: Run) -> None:
    train.goto(6)
    after_4 = train.value("W", 4).detach().clone()
    r5 = train.value("r", 5).clone()
    train.back()
    train.back()
    assert train.position == 4
    assert torch.equal(train.value("W").detach(), after_4)
    assert train.value("W").grad.tolist() == [[-2.5], [-3.5]]
    train.forward()
    assert torch.equal(train.value("r"), r5)  # random draws replay identically
    view = train.outcome(4).views[0]
    assert isinstance(view, TensorView)
    assert view.data.ravel().tolist() == pytest.approx([0.55, 0.57])


def test_stepping_back_past_a_graph_and_forward_again(train: Run) -> None:
    train.goto(2)
    train.back()
    train.back()
    train.goto(6)
    assert train.outcome(3).ok  # backward through a graph rebuilt by replay
    assert len(train.outcome(6).series["loss"]) == 20


def test_repeat_records_a_series_and_the_loss_falls(train: Run) -> None:
    train.goto(6)
    plot = train.outcome(6).views[-1]
    assert isinstance(plot, PlotView)
    losses = plot.series["loss"]
    assert len(losses) == 20 and losses[-1] < losses[0]
    assert train.value("i") == 19


def test_a_knob_reruns_from_the_first_step_that_reads_it(train: Run) -> None:
    train.goto(6)
    before_3 = train.outcome(3)
    r5 = train.value("r", 5).clone()
    first = train.set_param("lr", 0.3)
    assert first == 4
    assert train.position == 6
    assert train.outcome(3) is before_3  # untouched: the same frame
    assert train.outcome(3).ok
    assert torch.allclose(train.value("W", 4).detach(), torch.tensor([[1.25], [1.55]]))
    assert torch.equal(train.value("r", 5), r5)  # the generator is replayed too
    assert train.outcome(6).series["loss"][-1] > 1.0  # too large a rate diverges


def test_a_knob_is_checked_against_its_range(train: Run) -> None:
    with pytest.raises(LessonRuntimeError, match=r"\[0.001, 0.5\]"):
        train.set_param("lr", 2)
    with pytest.raises(LessonRuntimeError, match="no param 'eta'"):
        train.set_param("eta", 0.1)


def test_params_from_the_command_line(write_lesson: Callable[..., Path]) -> None:
    run = Run(load_lesson(write_lesson(TRAIN)), device="cpu", params={"lr": "0.1"})
    assert run.params["lr"] == 0.1


def test_an_expectation_that_fails_is_located(write_lesson: Callable[..., Path]) -> None:
    path = write_lesson("""
        id: wrong
        title: Wrong
        steps:
          - title: one
            run: a = 1.0 + 2.0
            expect:
              a: 4
    """)
    run = Run(load_lesson(path, "wrong.yaml"))
    run.run_all()
    outcome = run.outcome(1)
    assert not outcome.ok and outcome.error is None
    assert outcome.expects[0].message == "expected 4, got 3"
    assert (
        str(outcome.expect_errors[0]) == "wrong.yaml:7:7: in step 1, expected a: expected 4, got 3"
    )


def test_tolerance_applies_to_expect(write_lesson: Callable[..., Path]) -> None:
    path = write_lesson("""
        id: tol
        title: Tolerance
        steps:
          - title: one
            run: a = 1.0 / 3.0
            tolerance: 0.001
            expect: {a: 0.3333}
    """)
    run = Run(load_lesson(path))
    run.run_all()
    assert run.outcome(1).ok


def test_a_runtime_error_blocks_the_lesson_at_that_step(write_lesson: Callable[..., Path]) -> None:
    path = write_lesson("""
        id: shape
        title: Shape
        tensors:
          x: [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]
          W: [[1.0], [2.0], [3.0]]
        steps:
          - title: one
            run: |
              a = 1
              y = x @ W
          - title: two
            run: z = 2
    """)
    run = Run(load_lesson(path, "08-shape.yaml"))
    run.run_all()
    assert run.position == 1 and run.blocked
    assert not run.forward()
    assert str(run.outcome(1).error) == (
        "08-shape.yaml:10:11: in step 1, 'x @ W': shapes 4×2 and 3×1 cannot be multiplied "
        "(2 columns against 3 rows)"
    )


def test_answers_are_checked_with_the_ask_tolerance() -> None:
    run = Run(load_lesson(LESSONS / "05-backprop.yaml"), device="cpu")
    run.goto(2)
    assert run.outcome(2).answer == pytest.approx(0.25)
    assert run.check_answer(2, "0.25").correct
    assert run.check_answer(2, "1/4").correct
    assert run.check_answer(2, "0.2525").correct  # within 1 %
    wrong = run.check_answer(2, "0.3")
    assert not wrong.correct and wrong.given == pytest.approx(0.3)
    unreadable = run.check_answer(2, "quarter")
    assert unreadable.given is None and "quarter" in unreadable.message
    escape = run.check_answer(2, "().__class__")  # read as arithmetic, never evaluated
    assert escape.given is None and "an answer may use numbers" in escape.message


def test_choices() -> None:
    run = Run(load_lesson(LESSONS / "05-backprop.yaml"), device="cpu")
    run.goto(7)
    assert run.check_choice(7, 2) and not run.check_choice(7, 0)


def test_views_carry_labels_and_gradients() -> None:
    run = Run(load_lesson(LESSONS / "13-self-attention.yaml"), device="cpu")
    run.goto(1)
    (x,) = run.outcome(1).views
    assert isinstance(x, TensorView) and x.row_labels == ("I", "love", "AI")
    run = Run(load_lesson(LESSONS / "05-backprop.yaml"), device="cpu")
    run.goto(4)
    W = run.outcome(4).views[0]
    assert isinstance(W, TensorView) and W.grad is not None
    assert W.grad.tolist() == [[-2.5], [-3.5]]


def test_restart_then_forward_shows_the_same_numbers() -> None:
    run = Run(load_lesson(LESSONS / "05-backprop.yaml"), device="cpu")
    run.run_all()
    last = run.value("W").detach().clone()
    run.restart()
    assert run.position == 0
    run.goto(run.total)
    assert torch.equal(run.value("W").detach(), last)


def test_the_default_device_is_the_cpu_here() -> None:
    run = Run(load_lesson(LESSONS / "02-neuron.yaml"))
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert run.device.type == expected


def test_shapes_can_be_shown_and_expected(write_lesson: Callable[..., Path]) -> None:
    path = write_lesson("""
        id: shape
        title: Shape
        tensors:
          x: {zeros: [4, 2]}
        steps:
          - title: s
            show: [x.shape]
            expect:
              x.shape: [4, 2]
    """)
    run = Run(load_lesson(path))
    run.run_all()
    assert run.outcome(1).ok
    (view,) = run.outcome(1).views
    assert isinstance(view, TensorView) and view.dtype == "shape"
    assert view.data.tolist() == [4, 2]


def test_prepare_computes_the_next_step_without_moving(train: Run) -> None:
    train.goto(1)
    assert train.to_compute(2) == range(2, 3)
    assert train.prepare()
    assert train.position == 1 and train.done(2)
    assert train.to_compute(2) == range(0)  # kept: forward only restores it
    assert not train.prepare()  # nothing more to do until the learner moves
    assert train.forward() and train.position == 2
    assert train.outcome(2).ok


def test_prepared_steps_show_the_numbers_forward_would_have_computed(
    write_lesson: Callable[..., Path],
) -> None:
    path = write_lesson(TRAIN)
    ahead, plain = Run(load_lesson(path), device="cpu"), Run(load_lesson(path), device="cpu")
    while ahead.position < 5:
        ahead.prepare()  # every step computed ahead of the learner, random draws included
        ahead.forward()
        plain.forward()
    for name in ("W", "r", "loss"):
        assert torch.equal(ahead.value(name).detach(), plain.value(name).detach())


def test_a_prepared_step_is_dropped_when_a_knob_it_reads_turns(train: Run) -> None:
    train.goto(3)
    assert train.prepare() and train.done(4)
    before = train.value("W", 4).detach().clone()
    train.set_param("lr", 0.1)
    assert train.position == 3 and not train.done(4)  # lr is read at step 4
    train.forward()
    assert not torch.equal(train.value("W").detach(), before)


def test_to_compute_counts_the_replay_a_graph_needs(train: Run) -> None:
    train.goto(2)  # step 1 left y_hat with a graph: that frame cannot be resumed
    train.back()
    train._frames[2] = None  # as if never run: reaching it replays step 1 first
    assert train.to_compute(2) == range(1, 3)
    assert train.prepare() and train.done(2) and train.position == 1


def test_prepare_does_nothing_at_the_end_or_after_a_failed_step(
    write_lesson: Callable[..., Path],
) -> None:
    run = Run(
        load_lesson(
            write_lesson(
                "id: t\ntitle: T\nsteps:\n  - title: s\n    run: x = zeros(2) @ zeros(3)\n"
            )
        ),
        device="cpu",
    )
    run.forward()
    assert run.blocked and not run.prepare()
    ok = Run(
        load_lesson(write_lesson("id: u\ntitle: U\nsteps:\n  - title: s\n    run: x = 1.0\n")),
        device="cpu",
    )
    ok.forward()
    assert not ok.prepare()
