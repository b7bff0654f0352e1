"""Live torch values into the plain records of `tutor.engine.views`.

A capture is a copy (numpy, on the CPU), so what a step showed stays as it was when the
learner steps back to it, whatever later steps do to the live tensors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch

from tutor.engine.errors import LessonRuntimeError
from tutor.engine.functions import confusion_metrics
from tutor.engine.limits import MAX_VIEW_CLASSES
from tutor.engine.views import (
    AttentionView,
    CompareView,
    ConfusionView,
    GraphNode,
    GraphView,
    HeatmapView,
    TensorView,
)
from tutor.i18n import _

Labels = tuple[tuple[str, ...] | None, tuple[str, ...] | None]
MAX_GRAPH_NODES = 60

_DTYPE_NAMES = {
    torch.float32: "float32",
    torch.float64: "float64",
    torch.float16: "float16",
    torch.bfloat16: "bfloat16",
    torch.long: "long",
    torch.int32: "int32",
    torch.bool: "bool",
}


def tensor_view(name: str, value: Any, labels: Labels = (None, None)) -> TensorView:
    if isinstance(value, torch.Size):  # x.shape: shown as the list of sizes it is
        return TensorView(
            name=name, data=np.asarray(list(value), dtype=np.int64), dtype="shape", device=""
        )
    if isinstance(value, torch.Tensor):
        grad = value.grad if value.is_leaf else None
        rows, cols = _fit_labels(value.shape, labels)
        return TensorView(
            name=name,
            data=_numpy(value),
            dtype=_DTYPE_NAMES.get(value.dtype, str(value.dtype).removeprefix("torch.")),
            device=str(value.device),
            requires_grad=value.requires_grad,
            grad=_numpy(grad) if grad is not None else None,
            row_labels=rows,
            col_labels=cols,
        )
    if isinstance(value, bool | int | float):
        return TensorView(name=name, data=np.asarray(value), dtype="number", device="")
    if value is None and name.endswith(".grad"):
        raise LessonRuntimeError(
            _(
                "'{name}' is empty: gradients appear after a backward (backward: loss), and "
                "'grad: true' on the tensor"
            ).format(name=name)
        )
    if isinstance(value, (list, tuple)) and all(isinstance(v, torch.Tensor) for v in value):
        raise LessonRuntimeError(
            _("'{name}' is a list of tensors; show them one by one").format(name=name)
        )
    raise LessonRuntimeError(
        _("'{name}' is not a tensor or a number, so it cannot be shown").format(name=name)
    )


def _numpy(t: torch.Tensor) -> np.ndarray:
    return t.detach().to("cpu").numpy().copy()


def _fit_labels(shape: torch.Size, labels: Labels) -> Labels:
    rows, cols = labels
    n_rows = shape[0] if len(shape) >= 1 else None
    n_cols = shape[-1] if len(shape) >= 2 else None
    if len(shape) == 1:  # a vector is drawn as one row: its labels name the columns
        return None, rows if rows and len(rows) == shape[0] else cols if cols and len(
            cols
        ) == shape[0] else None
    return (
        rows if rows and len(rows) == n_rows else None,
        cols if cols and len(cols) == n_cols else None,
    )


def compare_view(left: TensorView, right: TensorView) -> CompareView:
    a, b = left.data, right.data
    if a.size != b.size:
        return CompareView(left, right, None, f"they differ in shape ({_shape(a)} and {_shape(b)})")
    if a.size == 0:
        return CompareView(left, right, 0.0)
    diff = np.abs(a.astype(np.float64).reshape(-1) - b.astype(np.float64).reshape(-1))
    note = "" if a.shape == b.shape else f"shapes {_shape(a)} and {_shape(b)}, same values"
    return CompareView(left, right, float(diff.max()), note)


def _shape(a: np.ndarray) -> str:
    return "×".join(str(d) for d in a.shape) or "scalar"


def heatmap_view(name: str, value: Any, labels: Labels) -> HeatmapView:
    view = tensor_view(name, value, labels)
    if view.data.ndim != 2:
        raise LessonRuntimeError(
            _("a heatmap needs a matrix; '{name}' has shape {shape}").format(
                name=name, shape=_shape(view.data)
            )
        )
    return HeatmapView(view)


def attention_view(
    name: str, value: Any, rows: tuple[str, ...] | None, cols: tuple[str, ...] | None
) -> AttentionView:
    view = tensor_view(name, value)
    data = view.data
    if data.ndim != 2:
        raise LessonRuntimeError(
            _(
                "attention weights form a matrix (queries × keys); '{name}' has shape {shape}"
            ).format(name=name, shape=_shape(data))
        )
    if rows and len(rows) != data.shape[0]:
        raise LessonRuntimeError(
            _("{labels} row labels for {n} rows of '{name}'").format(
                labels=len(rows), n=data.shape[0], name=name
            )
        )
    if cols and len(cols) != data.shape[1]:
        raise LessonRuntimeError(
            _("{labels} column labels for {n} columns of '{name}'").format(
                labels=len(cols), n=data.shape[1], name=name
            )
        )
    return AttentionView(view, rows, cols)


def confusion_view(
    name: str, pred: Any, target: Any, labels: tuple[str, ...] | None
) -> ConfusionView:
    p, t = _classes(pred, "pred"), _classes(target, "target")
    if p.shape != t.shape:
        raise LessonRuntimeError(
            _("pred has {p} values and target {t}; they must match one to one").format(
                p=p.size, t=t.size
            )
        )
    if p.size and (p.min() < 0 or t.min() < 0):
        raise LessonRuntimeError(_("classes are counted from 0; a negative class was found"))
    n = int(max(p.max(initial=0), t.max(initial=0))) + 1
    n = max(n, len(labels) if labels else 2)
    if n > MAX_VIEW_CLASSES:
        raise LessonRuntimeError(
            _(
                "a confusion view draws at most {limit} classes, and class {n} "
                "was found; check that pred and target hold class numbers"
            ).format(limit=MAX_VIEW_CLASSES, n=n - 1)
        )
    matrix = np.zeros((n, n), dtype=np.int64)
    np.add.at(matrix, (t, p), 1)
    accuracy, precision, recall, f1 = confusion_metrics(matrix)
    names = tuple(labels) if labels and len(labels) == n else tuple(str(k) for k in range(n))
    return ConfusionView(name, matrix, names, accuracy, precision, recall, f1)


def _classes(value: Any, what: str) -> np.ndarray:
    if not isinstance(value, torch.Tensor):
        raise LessonRuntimeError(_("{what} must be a tensor of classes").format(what=what))
    data = value.detach().to("cpu")
    if data.is_floating_point():
        rounded = data.round()
        if not torch.equal(rounded, data):
            raise LessonRuntimeError(
                _(
                    "{what} holds fractions; round it to classes first "
                    "(for probabilities: (p > 0.5).long())"
                ).format(what=what)
            )
        data = rounded
    return data.reshape(-1).long().numpy()


def graph_view(name: str, root: Any, names: Mapping[str, Any]) -> GraphView:
    """Walks `root.grad_fn` back to the leaves, naming leaves found in the lesson's state."""
    if not isinstance(root, torch.Tensor):
        raise LessonRuntimeError(
            _("'{name}' is not a tensor, so it has no graph").format(name=name)
        )
    leaf_names = {id(v): k for k, v in names.items() if isinstance(v, torch.Tensor)}
    nodes: list[GraphNode] = []
    ids: dict[int, int] = {}

    def visit(fn: Any) -> int:
        key = id(fn)
        if key in ids:
            return ids[key]
        index = len(nodes)
        ids[key] = index
        nodes.append(GraphNode(index, "", "op"))  # placeholder, filled below
        variable = getattr(fn, "variable", None)
        if variable is not None:  # AccumulateGrad: a leaf tensor
            label = leaf_names.get(id(variable), "tensor")
            grad = _numpy(variable.grad) if variable.grad is not None else None
            nodes[index] = GraphNode(index, label, "leaf", tuple(variable.shape), grad)
            return index
        inputs: list[int] = []
        for child, _input in getattr(fn, "next_functions", ()):
            if child is not None and len(nodes) < MAX_GRAPH_NODES:
                inputs.append(visit(child))
        nodes[index] = GraphNode(index, type(fn).__name__, "op", None, None, tuple(inputs))
        return index

    if root.grad_fn is None:
        shape = tuple(root.shape)
        only = GraphNode(
            0,
            name,
            "leaf" if root.requires_grad else "root",
            shape,
            _numpy(root.grad) if root.grad is not None else None,
        )
        return GraphView(name, (only,))
    top = GraphNode(0, name, "root", tuple(root.shape), None, (1,))
    nodes.append(top)
    ids[id(root)] = 0
    visit(root.grad_fn)
    return GraphView(name, tuple(nodes))
