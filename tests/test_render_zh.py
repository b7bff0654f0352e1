"""The render layer in the learner's language (issue 19, "Half Chinese"): with the interface in
Chinese, every view kind, the lesson's front page, a step panel and the exports (md, html) draw
no English word of their own. What may stay Latin: the lesson's names (tensors, labels, knobs,
ids), numbers, dtypes and devices, torch's op names, TP/FP/TN/FN and F1, `.grad`."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console, RenderableType

from tutor.engine.views import (
    AttentionView,
    CompareView,
    ConfusionView,
    ExpectResult,
    GraphNode,
    GraphView,
    HeatmapView,
    PlotView,
    StepView,
    SweepView,
    TensorView,
)
from tutor.i18n import use_language
from tutor.lesson import load_lesson
from tutor.render import LinePlot, StepPanel, render_view
from tutor.render.error import error_renderable
from tutor.render.intro import intro_renderable
from tutor.render.live_plot import LivePlot

TECHNICAL = {
    "float32",
    "float64",
    "long",
    "int64",
    "bool",
    "cpu",
    "TP",
    "FP",
    "TN",
    "FN",
    "F1",
    "P",  # F1 = 2·P·R/(P+R), as a Chinese course writes it too
    "R",
    "nan",
    "inf",
    "y",  # the y axis, as a Chinese course writes it
}
NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(\.\d+)?(e[-+]?\d+)?")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def english(text: str, names: Iterable[str]) -> list[str]:
    """The Latin words of `text` that are neither the lesson's `names` nor TECHNICAL."""
    text = re.sub(r"\w+Backward\d*", " ", text)  # torch's op names, as torch names them
    text = re.sub(r"\.grad\b", " ", text)  # `W.grad`: the attribute, as the code writes it
    # a confusion view's name, made by the lesson loader (tutor/lesson/load.py), not drawn here
    text = re.sub(r"confusion of \w+", " ", text)
    allowed = TECHNICAL | set(names)
    words = WORD.findall(NUMBER.sub(" ", text))
    return sorted({w for w in words if w not in allowed})


def render(renderable: RenderableType, width: int = 80, colour: bool = False) -> str:
    console = Console(
        record=True,
        width=width,
        color_system="truecolor" if colour else None,
        force_terminal=colour,
        file=io.StringIO(),
    )
    console.print(renderable)
    return console.export_text()


@pytest.fixture
def chinese() -> Iterator[None]:
    use_language("zh")
    yield
    use_language("en")


def tensor(name: str, data: object, **kw: object) -> TensorView:
    return TensorView(name, np.asarray(data, dtype=np.float32), "float32", "cpu", **kw)  # type: ignore[arg-type]


W = tensor("W", [[0.5], [0.5]], requires_grad=True, grad=np.array([[-2.5], [-3.5]], np.float32))
WIDE = tensor(
    "H",
    np.arange(12).reshape(2, 6) - 5.5,
    requires_grad=True,
    grad=(np.arange(12).reshape(2, 6) - 5.5) * 0.25,
)
A = AttentionView(
    tensor("A", [[0.7, 0.3], [0.4, 0.6]]), row_labels=("I", "love"), col_labels=("I", "love")
)
GRAPH = GraphView(
    "loss",
    (
        GraphNode(0, "loss", "root", (), None, (1,)),
        GraphNode(1, "SumBackward0", "op", None, None, (2, 3)),
        GraphNode(2, "W", "leaf", (2, 1), np.array([[-2.5], [-3.5]]), ()),
        GraphNode(3, "MulBackward0", "op", None, None, (2, 4)),
        GraphNode(4, "tensor", "leaf", (8, 8), np.ones((8, 8)), ()),
    ),
)
BINARY = ConfusionView("pred", np.array([[50, 3], [2, 8]]), ("0", "1"), 58 / 63, (), (), ())
MANY = ConfusionView("c", np.eye(3, dtype=np.int64) * 4, ("a", "b", "c"), 1.0, (), (), ())
VIEWS = [
    W,
    WIDE,
    TensorView("n", np.asarray(3.0), "number", ""),
    TensorView("s", np.asarray([4, 2]), "shape", ""),
    tensor("e", np.zeros((0, 3))),
    CompareView(W, tensor("dW", [[0.5], [0.5]]), 0.0),
    CompareView(W, tensor("v", [0.5, 0.5, 1.0]), None, "they differ in shape (2×1 and 3)"),
    CompareView(W, tensor("r", [0.5, 0.5]), 0.0, "shapes 2×1 and 2, same values"),
    HeatmapView(tensor("M", [[-1.0, 2.0], [0.5, 0.0]])),
    HeatmapView(tensor("E", np.zeros((0, 2)))),
    A,
    BINARY,
    MANY,
    PlotView({"loss": [1.0, 0.5, 0.25, 0.125]}),
    PlotView({"loss": [1.0, 0.1, 0.01], "acc": [0.5, 0.7, 0.9]}, log=True),  # both notes
    PlotView({"loss": [1.0, 2.0, float("nan"), float("inf")]}),
    PlotView({"loss": [1.0, 0.5]}, x={"loss": [40.0, 41.0]}, x_name="lr"),
    PlotView({"loss": []}),
    GRAPH,
    GraphView("b", ()),
    SweepView("W", ("lr = 0.1", "lr = 0.2"), (W, W)),
]
NAMES = {"W", "H", "n", "s", "e", "dW", "v", "r", "M", "E", "A", "I", "love", "pred", "c"}
NAMES |= {"a", "b", "loss", "acc", "lr", "i"}


