"""Lessons 11-24 teach what plain torch computes: the facts they state are pinned here.

Each lesson is run by the engine and the numbers it teaches are recomputed here with torch
alone, so a lesson whose text drifts from its computation, or an engine that drifts from
torch, fails one of these.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import torch
import torch.nn.functional as F

from tutor.engine.run import Run
from tutor.lesson import load_lesson

from .conftest import LESSONS

SEQUENCE = [1.0, 0.5, -1.0, 0.0, 0.5, 1.0]  # lesson 11's six inputs, reused by lesson 12
COURSE = sorted(p for p in LESSONS.glob("*.yaml") if 11 <= int(p.name[:2]) <= 24)
LIVE = re.compile(r"\{\{.+?\}\}", re.S)
TYPED = re.compile(r"\d+\.\d{3,}")  # a value read off the screen: three decimals or more


def _run(name: str, **params: Any) -> Run:
    run = Run(load_lesson(LESSONS / name), device="cpu", params=params)
    outcomes = run.run_all()
    assert not any(o.error for o in outcomes), [o.error for o in outcomes if o.error]
    return run


def _number(run: Run, name: str) -> float:
    """A single value the lesson computed, read without its autograd graph."""
    return float(run.value(name).detach())


def _rnn_grad() -> torch.Tensor:
    """∂(h₅[0] + h₅[1])/∂xₜ of lesson 11's RNN, h = tanh(x W_x + h W_h)."""
    x = torch.tensor(SEQUENCE).reshape(6, 1).requires_grad_()
    wx, wh = torch.tensor([[1.0, 0.5]]), torch.tensor([[0.5, 0.1], [0.2, 0.4]])
    h = torch.zeros(2)
    for t in range(6):
        h = torch.tanh(x[t] @ wx + h @ wh)
    h.sum().backward()
    assert x.grad is not None
    return x.grad


def _lstm_grad_through_c(forget_bias: float) -> torch.Tensor:
    """The same gradient for lesson 12's LSTM cell, with h detached in the gates: only the
    path along the cell state c reaches the inputs."""
    wf = torch.tensor([[0.5, 0.0], [0.0, 0.5], [0.5, -1.0]])
    wi = torch.tensor([[0.0, 0.5], [0.5, 0.0], [1.0, 1.0]])
    wg = torch.tensor([[0.5, -0.5], [0.5, 0.5], [1.0, -1.0]])
    wo = torch.tensor([[0.5, 0.5], [0.0, 0.5], [1.0, 0.5]])
    x = torch.tensor(SEQUENCE).reshape(6, 1).requires_grad_()
    h, c = torch.zeros(2), torch.zeros(2)
    for t in range(6):
        xh = torch.cat([h.detach(), x[t]])
        f = torch.sigmoid(xh @ wf + forget_bias)
        i, g, o = torch.sigmoid(xh @ wi), torch.tanh(xh @ wg), torch.sigmoid(xh @ wo)
        c = f * c + i * g
        h = o * torch.tanh(c)
    h.sum().backward()
    assert x.grad is not None
    return x.grad


def test_lesson_11_gradient_fades_as_torch_computes() -> None:
    run = _run("11-rnn.yaml")
    grad = run.value("x").grad
    torch.testing.assert_close(grad, _rnn_grad())
    steps = grad[1:, 0] / grad[:-1, 0]
    assert f"{float(steps.min()):.1f} to {float(steps.max()):.1f}" == "1.8 to 2.9"
    assert 50 < float(grad[5, 0] / grad[0, 0]) < 60


