"""What a step shows, as plain data: the contract between the engine and the renderers.

The engine turns live torch values into these records (numpy arrays on the CPU, strings,
floats) so that `tutor.render` can draw them without importing torch, and so that a record
stays exactly as it was when the step ran, whatever happens to the live tensors later.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class TensorView:
    """One value: a tensor (any rank, 0-d for scalars) or a plain number.

    `grad` is the gradient stored on the tensor (same shape), shown beside it after
    `backward`. `row_labels`/`col_labels` name the rows or columns where the lesson gave
    labels (tokens in attention, say).
    """

    name: str
    data: np.ndarray
    dtype: str  # "float32", "float64", "long", "bool", or "number" for a Python scalar
    device: str  # "cpu", "cuda:0", "mps", or "" for a Python scalar
    requires_grad: bool = False
    grad: np.ndarray | None = None
    row_labels: tuple[str, ...] | None = None
    col_labels: tuple[str, ...] | None = None

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.data.shape)


@dataclass(frozen=True)
class CompareView:
    """Two values side by side with their largest absolute difference."""

    left: TensorView
    right: TensorView
    max_abs_diff: float | None  # None when the shapes differ
    note: str = ""  # why they could not be compared, when they could not


@dataclass(frozen=True)
class HeatmapView:
    """A matrix drawn as coloured cells (values diverging around 0 unless all >= 0)."""

    value: TensorView


@dataclass(frozen=True)
class AttentionView:
    """Attention weights (rows = queries, columns = keys; each row sums to 1)."""

    value: TensorView
    row_labels: tuple[str, ...] | None = None
    col_labels: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ConfusionView:
    """Counts: rows are the true class, columns the predicted one.

    For two classes the renderer calls the cells TN, FP / FN, TP (class 1 is positive).
    `metrics` holds accuracy and, per class or for the positive class, precision, recall, F1.
    """

    name: str
    matrix: np.ndarray  # int64, n×n
    labels: tuple[str, ...]
    accuracy: float
    precision: tuple[float, ...]  # per class
    recall: tuple[float, ...]
    f1: tuple[float, ...]


@dataclass(frozen=True)
class PlotView:
    """Scalars recorded at each iteration of a `repeat`, one series per name.

    `x` holds, per series, the recorded values it is drawn against (`plot: {y, x}`), named
    `x_name`; without them the axis is the iteration. `log` draws y on a log scale.
    """

    series: dict[str, list[float]]
    title: str = ""
    x: dict[str, list[float]] = field(default_factory=dict)
    x_name: str = ""
    log: bool = False


@dataclass(frozen=True)
class SweepView:
    """One thing a `sweep` step shows, once per knob value, side by side: `labels[i]`
    (`lr = 0.005`) names `views[i]`."""

    name: str
    labels: tuple[str, ...]
    views: tuple[View, ...]


@dataclass(frozen=True)
class GraphNode:
    """A node of an autograd graph: an operation (`MmBackward0`) or a leaf tensor."""

    id: int
    label: str  # op name, or the leaf's name in the lesson ("W"), or "tensor" if unnamed
    kind: str  # "op" | "leaf" | "root"
    shape: tuple[int, ...] | None = None
    grad: np.ndarray | None = None  # a leaf's .grad, when it has one
    inputs: tuple[int, ...] = field(default_factory=tuple)  # ids of the nodes feeding this one


@dataclass(frozen=True)
class GraphView:
    """The autograd graph that produced `root`, root first, each node once."""

    name: str
    nodes: tuple[GraphNode, ...]


View = (
    TensorView
    | CompareView
    | HeatmapView
    | AttentionView
    | ConfusionView
    | PlotView
    | GraphView
    | SweepView
)


@dataclass(frozen=True)
class ExpectResult:
    """One `expect` entry checked against the live value."""

    name: str
    ok: bool
    message: str  # "" when ok; otherwise what differed, e.g. "expected 0.25, got 0.3125"
    skipped: str = ""  # the turned knobs that make it not apply ("lr"); ok is then True
    got: object = None  # the computed value as nested lists, when it differs (check --update)


@dataclass(frozen=True)
class StepView:
    """Everything a front-end draws for one step, in the learner's language.

    `index` counts from 1. `code` is the step's statements as written (may be ""). `error`
    is a located message ("08-shape.yaml:9:10: in step 1, ...") when the step could not run.
    """

    index: int
    total: int
    title: str
    text: str = ""
    code: str = ""
    backward: str = ""
    repeat: int = 0
    views: tuple[View, ...] = ()
    expects: tuple[ExpectResult, ...] = ()
    error: str = ""


@dataclass(frozen=True)
class LineError:
    """What was wrong with a line the learner typed (a write step, the inspect line), pinned
    to its own text, so a front-end draws it with a caret rather than a lesson's file:line."""

    message: str
    line: str  # the learner's line the problem is on, as typed (stripped)
    col: int  # 1-based column in `line`

    def caret(self) -> str:
        """The line, and a caret under the column: two lines of plain text."""
        return f"{self.line}\n{' ' * (max(self.col, 1) - 1)}^"

    def text(self) -> str:
        """The line, the caret and the message: what `--plain` prints."""
        return f"{self.caret()}\n{self.message}"
