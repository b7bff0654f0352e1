"""Pure functions and small classes that turn the engine's view records into rich renderables.

Nothing here imports torch: a view is plain data (`tutor.engine.views`), so the same drawing
serves the TUI, the plain transcript and the exports, and a snapshot of one checks the others.

The names below are loaded on first use (PEP 562): the app's first screen uses one small
module of this package (text wrapping), and should not wait for numpy and every renderer.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tutor.render.compare import CompareTable
    from tutor.render.confusion import ConfusionTable
    from tutor.render.graph import GraphTree
    from tutor.render.heatmap import Heatmap
    from tutor.render.numbers import NumberFormat, format_scalar, format_shape
    from tutor.render.palette import Scale
    from tutor.render.plot import LinePlot
    from tutor.render.step import StepPanel, expect_line, render_view
    from tutor.render.tensor import TensorTable

_WHERE = {
    "CompareTable": "compare",
    "ConfusionTable": "confusion",
    "GraphTree": "graph",
    "Heatmap": "heatmap",
    "LinePlot": "plot",
    "NumberFormat": "numbers",
    "Scale": "palette",
    "StepPanel": "step",
    "TensorTable": "tensor",
    "expect_line": "step",
    "format_scalar": "numbers",
    "format_shape": "numbers",
    "render_view": "step",
}

__all__ = [
    "CompareTable",
    "ConfusionTable",
    "GraphTree",
    "Heatmap",
    "LinePlot",
    "NumberFormat",
    "Scale",
    "StepPanel",
    "TensorTable",
    "expect_line",
    "format_scalar",
    "format_shape",
    "render_view",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'tutor.render' has no attribute {name!r}")
    return getattr(import_module(f"tutor.render.{module}"), name)