@pytest.mark.parametrize("forget_bias", [1.0, 4.0, -2.0])
def test_lesson_12_shows_the_gradient_through_c_beside_the_rnn(forget_bias: float) -> None:
    run = _run("12-lstm.yaml", forget_bias=forget_bias)
    lstm, rnn = run.value("seq").grad, run.value("seq_rnn").grad
    torch.testing.assert_close(lstm, _lstm_grad_through_c(forget_bias))
    torch.testing.assert_close(rnn, _rnn_grad())  # the RNN of lesson 11, unchanged
    fade_rnn = float(rnn[5, 0] / rnn[0, 0])
    fade_lstm = float(lstm[5, 0] / lstm[0, 0])
    if forget_bias == 1.0:  # the default: x₀ keeps ten times more of its share than in the RNN
        assert fade_lstm < 6 and fade_rnn > 50
    elif forget_bias == 4.0:  # gates wide open: x₀ counts nearly as much as x₅
        assert fade_lstm < 2.5
    else:  # gates closed: the cell forgets x₀
        assert abs(float(lstm[0, 0])) < 1e-3 * abs(float(lstm[5, 0]))


def _bert_reference() -> tuple[float, float, dict[str, torch.Tensor]]:
    """Lesson 18 in plain torch: its seeded draws, one encoder block, Adam on four blanks;
    returns the first and last loss and p(word) for the three variants of the sentence."""
    g = torch.Generator().manual_seed(18)

    def draw(*shape: int, scale: float = 1.0) -> torch.Tensor:
        return (torch.randn(*shape, generator=g, dtype=torch.float64) * scale).float()

    tok, seg_t, pos = draw(13, 4), draw(2, 4, scale=0.5), draw(8, 4, scale=0.5)
    w_out, b_out = draw(4, 13, scale=0.5), torch.zeros(13)
    wq, wk, wv = draw(4, 4, scale=0.5), draw(4, 4, scale=0.5), draw(4, 4, scale=0.5)
    w1, w2 = draw(4, 8, scale=0.5), draw(8, 4, scale=0.5)
    weights = [w.requires_grad_() for w in (wq, wk, wv, w1, w2, w_out, b_out)]
    seg = seg_t[torch.tensor([0, 0, 0, 0, 0, 1, 1, 1])]

    def logits(ids: torch.Tensor) -> torch.Tensor:
        h = F.layer_norm(tok[ids] + seg + pos, (4,))
        a = torch.softmax(h @ wq @ (h @ wk).transpose(-1, -2) / 2.0, dim=-1)
        u = F.layer_norm(h + a @ (h @ wv), (4,))
        z = F.layer_norm(u + torch.relu(u @ w1) @ w2, (4,))
        return z[..., 3, :] @ w_out + b_out

    sentence = [0, 3, 4, 2, 1, 6, 7, 1]  # [CLS] I drink [MASK] [SEP] it's hot [SEP]
    batch = torch.tensor([sentence, sentence, sentence, sentence])
    batch[2:, 2] = 5  # eat
    batch[1::2, 6] = 8  # cold
    targets = torch.tensor([9, 10, 11, 12])  # tea, juice, soup, salad
    adam = torch.optim.Adam(weights, lr=0.05)
    losses = []
    for _ in range(50):
        adam.zero_grad()
        loss = F.cross_entropy(logits(batch), targets)
        loss.backward()
        adam.step()
        losses.append(float(loss.detach()))
    with torch.no_grad():
        probs = {
            "none": torch.softmax(logits(batch[0]), -1),
            "left": torch.softmax(logits(batch[2]), -1),
            "right": torch.softmax(logits(batch[1]), -1),
        }
    return losses[0], losses[-1], probs


def test_lesson_18_guess_depends_on_both_sides_as_torch_computes() -> None:
    first, last, probs = _bert_reference()
    guesses = {"none": 9, "left": 11, "right": 10}  # tea; eat → soup; cold → juice
    for change, word in guesses.items():
        run = _run("18-bert-input.yaml", change=change)
        p = run.value("p_c")
        torch.testing.assert_close(p, probs[change], atol=2e-3, rtol=0)
        assert int(p.argmax()) == word and float(p[word]) > 0.9, (change, p)
        # row [MASK] of h cannot see the change; only the encoder block can
        assert float((run.value("h_c")[3] - run.value("h")[3]).abs().max()) == 0.0
    assert _number(run, "loss_start") == pytest.approx(first, abs=1e-3)
    assert _number(run, "loss") == pytest.approx(last, abs=2e-3)
    assert last < 0.1 < torch.log(torch.tensor(4.0))  # below an even guess among the four


