"""The autograd graph as a tree, from the result back to the leaves: micrograd's `draw_dot`,
in text. Backprop walks exactly these edges, so this is the map of where gradients flow.
"""

from __future__ import annotations

import numpy as np
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text
from rich.tree import Tree

from tutor.engine.views import GraphNode, GraphView
from tutor.i18n import _
from tutor.render import palette
from tutor.render.numbers import format_scalar, format_shape, format_small

INLINE_GRAD = 6
"""Gradients with at most this many numbers are printed in the tree; larger ones summarised."""
MAX_DEPTH = 40
"""Deeper than this the tree stops with `…` (a long `repeat` can build very deep graphs)."""


def _grad(grad: np.ndarray) -> Text:
    values = np.asarray(grad)
    if values.size <= INLINE_GRAD:
        return Text.assemble((_("grad") + " ", palette.META), format_small(values))
    finite = values[np.isfinite(values)] if np.issubdtype(values.dtype, np.number) else values
    biggest = format_scalar(float(np.abs(finite).max())) if finite.size else "nan"
    summary = _("grad {shape} · max |grad| {biggest}").format(
        shape=format_shape(values.shape), biggest=biggest
    )
    return Text(summary, style=palette.META)


class GraphTree:
    """A `GraphView` as a `rich.tree.Tree` rooted at the result.

    Operations (`MmBackward0`) are the inner nodes and leaves show their name, shape and
    gradient. A node reached a second time (a weight used twice) is drawn once and then
    referred to as `↑ see W`, so the tree stays the size of the graph.
    """

    def __init__(self, view: GraphView) -> None:
        self.view = view
        self.nodes: dict[int, GraphNode] = {node.id: node for node in view.nodes}

    def _name(self, node: GraphNode) -> str:
        """The node's name; a leaf the lesson did not name is the engine's `tensor`, said in
        the learner's words."""
        if node.kind == "leaf" and node.label in ("", "tensor"):
            return _("tensor")
        return node.label or "?"

    def label(self, node: GraphNode) -> Text:
        """One node: the op name, or a leaf's name with its shape and gradient."""
        name = self._name(node)
        if node.kind == "root":
            line = Text(self.view.name, style=palette.NAME)
            if name != self.view.name:
                line.append("  ")
                line.append(name, palette.OP)
        elif node.kind == "op":
            line = Text(name, style=palette.OP)
        else:
            line = Text(name, style=palette.NAME)
        if node.shape is not None:
            shape = format_shape(node.shape)
            line.append(
                "  " + (_("shape {shape}") if node.shape else "{shape}").format(shape=shape),
                palette.META,
            )
        if node.grad is not None:
            line.append("  ")
            line.append_text(_grad(node.grad))
        return line

    def tree(self) -> Tree:
        """The graph as a tree, each node expanded once."""
        if not self.view.nodes:
            message = _("{name} has no autograd graph (no tensor with grad: true)").format(
                name=self.view.name
            )
            return Tree(Text(message, style=palette.META))
        root_node = self.view.nodes[0]
        root = Tree(self.label(root_node), guide_style="dim")
        seen: set[int] = {root_node.id}
        # Depth first in the order the tree prints, so the first sighting is the one expanded.
        stack: list[tuple[Tree, int, int]] = [(root, i, 1) for i in reversed(root_node.inputs)]
        while stack:
            parent, node_id, depth = stack.pop()
            node = self.nodes.get(node_id)
            if node is None:
                parent.add(Text("?", style=palette.META))
            elif node.id in seen:
                parent.add(
                    Text(_("↑ see {name}").format(name=self._name(node)), style=palette.META)
                )
            elif depth > MAX_DEPTH:
                parent.add(Text("…", style=palette.META))
            else:
                seen.add(node.id)
                branch = parent.add(self.label(node))
                stack.extend((branch, i, depth + 1) for i in reversed(node.inputs))
        return root

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text(_("autograd graph · the result first, its inputs below it"), style=palette.META)
        yield self.tree()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.tree())
