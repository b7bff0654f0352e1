"""Pure functions and small classes that turn the engine's view records into rich renderables.

Nothing here imports torch: a view is plain data (`tutor.engine.views`), so the same drawing
serves the TUI, the plain transcript and the exports, and a snapshot of one checks the others.
"""

from tutor.render.compare import CompareTable
from tutor.render.confusion import ConfusionTable
from tutor.render.graph import GraphTree
from tutor.render.heatmap import Heatmap
from tutor.render.numbers import NumberFormat, format_scalar, format_shape
from tutor.render.palette import Scale
from tutor.render.plot import LinePlot
from tutor.render.step import StepPanel, expect_line, render_view
from tutor.render.tensor import TensorTable

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
