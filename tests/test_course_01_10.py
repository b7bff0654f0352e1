"""Lessons 01–10 teach what the numbers say (issue 18): each fact a lesson states is pinned
here, computed once by the lesson and once more with plain torch, so that a text that drifts
from its numbers, or numbers that drift from torch, fail."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from tutor.engine.run import Run
from tutor.engine.views import PlotView, TensorView
from tutor.lesson import load_lesson

from .conftest import LESSONS

FIRST_TEN = sorted(p for p in LESSONS.glob("*.yaml") if 1 <= int(p.name[:2]) <= 10)
DATA = LESSONS / "data"


def _run(name: str) -> Run:
    (path,) = LESSONS.glob(f"{name}-*.yaml")
    run = Run(load_lesson(path), device="cpu")
    outcomes = run.run_all()
    assert not any(o.error for o in outcomes), [o.error for o in outcomes if o.error]
    return run


def _step(run: Run, step_id: str) -> int:
    """The position (from 1) of the step with this id."""
    return next(k for k, s in enumerate(run.lesson.steps, start=1) if s.id == step_id)


def _text(run: Run, step_id: str, field: str = "text") -> str:
    """The sentence as the learner reads it, its line breaks as spaces."""
    k = _step(run, step_id)
    return " ".join(run.text(k, getattr(run.lesson.steps[k - 1], field)).split())


@pytest.fixture(scope="module")
def optimizers() -> Run:
    return _run("06")


@pytest.fixture(scope="module")
def pima() -> Run:
    return _run("09")


def _momentum_history(steps: int, lr: float = 0.05) -> torch.Tensor:
    """Lesson 06's momentum, in plain torch: the loss before each update."""
    X = torch.tensor([[1.0, 1.0], [2.0, 1.0], [3.0, 1.0], [4.0, 1.0]])
    y = torch.tensor([2.5, 4.5, 7.5, 8.5])
    theta = torch.zeros(2, requires_grad=True)
    velocity = torch.zeros(2)
    history = []
    for _ in range(steps):
        theta.grad = None
        loss = F.mse_loss(X @ theta, y)
        loss.backward()
        history.append(loss.item())
        with torch.no_grad():
            velocity = 0.9 * velocity + theta.grad
            theta -= lr * velocity
    return torch.tensor(history)


def test_06_momentum_swings_as_the_text_says(optimizers: Run) -> None:
    """The swings 1.23 → 20.4 → 32.8 → 4.3 and the last loss above 1 at iteration 35, in the
    lesson's history, in plain torch, and in the sentence the learner reads."""
    ours = optimizers.value("h_mom")
    theirs = _momentum_history(200)
    assert torch.allclose(ours, theirs, rtol=1e-3, atol=1e-4)
    assert theirs[1:5].tolist() == pytest.approx([1.2306, 20.415, 32.814, 4.322], abs=1e-3)
    assert int(theirs[1:10].argmax()) + 1 == 3
    assert int((theirs > 1).nonzero().max()) == 35
    text = _text(optimizers, "race")
    for figure in ("1.23", "20.4 at iteration 2", "32.8 at iteration 3", "iteration 35"):
        assert figure in text, text


def test_06_each_curve_reads(optimizers: Run) -> None:
    """The race is plotted on a log scale in two parts, the first 40 steps on their own, so
    the swings are not squeezed into a few columns of a 200-step axis."""
    plots = {}
    for step_id in ("race", "race-on"):
        views = optimizers.outcome(_step(optimizers, step_id)).views
        (plot,) = [v for v in views if isinstance(v, PlotView)]
        plots[step_id] = plot
        assert plot.log and len(plot.series) == 4
    assert {len(s) for s in plots["race"].series.values()} == {40}
    assert {len(s) for s in plots["race-on"].series.values()} == {160}
    assert optimizers.value("loss_mom").item() == pytest.approx(0.175, abs=1e-3)