@pytest.mark.parametrize("width", [120, 60])
def test_every_view_kind_draws_no_english_in_chinese(chinese: None, width: int) -> None:
    for view in VIEWS:
        for colour in (False, True):
            text = render(render_view(view), width, colour)
            assert not english(text, NAMES), (type(view).__name__, english(text, NAMES), text)


def test_the_confusion_table_uses_a_chinese_courses_terms(chinese: None) -> None:
    binary = render(render_view(BINARY), 120)
    for term in ("准确率 = (TP+TN)/全部", "精确率 = TP/(TP+FP)", "召回率", "F1", "正类：1"):
        assert term in binary, binary
    assert "TP 真正例 · FP 假正例 · TN 真负例 · FN 假负例" in binary  # the abbreviations, said
    many = render(render_view(MANY), 120)
    assert "类别" in many and "准确率 = 正确数/总数 = 12/12" in many


def test_plot_legend_without_values_and_the_live_plot_are_chinese(chinese: None) -> None:
    legend = LinePlot(PlotView({"loss": []})).legend(["loss"], colour=False)
    live = LivePlot("loss", {"loss": [1.0, 0.5]}, 2, 10)
    for text in [*(line.plain for line in legend), render(live)]:
        assert not english(text, NAMES), text


def test_the_step_panel_with_its_checks_is_chinese(chinese: None) -> None:
    step = StepView(
        index=2,
        total=7,
        title="损失",
        text="误差的**平方**。",
        code="loss = (W * W).sum()",
        backward="loss",
        repeat=30,
        views=(W, PlotView({"loss": [1.0, 0.5]})),
        expects=(
            ExpectResult("loss", True, ""),
            ExpectResult("W", True, ""),
            ExpectResult("H", True, ""),
            ExpectResult("acc", True, "", skipped="lr"),
        ),
        error="lesson.yaml:9:10: 第 2 步出错",
    )
    text = render(StepPanel(step, author=True))
    assert "第 2/7 步" in text and "反向传播" in text
    assert not english(text, NAMES | {"lesson", "yaml", "sum"}), text


def test_errors_beyond_the_first_ones_are_counted_in_chinese(chinese: None) -> None:
    from tutor.lesson import LessonError, Pos, Problem

    problems = [Problem("x.yaml", Pos(k, 1), "错") for k in range(1, 12)]
    text = render(error_renderable(LessonError(problems)))
    assert not english(text, {"x", "yaml"}), text