def test_lesson_19_large_steps_end_above_the_start() -> None:
    """The text says a step of 0.3 ends higher than it started and 0.15 is near the best."""
    after = {
        lr: _number(_run("19-backprop-hidden-layer.yaml", lr=lr), "loss_after")
        for lr in (0.15, 0.3)
    }
    start = _number(_run("19-backprop-hidden-layer.yaml"), "loss")
    assert after[0.15] < start < after[0.3]


def test_lesson_20_cites_the_digits_lesson_truly() -> None:
    """Lesson 20 says the digits lesson needed 100 full-batch steps to reach a loss of 0.16:
    a figure from another lesson, so it cannot be live text; it is held to that lesson here."""
    text = load_lesson(LESSONS / "20-minibatches.yaml").lesson.steps
    assert any("100 full-batch steps to reach a loss of 0.16" in str(s.text) for s in text)
    digits = load_lesson(LESSONS / "08-mlp-digits.yaml")
    assert 100 in [s.repeat for s in digits.lesson.steps]
    run = Run(digits, device="cpu")
    assert not any(o.error for o in run.run_all())
    assert f"{_number(run, 'loss'):.2f}" == "0.16"


def test_lesson_24_writes_its_corpus_itself() -> None:
    """The tiny GPT's text is generated by the lesson's grammar, not read from a file."""
    lesson = load_lesson(LESSONS / "24-tiny-gpt.yaml").lesson
    assert all(spec.csv is None for spec in lesson.tensors.values())
    assert "24-tiny-gpt" in (LESSONS / "data" / "README.md").read_text(encoding="utf-8")


def _strings(text: Any) -> list[str]:
    if text is None:
        return []
    return [text] if isinstance(text, str) else [t for t in text.values() if t]


def _texts(path: Path) -> list[tuple[str, str]]:
    lesson = load_lesson(path).lesson
    found = []
    for n, step in enumerate(lesson.steps, start=1):
        fields: list[Any] = [step.text, step.ask, step.explain, step.hint, *(step.hints or [])]
        fields.append(getattr(step, "prompt", None))
        if step.choose:
            c = step.choose
            fields += [c.question, *c.options, c.hint, *(c.hints or [])]
        found += [(f"step {n}", t) for f in fields for t in _strings(f)]
    return found


@pytest.mark.parametrize("path", COURSE, ids=lambda p: p.name)
def test_no_computed_value_is_typed(path: Path) -> None:
    """Issue 18: a value the lesson computes is cited as live text, never typed from a run."""
    for where, text in _texts(path):
        typed = TYPED.findall(LIVE.sub("", text))
        assert not typed, f"{path.name} {where}: {typed} typed in {text[:80]!r}"


@pytest.mark.parametrize("path", COURSE, ids=lambda p: p.name)
def test_counts_are_asked_exactly(path: Path) -> None:
    """A count is right only when exact: 1295 must not pass for 1296."""
    loaded = load_lesson(path)
    run = Run(loaded, device="cpu")
    counts = 0
    for step, outcome in zip(loaded.lesson.steps, run.run_all(), strict=True):
        ask = " ".join(_strings(step.ask)[:1]).lower()
        if "how many" not in ask or re.search(r"times (smaller|larger)", ask):
            continue  # "how many times smaller" asks for a ratio, not a count
        counts += 1
        answer = float(outcome.answer)
        tolerance = step.tolerance if step.tolerance is not None else 0.01
        assert answer == round(answer), f"{path.name} {step.id}: a count of {answer}"
        assert tolerance + tolerance * abs(answer) < 0.5, f"{path.name} {step.id}"
        assert tolerance <= 0.001, f"{path.name} {step.id}: tolerance {tolerance}"
    assert counts or path.name[:2] not in {"14", "17", "20", "23", "24"}