def _pima_in_torch(lr: float = 0.01) -> tuple[list[float], list[float]]:
    """Lesson 09 in plain torch (torch.optim.Adam): held-out loss and accuracy per step."""
    table = np.loadtxt(DATA / "pima-indians-diabetes.csv", delimiter=",", skiprows=1)
    features = torch.tensor(table[:, :8], dtype=torch.float32)
    outcome = torch.tensor(table[:, 8:9], dtype=torch.float32)
    generator = torch.Generator().manual_seed(0)

    def draw(rows: int, cols: int, scale: float) -> torch.Tensor:
        t = torch.randn(rows, cols, generator=generator, dtype=torch.float64).float()
        return (t * scale).requires_grad_()

    W1, W2, W3 = draw(8, 12, 0.5), draw(12, 8, 0.41), draw(8, 1, 0.35)
    b1, b2, b3 = (torch.zeros(n, requires_grad=True) for n in (12, 8, 1))
    mu, sd = features[:576].mean(0), features[:576].std(0)
    train, test = (features[:576] - mu) / sd, (features[576:] - mu) / sd
    params = [W1, b1, W2, b2, W3, b3]
    optimizer = torch.optim.Adam(params, lr=lr)

    def forward(z: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(torch.relu(torch.relu(z @ W1 + b1) @ W2 + b2) @ W3 + b3)

    losses, accuracies = [], []
    for _ in range(200):
        optimizer.zero_grad()
        F.binary_cross_entropy(forward(train), outcome[:576]).backward()
        optimizer.step()
        with torch.no_grad():
            p = forward(test)
            losses.append(F.binary_cross_entropy(p, outcome[576:]).item())
            accuracies.append(((p > 0.5).float() == outcome[576:]).float().mean().item())
    return losses, accuracies


def test_09_early_stopping_pays_81_against_76(pima: Run) -> None:
    """Stopping where the held-out loss is lowest (iteration 41) classifies 81 % of the
    held-out patients right, against 76 % after all 200 steps: in the lesson and in torch."""
    losses, accuracies = _pima_in_torch()
    best = int(np.argmin(losses))
    assert best == 41
    assert accuracies[best] == pytest.approx(0.8125, abs=1e-3)
    assert accuracies[-1] == pytest.approx(0.7552, abs=1e-3)
    assert int(pima.value("best")) == best
    assert float(pima.value("acc_best")) == pytest.approx(accuracies[best], abs=1e-3)
    assert float(pima.value("acc_test")) == pytest.approx(accuracies[-1], abs=1e-3)
    assert pima.value("hist_loss").numpy() == pytest.approx(np.array(losses), abs=2e-3)
    text = _text(pima, "early-stopping-pays")
    assert "iteration 41" in text and "81.2%" in text and "75.5%" in text and "11 patients" in text
    k = _step(pima, "write-best-iteration")
    assert pima.check_write(k, "best = hist_loss.argmin(); acc_best = hist_acc[best]").passed
    assert not pima.check_write(k, "best = hist_loss.argmax(); acc_best = hist_acc[best]").passed


def test_09_no_step_shows_a_matrix_of_zeros(pima: Run) -> None:
    for k in range(1, pima.total + 1):
        for view in pima.outcome(k).views:
            if isinstance(view, TensorView) and view.data.size > 1:
                assert np.any(view.data != 0), f"step {k} shows {view.name}, all zeros"


def test_03_weights_vanish_explode_and_clip() -> None:
    run = _run("03")
    w = torch.tensor([1.2, 0.8, 1.5, 0.9, 1.1, 0.7, 1.3, 1.0, 0.6, 1.4], requires_grad=True)
    h = torch.tensor(1.0)
    for k in range(10):
        h = torch.sigmoid(w[k] * h)
    h.backward()
    assert torch.allclose(run.value("ws").grad, w.grad, rtol=1e-4, atol=0)
    assert float(w.grad[9] / w.grad[0]) > 1e5  # the first layer barely learns
    assert float(run.value("wr").grad.min()) > 0.5 and float(run.value("wr").grad.max()) < 2
    assert float(run.value("d_e")) == 2.0**10  # gain 2, ten layers
    we = torch.full((10,), 2.0, requires_grad=True)
    out = torch.tensor(1.0)
    for k in range(10):
        out = torch.relu(we[k] * out)
    out.backward()
    norm = torch.nn.utils.clip_grad_norm_([we], 1.0)
    assert float(run.value("norm_before")) == pytest.approx(float(norm), rel=1e-5)
    assert torch.allclose(run.value("we").grad, we.grad)
    assert float(run.value("we").grad.norm()) == pytest.approx(1.0, abs=1e-5)
    sweep = [v for v in run.outcome(_step(run, "exploding")).views if isinstance(v, PlotView)]
    assert sweep and sweep[0].log and len(sweep[0].series) == 3


def test_10_relu_zeroes_columns_0_3_and_4() -> None:
    run = _run("10")
    table = np.loadtxt(DATA / "optdigits.tes", delimiter=",", max_rows=1)
    img = torch.tensor(table[:64], dtype=torch.float32).reshape(1, 1, 8, 8) * 0.0625
    kernel = torch.tensor([[1.0, 0.0, -1.0]] * 3).reshape(1, 1, 3, 3)
    act = F.relu(F.conv2d(img, kernel))[0, 0]
    zeros = (act == 0).sum(dim=0).tolist()
    assert zeros == [6, 3, 0, 5, 4, 0]
    assert ((run.value("act") == 0).sum(dim=0)).tolist() == zeros
    explain = _text(run, "relu", "explain")
    assert "18 of the 36" in explain
    assert "6 of column 0" in explain and "5 of column 3" in explain
    assert "4 of column 4" in explain


@pytest.mark.parametrize("path", FIRST_TEN, ids=lambda p: p.name)
def test_count_questions_are_exact(path: Path) -> None:
    """A question whose answer is a whole number (a count, a size) takes that number only:
    2400 must not pass for 2410."""
    run = Run(load_lesson(path), device="cpu")
    run.run_all()
    for k, step in enumerate(run.lesson.steps, start=1):
        answer = run.outcome(k).answer
        if step.ask is None or answer is None or answer != math.floor(answer) or answer < 2:
            continue
        whole = int(answer)
        assert run.check_answer(k, str(whole)).correct
        for near in (whole - 1, whole + 1, round(whole * 0.996)):
            if near != whole:
                assert not run.check_answer(k, str(near)).correct, (path.name, k, near)