LESSON = """\
format: 1.1
id: zh-views
title: {en: Views, zh: 视图}
summary: {en: Every view., zh: 每一种视图。}
requires: [neuron]
seed: 0
params:
  lr: {value: 0.1, min: 0.01, max: 1.0, step: 0.01, help: {en: learning rate, zh: 学习率}}
tensors:
  x: [1.0, -2.0]
  W: {value: [[0.5, -1.0], [2.0, 0.25]], grad: true}
  A: [[0.7, 0.3], [0.4, 0.6]]
  pred: {value: [0, 1, 1, 0], dtype: long}
  target: {value: [0, 1, 0, 0], dtype: long}
  big: {value: [[1.0]]}
steps:
  - id: look
    title: {en: Look, zh: 看一看}
    text: {en: Values., zh: 数值。}
    show:
      - x
      - {heatmap: W, rows: [a, b], cols: [c, d]}
      - {attention: A, rows: [I, love], cols: [I, love]}
      - {confusion: {pred: pred, target: target, labels: [no, yes]}}
  - id: guess
    title: {en: Guess, zh: 猜一猜}
    ask: {en: First entry of x @ W?, zh: x @ W 的第一个数？}
    answer: (x @ W)[0]
    hints: [{en: Multiply., zh: 相乘。}]
    explain: {en: It is −3.5., zh: 是 −3.5。}
  - id: loss
    title: {en: Loss, zh: 损失}
    run: loss = (x @ W).sum()
    backward: loss
    show: [W, {graph: loss}]
    compare: [W, W]
  - id: train
    title: {en: Train, zh: 训练}
    repeat: 20
    run: |
      W.grad = None
      loss = ((x @ W) ** 2).sum()
      loss.backward()
      W -= lr * W.grad
    plot: loss
  - id: which
    title: {en: Which?, zh: 哪个？}
    choose:
      question: {en: Larger?, zh: 哪个更大？}
      options: [{en: the first, zh: 第一个}, {en: the second, zh: 第二个}]
      answer: 1
  - id: big
    title: {en: Big, zh: 大}
    run: big = ones(30, 30)
    show: [big]
"""
LESSON_NAMES = {"x", "W", "A", "pred", "target", "big", "a", "b", "c", "d", "I", "love"}
LESSON_NAMES |= {"no", "yes", "loss", "lr", "neuron", "zh", "views"}


def test_the_front_page_is_chinese(tmp_path: Path, chinese: None) -> None:
    path = tmp_path / "zh-views.yaml"
    path.write_text(LESSON, encoding="utf-8")
    page = intro_renderable(load_lesson(path), "zh", device="cpu", params={"lr": 0.1})
    text = render(page)
    assert "视图" in text and "学习率" in text
    assert not english(text, LESSON_NAMES), text


def _exported(tmp_path: Path, fmt: str, answers: bool) -> str:
    from tutor.export import export_lesson

    path = tmp_path / "zh-views.yaml"
    path.write_text(LESSON, encoding="utf-8")
    out = tmp_path / f"out.{fmt}"
    export_lesson(load_lesson(path), fmt, out, device="cpu", lang="zh", answers=answers)
    return out.read_text(encoding="utf-8")


def test_a_markdown_export_in_chinese_has_no_english_of_its_own(tmp_path: Path) -> None:
    page = _exported(tmp_path, "md", answers=True)
    assert "教师版" in page and "## 第 1/6 步" in page
    page = re.sub(r"```python\n.*?```", "", page, flags=re.S)  # the lesson's code
    page = page.replace("```text", "")
    assert not english(page, LESSON_NAMES), english(page, LESSON_NAMES)


def test_an_html_export_in_chinese_has_no_english_of_its_own(tmp_path: Path) -> None:
    page = _exported(tmp_path, "html", answers=True)
    assert '<html lang="zh">' in page and "教师版" in page
    body = page.split("</style>", 1)[1]
    body = re.sub(r"<pre><code>(?!\S+：).*?</code></pre>", "", body, flags=re.S)
    said = " ".join(re.findall(r'(?:aria-label|title)="([^"]*)"', body))
    text = html.unescape(re.sub(r"<[^>]+>", " ", body)) + " " + said
    assert not english(text, LESSON_NAMES), english(text, LESSON_NAMES)


def test_an_export_speaks_the_lesson_language_and_leaves_the_process_as_it_was(
    tmp_path: Path,
) -> None:
    """`export_lesson(lang="zh")` from a process speaking English (a test, a script): the page
    is Chinese throughout, and the process still speaks English after."""
    from tutor.i18n import _

    page = _exported(tmp_path, "md", answers=False)
    assert "## 第 1/6 步" in page
    assert _("Step {k}/{n}") == "Step {k}/{n}"
