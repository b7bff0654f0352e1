"""The renderers draw what a learner must see: every number, named, formatted alike, within the
width on offer, and readable without colour. Views are built by hand with numpy (no torch).
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console, RenderableType
from rich.table import Table

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
    TensorView,
)
from tutor.render import (
    CompareTable,
    ConfusionTable,
    GraphTree,
    Heatmap,
    LinePlot,
    NumberFormat,
    Scale,
    StepPanel,
    TensorTable,
    format_scalar,
    render_view,
)

ROOT = Path(__file__).resolve().parents[1]


def render(renderable: RenderableType, width: int = 80) -> str:
    """What a plain console of `width` columns prints, as text."""
    console = Console(record=True, width=width, color_system=None, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def raw(renderable: RenderableType, width: int = 80, color_system: str | None = None) -> str:
    """The exact characters written to the terminal, escape codes included."""
    out = io.StringIO()
    Console(width=width, color_system=color_system, file=out, force_terminal=True).print(renderable)
    return out.getvalue()


def lines_of(text: str) -> list[str]:
    return text.rstrip("\n").split("\n")


def tensor(name: str, data: object, dtype: str = "float32", **kw: object) -> TensorView:
    array = np.asarray(data, dtype={"long": np.int64, "bool": np.bool_}.get(dtype, np.float32))
    return TensorView(name, array, dtype, kw.pop("device", "cpu"), **kw)  # type: ignore[arg-type]


X = tensor("x", [[1.0, 2.0], [2.0, 3.0], [3.0, 4.0], [4.0, 5.0]])
W = tensor("W", [[0.5], [0.5]], requires_grad=True, grad=np.array([[-2.5], [-3.5]], np.float32))
BIG = np.random.default_rng(0).normal(size=(100, 100)).astype(np.float32)


# Numbers ------------------------------------------------------------------------------------


def test_one_format_per_tensor() -> None:
    fmt = NumberFormat.for_values(np.array([-2.5, 1.5]))
    assert (fmt(-2.5), fmt(1.5)) == ("-2.5000", "1.5000")
    assert NumberFormat.for_values(np.array([12.5, 1.0]))(1.0) == "1.000"
    assert NumberFormat.for_values(np.array([0.02, -0.0549]))(0.02) == "0.0200"
    assert NumberFormat.for_values(np.array([0.083]), digits=2)(0.083) == "0.083"
    assert NumberFormat.for_values(np.array([1e-6, 2e-5]))(2e-5) == "2.000e-05"
    assert NumberFormat.for_values(np.array([3, -4]))(-4) == "-4"
    assert NumberFormat.for_values(np.array([True, False]))(False) == "F"
    assert NumberFormat.for_values(np.array([-1e-7, 1.0]))(-1e-7) == "0.0000"  # never "-0.0000"
    nan_inf = NumberFormat.for_values(np.array([np.nan, np.inf, 1.0]))
    assert (nan_inf(np.nan), nan_inf(-np.inf)) == ("nan", "-inf")


def test_scalars_read_as_written() -> None:
    assert format_scalar(0.25) == "0.25"
    assert format_scalar(np.float32(0.1)) == "0.1"
    assert format_scalar(1.0) == "1.0"
    assert format_scalar(3, "long") == "3"
    assert format_scalar(True, "bool") == "True"


def test_scale_diverges_around_zero_and_is_sequential_when_nothing_is_negative() -> None:
    scale = Scale.for_values(np.array([-2.0, 0.0, 1.0]))
    assert scale.diverging and scale.limit == 2.0
    blue, red = scale.text_rgb(-2.0), scale.text_rgb(2.0)
    assert blue[2] > blue[0] and red[0] > red[2]
    grey = scale.text_rgb(0.0)
    assert grey[0] == grey[1] == grey[2]
    sequential = Scale.for_values(np.array([0.0, 0.2, 0.8]))
    assert not sequential.diverging and sequential.position(0.8) == 1.0


# Tensors ------------------------------------------------------------------------------------


def test_tensor_has_shape_header_and_every_value() -> None:
    text = render(TensorTable(X))
    assert lines_of(text)[0] == "x  shape 4×2 · float32 · cpu"
    for value in ("1.0000", "2.0000", "3.0000", "4.0000", "5.0000"):
        assert value in text
    assert "⎡ 1.0000  2.0000 ⎤" in text
    assert "⎣ 4.0000  5.0000 ⎦" in text


def test_gradient_is_drawn_beside_the_value() -> None:
    lines = lines_of(render(TensorTable(W)))
    assert lines[0] == "W  shape 2×1 · float32 · cpu · grad: true"
    names = next(line for line in lines if "W.grad" in line)
    assert names.split() == ["W", "W.grad"]
    assert any("0.5000" in line and "-2.5000" in line for line in lines)
    assert any("0.5000" in line and "-3.5000" in line for line in lines)
    assert names.index("W.grad") == lines[-1].index("⎣", 4)  # same column as the grad matrix


def test_gradient_goes_below_when_there_is_no_room_beside() -> None:
    data = np.arange(12, dtype=np.float32).reshape(2, 6) - 5.5
    view = tensor("h", data, requires_grad=True, grad=data * 0.25)
    lines = lines_of(render(TensorTable(view), width=50))
    grad_at = lines.index("  h.grad")
    assert "-5.5000" in "".join(lines[:grad_at]) and "-1.3750" in "".join(lines[grad_at:])
    assert all(len(line) <= 50 for line in lines)


def test_scalar_is_one_line() -> None:
    loss = tensor("loss", 0.25)
    assert render(TensorTable(loss)).strip() == "loss = 0.25   float32 · cpu"
    number = TensorView("lr", np.array(0.1), "number", "")
    assert render(TensorTable(number)).strip().startswith("lr = 0.1")
    with_grad = tensor("b", 0.0, requires_grad=True, grad=np.array(-1.0))
    assert "b.grad = -1.0" in render(TensorTable(with_grad))


def test_ints_bools_and_vectors() -> None:
    ints = render(TensorTable(tensor("n", [[1, 20], [300, 4]], "long")))
    assert "⎡   1   20 ⎤" in ints and "." not in ints.split("\n", 1)[1]
    bools = render(TensorTable(tensor("m", [[True, False]], "bool")))
    assert "[ T  F ]" in bools
    vector = render(TensorTable(tensor("v", [1.5, -2.25, 3.0])))
    assert "shape 3" in vector and "[  1.5000  -2.2500   3.0000 ]" in vector


def test_labels_name_rows_and_columns() -> None:
    view = tensor("A", np.eye(2), row_labels=("the", "cat"), col_labels=("k0", "k1"))
    lines = lines_of(render(TensorTable(view)))
    assert lines[1].split() == ["k0", "k1"]
    assert lines[2].lstrip().startswith("the ⎡")
    assert lines[3].lstrip().startswith("cat ⎣")


def test_rank_three_is_a_stack_of_labelled_slices() -> None:
    text = render(TensorTable(tensor("t", np.arange(24).reshape(2, 3, 4), "long")))
    assert "[0, :, :]" in text and "[1, :, :]" in text
    assert "23" in text
    many = render(TensorTable(tensor("h", np.zeros((10, 2, 2)))))
    assert "[0, :, :]" in many and "[9, :, :]" in many and "[5, :, :]" not in many


@pytest.mark.parametrize("width", [80, 40])
def test_large_tensor_is_summarised_within_the_width(width: int) -> None:
    view = tensor("big", BIG, requires_grad=True, grad=BIG * 0.01)
    text = render(TensorTable(view), width=width)
    lines = lines_of(text)
    assert all(len(line) <= width for line in lines), max(lines, key=len)
    assert "…" in text and "⋮" in text and "⋱" in text
    assert f"{BIG[0, 0]:.4f}" in text and f"{BIG[-1, -1]:.4f}" in text  # the corners show
    assert "big.grad" in text
    assert len(lines) < 30


def test_tensor_shrinks_inside_a_narrow_table_column() -> None:
    grid = Table.grid()
    grid.add_row(TensorTable(tensor("big", BIG)))
    lines = lines_of(render(grid, width=44))
    assert all(len(line) <= 44 for line in lines)
    assert "…" in lines[1]


# Comparison and heatmaps --------------------------------------------------------------------


def test_compare_shows_both_and_the_largest_difference() -> None:
    left = tensor("dW", [[-2.5], [-3.5]])
    right = tensor("W.grad", [[-2.5], [-3.5000001]])
    text = render(CompareTable(CompareView(left, right, 1.2e-07)))
    first = lines_of(text)[0]
    assert "dW" in first and "W.grad" in first
    assert "largest |difference| = 1.2e-07" in text
    # why they cannot be compared is said from the shapes, in the learner's language
    note = CompareView(left, tensor("y", [1.0, 2.0, 3.0]), None, "an engine's English note")
    assert "they differ in shape (2×1 and 3)" in render(CompareTable(note))


def test_attention_rows_are_labelled_and_sum_to_one() -> None:
    scores = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3], [0.1, 0.2, 3.0]])
    weights = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    tokens = ("the", "cat", "sat")
    view = AttentionView(tensor("A", weights), tokens, tokens)
    lines = lines_of(render(Heatmap(view)))
    assert "attention 3×3" in lines[0] and "queries" in lines[0]
    assert lines[1].split() == ["the", "cat", "sat", "sum"]
    for row, token in zip(weights, tokens, strict=True):
        line = next(line for line in lines[2:] if line.lstrip().startswith(token))
        assert line.split()[1:] == [f"{value:.2f}" for value in row] + ["1.00"]


def test_heatmap_cells_are_coloured_and_numbered() -> None:
    view = HeatmapView(tensor("S", [[-1.0, 0.0], [0.5, 1.0]]))
    text = render(Heatmap(view))
    assert "heatmap 2×2" in text and "-1.00" in text and "0.50" in text
    coloured = raw(Heatmap(view), color_system="truecolor")
    assert "48;2;" in coloured  # cell backgrounds
    assert "\x1b" not in raw(Heatmap(view), color_system=None)


# Confusion ----------------------------------------------------------------------------------


def test_binary_confusion_names_cells_and_works_out_metrics() -> None:
    matrix = np.array([[50, 2], [3, 8]])
    precision, recall = 8 / 10, 8 / 11
    f1 = 2 * precision * recall / (precision + recall)
    view = ConfusionView(
        "pred", matrix, ("0", "1"), 58 / 63, (50 / 53, precision), (50 / 52, recall), (0.9, f1)
    )
    text = render(ConfusionTable(view), width=120)
    for cell in ("TN 50", "FP 2", "FN 3", "TP 8", "actual 0", "predicted 1"):
        assert cell in text
    squeezed = re.sub(r"\s+", " ", text)
    assert "accuracy = (TP+TN)/all = (8+50)/63 = 0.921" in squeezed
    assert "precision = TP/(TP+FP) = 8/(8+2) = 0.800" in squeezed
    assert "recall = TP/(TP+FN) = 8/(8+3) = 0.727" in squeezed
    assert "F1 = 2·P·R/(P+R) = 2·0.800·0.727/(0.800+0.727) = 0.762" in squeezed
    assert any("TN 50" in line and "F1" in line for line in lines_of(text))  # beside
    narrow = render(ConfusionTable(view), width=60)
    assert all(len(line) <= 60 for line in lines_of(narrow)) and "0.762" in narrow


def test_multiclass_confusion_highlights_and_scores_every_class() -> None:
    matrix = np.array([[5, 1, 0], [2, 7, 1], [0, 0, 9]])
    view = ConfusionView(
        "digits",
        matrix,
        ("cat", "dog", "bird"),
        21 / 25,
        (5 / 7, 7 / 8, 9 / 10),
        (5 / 6, 7 / 10, 1.0),
        (10 / 13, 14 / 18, 18 / 19),
    )
    text = render(ConfusionTable(view), width=70)  # too narrow to be beside: one below the other
    assert "actual ↓  predicted →" in text and "bird" in text and "dog" in text
    rows = [line.split() for line in lines_of(text)]
    counts, metrics = [r for r in rows if r[:1] == ["cat"] and r[1][0].isdigit()]
    assert counts == ["cat", "5", "1", "0"]
    assert metrics == ["cat", "0.714", "0.833", "0.769", "6"]
    assert "accuracy = correct/all = 21/25 = 0.840" in text
    wide = render(ConfusionTable(view), width=120)
    assert any("actual ↓" in line and "precision" in line for line in lines_of(wide))  # beside
    diagonal = raw(ConfusionTable(view), width=120, color_system="truecolor")
    assert "\x1b[1;32m7" in diagonal  # the correct answers stand out


# Plot ---------------------------------------------------------------------------------------


LOSS = [round(1.3 * 0.8**i, 6) for i in range(30)] + [0.0125]


def test_plot_names_series_and_last_value_without_ansi() -> None:
    view = PlotView({"loss": LOSS})
    plain = raw(LinePlot(view), color_system=None)
    assert "\x1b" not in plain
    assert "loss" in plain and "last 0.0125" in plain and "31 iterations" in plain
    assert "1.300" in plain  # the top of the y range
    assert re.search("[\u2801-\u28ff]", plain)  # braille dots
    lines = lines_of(render(LinePlot(view), width=60))
    assert all(len(line) <= 60 for line in lines)
    assert 12 <= len(lines) <= 18


def test_plot_colours_series_and_splits_them_without_colour() -> None:
    view = PlotView({"loss": LOSS, "accuracy": [0.1 * i for i in range(31)]})
    assert "\x1b[" in raw(LinePlot(view), color_system="truecolor")
    plain = render(LinePlot(view))
    assert "● loss" in plain and "● accuracy" in plain
    assert plain.count("iteration ") >= 2  # one chart per series, so each line can be told apart


def test_plot_against_recorded_whole_numbers_labels_its_axis_with_integers() -> None:
    """Iterations 40 … 199 recorded as floats read `40 … 199`, not `40.0 … 199.0`; an x that
    is not whole keeps its decimals."""
    steps = [float(i) for i in range(40, 200)]
    view = PlotView({"loss": LOSS[:1] * 160}, x={"loss": steps}, x_name="iteration")
    axis = lines_of(render(LinePlot(view)))[-2]
    assert axis.split() == ["40", "iteration", "199"], axis
    rates = PlotView({"loss": [1.0, 0.5, 0.25]}, x={"loss": [0.5, 1.0, 1.5]}, x_name="lr")
    assert lines_of(render(LinePlot(rates)))[-2].split() == ["0.5", "lr", "1.5"]


# Graph --------------------------------------------------------------------------------------


def test_graph_tree_has_ops_leaves_and_references() -> None:
    nodes = (
        GraphNode(0, "MseLossBackward0", "root", (), None, (1,)),
        GraphNode(1, "AddBackward0", "op", None, None, (2, 5)),
        GraphNode(2, "MmBackward0", "op", None, None, (3, 4)),
        GraphNode(3, "x", "leaf", (4, 2)),
        GraphNode(4, "W", "leaf", (2, 1), np.array([[-2.5], [-3.5]])),
        GraphNode(5, "MulBackward0", "op", None, None, (4, 6)),
        GraphNode(6, "tensor", "leaf", (2, 1), np.ones((20, 20))),
    )
    text = render(GraphTree(GraphView("loss", nodes)))
    for name in ("MseLossBackward0", "AddBackward0", "MmBackward0", "MulBackward0", "x", "W"):
        assert name in text
    assert "grad [[-2.5], [-3.5]]" in text and "shape 4×2" in text
    assert "↑ see W" in text and text.count("W  shape 2×1") == 1
    assert "grad 20×20" in text  # a large grad is summarised
    assert "no autograd graph" in render(GraphTree(GraphView("z", ())))


# Steps --------------------------------------------------------------------------------------


def test_step_panel_shows_title_text_code_views_checks_and_error() -> None:
    step = StepView(
        index=2,
        total=7,
        title="Loss",
        text="The **mean** of the squared errors.",
        code="loss = mse(y_hat, y)",
        backward="loss",
        repeat=50,
        views=(tensor("loss", 0.25), W),
        expects=(
            ExpectResult("loss", True, ""),
            ExpectResult("out", True, ""),
            ExpectResult("W.grad", False, "expected [[-2.5], [-3.5]], got [[-2.0], [-3.0]]"),
        ),
        error="lesson.yaml:9:10: in step 2, shapes 4×1 and 2×1 cannot be multiplied",
    )
    text = render(StepPanel(step, author=True), width=100)
    assert "Step 2/7 · Loss" in lines_of(text)[0]
    assert "The mean of the squared errors." in text
    assert "loss = mse(y_hat, y)" in text
    assert "backward: loss" in text and "repeat: 50" in text
    assert "W.grad" in text and "-3.5000" in text
    assert "✓ loss = 0.25" in text and "✓ out matches" in text
    assert "✗ W.grad: expected [[-2.5], [-3.5]], got [[-2.0], [-3.0]]" in text
    assert "error" in text and "lesson.yaml:9:10" in text
    hidden = render(StepPanel(step, show_code=False), width=100)
    assert "mse(y_hat, y)" not in hidden
    # a learner's view: the author's passing checks are not shown, a failing one is
    assert "✓" not in hidden and "✗ W.grad" in hidden


def test_render_view_draws_every_kind_of_view() -> None:
    views = [
        X,
        CompareView(X, X, 0.0),
        HeatmapView(X),
        AttentionView(tensor("A", np.full((2, 2), 0.5))),
        ConfusionView("p", np.eye(2, dtype=np.int64), ("0", "1"), 1.0, (1, 1), (1, 1), (1, 1)),
        PlotView({"loss": [1.0, 0.5]}),
        GraphView("loss", (GraphNode(0, "SumBackward0", "root", ()),)),
    ]
    for view in views:
        assert render(render_view(view)).strip()
    with pytest.raises(TypeError):
        render_view("W")  # type: ignore[arg-type]


def test_render_imports_no_torch() -> None:
    code = "import tutor.render, sys; assert 'torch' not in sys.modules, 'torch was imported'"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_no_color_keeps_every_number_and_drops_every_colour() -> None:
    out = io.StringIO()
    console = Console(width=80, file=out, force_terminal=True, color_system="truecolor")
    console.no_color = True  # what the NO_COLOR environment variable does
    console.print(TensorTable(W))
    console.print(Heatmap(HeatmapView(tensor("S", [[-1.0, 0.5]]))))
    text = out.getvalue()
    assert "38;2;" not in text and "48;2;" not in text
    assert "-2.5000" in text and "-1.00" in text and "0.50" in text


SAMPLES = [
    TensorView("big", BIG, "float32", "cpu", True, BIG),
    tensor("t", np.arange(60).reshape(3, 4, 5), "long"),
    CompareView(tensor("a", BIG[:3]), tensor("b", BIG[:3]), 0.0),
    HeatmapView(tensor("H", BIG[:30, :30])),
    AttentionView(tensor("A", np.full((12, 12), 1 / 12)), tuple(f"t{i}" for i in range(12))),
    ConfusionView("c", np.array([[50, 2], [3, 8]]), ("no", "yes"), 0.9, (), (), ()),
    ConfusionView("d", np.eye(10, dtype=np.int64) * 7, tuple("0123456789"), 1.0, (), (), ()),
    PlotView({"loss": LOSS, "acc": [0.5] * 31}),
]


@pytest.mark.parametrize("width", [20, 33, 57, 80, 120])
def test_nothing_passes_the_width(width: int) -> None:
    for view in SAMPLES:
        for line in lines_of(render(render_view(view), width=width)):
            assert len(line) <= width, (type(view).__name__, line)
