"""`query_one`, remembered.

Drawing a step touches some twenty widgets, and each `query_one` walks the DOM matching a CSS
selector: about a fifth of a millisecond, every time, which added up to half of what drawing a
step cost in our own code. The widgets a screen composes stay for its whole life, so each is
looked up once (and again only if it was removed).
"""

from __future__ import annotations

from typing import TypeVar

from textual.dom import DOMNode
from textual.widget import Widget

W = TypeVar("W", bound=Widget)


def find(node: DOMNode, selector: str, kind: type[W]) -> W:
    """`node.query_one(selector, kind)`, looked up once per node and selector."""
    found: dict[str, Widget] = node.__dict__.setdefault("_tutor_found", {})
    widget = found.get(selector)
    if widget is None or not widget.is_attached:
        widget = found[selector] = node.query_one(selector, kind)
    assert isinstance(widget, kind)
    return widget
